"""Materialising the ORG view of the data: ORG super-properties and super-classes of our own terms.

Publishers write `gl:hasObjective`; a client that knows only W3C ORG asks for `org:purpose`.
Adding the implied ORG triples once, at load time, lets both queries work without a reasoner.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from govlod.namespaces import RDF_TYPE

ORG = "http://www.w3.org/ns/org#"
_SUB_PROPERTY = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
_SUB_CLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


def _closure(direct: dict[str, set[str]]) -> dict[str, set[str]]:
    """Every ORG ancestor of each term, following the hierarchy transitively."""
    result: dict[str, set[str]] = {}
    for term in direct:
        seen: set[str] = set()
        pending = list(direct[term])
        while pending:
            parent = pending.pop()
            if parent not in seen:
                seen.add(parent)
                pending.extend(direct.get(parent, ()))
        org_ancestors = {p for p in seen if p.startswith(ORG)}
        if org_ancestors:
            result[term] = org_ancestors
    return result


class OrgView:
    """The ORG ancestors of the vocabulary's properties and classes, read from the ontology."""

    def __init__(self, ontology: Iterable[ox.Triple]):
        properties: dict[str, set[str]] = {}
        classes: dict[str, set[str]] = {}
        for triple in ontology:
            if not isinstance(triple.object, ox.NamedNode) or not isinstance(triple.subject, ox.NamedNode):
                continue
            if triple.predicate.value == _SUB_PROPERTY:
                properties.setdefault(triple.subject.value, set()).add(triple.object.value)
            elif triple.predicate.value == _SUB_CLASS:
                classes.setdefault(triple.subject.value, set()).add(triple.object.value)
        self.property_ancestors = {k: [ox.NamedNode(v) for v in sorted(vs)] for k, vs in _closure(properties).items()}
        self.class_ancestors = {k: [ox.NamedNode(v) for v in sorted(vs)] for k, vs in _closure(classes).items()}

    def implied(self, triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        """The ORG triples implied by `triples` (some may already be stated; the store dedupes)."""
        for triple in triples:
            predicate = triple.predicate.value
            for parent in self.property_ancestors.get(predicate, ()):
                yield ox.Triple(triple.subject, parent, triple.object)
            if triple.predicate == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
                for parent in self.class_ancestors.get(triple.object.value, ()):
                    yield ox.Triple(triple.subject, RDF_TYPE, parent)
