"""`gl:contextLabel` in the data: each build adds, to the graph that labels a resource, the labels of
what contains it, so that SPARQL, dumps and pages tell apart resources of the same name."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from govlod.index.context import context_quads
from govlod.namespaces import GRAPH_SPACE, ID_SPACE, VOCABULARY
from tests.helpers import RunningServer

CONTEXT = ox.NamedNode(VOCABULARY + "contextLabel")
NOVARA = ID_SPACE + "organization/coordinamento-enti-gestori-novara"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ORG = "http://www.w3.org/ns/org#"


def _contexts(store: ox.Store, iri: str, graph: ox.DefaultGraph | ox.NamedNode) -> set[ox.Literal]:
    return {q.object for q in store.quads_for_pattern(ox.NamedNode(iri), CONTEXT, None, graph)}  # type: ignore[misc]


def test_a_table_and_its_seats_carry_their_containers_labels_in_both_languages(built_store: Path) -> None:
    store = ox.Store.read_only(str(built_store / "current" / "oxigraph"))
    graph = ox.NamedNode(GRAPH_SPACE + "provincia-novara/coordinamento-enti-gestori")
    coordination_it = "Coordinamento degli Enti Gestori delle Funzioni socio assistenziali"
    assert _contexts(store, NOVARA + "/tavolo-politico", graph) == {
        ox.Literal(f"{coordination_it} · Provincia di Novara", language="it"),
        ox.Literal("Coordination of the managing bodies of social-care functions · Province of Novara", language="en"),
    }
    seat = ID_SPACE + "post/coordinamento-enti-gestori-novara/tavolo-tecnico/segretario-verbalizzante"
    assert ox.Literal(f"Tavolo Tecnico · {coordination_it}", language="it") in _contexts(store, seat, graph)
    # in the default graph too, which SPARQL queries without GRAPH read
    assert _contexts(store, NOVARA + "/tavolo-politico", ox.DefaultGraph()) == _contexts(
        store, NOVARA + "/tavolo-politico", graph
    )


def test_the_dumps_hold_the_context_labels(built_store: Path) -> None:
    info = json.loads((built_store / "current" / "build.json").read_text())
    name = next(d["name"] for d in info["dumps"] if d["format"] == "ntriples")
    with gzip.open(built_store / "current" / "dumps" / name, "rt", encoding="utf-8") as dump:
        lines = [line for line in dump if f"<{NOVARA}/tavolo-politico> <{CONTEXT.value}>" in line]
    assert len(lines) == 2


def test_no_english_context_is_made_of_italian_names() -> None:
    store = ox.Store()
    graph = ox.NamedNode(GRAPH_SPACE + "test")
    body, table, seat = (
        ox.NamedNode(ID_SPACE + name) for name in ("organization/ente", "organization/tavolo", "post/p")
    )
    store.extend(
        [
            ox.Quad(body, LABEL, ox.Literal("Ente", language="it"), graph),
            ox.Quad(table, LABEL, ox.Literal("Tavolo", language="it"), graph),
            ox.Quad(table, LABEL, ox.Literal("Table", language="en"), graph),
            ox.Quad(table, ox.NamedNode(ORG + "unitOf"), body, graph),
            ox.Quad(seat, LABEL, ox.Literal("Posto", language="it"), graph),
            ox.Quad(seat, ox.NamedNode(ORG + "postIn"), table, graph),
        ]
    )
    found = {(q.subject.value, q.object) for q in context_quads(store, VOCABULARY)}  # type: ignore[union-attr]
    assert found == {
        (table.value, ox.Literal("Ente", language="it")),  # the body has no English name: no English context
        (seat.value, ox.Literal("Tavolo · Ente", language="it")),
    }


def test_no_italian_context_is_made_of_english_names() -> None:
    store = ox.Store()
    graph = ox.NamedNode(GRAPH_SPACE + "test")
    body, table = ox.NamedNode(ID_SPACE + "organization/body"), ox.NamedNode(ID_SPACE + "organization/table")
    store.extend(
        [
            ox.Quad(body, LABEL, ox.Literal("Body", language="en"), graph),
            ox.Quad(table, LABEL, ox.Literal("Tavolo", language="it"), graph),
            ox.Quad(table, ox.NamedNode(ORG + "unitOf"), body, graph),
        ]
    )
    found = {(q.subject.value, q.object) for q in context_quads(store, VOCABULARY)}  # type: ignore[union-attr]
    assert found == {(table.value, ox.Literal("Body", language="en"))}


@pytest.fixture(scope="module")
def served(built_store: Path) -> Iterator[RunningServer]:
    server = RunningServer(built_store)
    try:
        yield server
    finally:
        server.stop()


def test_a_page_s_title_and_heading_say_what_sets_the_resource_apart(served: RunningServer) -> None:
    page = httpx.get(served.url + "doc/organization/coordinamento-enti-gestori-novara/tavolo-politico.html")
    english = httpx.get(
        served.url + "doc/organization/coordinamento-enti-gestori-novara/tavolo-politico.html",
        headers={"Accept-Language": "en"},
    )
    assert page.status_code == 200
    assert (
        "<title>Tavolo Politico · Coordinamento degli Enti Gestori delle Funzioni socio assistenziali · "
        "Provincia di Novara — govlod</title>" in page.text
    )
    assert '<p class="context-label">Coordinamento degli Enti Gestori' in page.text
    assert "· Province of Novara — govlod</title>" in english.text


def test_the_query_page_shows_each_iri_with_its_context(served: RunningServer) -> None:
    query = f"SELECT ?table WHERE {{ ?table <{ORG}unitOf> <{NOVARA}> }}"
    page = httpx.get(served.url + "sparql", params={"query": query}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert (
        "Tavolo Politico — Coordinamento degli Enti Gestori delle Funzioni socio assistenziali · Provincia di Novara"
        in page.text
    )
