"""The vocabulary files read as the semantic assets the National Data Catalog harvests: the ontology
and each code list, with what the repository layout is named after."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from govlod.namespaces import RDF_TYPE
from govlod.ndc.queries import KEY, turtle_query
from govlod.sources import discover, parse

OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
DCATAPIT_DATASET = ox.NamedNode("http://dati.gov.it/onto/dcatapit#Dataset")
KEY_CONCEPT = ox.NamedNode("https://w3id.org/italia/onto/NDC/keyConcept")
# The version folders the NDC orders; an ontology is published under its own version.
VERSION = re.compile(r"^v?[0-9]+(\.[0-9]+){0,2}$")
# How far a code list's file follows its metadata: the scheme's distributions, agents and the
# documents the distributions point to are described in it, as the harvester reads one file alone.
METADATA_DEPTH = 2


class AssetError(ValueError):
    """The vocabulary files do not make the assets the NDC layout needs (a name, a version, a key)."""


@dataclass(frozen=True)
class Asset:
    """One semantic asset: its IRI, the name its folder and files take, and its metadata."""

    iri: str
    name: str
    version: str
    facts: dict[str, list[ox.Literal | ox.NamedNode]] = field(repr=False)

    def texts(self, predicate: str) -> dict[str, str]:
        """The literal values of `predicate` by language (untagged as Italian)."""
        return {v.language or "it": v.value for v in self.facts.get(predicate, []) if isinstance(v, ox.Literal)}

    def first(self, predicate: str) -> str:
        """The value of `predicate` (the first in order, if several), which the asset must have."""
        values = self.facts.get(predicate, [])
        if not values:
            raise AssetError(f"{self.iri} has no {predicate}")
        return values[0].value


@dataclass(frozen=True)
class Ontology(Asset):
    source: Path = Path()


@dataclass(frozen=True)
class CodeList(Asset):
    triples: list[ox.Triple] = field(default_factory=list, repr=False)


@dataclass(frozen=True)
class Vocabulary:
    """The assets and the store of every vocabulary file they were read from."""

    ontology: Ontology
    code_lists: list[CodeList]
    store: ox.Store = field(repr=False)

    def names(self, iri: str) -> dict[str, str]:
        """The foaf:name of an agent by language."""
        return {
            q.object.language or "it": q.object.value
            for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(FOAF + "name"), None)
            if isinstance(q.object, ox.Literal)
        }


def read_vocabulary(ontology_dir: Path) -> Vocabulary:
    """The ontology (one file declaring an owl:Ontology) and every code list with an ndc:keyConcept."""
    store = ox.Store()
    ontologies: list[tuple[str, Path]] = []
    for source in discover([ontology_dir]):
        parsed = parse(source)
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in parsed.triples)
        ontologies += [
            (t.subject.value, source.path)
            for t in parsed.triples
            if t.predicate == RDF_TYPE
            and t.object == ox.NamedNode(OWL + "Ontology")
            and isinstance(t.subject, ox.NamedNode)
        ]
    if len(ontologies) != 1:
        raise AssetError(f"{ontology_dir} must declare exactly one owl:Ontology, not {len(ontologies)}")
    iri, path = ontologies[0]
    facts = _facts(store, iri)
    ontology = Ontology(iri=iri, name=path.stem, version=_version(iri, facts), facts=facts, source=path)
    return Vocabulary(ontology, [_code_list(store, scheme) for scheme in _schemes(store)], store)


def _facts(store: ox.Store, iri: str) -> dict[str, list[ox.Literal | ox.NamedNode]]:
    facts: dict[str, list[ox.Literal | ox.NamedNode]] = {}
    for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None):
        if isinstance(quad.object, ox.Literal | ox.NamedNode):
            facts.setdefault(quad.predicate.value, []).append(quad.object)
    for values in facts.values():
        values.sort(key=str)
    return facts


def _version(iri: str, facts: dict[str, list[ox.Literal | ox.NamedNode]]) -> str:
    versions = facts.get(OWL + "versionInfo", [])
    if len(versions) != 1 or not VERSION.match(versions[0].value):
        raise AssetError(f"{iri}: needs one owl:versionInfo like 1.2 or v1.2.3, which names its NDC version folder")
    return versions[0].value


def _schemes(store: ox.Store) -> list[str]:
    return sorted(
        q.subject.value for q in store.quads_for_pattern(None, KEY_CONCEPT, None) if isinstance(q.subject, ox.NamedNode)
    )


def _code_list(store: ox.Store, iri: str) -> CodeList:
    facts = _facts(store, iri)
    key = facts[KEY_CONCEPT.value][0].value
    # The harvester names a list after its key and looks the list up by the last segment of its IRI.
    if not KEY.match(key) or iri.rstrip("/").rsplit("/", 1)[-1] != key:
        raise AssetError(f"{iri}: ndc:keyConcept {key!r} must be the last segment of the IRI, in [a-z0-9-]")
    if ox.Quad(ox.NamedNode(iri), RDF_TYPE, DCATAPIT_DATASET) not in store:
        raise AssetError(f"{iri} has an ndc:keyConcept but is not a dcatapit:Dataset")
    answer = store.query(turtle_query(key))
    assert isinstance(answer, ox.QueryTriples)
    triples = list(answer)
    triples += _described(store, iri, {t.subject for t in triples})
    return CodeList(iri=iri, name=key, version=_version(iri, facts), facts=facts, triples=triples)


def _described(store: ox.Store, iri: str, already: set[ox.NamedNode | ox.BlankNode]) -> list[ox.Triple]:
    """What the scheme's metadata points to and the store describes, up to `METADATA_DEPTH` links away."""
    found: list[ox.Triple] = []
    frontier: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri)]
    seen = set(already)
    for _ in range(METADATA_DEPTH):
        following: list[ox.NamedNode | ox.BlankNode] = []
        for node in frontier:
            for quad in store.quads_for_pattern(node, None, None):
                value = quad.object
                if isinstance(value, ox.NamedNode | ox.BlankNode) and value not in seen and _is_described(store, value):
                    seen.add(value)
                    following.append(value)
                    found += [
                        ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(value, None, None)
                    ]
        frontier = following
    return found


def _is_described(store: ox.Store, node: ox.NamedNode | ox.BlankNode) -> bool:
    return next(iter(store.quads_for_pattern(node, None, None)), None) is not None
