"""The composition of a governance table drawn as inline SVG on its page: the table in the centre,
its seats grouped by role, each linked to the body it represents or the office that holds it ex
officio; the same seats as the HTML table below it, escaped, light, and legible on a phone.

The browser tests save screenshots (phone and desktop) in their temporary folder, to be looked at."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govlod.web.composition import FRAMES, Box, Picture, composition, text_width
from tests.helpers import RunningServer

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

TABLE = "organization/coordinamento-enti-gestori-novara/tavolo-politico"
PAGE_LIMIT = 100_000  # bytes of HTML a page may weigh, as the other page tests hold
ID = "https://w3id.org/govlod/id/"
PHONE: ViewportSize = {"width": 375, "height": 812}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


# --- What a page shows ------------------------------------------------------------------------


class _SeatTable(HTMLParser):
    """The rows of the composition's HTML table: each cell's text and the links in it."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, list[str]]]] = []
        self._in_body = False
        self._cell: tuple[list[str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag == "td":
            self._cell = ([], [])
        elif self._cell is not None and tag == "a":
            self._cell[1].append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append((" ".join("".join(self._cell[0]).split()), self._cell[1]))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[0].append(data)


def _table_seats(page: str) -> Counter[tuple[str, str]]:
    """(role, link) of every seat in the HTML table, the link being the one the picture should have:
    the body represented, else the office holding the seat ex officio, else the seat itself."""
    section = page.split('id="composition"')[1].split("</section>")[0]
    parser = _SeatTable()
    parser.feed(section)
    seats: Counter[tuple[str, str]] = Counter()
    for (_, seat_links), (role, _), (_, body_links), (holder, holder_links), _ in parser.rows:
        ex_officio = holder.startswith(("di diritto:", "ex officio:"))
        link = body_links[0] if body_links else holder_links[0] if ex_officio else seat_links[0]
        seats[role, link] += 1
    return seats


def _pictures(page: str) -> dict[str, ET.Element]:
    """The pictures on a page by layout name, parsed as XML: markup from the data would break them."""
    found = re.finditer(r'<svg class="composition composition-(\w+)".*?</svg>', page, re.DOTALL)
    return {match[1]: ET.fromstring(match[0]) for match in found}


def _lines(element: ET.Element) -> str:
    """What a text element says, its lines joined by the spaces the layout broke them at."""
    return " ".join((t.text or "") for t in element.iter("tspan")) or (element.text or "")


def _seats(svg: ET.Element) -> Counter[tuple[str, str]]:
    """(role, link) of every seat node of a picture; a role's heading ends in its count, if any."""
    seats: Counter[tuple[str, str]] = Counter()
    for group in svg.iter("g"):
        heading = _lines(next(t for t in group.iter("text") if t.get("class") == "role-label"))
        role = heading.split(" · ")[0]
        for node in group.iter("a"):
            seats[role, node.get("href") or ""] += 1
    return seats


def _boxes(svg: ET.Element) -> tuple[Box, list[Box], list[Box]]:
    """The table, the role panels and the seat cards of a picture, in the picture's coordinates."""

    def box(rect: ET.Element, dx: int = 0, dy: int = 0) -> Box:
        return Box(
            dx + int(rect.get("x", 0)),
            dy + int(rect.get("y", 0)),
            int(rect.get("width", 0)),
            int(rect.get("height", 0)),
        )

    table = box(next(r for r in svg.iter("rect") if r.get("class") == "table"))
    panels: list[Box] = []
    cards: list[Box] = []
    for group in svg.iter("g"):
        dx, dy = (int(v) for v in re.findall(r"-?\d+", group.get("transform", ""))[:2])
        panels.append(box(next(group.iter("rect")), dx, dy))
        cards += [box(node.find("rect"), dx, dy) for node in group.iter("a")]  # type: ignore[arg-type]
    return table, panels, cards


def _inside(inner: Box, outer: Box) -> bool:
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.x + inner.width <= outer.x + outer.width
        and inner.y + inner.height <= outer.y + outer.height
    )


def _assert_laid_out(svg: ET.Element) -> None:
    """Nothing overlaps, every seat is inside a panel, everything inside the picture."""
    width, height = (int(v) for v in (svg.get("viewBox") or "").split()[2:])
    whole = Box(0, 0, width, height)
    table, panels, cards = _boxes(svg)
    assert all(_inside(b, whole) for b in [table, *panels])
    things = [table, *panels]
    assert not [(a, b) for i, a in enumerate(things) for b in things[i + 1 :] if a.overlaps(b)]
    assert not [(a, b) for i, a in enumerate(cards) for b in cards[i + 1 :] if a.overlaps(b)]
    assert all(any(_inside(c, p) for p in panels) for c in cards)


# --- The bundled Tavolo Politico --------------------------------------------------------------


@pytest.mark.parametrize("lang", ["it", "en"])
def test_tavolo_politico_is_drawn_seat_by_seat_as_its_table_lists_them(linked_server: RunningServer, lang: str) -> None:
    response = httpx.get(f"{linked_server.url}doc/{TABLE}.html", params={"lang": lang})
    assert response.status_code == 200
    page = response.text
    assert len(page.encode()) < PAGE_LIMIT
    section = page.split('id="composition"')[1].split("</section>")[0]
    pictures = _pictures(section)
    assert set(pictures) == {frame.name for frame in FRAMES}  # drawn for wide screens and for phones
    expected = _table_seats(page)
    assert sum(expected.values()) == 15
    roles = {role for role, _ in expected}
    for name, svg in pictures.items():
        # A text alternative: an image named by its title and described by its desc, which says the
        # table that follows holds the same seats.
        assert svg.get("role") == "img"
        title, desc = svg.find("title"), svg.find("desc")
        assert title is not None and desc is not None
        assert svg.get("aria-labelledby") == title.get("id") == f"composition-{name}-title"
        assert svg.get("aria-describedby") == desc.get("id")
        assert title.text == ("Tavolo Politico: composizione" if lang == "it" else "Political table: composition")
        assert ("tabella che segue" if lang == "it" else "table that follows") in (desc.text or "")
        assert ("15\xa0posti" if lang == "it" else "15\xa0seats") in (desc.text or "")
        # One node per seat, in one group per role, linking where the table's row does.
        assert _seats(svg) == expected
        # Links for pointing and tapping; the keyboard and screen readers have the table's own.
        assert {node.get("tabindex") for node in svg.iter("a")} == {"-1"}
        assert len(list(svg.iter("g"))) == len(roles)
        headings = [_lines(t).replace("\xa0", " ") for t in svg.iter("text") if t.get("class") == "role-label"]
        for heading in headings:  # a count where seats of a role repeat
            role = heading.split(" · ")[0]
            n = sum(count for (r, _), count in expected.items() if r == role)
            assert heading.endswith(f"· {n} {'posti' if lang == 'it' else 'seats'}") if n > 1 else heading == role
        # The table in the centre, with its name.
        table_label = next(t for t in svg.iter("text") if t.get("class") == "table-label")
        assert _lines(table_label) == ("Tavolo Politico" if lang == "it" else "Political table")
        table, panels, _ = _boxes(svg)
        assert any(p.y + p.height <= table.y for p in panels) and any(p.y >= table.y + table.height for p in panels)
        _assert_laid_out(svg)
    # The links are the dataset's own, on this server: the bodies represented, and the office of
    # the Province's Assessore who chairs the table ex officio.
    links = {link for _, link in expected}
    assert f"{linked_server.url}id/organization/cisa-24" in links
    assert f"{linked_server.url}id/post/provincia-novara/assessore-politiche-sociali" in links
    # The picture adds no script and no style attribute, which the Content-Security-Policy forbids.
    assert "<script" not in section and "style=" not in section


# --- Hostile labels and a table of sixty seats ------------------------------------------------

HOSTILE_TABLE = "<script>alert('table')</script> & \"Tavolo\""
HOSTILE_ROLE = "<script>alert('role')</script>"
HOSTILE_BODY = 'Ente "citato" & <b>grassetto</b> </svg><script>alert(1)</script>'
TOWNS = [
    "Castelnuovo Bormida", "San Giorgio su Legnano", "Villanova Monferrato", "Borgo San Martino",
    "Cerano", "Trecate", "Oleggio", "Galliate", "Romentino", "Sozzago", "Terdobbiate", "Tornaco",
    "Garbagna Novarese", "Nibbiola", "Vespolate", "Borgolavezzaro", "Casalino", "Granozzo con Monticello",
    "Castelletto sopra Ticino", "Varallo Pombia", "Pombia", "Marano Ticino", "Mezzomerico", "Divignano",
    "Agrate Conturbia", "Bogogno", "Cressa", "Fontaneto d'Agogna", "Cavaglio d'Agogna", "Cavallirio",
]  # fmt: skip


def _extra_data() -> str:
    """Turtle for a table with hostile labels and a table of sixty seats in four roles."""
    lines = [
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "@prefix gl: <https://w3id.org/govlod/ontology#> .",
    ]

    def literal(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def table(slug: str, it: str, en: str) -> None:
        lines.append(
            f"<{ID}organization/{slug}> a gl:GovernanceTable , org:OrganizationalUnit , org:Organization ; "
            f"rdfs:label {literal(it)}@it , {literal(en)}@en ."
        )

    def role(slug: str, it: str, en: str) -> None:
        lines.append(
            f"<{ID}concept/role/{slug}> a skos:Concept , org:Role ; skos:prefLabel {literal(it)}@it , {literal(en)}@en ."
        )

    def seat(table: str, slug: str, role: str, body: str | None = None, office: str | None = None) -> None:
        extra = (f" ; gl:represents <{body}>" if body else "") + (f" ; gl:heldExOfficioBy <{office}>" if office else "")
        lines.append(
            f"<{ID}post/{table}/{slug}> a gl:Seat , org:Post ; rdfs:label {literal(slug)}@it ; "
            f"org:postIn <{ID}organization/{table}> ; org:role <{ID}concept/role/{role}> ; gl:numberOfHolders 1{extra} ."
        )

    table("ostile", HOSTILE_TABLE, HOSTILE_TABLE)
    role("ostile", HOSTILE_ROLE, HOSTILE_ROLE)
    lines.append(f"<{ID}organization/ente-ostile> a gl:PublicBody ; rdfs:label {literal(HOSTILE_BODY)}@it .")
    lines.append(f"<{ID}post/ente-ostile/carica> a org:Post ; rdfs:label {literal(HOSTILE_BODY)}@it .")
    seat("ostile", "uno", "ostile", body=f"{ID}organization/ente-ostile")
    seat("ostile", "due", "ostile", body="javascript:alert(4)")
    seat("ostile", "tre", "ostile", office=f"{ID}post/ente-ostile/carica")

    table("assemblea-grande", "Assemblea dei Sindaci dell'Ambito di prova", "Test district assembly of mayors")
    role("sindaco-o-delegato", "Sindaco o suo delegato", "Mayor or their delegate")
    role("referente-tecnico", "Referente tecnico comunale", "Municipal technical contact")
    role("terzo-settore", "Rappresentante del Terzo Settore", "Third-sector representative")
    role("presidenza", "Presidente dell'Assemblea", "Chair of the assembly")
    lines.append(
        f"<{ID}post/provincia/presidente> a org:Post ; rdfs:label {literal('Presidente della Provincia di prova')}@it ."
    )
    seat("assemblea-grande", "presidente", "presidenza", office=f"{ID}post/provincia/presidente")
    for k, town in enumerate(TOWNS):
        lines.append(f"<{ID}organization/comune-{k}> a gl:PublicBody ; rdfs:label {literal('Comune di ' + town)}@it .")
        seat("assemblea-grande", f"sindaco-{k}", "sindaco-o-delegato", body=f"{ID}organization/comune-{k}")
        if k < 20:
            seat("assemblea-grande", f"tecnico-{k}", "referente-tecnico", body=f"{ID}organization/comune-{k}")
    for k in range(9):
        lines.append(
            f"<{ID}organization/ets-{k}> a gl:PublicBody ; rdfs:label {literal(f'Cooperativa sociale numero {k + 1}')}@it ."
        )
        seat("assemblea-grande", f"ets-{k}", "terzo-settore", body=f"{ID}organization/ets-{k}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def extra(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("composition")
    (folder / "data").mkdir()
    (folder / "data" / "tables.ttl").write_text(_extra_data(), encoding="utf-8")
    build = [sys.executable, "-m", "govlod", "build", "--data", str(folder / "data"), "--store", str(folder / "store")]
    subprocess.run([*build, "--skip-validation"], check=True, capture_output=True)
    running = RunningServer(folder / "store")
    yield running
    running.stop()


@pytest.mark.parametrize("lang", ["it", "en"])
def test_labels_with_markup_stay_text_in_the_picture(extra: RunningServer, lang: str) -> None:
    page = httpx.get(extra.url + "doc/organization/ostile.html", params={"lang": lang}).text
    assert "<script>alert" not in page and "</svg><script>" not in page and "<b>" not in page
    assert 'href="javascript:' not in page
    pictures = _pictures(page)  # they parse: nothing from the data ended an element or an attribute
    assert set(pictures) == {frame.name for frame in FRAMES}
    for svg in pictures.values():
        # Compared without spaces: the layout breaks a word too long for its box where it must.
        texts = ["".join(_lines(t).split()) for t in svg.iter("text")]
        assert any(HOSTILE_ROLE in t for t in texts)
        assert any("".join(HOSTILE_TABLE.split())[:40] in t for t in texts)
        assert any('"citato"&<b>grassetto</b>' in t for t in texts)
        assert HOSTILE_TABLE in (svg.findtext("title") or "")
        links = [node.get("href") or "" for node in svg.iter("a")]
        assert sorted(links) == sorted(
            ["#", extra.url + "id/organization/ente-ostile", extra.url + "id/post/ente-ostile/carica"]
        )


def test_sixty_seats_are_laid_out_in_rows_by_role_and_the_page_stays_light(extra: RunningServer) -> None:
    page = httpx.get(extra.url + "doc/organization/assemblea-grande.html", params={"lang": "it"}).text
    assert len(page.encode()) < PAGE_LIMIT
    for svg in _pictures(page).values():
        seats = _seats(svg)
        assert sum(seats.values()) == 60
        assert Counter(role for role, _ in seats.elements()) == {
            "Sindaco o suo delegato": 30,
            "Referente tecnico comunale": 20,
            "Rappresentante del Terzo Settore": 9,
            "Presidente dell'Assemblea": 1,
        }
        _assert_laid_out(svg)
        # Seats on both sides of the table, as many on each as the roles allow (30 and 20 + 9 + 1).
        table, _, cards = _boxes(svg)
        above = sum(1 for c in cards if c.y + c.height <= table.y)
        below = sum(1 for c in cards if c.y >= table.y + table.height)
        assert above == below == 30


# --- The layout on its own --------------------------------------------------------------------

LABELS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=120)


@settings(max_examples=60, deadline=None)
@given(
    table=LABELS,
    seats=st.lists(
        st.tuples(st.sampled_from(["", "A", "Bb cc", "Ruolo dal nome molto lungo " * 4]), LABELS), max_size=70
    ),
    lang=st.sampled_from(["it", "en"]),
)
def test_any_composition_is_laid_out_without_overlap_and_within_its_boxes(
    table: str, seats: list[tuple[str, str]], lang: str
) -> None:
    rows = [
        {"seat": f"{ID}post/x/{k}", "roleLabel": role, "body": f"{ID}organization/{k}", "bodyLabel": label}
        for k, (role, label) in enumerate(seats)
    ]
    pictures: list[Picture] = composition(table, rows, lang)
    assert len(pictures) == (len(FRAMES) if seats else 0)
    for picture, frame in zip(pictures, FRAMES, strict=False):
        assert picture.width == frame.width
        whole = Box(0, 0, picture.width, picture.height)
        things = [picture.table, *(g.box for g in picture.groups)]
        assert all(_inside(b, whole) for b in things)
        assert not [(a, b) for i, a in enumerate(things) for b in things[i + 1 :] if a.overlaps(b)]
        assert sum(g.seats for g in picture.groups) == sum(len(g.nodes) for g in picture.groups) == len(seats)
        for group in picture.groups:
            panel = Box(0, 0, group.box.width, group.box.height)
            assert all(_inside(n.box, panel) for n in group.nodes)
            for node in group.nodes:
                assert len(node.label) <= 4
                assert all(text_width(line.text, 13) <= node.box.width - 12 for line in node.label)
        assert all(text_width(line.text, 16, bold=True) <= picture.table.width for line in picture.table_label)


# --- In a browser -----------------------------------------------------------------------------


def _browser() -> tuple[str, list[str]]:
    """Debian's Chromium and its flags, as the project's browser tests drive it (skipped if missing)."""
    from tests.web.test_browser import CHROMIUM, FLAGS

    return CHROMIUM, FLAGS


FITS = """svg => {
  const overflowing = [];
  for (const node of svg.querySelectorAll('a')) {
    const room = node.querySelector('rect').width.baseVal.value;
    for (const line of node.querySelectorAll('tspan, text.seat-note')) {
      if (line.getComputedTextLength() > room - 4) overflowing.push(line.textContent);
    }
  }
  for (const group of svg.querySelectorAll('g.role')) {
    const room = group.querySelector('rect.role').width.baseVal.value;
    for (const line of group.querySelectorAll('text.role-label tspan')) {
      if (line.getComputedTextLength() > room - 8) overflowing.push(line.textContent);
    }
  }
  const table = svg.querySelector('rect.table').width.baseVal.value;
  for (const line of svg.querySelectorAll('text.table-label tspan')) {
    if (line.getComputedTextLength() > table) overflowing.push(line.textContent);
  }
  return overflowing;
}"""


def _look(page: Page, url: str, shots: Path, name: str) -> None:
    """At each screen size: one picture shown, within the screen, its text within its cards, and a
    screenshot of it in `shots`."""
    from playwright.sync_api import expect

    for size, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.goto(url)
        shown = page.locator("svg.composition:visible")
        expect(shown).to_have_count(1)
        expect(shown).to_have_class(re.compile("composition-" + ("narrow" if size == "phone" else "wide")))
        expect(shown).to_be_visible()
        box = shown.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert box["width"] >= viewport["width"] * 0.8 if size == "phone" else box["width"] >= 700
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scroll
        assert shown.evaluate(FITS) == []
        shown.scroll_into_view_if_needed()
        shown.screenshot(path=str(shots / f"{name}-{size}.png"))
        assert (shots / f"{name}-{size}.png").stat().st_size > 5_000


def test_the_picture_shows_in_chromium_on_a_phone_and_a_desktop(
    linked_server: RunningServer, extra: RunningServer, tmp_path: Path
) -> None:
    if linked_server.store_kind != "embedded":
        pytest.skip("the picture does not depend on the store")
    chromium, flags = _browser()
    from playwright.sync_api import ConsoleMessage, Dialog, expect, sync_playwright

    complaints: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=flags)
        try:
            page = browser.new_page(locale="it-IT")

            def note(message: ConsoleMessage) -> None:
                if message.type in ("error", "warning"):
                    complaints.append(f"{page.url}: {message.text}")

            def refuse(dialog: Dialog) -> None:  # a script from the data would have run
                complaints.append(f"{page.url}: dialog {dialog.message}")
                dialog.dismiss()

            page.on("console", note)
            page.on("dialog", refuse)
            _look(page, f"{linked_server.url}doc/{TABLE}.html", tmp_path, "tavolo-politico")
            # To assistive technologies, one image with a name and a description (the table follows).
            image = page.get_by_role("img", name="Tavolo Politico: composizione")
            expect(image).to_have_count(1)
            expect(image).to_have_accessible_description(re.compile("15.posti.*tabella che segue"))
            _look(page, f"{linked_server.url}doc/{TABLE}.html?lang=en", tmp_path, "tavolo-politico-en")
            _look(page, f"{extra.url}doc/organization/assemblea-grande.html", tmp_path, "sixty-seats")
            _look(page, f"{extra.url}doc/organization/ostile.html", tmp_path, "hostile")
            # A seat is a link a finger can follow: to the body it represents.
            page.set_viewport_size(PHONE)
            page.goto(f"{linked_server.url}doc/{TABLE}.html")
            page.locator("svg.composition-narrow a").first.click()
            assert page.url.startswith(f"{linked_server.url}doc/organization/")
        finally:
            browser.close()
    assert complaints == []
    print(f"screenshots in {tmp_path}")
