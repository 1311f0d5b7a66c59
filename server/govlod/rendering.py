"""Turning a list of triples into a document in one of the RDF formats of the media table."""

from __future__ import annotations

import re

import pyoxigraph as ox

from govlod.jsonld import compact_jsonld
from govlod.media import MediaFormat

_NAMESPACE_ENDS = re.compile(r"[/#:]")


def used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes whose namespace some IRI of the triples starts with: a document's context."""
    iris = {
        t.value
        for triple in triples
        for t in (triple.subject, triple.predicate, triple.object)
        if isinstance(t, ox.NamedNode)
    }
    if not all(_NAMESPACE_ENDS.fullmatch(ns[-1:]) for ns in prefixes.values()):
        return {name: ns for name, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}
    # Every namespace ends at a '/', '#' or ':', so the namespaces an IRI starts with are among its
    # own starts that end there: a few dictionary lookups per IRI instead of one test per prefix.
    wanted = set(prefixes.values())
    found = {iri[: end.end()] for iri in iris for end in _NAMESPACE_ENDS.finditer(iri)} & wanted
    return {name: ns for name, ns in prefixes.items() if ns in found}


def render_rdf(triples: list[ox.Triple], media: MediaFormat, prefixes: dict[str, str]) -> bytes:
    """Serialise `triples`; JSON-LD is compacted with a context of the prefixes the triples use."""
    context = used_prefixes(triples, prefixes)
    if media.name == "jsonld":
        return compact_jsonld(triples, context)
    assert media.rdf is not None
    items: list[ox.Triple] | list[ox.Quad] = triples
    if media.rdf.supports_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return ox.serialize(items, format=media.rdf, prefixes=context) or b""
