"""The HTML view of a resource's document: labels instead of IRIs, values grouped by property."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from govlod.documents import INCOMING_PAGE, Document
from govlod.web.composition import Picture, composition

VOCABULARY_LABELS = Path(__file__).parent / "vocabulary_labels.ttl"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")
SCHEMA_TYPES = {
    "https://w3id.org/govlod/ontology#PublicBody": "GovernmentOrganization",
    "http://www.w3.org/ns/org#Organization": "Organization",
    "http://data.europa.eu/eli/ontology#LegalResource": "Legislation",
    "http://www.w3.org/2006/vcard/ns#Kind": "ContactPoint",
}


@dataclass
class Value:
    kind: str  # iri, literal, bnode
    text: str
    href: str | None = None
    lang: str | None = None
    nested: list[Group] = field(default_factory=list)


@dataclass
class Group:
    label: str
    iri: str
    values: list[Value]


@dataclass
class ResourceView:
    iri: str
    label: str
    context: str | None  # what tells it apart from resources of the same name (gl:contextLabel)
    territory: bool  # a body with a territory, within which people can search
    types: list[Value]
    groups: list[Group]
    incoming: list[Group]
    json_ld: str
    # Every link to the resource counted by property (label, IRI, count), and where this page is.
    incoming_counts: list[tuple[str, str, int]] = field(default_factory=list)
    incoming_total: int = 0
    links_page: int = 1
    links_pages: int = 1
    lang: str = "it"  # the language the page is in

    def composition(self, seats: Sequence[Mapping[str, str]]) -> list[Picture]:
        """The pictures of the resource's composition, when it is a table with `seats` (the rows
        of its governance view): one layout for wide screens and one for phones."""
        return composition(self.label, seats, self.lang)


@functools.cache
def vocabulary_labels() -> tuple[ox.Triple, ...]:
    """Labels of the standard terms (ORG, SKOS, vCard, ...), so pages never show a bare IRI."""
    return tuple(
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(path=str(VOCABULARY_LABELS), format=ox.RdfFormat.TURTLE)
    )


def _rank_labels(triples: Iterable[ox.Triple], lang: str, ranked: dict[str, tuple[int, str]]) -> None:
    """Keep in `ranked` the best label of every IRI: the reader's language, then Italian, then any."""
    for t in triples:
        if t.predicate.value in LABELS and isinstance(t.object, ox.Literal) and isinstance(t.subject, ox.NamedNode):
            rank = 0 if t.object.language == lang else 1 if t.object.language == "it" else 2
            current = ranked.get(t.subject.value)
            if current is None or rank < current[0]:
                ranked[t.subject.value] = (rank, t.object.value)


@functools.cache
def _vocabulary_ranks(lang: str) -> dict[str, tuple[int, str]]:
    ranked: dict[str, tuple[int, str]] = {}
    _rank_labels(vocabulary_labels(), lang, ranked)
    return ranked


def _labels(triples: list[ox.Triple], lang: str) -> dict[str, str]:
    """The best label of every IRI, the standard terms' included (ranked once per language)."""
    ranked = dict(_vocabulary_ranks(lang))
    _rank_labels(triples, lang, ranked)
    return {iri: label for iri, (_, label) in ranked.items()}


def _short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _groups(
    subject: ox.NamedNode | ox.BlankNode, triples: list[ox.Triple], labels: dict[str, str], lang: str, depth: int = 0
) -> list[Group]:
    by_predicate: dict[str, list[Value]] = {}
    for t in triples:
        if t.subject != subject or (t.predicate.value == RDF_TYPE and depth == 0):
            continue
        if t.predicate.value in LABELS and depth == 0:
            continue
        value: Value
        if isinstance(t.object, ox.NamedNode):
            value = Value("iri", labels.get(t.object.value, _short(t.object.value)), href=t.object.value)
        elif isinstance(t.object, ox.BlankNode):
            nested = _groups(t.object, triples, labels, lang, depth + 1) if depth < 3 else []
            value = Value("bnode", "", nested=nested)
        elif isinstance(t.object, ox.Literal):
            value = Value("literal", t.object.value, lang=t.object.language)
        else:
            value = Value("literal", str(t.object))
        by_predicate.setdefault(t.predicate.value, []).append(value)
    groups = [Group(labels.get(p, _short(p)), p, values) for p, values in by_predicate.items()]
    for group in groups:
        # Values in the reader's language first, then by text: stable and readable.
        group.values.sort(key=lambda v: (v.lang not in (None, lang), v.text))
    return sorted(groups, key=lambda g: g.label.lower())


def _context(triples: list[ox.Triple], subject: ox.NamedNode, vocabulary: str, lang: str) -> str | None:
    """The resource's context label in the reader's language, else in Italian."""
    context = vocabulary + "contextLabel"
    found: dict[str | None, str] = {
        t.object.language: t.object.value
        for t in triples
        if t.subject == subject and t.predicate.value == context and isinstance(t.object, ox.Literal)
    }
    return found.get(lang) or found.get("it")


def resource_view(document: Document, lang: str, vocabulary: str) -> ResourceView:
    """What a resource's page shows; `vocabulary` is the namespace of the project's terms as served."""
    triples = document.triples
    labels = _labels(triples, lang)
    subject = ox.NamedNode(document.iri)
    types = [
        Value("iri", labels.get(t.object.value, _short(t.object.value)), href=t.object.value)
        for t in triples
        if t.subject == subject and t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)
    ]
    incoming: dict[str, list[Value]] = {}
    for link in document.incoming:
        text = link.label or _short(link.source)
        incoming.setdefault(link.predicate, []).append(Value("iri", text, href=link.source))
    label = labels.get(document.iri, _short(document.iri))
    schema_type = next((SCHEMA_TYPES[t.href] for t in types if t.href in SCHEMA_TYPES), "Thing")
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": schema_type,
            "@id": document.iri,
            "name": label,
            "url": document.iri,
        },
        ensure_ascii=False,
    )
    return ResourceView(
        iri=document.iri,
        label=label,
        context=_context(triples, subject, vocabulary, lang),
        territory=vocabulary + "withinTerritoryOf" in document.incoming_counts
        or any(t.subject == subject and t.predicate.value == vocabulary + "withinTerritoryOf" for t in triples),
        types=types,
        groups=_groups(subject, triples, labels, lang),
        incoming=[Group(labels.get(p, _short(p)), p, values) for p, values in sorted(incoming.items())],
        # Inside <script>, only the JSON's own text: no "</script>" or "<!--" can end or bend the block.
        json_ld=json_ld.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),
        incoming_counts=[(labels.get(p, _short(p)), p, n) for p, n in document.incoming_counts.items()],
        incoming_total=document.incoming_total,
        links_page=document.incoming_offset // INCOMING_PAGE + 1,
        links_pages=max(1, -(-document.incoming_total // INCOMING_PAGE)),
        lang=lang,
    )
