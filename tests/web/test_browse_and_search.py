"""Lists a page at a time and search with context, from the build's finding aid."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from govlod.build import build
from govlod.index.building import INDEX_FILE
from govlod.settings import Settings
from govlod.web.runtime import MissingIndex, Runtime
from tests.helpers import PROJECT, RunningServer

TABLE = "organization/coordinamento-enti-gestori-novara/tavolo-politico"


def test_home_lists_link_to_every_list_with_its_count(linked_server: RunningServer) -> None:
    page = httpx.get(linked_server.url, headers={"Accept-Language": "it"}).text
    for key in ("tables", "collaborations", "bodies", "seats", "laws"):
        assert f'href="{linked_server.url}browse/{key}"' in page
    assert len(page.encode()) < 100_000


def test_a_list_is_paged_in_a_stable_order_with_its_count(linked_server: RunningServer) -> None:
    first = httpx.get(f"{linked_server.url}browse/seats", headers={"Accept-Language": "it"})
    assert first.status_code == 200
    count = int(first.text.split('<p class="meta">')[1].split(" ·")[0].replace(",", ""))
    entries = first.text.split('<ol class="entries"')[1].split("</ol>")[0].count("<li>")
    assert 10 < count <= 100 and entries == count and 'rel="next"' not in first.text  # one page of 100
    assert httpx.get(f"{linked_server.url}browse/seats", params={"page": 2}).status_code == 404
    assert httpx.get(f"{linked_server.url}browse/nothing").status_code == 404
    assert httpx.get(f"{linked_server.url}browse/seats", params={"page": "x"}).status_code == 404
    for start in ("<script>", "zzzz", "x" * 101):
        assert httpx.get(f"{linked_server.url}browse/seats", params={"from": start}).status_code == 404
    starting = httpx.get(f"{linked_server.url}browse/seats", params={"from": "presidente"})
    assert starting.status_code == 200 and "Presidente" in starting.text


def test_seats_in_a_list_show_the_table_they_belong_to(linked_server: RunningServer) -> None:
    page = httpx.get(f"{linked_server.url}browse/tables", headers={"Accept-Language": "it"}).text
    assert f'<a href="{linked_server.url}id/{TABLE}">Tavolo Politico</a> <span class="meta">Coordinamento' in page


def test_search_answers_with_context_kind_and_pages_in_json(linked_server: RunningServer) -> None:
    answer = httpx.get(f"{linked_server.url}search", params={"q": "presidente", "format": "json"}).json()
    assert answer["total"] > 5 and all(hit["context"] for hit in answer["results"])
    bodies = httpx.get(f"{linked_server.url}search", params={"q": "cisa", "kind": "bodies", "format": "json"}).json()
    assert bodies["results"] and all(
        linked_server.url + "ontology#PublicBody" in hit["types"] for hit in bodies["results"]
    )
    second = httpx.get(f"{linked_server.url}search", params={"q": "tavolo", "page": 2, "format": "json"}).json()
    assert second["page"] == 2 and second["results"]
    bad = httpx.get(f"{linked_server.url}search", params={"q": "tavolo", "kind": "planets"})
    assert bad.status_code == 400


def test_search_within_a_territory_in_json_and_from_a_body_s_page(linked_server: RunningServer) -> None:
    novara = f"{linked_server.url}id/organization/provincia-novara"
    answer = httpx.get(f"{linked_server.url}search", params={"q": "tavolo", "within": novara, "format": "json"}).json()
    assert answer["within"] == novara and answer["results"]
    assert all("/coordinamento-enti-gestori-novara/" in hit["iri"] for hit in answer["results"])
    page = httpx.get(f"{linked_server.url}doc/organization/provincia-novara.html").text
    assert f'<input type="hidden" name="within" value="{novara}">' in page
    html = httpx.get(f"{linked_server.url}search", params={"q": "tavolo", "within": novara}).text
    assert "Nel territorio di" in html and "Provincia di Novara" in html
    unknown = httpx.get(f"{linked_server.url}search", params={"q": "tavolo", "within": "https://example.org/x"})
    assert unknown.status_code == 400 and "within" in unknown.json()["error"]


def test_a_build_without_a_finding_aid_says_to_build_again(tmp_path: Path) -> None:
    settings = Settings(home=PROJECT, store=tmp_path / "store")
    result = build(settings, check=False)
    (result.path / INDEX_FILE).unlink()
    with pytest.raises(MissingIndex, match="run `govlod build` again"):
        Runtime.create(settings).release_index()
