"""Values from the data are only ever text on a page: a label holding a script element, a quote
that would end an attribute, or a `javascript:` IRI cannot run or inject anything."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import PROJECT, RunningServer

HOSTILE = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix gl: <https://w3id.org/govlod/ontology#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://w3id.org/govlod/id/organization/hostile> a gl:PublicBody ;
    rdfs:label "<script>alert('label')</script>"@it , "\\" onmouseover=\\"alert(1)"@en ;
    rdfs:comment "</script><!--<script>alert(2)</script>"@it ;
    foaf:homepage <javascript:alert(3)> .
"""


def _shows_escaped(html: str) -> bool:
    """One of the hostile labels is on the page, as text."""
    return "&lt;script&gt;alert(" in html or "&#34; onmouseover=&#34;alert(1)" in html


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "data"
    shutil.copytree(PROJECT / "data", data)
    (data / "hostile").mkdir()
    (data / "hostile" / "hostile.ttl").write_text(HOSTILE, encoding="utf-8")
    build = [sys.executable, "-m", "govlod", "build", "--data", str(data), "--store", str(folder / "store")]
    subprocess.run([*build, "--skip-validation"], cwd=PROJECT, check=True, capture_output=True)
    running = RunningServer(folder / "store", "--data", str(data))
    yield running
    running.stop()


@pytest.mark.parametrize("lang", ["it", "en"])
def test_labels_with_markup_are_shown_as_text(hostile: RunningServer, lang: str) -> None:
    page = httpx.get(hostile.url + "doc/organization/hostile.html", params={"lang": lang})
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<!--<script>" not in page.text
    assert 'onmouseover="alert' not in page.text
    assert _shows_escaped(page.text)


def test_embedded_json_ld_cannot_end_its_script_block(hostile: RunningServer) -> None:
    page = httpx.get(hostile.url + "doc/organization/hostile.html").text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(blocks) == 1 and "<" not in blocks[0] and "\\u003cscript" in blocks[0]


def test_an_iri_a_browser_would_run_is_not_a_link(hostile: RunningServer) -> None:
    page = httpx.get(hostile.url + "doc/organization/hostile.html").text
    assert "javascript:alert(3)" in page  # shown, as the value it is
    assert 'href="javascript:' not in page


def test_search_results_show_markup_as_text(hostile: RunningServer) -> None:
    for answer in (
        httpx.get(hostile.url + "search", params={"q": "alert"}),
        httpx.get(hostile.url + "reconcile/preview", params={"id": "organization/hostile"}),
    ):
        assert answer.status_code == 200
        assert _shows_escaped(answer.text) and "<script>alert" not in answer.text and 'onmouseover="' not in answer.text
