"""Parsing SPARQL Protocol requests into a query and its dataset."""

from __future__ import annotations

import pytest

from govlod.sparql.protocol import ProtocolError, QueryRequest, parse_request


def test_get_collects_query_graphs_and_repeated_format() -> None:
    request = parse_request(
        "GET",
        [
            ("query", "ASK {}"),
            ("default-graph-uri", "urn:a"),
            ("default-graph-uri", "urn:b"),
            ("named-graph-uri", "urn:c"),
            ("format", "tsv"),
            ("format", "tsv"),
        ],
        None,
        b"",
    )
    assert request == QueryRequest("ASK {}", ("urn:a", "urn:b"), ("urn:c",), ("tsv", "tsv"))


def test_get_without_query_is_a_description_request() -> None:
    assert parse_request("GET", [], None, b"").query is None


def test_form_post_reads_the_body_and_the_url() -> None:
    request = parse_request(
        "POST",
        [("default-graph-uri", "urn:a")],
        "application/x-www-form-urlencoded; charset=UTF-8",
        b"query=SELECT+%2A+WHERE+%7B%7D&named-graph-uri=urn%3Ab",
    )
    assert request == QueryRequest("SELECT * WHERE {}", ("urn:a",), ("urn:b",))


@pytest.mark.parametrize(
    ("method", "params", "content_type", "body", "status"),
    [
        ("GET", [("query", "a"), ("query", "b")], None, b"", 400),
        ("POST", [("query", "ASK {}")], "application/sparql-query", b"ASK {}", 400),
        ("POST", [], "application/sparql-query; charset=iso-8859-1", b"ASK {}", 415),
        ("POST", [], "application/json", b"{}", 415),
        ("POST", [], "application/sparql-update", b"CLEAR ALL", 403),
        ("POST", [], "application/x-www-form-urlencoded", b"update=CLEAR+ALL", 403),
        ("PATCH", [], None, b"", 405),
    ],
)
def test_bad_requests_get_the_protocol_status(
    method: str, params: list[tuple[str, str]], content_type: str | None, body: bytes, status: int
) -> None:
    with pytest.raises(ProtocolError) as error:
        parse_request(method, params, content_type, body)
    assert error.value.status == status
