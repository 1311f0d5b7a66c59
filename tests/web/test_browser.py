"""A person in a real browser (Debian's Chromium, driven by Playwright): from the home page to the
Tavolo Politico, whose seven delegate seats and four objectives must be visible as text."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.helpers import RunningServer
from tests.seed import ENTI_GESTORI

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The flags a root, offline machine needs: no sandbox, and no background calls to the network.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed here (.ci/run installs it)", allow_module_level=True)


def test_person_finds_the_tavolo_politico_seats_and_objectives(linked_server: RunningServer, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(locale="it-IT", viewport={"width": 390, "height": 844})  # a phone
            page.goto(linked_server.url)
            expect(page.get_by_role("heading", level=1)).to_contain_text("governance della programmazione sociale")
            page.get_by_role("link", name="Tavolo Politico", exact=True).click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Tavolo Politico")
            assert page.url.endswith("/doc/organization/coordinamento-enti-gestori-novara/tavolo-politico.html")

            composition = page.locator("section", has=page.locator("#composition"))
            delegates = composition.locator("tbody tr", has_text="Delegato dell'Assemblea")
            expect(delegates).to_have_count(7)
            for body in ENTI_GESTORI:
                expect(delegates.filter(has_text=body).first).to_be_visible()

            objectives = page.locator("ol.purposes li")
            expect(objectives).to_have_count(4)
            expect(objectives.nth(0)).to_contain_text("Promuovere e facilitare la negoziazione")
            expect(objectives.nth(3)).to_contain_text("problematiche sociali prioritarie")

            page.screenshot(path=str(tmp_path / "tavolo-politico.png"), full_page=True)
            assert (tmp_path / "tavolo-politico.png").stat().st_size > 10_000
        finally:
            browser.close()


def test_pages_and_the_api_docs_work_under_the_content_security_policy(server: RunningServer) -> None:
    """The strict policy blocks nothing the pages need: no console errors, and Swagger UI, served from
    this server with no inline script, renders every operation of the OpenAPI description."""
    from playwright.sync_api import ConsoleMessage, expect, sync_playwright

    if server.store_kind != "embedded":
        pytest.skip("the pages and their policy do not depend on the store")
    complaints: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page()

            def note(message: ConsoleMessage) -> None:
                if message.type == "error":
                    complaints.append(f"{page.url}: {message.text}")

            page.on("console", note)
            for path in ("", "sparql", "doc/organization/sercop.html", "ontology", "search?q=tavolo"):
                page.goto(server.url + path)
            page.goto(server.url + "docs")
            expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
            operations = page.locator(".opblock-summary-path").all_inner_texts()
        finally:
            browser.close()
    assert complaints == []
    assert {"/sparql", "/doc/{path}", "/reconcile"} <= {text.replace("\u200b", "") for text in operations}
