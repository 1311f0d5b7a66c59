"""Turning a list of triples into a document in one of the RDF formats of the media table."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import pyoxigraph as ox

from govlod.jsonld import compact_jsonld
from govlod.media import MediaFormat

_NAMESPACE_ENDS = re.compile(r"[/#:]")
REMEMBERED_FOLDERS = 100_000  # IRI folders whose namespaces a finder keeps (a hundred bytes each)


class _NamespaceFinder:
    """Which of a set of namespaces start an IRI, remembered per IRI folder.

    When every namespace ends at a '/', '#' or ':', the namespaces an IRI starts with are among its
    own starts that end there, and all of them lie within its folder (up to its last such
    character): the answer for one IRI is the answer for every IRI of its folder, and a document's
    IRIs share a few folders with every other document (the vocabularies, the table of a seat).
    """

    def __init__(self, namespaces: frozenset[str]):
        self._namespaces = namespaces
        self.by_folder = all(_NAMESPACE_ENDS.fullmatch(ns[-1:]) for ns in namespaces)
        self._folders: dict[str, frozenset[str]] = {}

    def namespaces_of(self, iris: Iterable[str]) -> set[str]:
        found: set[str] = set()
        if not self.by_folder:
            return {ns for ns in self._namespaces if any(iri.startswith(ns) for iri in iris)}
        folders = self._folders
        for iri in iris:
            folder = iri[: max(iri.rfind("/"), iri.rfind("#"), iri.rfind(":")) + 1]
            known = folders.get(folder)
            if known is None:
                known = frozenset(folder[: end.end()] for end in _NAMESPACE_ENDS.finditer(folder)) & self._namespaces
                if len(folders) >= REMEMBERED_FOLDERS:
                    folders.clear()
                folders[folder] = known
            found.update(known)
        return found


@functools.lru_cache(maxsize=32)
def _finder(namespaces: frozenset[str]) -> _NamespaceFinder:
    return _NamespaceFinder(namespaces)


def used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes whose namespace some IRI of the triples starts with: a document's context."""
    iris = {
        t.value
        for triple in triples
        for t in (triple.subject, triple.predicate, triple.object)
        if isinstance(t, ox.NamedNode)
    }
    found = _finder(frozenset(prefixes.values())).namespaces_of(iris)
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
