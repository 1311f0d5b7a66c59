"""The query page for people: an editor, example queries, and results as a table with labels."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from govlod.media import BY_NAME, MediaFormat
from govlod.sparql.inspect import QueryForm, names_graphs
from govlod.sparql.protocol import QueryRequest
from govlod.sparql.results import term_to_json
from govlod.sparql.worker import QueryJob
from govlod.web.runtime import Runtime

SHOWN_ROWS = 1000
LABEL_BATCH = 500


@dataclass
class Cell:
    kind: str  # iri, literal, bnode, empty
    text: str = ""
    href: str | None = None
    title: str | None = None
    lang: str | None = None


@dataclass
class PageResult:
    variables: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    boolean: bool | None = None
    total_rows: int = 0
    truncated: bool = False
    seconds: float = 0.0


def download_links(request: QueryRequest, formats: tuple[MediaFormat, ...]) -> list[tuple[str, str]]:
    links = []
    for media in formats:
        params: list[tuple[str, str]] = [("query", request.query or "")]
        params += [("default-graph-uri", g) for g in request.default_graphs]
        params += [("named-graph-uri", g) for g in request.named_graphs]
        params.append(("format", media.name))
        links.append((media.media_type, "sparql?" + urlencode(params)))
    return links


def _compact(iri: str, prefixes: dict[str, str]) -> str:
    for name, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{name}:{iri[len(namespace) :]}"
    return iri


def _cell(term: dict[str, Any] | None, labels: dict[str, str], prefixes: dict[str, str]) -> Cell:
    if term is None:
        return Cell("empty")
    value = str(term["value"])
    if term["type"] == "uri":
        return Cell("iri", labels.get(value) or _compact(value, prefixes), href=value, title=value)
    if term["type"] == "bnode":
        return Cell("bnode", "_:" + value)
    if term["type"] == "triple":
        return Cell("literal", json.dumps(value))
    datatype = term.get("datatype")
    return Cell(
        "literal",
        value,
        lang=term.get("xml:lang"),
        title=_compact(datatype, prefixes) if datatype else None,
    )


def _iris(texts: list[str]) -> list[ox.NamedNode]:
    """The texts that are IRIs, as terms: they are written into the label query as terms, never as text."""
    terms = []
    for text in texts:
        try:
            terms.append(ox.NamedNode(text))
        except ValueError:
            continue  # an answer can hold any IRI an expression made; no label is looked up for it
    return terms


async def _labels(runtime: Runtime, iris: list[str]) -> dict[str, str]:
    """Italian labels (else any label) of the IRIs shown, with the context that tells apart those of
    the same name ("Tavolo Politico — Coordinamento … · Provincia di …"), in a few batched queries."""
    labels: dict[str, str] = {}
    context = ox.NamedNode(runtime.prefixes["gl"] + "contextLabel")
    for start in range(0, len(iris), LABEL_BATCH):
        values = " ".join(str(term) for term in _iris(iris[start : start + LABEL_BATCH]))
        query = (
            "SELECT ?s ?l ?c WHERE { VALUES ?s { " + values + " } "
            "?s <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
            'FILTER (LANG(?l) = "it" || LANG(?l) = "") '
            f'OPTIONAL {{ ?s {context} ?c FILTER (LANG(?c) = "it") }} }}'
        )
        for row in await runtime.queries.select(query, LABEL_BATCH * 4):
            shown = f"{row['l']} — {row['c']}" if "c" in row else row["l"]
            labels.setdefault(row["s"], shown)
    return labels


async def run_for_page(runtime: Runtime, request: QueryRequest, form: QueryForm) -> PageResult:
    """Run the query as JSON (or N-Triples for graphs) and turn it into rows of labelled cells."""
    assert request.query is not None
    started = time.perf_counter()
    media = BY_NAME["ntriples" if form.returns_graph else "json"]
    job = QueryJob(
        query=request.query,
        format=media.name,
        max_rows=min(runtime.settings.max_rows, SHOWN_ROWS),
        default_graphs=request.default_graphs,
        named_graphs=request.named_graphs,
        names_graphs=bool(request.default_graphs or request.named_graphs) or names_graphs(request.query),
    )
    with runtime.admission.admitted():
        body, outcome = await runtime.queries.collect(job)
    result = PageResult(truncated=outcome.truncated)
    bindings: list[dict[str, Any]]
    if form.returns_graph:
        result.variables = ["subject", "predicate", "object"]
        bindings = [
            {
                "subject": term_to_json(t.subject),
                "predicate": term_to_json(t.predicate),
                "object": term_to_json(t.object),
            }
            for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        ]
    else:
        parsed = json.loads(body)
        if "boolean" in parsed:
            result.boolean = bool(parsed["boolean"])
            result.seconds = time.perf_counter() - started
            return result
        result.variables = parsed["head"]["vars"]
        bindings = parsed["results"]["bindings"]
    iris = sorted({t["value"] for b in bindings for t in b.values() if t["type"] == "uri"})
    labels = await _labels(runtime, iris)
    result.rows = [[_cell(b.get(v), labels, runtime.prefixes) for v in result.variables] for b in bindings]
    result.total_rows = len(bindings)
    result.seconds = time.perf_counter() - started
    return result
