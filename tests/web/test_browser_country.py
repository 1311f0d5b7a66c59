"""A person in a real browser (Debian's Chromium) finds a given table of a given province among a
million generated triples: from the home page in five clicks, every page under 100 KB, by the list
of provinces or by region → province."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.helpers import PROJECT, RunningServer, run_govlod
from tests.web.test_browser import CHROMIUM, FLAGS

if TYPE_CHECKING:
    from playwright.sync_api import Page

PAGE_LIMIT = 100_000  # bytes of HTML a page may weigh


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A million triples from bench/generate.py (524 provinces, each with its coordination), built
    and served by the real commands."""
    sys.path.insert(0, str(PROJECT / "bench"))
    from generate import generate  # type: ignore[import-not-found]

    folder = tmp_path_factory.mktemp("country")
    generate(1_000_000, folder / "data")
    built = run_govlod("build", "--data", str(folder / "data"), "--store", str(folder / "store"))
    assert built.returncode == 0, built.stderr
    server = RunningServer(folder / "store")
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def walking(server: RunningServer) -> Iterator[tuple[Page, list[tuple[str, int]]]]:
    """A browser page at the home page, and the weight of every page it then loads (URL, bytes)."""
    from playwright.sync_api import Response, sync_playwright

    weights: list[tuple[str, int]] = []

    def weigh(response: Response) -> None:
        if response.request.resource_type == "document":
            weights.append((response.url, len(response.body())))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(locale="it-IT")
            page.on("response", weigh)
            page.goto(server.url)
            yield page, weights
        finally:
            browser.close()


def _five_light_pages(weights: list[tuple[str, int]]) -> None:
    assert len(weights) == 6  # the home page and five clicks
    heavy = [(url, size) for url, size in weights if size >= PAGE_LIMIT]
    assert not heavy, heavy


def _from_province_to_table(page: Page, place: str, table: str) -> None:
    """The last two clicks of a walk: from a Province's page to its coordination, then to `table`,
    whose page names the coordination it belongs to."""
    from playwright.sync_api import expect

    page.get_by_role("link", name=f"Coordinamento degli Enti Gestori di {place}").first.click()
    page.get_by_role("link", name=table, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(table)
    expect(page.get_by_text(f"Coordinamento degli Enti Gestori di {place}").first).to_be_visible()


def test_a_table_of_a_province_is_five_clicks_from_home(country: RunningServer) -> None:
    from playwright.sync_api import expect

    with walking(country) as (page, weights):
        page.get_by_role("link", name=re.compile(r"^524 province$")).click()  # 1
        expect(page.get_by_role("heading", level=1)).to_have_text("Province")
        page.get_by_role("link", name="provincia di A…").click()  # 2
        province = page.locator("ol.entries a").first
        name = province.inner_text()
        assert name.startswith("Provincia di A")
        province.click()  # 3
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        place = name.removeprefix("Provincia di ")
        _from_province_to_table(page, place, "Tavolo Politico")  # 4, 5
    _five_light_pages(weights)


def test_a_table_is_five_clicks_from_home_by_region_and_province(country: RunningServer) -> None:
    from playwright.sync_api import expect

    with walking(country) as (page, weights):
        page.get_by_role("link", name=re.compile(r"^20 regioni$")).click()  # 1
        expect(page.get_by_role("heading", level=1)).to_have_text("Regioni")
        page.get_by_role("link", name="Regione Lombardia", exact=True).click()  # 2
        expect(page.get_by_role("heading", level=1)).to_have_text("Regione Lombardia")
        # The Region's page lists the Provinces within its territory, the generator's third
        # province (index 2) among them.
        province = page.get_by_role("link", name=re.compile(r"^Provincia di .* 2$"))
        name = province.inner_text()
        province.click()  # 3
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        expect(page.get_by_role("link", name="Regione Lombardia", exact=True)).to_be_visible()
        place = name.removeprefix("Provincia di ")
        _from_province_to_table(page, place, "Tavolo Tecnico")  # 4, 5
    _five_light_pages(weights)
