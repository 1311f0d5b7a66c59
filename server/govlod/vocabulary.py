"""The vocabulary as a document: every class, property and code list with its labels, definition
and alignments, read from the ontology's named graphs in the store."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from govlod.sparql.worker import QueryJob
from govlod.stores.interface import Queries

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT_DESCRIPTION = "http://purl.org/dc/terms/description"
KINDS = {OWL + "Class": "classes", OWL + "ObjectProperty": "properties", OWL + "DatatypeProperty": "properties"}
RELATIONS = {
    RDFS + "subClassOf": ("sottoclasse di", "subclass of"),
    RDFS + "subPropertyOf": ("sottoproprietà di", "subproperty of"),
    OWL + "equivalentClass": ("equivalente a", "equivalent to"),
    OWL + "inverseOf": ("inversa di", "inverse of"),
    SKOS + "closeMatch": ("simile a", "close match"),
    SKOS + "exactMatch": ("corrisponde a", "exact match"),
    RDFS + "domain": ("dominio", "domain"),
    RDFS + "range": ("codominio", "range"),
}


@dataclass
class Term:
    iri: str
    anchor: str
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    relations: list[tuple[tuple[str, str], str]] = field(default_factory=list)
    members: list[Term] = field(default_factory=list)  # concepts of a code list

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("it") or self.anchor

    def definition(self, lang: str) -> str:
        return self.definitions.get(lang) or self.definitions.get("it") or ""


@dataclass
class VocabularyView:
    iri: str
    title: dict[str, str]
    description: dict[str, str]
    version: str
    classes: list[Term]
    properties: list[Term]
    schemes: list[Term]


def vocabulary_query(graph_space: str) -> str:
    graphs = f'FILTER (STRSTARTS(STR(?g), "{graph_space}ontology/"))'
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {graphs} }}"


async def read_vocabulary(queries: Queries, graph_space: str) -> list[ox.Triple]:
    job = QueryJob(query=vocabulary_query(graph_space), format="ntriples", max_rows=200_000, names_graphs=True)
    body, _ = await queries.collect(job)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]


def vocabulary_view(triples: list[ox.Triple], ontology_iri: str) -> VocabularyView:
    terms: dict[str, Term] = {}
    kinds: dict[str, str] = {}
    in_scheme: dict[str, str] = {}
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        iri = t.subject.value
        term = terms.setdefault(iri, Term(iri=iri, anchor=iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]))
        predicate = t.predicate.value
        if predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            if t.object.value in KINDS:
                kinds[iri] = KINDS[t.object.value]
            elif t.object.value == SKOS + "ConceptScheme":
                kinds[iri] = "schemes"
        elif isinstance(t.object, ox.Literal) and predicate in (RDFS + "label", SKOS + "prefLabel"):
            term.labels.setdefault(t.object.language or "it", t.object.value)
        elif isinstance(t.object, ox.Literal) and predicate in (SKOS + "definition", DCT_DESCRIPTION):
            term.definitions[t.object.language or "it"] = t.object.value
        elif predicate in RELATIONS and isinstance(t.object, ox.NamedNode):
            term.relations.append((RELATIONS[predicate], t.object.value))
        elif predicate == SKOS + "inScheme" and isinstance(t.object, ox.NamedNode):
            in_scheme[iri] = t.object.value
    for concept, scheme in sorted(in_scheme.items()):
        if scheme in terms:
            terms[scheme].members.append(terms[concept])
    ontology = terms.get(ontology_iri, Term(iri=ontology_iri, anchor="ontology"))

    def of(kind: str) -> list[Term]:
        return sorted(
            (terms[i] for i, k in kinds.items() if k == kind and i.startswith(ontology_iri)), key=lambda t: t.anchor
        )

    schemes = sorted((terms[i] for i, k in kinds.items() if k == "schemes"), key=lambda t: t.anchor)
    version = next(
        (
            t.object.value
            for t in triples
            if t.predicate.value == OWL + "versionInfo" and isinstance(t.object, ox.Literal)
        ),
        "",
    )
    return VocabularyView(
        iri=ontology_iri,
        title=ontology.labels,
        description=ontology.definitions or {},
        version=version,
        classes=of("classes"),
        properties=of("properties"),
        schemes=schemes,
    )
