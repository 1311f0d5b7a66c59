"""Labels that tell resources apart: a resource's own label and the labels of what contains it.

Hundreds of tables are called "Tavolo Politico"; what sets one apart is its coordination, and a
seat is told apart by its table. So a resource's context is the label of its container, found by
the first of CONTAINERS it has, and that container's own container: "Tavolo Politico" in the
context "Coordinamento degli Enti Gestori di Novara".
"""

from __future__ import annotations

from collections.abc import Mapping

ORG = "http://www.w3.org/ns/org#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FOAF_PERSON = "http://xmlns.com/foaf/0.1/Person"

# (property, whether the container is its object: False when the container points to the resource)
CONTAINERS: tuple[tuple[str, bool], ...] = (
    (ORG + "postIn", True),  # a seat: its table
    (ORG + "unitOf", True),  # a table or office: its coordination or body
    (ORG + "organization", True),  # a membership: its table
    (ORG + "subOrganizationOf", True),
    ("{vocabulary}establishedBy", True),  # a coordination: the body that set it up (a Province)
    ("{vocabulary}hasObjective", False),  # an objective: whose it is
    (ORG + "purpose", False),
    ("{vocabulary}contactPoint", False),  # a contact point: whose it is
    ("http://www.w3.org/2004/02/skos/core#inScheme", True),  # a code list's concept: its list
    (ORG + "memberOf", True),  # a body: the coordination it belongs to
)
CONTEXT_DEPTH = 2
SEPARATOR = " · "

Labels = Mapping[str, Mapping[str, str]]  # IRI -> language -> label


def container_properties(vocabulary: str) -> list[tuple[str, bool]]:
    return [(prop.format(vocabulary=vocabulary), forward) for prop, forward in CONTAINERS]


def best_label(labels: Labels, iri: str, lang: str) -> str | None:
    """The label in `lang`, else the Italian one, else one with no language, else any."""
    known = labels.get(iri)
    if not known:
        return None
    for choice in (lang, "it", ""):
        if choice in known:
            return known[choice]
    return next(iter(known.values()))


def context_label(iri: str, containers: Mapping[str, str], labels: Labels, lang: str) -> str | None:
    """The labels of the resource's containers, nearest first, joined: None when it has none."""
    parts: list[str] = []
    current = iri
    for _ in range(CONTEXT_DEPTH):
        container = containers.get(current)
        if container is None or container == iri:
            break
        label = best_label(labels, container, lang)
        if label is not None and label not in parts:
            parts.append(label)
        current = container
    return SEPARATOR.join(parts) or None
