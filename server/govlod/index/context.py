"""Labels that tell resources apart: a resource's own label and the labels of what contains it.

Hundreds of tables are called "Tavolo Politico"; what sets one apart is its coordination, and a
seat is told apart by its table. So a resource's context is the label of its container, found by
the first of CONTAINERS it has, and that container's own container: "Tavolo Politico" in the
context "Coordinamento degli Enti Gestori di Novara".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pyoxigraph as ox

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


def read_containers(store: ox.Store, vocabulary: str, graph: ox.DefaultGraph | None) -> dict[str, str]:
    """Each resource's nearest container in `store` (one graph, or all with None): the first of
    CONTAINERS it has."""
    containers: dict[str, str] = {}
    for prop, forward in container_properties(vocabulary):
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, graph):
            inner, outer = (quad.subject, quad.object) if forward else (quad.object, quad.subject)
            if isinstance(inner, ox.NamedNode) and isinstance(outer, ox.NamedNode):
                containers.setdefault(inner.value, outer.value)
    return containers


def context_quads(store: ox.Store, vocabulary: str) -> Iterator[ox.Quad]:
    """`gl:contextLabel` of every labelled resource of the store's graphs that has a container, in
    each graph that labels it: in Italian and in English, each where every container has a label in
    that language (an Italian name is never given an English tag, nor the other way round; a label
    with no language counts as Italian)."""
    context = ox.NamedNode(vocabulary + "contextLabel")
    labels: dict[str, dict[str, str]] = {}
    labelled: dict[tuple[str, ox.NamedNode], None] = {}
    for prop in (RDFS_LABEL, SKOS + "prefLabel"):
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, None):
            subject, name, graph = quad.subject, quad.object, quad.graph_name
            if isinstance(subject, ox.NamedNode) and isinstance(name, ox.Literal):
                labels.setdefault(subject.value, {}).setdefault(name.language or "", name.value)
                if isinstance(graph, ox.NamedNode):
                    labelled[(subject.value, graph)] = None
    containers = read_containers(store, vocabulary, None)
    for iri, graph in labelled:
        chain = _chain(iri, containers)
        if not chain:
            continue
        subject = ox.NamedNode(iri)
        if all(labels.get(container, {}).keys() & {"it", ""} for container in chain):
            italian = context_label(iri, containers, labels, "it")
            if italian is not None:
                yield ox.Quad(subject, context, ox.Literal(italian, language="it"), graph)
        if all("en" in labels.get(container, {}) for container in chain):
            in_english = context_label(iri, containers, labels, "en")
            if in_english is not None:
                yield ox.Quad(subject, context, ox.Literal(in_english, language="en"), graph)


def _chain(iri: str, containers: Mapping[str, str]) -> list[str]:
    """The containers a context names, nearest first (at most CONTEXT_DEPTH)."""
    chain: list[str] = []
    current = iri
    while len(chain) < CONTEXT_DEPTH and (current := containers.get(current, iri)) != iri:
        chain.append(current)
    return chain
