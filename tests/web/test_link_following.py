"""A Linked Data client that only dereferences IRIs and reads the RDF it gets back reaches the
structure around a resource: from a table to its seats, from a seat to the body it represents."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from govlod.documents import INCOMING_PAGE
from tests.helpers import PROJECT, RunningServer
from tests.seed import ENTI_GESTORI

TABLE = "id/organization/coordinamento-enti-gestori-novara/tavolo-politico"
POST_IN = ox.NamedNode("http://www.w3.org/ns/org#postIn")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
HYDRA_NEXT = ox.NamedNode("http://www.w3.org/ns/hydra/core#next")
FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


def dereference(iri: str, accept: str) -> list[ox.Triple]:
    """What a client gets for an IRI: the 303 followed, the document parsed in the asked format."""
    response = httpx.get(iri, headers={"Accept": accept}, follow_redirects=True, timeout=30)
    assert response.status_code == 200, iri
    return [q.triple for q in ox.parse(response.content, format=FORMATS[accept], base_iri=str(response.url))]


@pytest.mark.parametrize("accept", list(FORMATS))
def test_a_client_walks_from_a_table_to_the_bodies_its_seats_represent(
    linked_server: RunningServer, accept: str
) -> None:
    table = ox.NamedNode(linked_server.url + TABLE)
    represents = ox.NamedNode(linked_server.url + "ontology#represents")
    seats = {
        t.subject
        for t in dereference(table.value, accept)
        if t.predicate == POST_IN and t.object == table and isinstance(t.subject, ox.NamedNode)
    }
    assert len(seats) == 15
    bodies = {
        t.object
        for seat in seats
        for t in dereference(seat.value, accept)
        if t.subject == seat and t.predicate == represents and isinstance(t.object, ox.NamedNode)
    }
    labels = {
        t.object.value
        for body in bodies
        for t in dereference(body.value, accept)
        if t.subject == body and t.predicate == LABEL and isinstance(t.object, ox.Literal)
    }
    assert set(ENTI_GESTORI) <= labels


CITED = 2 * INCOMING_PAGE + 7  # three pages of links


@pytest.fixture(scope="module")
def cited_law(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A law that more tables cite than one page of a document holds."""
    folder = tmp_path_factory.mktemp("cited")
    data = folder / "data" / "cited"
    data.mkdir(parents=True)
    lines = [
        "@prefix gl: <https://w3id.org/govlod/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        '<https://w3id.org/govlod/id/law/cited> rdfs:label "Legge citata"@it .',
        *(
            f'<https://w3id.org/govlod/id/organization/t{n:03d}> rdfs:label "Tavolo {n}"@it ; '
            "gl:legalBasis <https://w3id.org/govlod/id/law/cited> ."
            for n in range(CITED)
        ),
    ]
    (data / "cited.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = folder / "store"
    build = [sys.executable, "-m", "govlod", "build", "--data", str(data.parent), "--store", str(store)]
    subprocess.run([*build, "--skip-validation"], cwd=PROJECT, check=True, capture_output=True)
    running = RunningServer(store, "--data", str(data.parent))
    yield running
    running.stop()


def _page(server: RunningServer, suffix: str) -> tuple[set[ox.NamedNode], list[str]]:
    response = httpx.get(server.url + "doc/law/cited.nt" + suffix, timeout=30)
    assert response.status_code == 200
    triples = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
    law = ox.NamedNode("https://w3id.org/govlod/id/law/cited")
    sources = {t.subject for t in triples if t.object == law and isinstance(t.subject, ox.NamedNode)}
    onward = [t.object.value for t in triples if t.predicate == HYDRA_NEXT]
    return sources, onward


def test_a_document_gives_its_links_a_page_at_a_time_and_points_to_the_next(cited_law: RunningServer) -> None:
    seen: set[ox.NamedNode] = set()
    suffix, pages = "", 0
    while True:
        sources, onward = _page(cited_law, suffix)
        pages += 1
        assert len(sources) <= INCOMING_PAGE and seen.isdisjoint(sources)
        seen |= sources
        if not onward:
            break
        assert onward == [f"{cited_law.url}doc/law/cited.nt?links={pages + 1}"]
        suffix = f"?links={pages + 1}"
    assert pages == 3 and len(seen) == CITED


def test_the_next_page_of_links_is_a_document_of_its_own(cited_law: RunningServer) -> None:
    # Each page has its own cache entry and validators' Vary: two pages never answer for each other.
    first, second = (httpx.get(cited_law.url + "doc/law/cited.ttl" + s) for s in ("", "?links=2"))
    assert first.status_code == second.status_code == 200
    assert first.content != second.content
