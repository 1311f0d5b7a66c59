"""The media table and Accept negotiation."""

from __future__ import annotations

import pytest

from govlod.media import BY_NAME, FORMATS, GRAPH_FORMATS, HTML, RESULT_FORMATS, UnknownFormat, by_name, negotiate

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        (None, RESULT_FORMATS, "json"),
        ("*/*", RESULT_FORMATS, "json"),
        ("*/*", GRAPH_FORMATS, "turtle"),
        (BROWSER, (*RESULT_FORMATS, HTML), "html"),
        ("application/sparql-results+xml;q=0.5, text/csv", RESULT_FORMATS, "csv"),
        ("text/turtle;q=0.9, application/ld+json", GRAPH_FORMATS, "jsonld"),
        ("application/json", RESULT_FORMATS, "json"),
        ("application/xml", RESULT_FORMATS, "xml"),
        ("text/*", RESULT_FORMATS, "xml"),  # text/xml is an alias of the results XML, offered before CSV
        ("application/n-quads, application/trig;q=0.2", GRAPH_FORMATS, "nquads"),
        ("this is not;;a header", GRAPH_FORMATS, "turtle"),
    ],
)
def test_negotiate_honours_q_values_and_prefers_the_first_offer(
    accept: str | None, offered: tuple, expected: str
) -> None:  # type: ignore[type-arg]
    chosen = negotiate(accept, offered)
    assert chosen is not None
    assert chosen.name == expected


def test_negotiate_returns_none_when_nothing_fits() -> None:
    assert negotiate("image/png", RESULT_FORMATS) is None
    assert negotiate("text/turtle", RESULT_FORMATS) is None


def test_every_format_is_found_by_name_extension_and_media_type() -> None:
    for media in FORMATS:
        assert by_name(media.name) is media
        assert by_name(media.extension) is media
        assert by_name(media.media_type) is media
        assert BY_NAME[media.media_type.upper().lower()] is media
    with pytest.raises(UnknownFormat):
        by_name("docx")


def test_text_formats_declare_utf8() -> None:
    assert BY_NAME["turtle"].content_type == "text/turtle; charset=utf-8"
    assert BY_NAME["json"].content_type == "application/sparql-results+json; charset=utf-8"
    assert BY_NAME["nquads"].content_type == "application/n-quads"
