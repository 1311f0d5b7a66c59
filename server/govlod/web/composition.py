"""The composition of a governance table drawn as a picture: the table in the centre and its seats
around it, grouped by role, each seat a link to the body it represents or to the office that holds
it ex officio.

The picture is inline SVG written by a template (composition.html) from the layout computed here,
so a page needs no script, no font and no other request to show it. SVG text does not wrap by
itself, hence the measuring below: labels are broken into lines by an estimate of their width in a
common sans-serif face (DejaVu Sans, wider than the faces of phones, so the estimate errs on the
side of room to spare).

Two layouts of the same seats are drawn, one for wide screens and one for phones; the stylesheet
shows one of them. Each is sized so that it is shown at about its own scale (one unit a CSS pixel),
which keeps the text as large as the page's own. Seats sit in a grid within their role, so a
table of sixty seats becomes rows of cards, never a ring of sixty dots.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Widths of characters in DejaVu Sans, in em. Letters with accents take their base letter's width.
_WIDTHS: dict[str, float] = {
    " ": 0.318, "!": 0.4, '"': 0.46, "#": 0.838, "$": 0.636, "%": 0.95, "&": 0.78, "'": 0.275,
    "(": 0.39, ")": 0.39, "*": 0.5, "+": 0.838, ",": 0.318, "-": 0.361, ".": 0.318, "/": 0.337,
    ":": 0.337, ";": 0.337, "<": 0.838, "=": 0.838, ">": 0.838, "?": 0.531, "@": 1.0, "[": 0.39,
    "]": 0.39, "_": 0.5, "|": 0.337, "«": 0.557, "»": 0.557, "\u2019": 0.318, "\u201c": 0.518, "\u201d": 0.518,
    "\u2013": 0.5, "\u2014": 1.0, "…": 1.0, "·": 0.318, "\u00d7": 0.838, "\u00a0": 0.318,
    "A": 0.684, "B": 0.686, "C": 0.698, "D": 0.77, "E": 0.632, "F": 0.575, "G": 0.775, "H": 0.752,
    "I": 0.295, "J": 0.295, "K": 0.656, "L": 0.557, "M": 0.863, "N": 0.748, "O": 0.787, "P": 0.603,
    "Q": 0.787, "R": 0.695, "S": 0.635, "T": 0.611, "U": 0.732, "V": 0.684, "W": 0.989, "X": 0.685,
    "Y": 0.611, "Z": 0.685,
    "a": 0.613, "b": 0.635, "c": 0.55, "d": 0.635, "e": 0.615, "f": 0.352, "g": 0.635, "h": 0.634,
    "i": 0.278, "j": 0.278, "k": 0.579, "l": 0.278, "m": 0.974, "n": 0.634, "o": 0.612, "p": 0.635,
    "q": 0.635, "r": 0.411, "s": 0.521, "t": 0.392, "u": 0.634, "v": 0.592, "w": 0.818, "x": 0.592,
    "y": 0.592, "z": 0.525,
}  # fmt: skip
_DIGIT = 0.636
_OTHER = 0.7  # a character not above: the width of a wide letter, to be safe
_BOLD = 1.15  # bold text is about a seventh wider
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # where lines may break: not at a no-break space
_LONGEST = 300  # characters of a label worth laying out; the rest could never be shown anyway

# Sizes in the picture's units, which the stylesheet shows at about a CSS pixel each. The font sizes
# here must match those of the classes in style.css.
MARGIN = 4
PANEL_PAD = 8  # inside a role's panel
GAP = 8  # between seats
GROUP_GAP = 12  # between the panels of two roles
TABLE_GAP = 16  # between the table and the panels next to it
SEAT_FONT, SEAT_LINE, SEAT_LINES = 13, 16, 4
NOTE_FONT, NOTE_LINE = 11, 14
ROLE_FONT, ROLE_LINE, ROLE_LINES = 13, 17, 2
TABLE_FONT, TABLE_LINE, TABLE_LINES = 16, 20, 2
CARD_PAD_X, CARD_PAD_Y = 6, 7
TABLE_PAD_X, TABLE_PAD_Y = 28, 10


@dataclass(frozen=True)
class Frame:
    """One layout: its width in units and how many seats a row of a role holds at most."""

    name: str
    width: int
    columns: int


# The wide layout is shown from 48rem (768 px) up and the narrow one below: at 375 px the narrow
# one is drawn at 340 units into about 350 pixels, the page's margins aside.
FRAMES = (Frame("wide", 720, 5), Frame("narrow", 340, 2))

WORDS: dict[str, dict[str, str]] = {
    "it": {
        "seats": "posti",
        "seat": "posto",
        "roles": "ruoli",
        "role": "ruolo",
        "no_role": "Senza ruolo indicato",
        "ex_officio": "di diritto",
        "optional": "eventuali",
        "all": "tutti",
        "title": "{table}: composizione",
        "desc": "Al centro, il tavolo «{table}»; intorno, i suoi {count} raggruppati per ruolo: {groups}. "
        "Ogni posto rimanda all'ente che rappresenta, alla carica che lo occupa di diritto o alla sua pagina. "
        "La tabella che segue elenca gli stessi posti, con gli stessi collegamenti.",
    },
    "en": {
        "seats": "seats",
        "seat": "seat",
        "roles": "roles",
        "role": "role",
        "no_role": "No role given",
        "ex_officio": "ex officio",
        "optional": "optional",
        "all": "all",
        "title": "{table}: composition",
        "desc": "In the centre, the table “{table}”; around it, its {count} grouped by role: {groups}. "
        "Each seat links to the body it represents, the office that holds it ex officio, or its own page. "
        "The table that follows lists the same seats, with the same links.",
    },
}


@functools.cache
def _em(char: str) -> float:
    """The width of a character in em."""
    if char in _WIDTHS:
        return _WIDTHS[char]
    if char.isdigit():
        return _DIGIT
    if unicodedata.combining(char):
        return 0.0
    base = unicodedata.normalize("NFD", char)[:1]
    if base in _WIDTHS:
        return _WIDTHS[base]
    return 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else _OTHER


def text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of the width of `text` set in `size` units."""
    return sum(map(_em, text)) * size * (_BOLD if bold else 1.0)


def _fit(text: str, width: float, size: float, bold: bool) -> int:
    """How many leading characters of `text` fit in `width` (at least one, so that text moves on)."""
    used = 0.0
    for count, char in enumerate(text):
        used += text_width(char, size, bold)
        if used > width:
            return max(count, 1)
    return len(text)


def wrap(text: str, width: float, size: float, most: int, bold: bool = False) -> tuple[list[str], bool]:
    """`text` broken into at most `most` lines no wider than `width`, at spaces where it can be and
    within a word where a word alone is too wide; and whether some of it had to be left out (the
    last line then ends in an ellipsis)."""
    words = _SPACES.split(text[:_LONGEST].strip(" \t\n\r\f\v"))
    cut = len(text) > _LONGEST
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while text_width(word, size, bold) > width:
            fits = _fit(word, width, size, bold)
            lines.append(word[:fits])
            word = word[fits:]
        current = word
        if len(lines) > most:
            break
    if current:
        lines.append(current)
    if len(lines) > most or cut:
        kept = lines[:most] or [""]
        last = kept[-1]
        while last and text_width(last + "…", size, bold) > width:
            last = last[:-1].rstrip()
        return [*kept[:-1], last + "…"], True
    return lines or [""], False


@dataclass(frozen=True)
class Text:
    """A line of text: where its baseline starts (or is centred, as its class says) and what it says."""

    x: int
    y: int
    text: str


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


@dataclass(frozen=True)
class Seat:
    """A seat as the picture shows it: what it links to, its label, and a note on how it is held."""

    role: str
    href: str
    label: str
    note: str
    ex_officio: bool


@dataclass(frozen=True)
class SeatNode:
    """A seat placed: its box is relative to its role's panel."""

    href: str
    box: Box
    label: list[Text]
    note: Text | None
    whole: str | None  # the label in full, when the picture had to shorten it
    ex_officio: bool


@dataclass(frozen=True)
class RoleGroup:
    """The panel of one role: where it is in the picture, its heading and its seats."""

    role: str
    seats: int
    box: Box
    heading: list[Text]
    whole: str | None  # the heading in full, when the picture had to shorten it
    nodes: list[SeatNode]


@dataclass(frozen=True)
class Picture:
    """One layout of the composition, as the template draws it."""

    name: str  # which screens it is for ("wide", "narrow"); also names its classes and ids
    width: int
    height: int
    table: Box
    table_label: list[Text]
    table_whole: str | None  # the table's name in full, when the picture had to shorten it
    table_meta: Text
    groups: list[RoleGroup]
    title: str
    description: str


def seats_of(rows: Sequence[Mapping[str, str]], lang: str) -> list[Seat]:
    """The seats of a governance view's rows (see govlod.governance), in their order.

    A seat links to the body it represents; one that represents no body, to the office that holds it
    ex officio; any other seat, to its own page. Its label is that of what it links to.
    """
    words = WORDS.get(lang, WORDS["it"])
    seats: list[Seat] = []
    for row in rows:
        if row.get("body"):
            href, label = row["body"], row.get("bodyLabel") or _short(row["body"])
        elif row.get("office"):
            href, label = row["office"], row.get("officeLabel") or _short(row["office"])
        else:
            href, label = row["seat"], row.get("seatLabel") or _short(row["seat"])
        notes: list[str] = []
        if row.get("office"):
            notes.append(words["ex_officio"])
        holders = row.get("holders", "")
        if holders.isdigit() and int(holders) > 1:
            notes.append(f"\u00d7{int(holders)}")  # a times sign and the number of holders
        elif row.get("optional") == "true":
            notes.append(words["optional"])
        elif row.get("categoryLabel") and not holders:
            notes.append(words["all"])
        seats.append(Seat(row.get("roleLabel") or "", href, label, " · ".join(notes), bool(row.get("office"))))
    return seats


def _short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def _by_role(seats: Sequence[Seat]) -> list[tuple[str, list[Seat]]]:
    """Seats grouped by the label of their role, the roles in the order they first come."""
    groups: dict[str, list[Seat]] = {}
    for seat in seats:
        groups.setdefault(seat.role, []).append(seat)
    return list(groups.items())


def _count(n: int, words: Mapping[str, str], one: str, many: str) -> str:
    """A number and its noun, bound by a no-break space so that no line parts them."""
    return f"{n}\u00a0{words[one] if n == 1 else words[many]}"


@dataclass(frozen=True)
class _Panel:
    """A role's panel laid out at the origin, before it is placed."""

    role: str
    seats: int
    width: int
    height: int
    heading: list[Text]
    whole: str | None
    nodes: list[SeatNode]


def _panel(role: str, seats: Sequence[Seat], frame: Frame, words: Mapping[str, str]) -> _Panel:
    inner = frame.width - 2 * MARGIN - 2 * PANEL_PAD
    card = (inner - (frame.columns - 1) * GAP) // frame.columns
    columns = min(len(seats), frame.columns)
    if columns < frame.columns and any(wrap(s.label, card - 2 * CARD_PAD_X, SEAT_FONT, SEAT_LINES)[1] for s in seats):
        # A role of few seats has room to spare: its cards widen (up to twice) rather than cut a label.
        card = min(2 * card + GAP, (inner - (columns - 1) * GAP) // columns)
    cards = columns * card + (columns - 1) * GAP
    heading = role or words["no_role"]
    if len(seats) > 1:  # the count where seats of a role repeat
        heading = f"{heading} · {_count(len(seats), words, 'seat', 'seats')}"
    # A lone seat under a long role widens its panel rather than wrap the role's name in a narrow one.
    content = max(cards, min(math.ceil(text_width(heading, ROLE_FONT, bold=True)), inner))
    heading_lines, heading_cut = wrap(heading, content, ROLE_FONT, ROLE_LINES, bold=True)
    text_room = card - 2 * CARD_PAD_X
    labels = [wrap(seat.label, text_room, SEAT_FONT, SEAT_LINES) for seat in seats]
    notes = [wrap(seat.note, text_room, NOTE_FONT, 1)[0][0] if seat.note else "" for seat in seats]
    # Every card of a role has the same height, so that its rows line up.
    card_height = 2 * CARD_PAD_Y + max(len(lines) for lines, _ in labels) * SEAT_LINE
    card_height += NOTE_LINE if any(notes) else 0
    top = PANEL_PAD + len(heading_lines) * ROLE_LINE + 6
    rows = math.ceil(len(seats) / columns)
    nodes: list[SeatNode] = []
    for index, (seat, (lines, cut), note) in enumerate(zip(seats, labels, notes, strict=True)):
        row, column = divmod(index, columns)
        in_row = min(columns, len(seats) - row * columns)  # a last row not full is centred
        row_width = in_row * card + (in_row - 1) * GAP
        x = PANEL_PAD + (content - row_width) // 2 + column * (card + GAP)
        y = top + row * (card_height + GAP)
        block = len(lines) * SEAT_LINE + (NOTE_LINE if note else 0)
        first = y + (card_height - block) // 2 + SEAT_FONT - 1
        centre = x + card // 2
        nodes.append(
            SeatNode(
                href=seat.href,
                box=Box(x, y, card, card_height),
                label=[Text(centre, first + i * SEAT_LINE, line) for i, line in enumerate(lines)],
                note=Text(centre, first + len(lines) * SEAT_LINE - 2, note) if note else None,
                whole=seat.label if cut else None,
                ex_officio=seat.ex_officio,
            )
        )
    return _Panel(
        role=role,
        seats=len(seats),
        width=content + 2 * PANEL_PAD,
        height=top + rows * card_height + (rows - 1) * GAP + PANEL_PAD,
        heading=[Text(PANEL_PAD, PANEL_PAD + i * ROLE_LINE + ROLE_FONT, line) for i, line in enumerate(heading_lines)],
        whole=heading if heading_cut else None,
        nodes=nodes,
    )


def _shelves(panels: Sequence[_Panel], room: int) -> list[list[_Panel]]:
    """Panels in rows as wide as `room`, in their order: small roles side by side, large ones alone."""
    shelves: list[list[_Panel]] = []
    used = 0
    for panel in panels:
        if shelves and shelves[-1] and used + GROUP_GAP + panel.width <= room:
            shelves[-1].append(panel)
            used += GROUP_GAP + panel.width
        else:
            shelves.append([panel])
            used = panel.width
    return shelves


def _shelf_width(shelf: Sequence[_Panel]) -> int:
    return sum(p.width for p in shelf) + GROUP_GAP * (len(shelf) - 1)


def _place(
    shelves: Sequence[Sequence[_Panel]], y: int, frame: Frame, towards_bottom: bool
) -> tuple[list[RoleGroup], int]:
    """The shelves placed from `y` down, each centred; panels of a shelf meet the table's side of it.
    Returns the groups and the `y` below the last shelf."""
    groups: list[RoleGroup] = []
    for shelf in shelves:
        height = max(p.height for p in shelf)
        x = MARGIN + (frame.width - 2 * MARGIN - _shelf_width(shelf)) // 2
        for p in shelf:
            top = y + (height - p.height if towards_bottom else 0)
            box = Box(x, top, p.width, p.height)
            groups.append(RoleGroup(p.role, p.seats, box, p.heading, p.whole, p.nodes))
            x += p.width + GROUP_GAP
        y += height + GROUP_GAP
    return groups, y - GROUP_GAP if shelves else y


def _picture(table: str, roles: Sequence[tuple[str, list[Seat]]], frame: Frame, words: Mapping[str, str]) -> Picture:
    panels = [_panel(role, seats, frame, words) for role, seats in roles]
    # Roles go, the largest first, to the side with fewer seats so far, so that the table sits in
    # the middle; each side keeps the roles' order. Ties go below, so that a table of one role
    # reads from its name down to its seats.
    above: list[_Panel] = []
    below: list[_Panel] = []
    for panel in sorted(panels, key=lambda p: -p.seats):
        side = above if sum(p.seats for p in above) < sum(p.seats for p in below) else below
        side.append(panel)
    order = {id(p): i for i, p in enumerate(panels)}
    above.sort(key=lambda p: order[id(p)])
    below.sort(key=lambda p: order[id(p)])
    room = frame.width - 2 * MARGIN
    above_shelves, below_shelves = _shelves(above, room), _shelves(below, room)
    groups, y = _place(above_shelves, MARGIN, frame, towards_bottom=True)
    if above_shelves:
        y += TABLE_GAP
    # The table is as long as the rows of seats beside it, as a meeting table is, and as its name.
    beside = [_shelf_width(s) for s in (above_shelves[-1:] + below_shelves[:1])]
    name = math.ceil(text_width(table, TABLE_FONT, bold=True)) + 2 * TABLE_PAD_X
    table_width = min(room, max([*beside, name, room // 2]))
    lines, table_cut = wrap(table, table_width - 2 * TABLE_PAD_X, TABLE_FONT, TABLE_LINES, bold=True)
    table_height = 2 * TABLE_PAD_Y + len(lines) * TABLE_LINE + NOTE_LINE
    table_box = Box(MARGIN + (room - table_width) // 2, y, table_width, table_height)
    centre = table_box.x + table_width // 2
    first = y + TABLE_PAD_Y + TABLE_FONT - 1
    table_label = [Text(centre, first + i * TABLE_LINE, line) for i, line in enumerate(lines)]
    seats = sum(p.seats for p in panels)
    meta = f"{_count(seats, words, 'seat', 'seats')} · {_count(len(panels), words, 'role', 'roles')}"
    table_meta = Text(centre, first + len(lines) * TABLE_LINE - 2, meta)
    y += table_height + (TABLE_GAP if below_shelves else 0)
    below_groups, y = _place(below_shelves, y, frame, towards_bottom=False)
    summary = "; ".join(f"{role or words['no_role']}, {_count(len(s), words, 'seat', 'seats')}" for role, s in roles)
    return Picture(
        name=frame.name,
        width=frame.width,
        height=y + MARGIN,
        table=table_box,
        table_label=table_label,
        table_whole=table if table_cut else None,
        table_meta=table_meta,
        groups=groups + below_groups,
        title=words["title"].format(table=table),
        description=words["desc"].format(table=table, count=_count(seats, words, "seat", "seats"), groups=summary),
    )


def composition(table: str, rows: Sequence[Mapping[str, str]], lang: str) -> list[Picture]:
    """The pictures of the composition of the table named `table`, one per layout (see FRAMES), from
    the seat rows of its governance view; none when it has no seats."""
    words = WORDS.get(lang, WORDS["it"])
    roles = _by_role(seats_of(rows, lang))
    if not roles:
        return []
    return [_picture(table, roles, frame, words) for frame in FRAMES]
