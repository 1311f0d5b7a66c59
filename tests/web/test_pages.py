"""Pages for people and the vocabulary: home, search, the governance-table view, /ontology."""

from __future__ import annotations

import httpx
import pytest
import rdflib

from tests.helpers import RunningServer

TABLE = "organization/coordinamento-enti-gestori-novara/tavolo-politico"


def test_home_page_gives_counts_publishers_and_entry_points(linked_server: RunningServer) -> None:
    page = httpx.get(linked_server.url, headers={"Accept-Language": "it"})
    assert page.status_code == 200
    for text in (
        "Tavolo Politico",
        "Sercop",
        "Provincia di Novara",
        "Legge 8 novembre 2000, n. 328",
        'action="' + linked_server.url + 'search"',
    ):
        assert text in page.text
    assert '<a href="' + linked_server.url + "id/" + TABLE + '">Tavolo Politico</a>' in page.text
    assert "<strong>3</strong> tavoli" in page.text


@pytest.mark.parametrize(
    "query", ["CISA Ovest Ticino", "C.I.S.A. Ovest Ticino", "cisa ovest ticino", "cisa ovést ticino"]
)
def test_search_is_accent_case_and_abbreviation_tolerant(linked_server: RunningServer, query: str) -> None:
    answer = httpx.get(linked_server.url + "search", params={"q": query, "format": "json"}).json()
    assert answer["results"][0]["iri"] == linked_server.url + "id/organization/cisa-ovest-ticino"
    assert answer["results"][0]["score"] > answer["results"][1]["score"]


def test_search_page_lists_hits_for_people(linked_server: RunningServer) -> None:
    page = httpx.get(linked_server.url + "search", params={"q": "tavolo politico"}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'<a href="{linked_server.url}id/{TABLE}">Tavolo Politico</a>' in page.text


def test_governance_table_page_shows_composition_objectives_law_and_contacts(linked_server: RunningServer) -> None:
    page = httpx.get(f"{linked_server.url}doc/{TABLE}.html", headers={"Accept-Language": "it"}).text
    composition = page.split('id="composition"')[1].split("</section>")[0]
    assert composition.count("<tr>") == 1 + 15  # header and 15 seats: president, 7 presidents, 7 delegates
    assert "di diritto:" in composition and "Assessore alle Politiche Sociali della Provincia di Novara" in composition
    assert composition.count("Sindaci o Assessori ai servizi sociali") == 7
    purposes = page.split('id="purposes"')[1].split("</section>")[0]
    assert purposes.count("<li value=") == 4
    assert "urn:nir:stato:legge:2000-11-08;328" in page
    assert "e.melissa@provincia.novara.it" in page
    assert "Tavolo Tecnico" in page.split('id="context"')[1]  # the sibling table


def test_public_body_page_lists_what_it_takes_part_in(linked_server: RunningServer) -> None:
    page = httpx.get(f"{linked_server.url}doc/organization/cisa-24.html", params={"lang": "it"}).text
    context = page.split('id="context"')[1].split("</section>")[0]
    for name in (
        "Coordinamento degli Enti Gestori delle Funzioni socio assistenziali",
        "Tavolo Politico",
        "Tavolo Tecnico",
    ):
        assert name in context


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
    ],
)
def test_ontology_iri_gives_the_whole_vocabulary(linked_server: RunningServer, accept: str, media_type: str) -> None:
    response = httpx.get(linked_server.url + "ontology", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["content-location"].startswith(linked_server.url + "ontology.")


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_ontology_documents_every_term_and_code_list(linked_server: RunningServer) -> None:
    graph = rdflib.Graph().parse(linked_server.url + "ontology.ttl", format="turtle")
    vocabulary = linked_server.url + "ontology#"
    terms = {
        str(s).removeprefix(vocabulary)
        for s in graph.subjects(rdflib.RDFS.isDefinedBy, None)
        if str(s).startswith(vocabulary)
    }
    assert {"GovernanceTable", "Seat", "represents", "heldExOfficioBy", "partitaIVA"} <= terms
    page = httpx.get(linked_server.url + "ontology", headers={"Accept": "text/html", "Accept-Language": "en"}).text
    for term in terms:
        assert f'id="{term}"' in page, term  # ontology#Term lands on its section
    assert "http://www.w3.org/ns/org#OrganizationalUnit" in page.split('id="GovernanceTable"')[1]
    assert 'id="role"' in page and "Delegate" in page  # code lists with their concepts


def test_term_iri_dereferences_to_the_ontology(linked_server: RunningServer) -> None:
    graph = rdflib.Graph().parse(linked_server.url + "ontology#Seat")
    seat = rdflib.URIRef(linked_server.url + "ontology#Seat")
    assert (seat, rdflib.RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/org#Post")) in graph


def test_pages_switch_language_with_a_link(linked_server: RunningServer) -> None:
    italian = httpx.get(f"{linked_server.url}doc/{TABLE}.html").text
    assert '<html lang="it">' in italian and ">English</a>" in italian
    english = httpx.get(f"{linked_server.url}doc/{TABLE}.html", params={"lang": "en"}).text
    assert '<html lang="en">' in english and ">Italiano</a>" in english
    assert '<h2 id="composition">Composition</h2>' in english


def test_pages_link_to_this_server_even_for_canonical_iris(server: RunningServer) -> None:
    # `server` keeps the canonical base: its IRIs are https://w3id.org/govlod/..., its links stay local.
    page = httpx.get(server.url).text
    assert f'<a href="{server.url}id/{TABLE}">Tavolo Politico</a>' in page
    document = httpx.get(f"{server.url}doc/{TABLE}.html").text
    assert f'value="https://w3id.org/govlod/id/{TABLE}"' in document  # the IRI shown is the real one
    assert 'href="https://w3id.org/govlod/id/' not in document


def test_links_to_a_resource_are_counted_and_a_page_number_is_checked(linked_server: RunningServer) -> None:
    page = httpx.get(f"{linked_server.url}doc/{TABLE}.html").text
    heading = page.split('<h2 id="links">')[1].split("</h2>")[0]
    total = int(heading.rsplit("(", 1)[1].rstrip(")").replace(",", ""))
    section = page.split('<section aria-labelledby="links">')[1].split("</section>")[0]
    counts = section.split('<ul class="counts">')[1].split("</ul>")[0]
    assert total == sum(int(item.rsplit(": ", 1)[1]) for item in counts.split("</li>")[:-1])
    assert total == section.count("<li><a href=")  # fewer than a page of links: all of them shown
    beyond = httpx.get(f"{linked_server.url}doc/{TABLE}.html", params={"links": "2"})
    assert beyond.status_code == 200 and "Collegamenti verso questa risorsa" in beyond.text
    for bad in ("0", "x", "-1", "²"):
        answer = httpx.get(f"{linked_server.url}doc/{TABLE}.html", params={"links": bad})
        assert answer.status_code == 400 and "page number" in answer.text
