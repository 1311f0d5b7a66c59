"""Whatever a client sends, no public route answers 5xx or drops the connection.

Property-based: hypothesis makes paths (percent-encoding, `..`, unicode, very long), query
strings, headers, methods and bodies, sent byte for byte over a socket to `govlod serve` on each
kind of store. The runs are derandomized and bounded, so CI sees the same examples every time;
what they found once is kept below as named regression tests.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import RunningServer
from tests.web.raw_http import RawAnswer, exchange

BOUNDED = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

ROUTES = [
    "/",
    "/id/",
    "/doc/",
    "/doc/organization/",
    "/id/organization/coordinamento-enti-gestori-novara/",
    "/dumps/",
    "/static/",
    "/browse/",
    "/sitemaps/",
    "/ontology",
    "/catalog",
    "/sparql/examples",
    "/reconcile/suggest/",
    "/reconcile/v1/suggest/",
    "/.well-known/",
]
QUERY_ROUTES = [
    "/sparql",
    "/search",
    "/browse/tables",
    "/reconcile",
    "/reconcile/v1",
    "/reconcile/preview",
    "/reconcile/extend/propose",
    "/reconcile/suggest/entity",
    "/doc/organization/sercop",
    "/id/organization/sercop",
    "/ontology",
    "/catalog",
    "/sitemap.xml",
    "/dumps/",
]
PARAMETERS = ["query", "q", "format", "page", "from", "links", "kind", "id", "prefix", "queries", "type", "lang"]
TRICKY = ["..", "%2e%2e", "%2E%2E/", "%2f", "%00", "%ff", "%", "%zz", "<", '"', "{}", "\\", "|", "^", "`", ".ttl", ";"]


def _encoded(text: str) -> str:
    return quote(text, safe="")


segment = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=40).map(_encoded),
    st.text(alphabet=st.characters(codec="ascii", exclude_characters=" \r\n#?"), max_size=30),
    st.integers(min_value=1, max_value=9000).map(lambda n: "a" * n),  # long, past any sane identifier
)
path = st.builds(lambda route, parts: route + "/".join(parts), st.sampled_from(ROUTES), st.lists(segment, max_size=5))
parameter_value = st.one_of(st.text(max_size=60).map(_encoded), st.sampled_from(TRICKY), st.just(""))
query_string = st.lists(
    st.tuples(st.sampled_from(PARAMETERS), parameter_value).map(lambda kv: f"{kv[0]}={kv[1]}"), max_size=4
).map("&".join)
# Header values are latin-1 text without line breaks, as HTTP carries them.
header_text = st.text(alphabet=st.characters(codec="latin-1", exclude_characters="\r\n\x00"), max_size=80)
header = st.tuples(
    st.sampled_from(
        [b"Accept", b"Accept-Language", b"Content-Type", b"If-None-Match", b"If-Modified-Since", b"Range", b"Origin"]
    ),
    st.one_of(
        header_text.map(lambda text: text.strip().encode("latin-1")),
        st.sampled_from(
            [
                b"text/html;q=0.5, text/turtle;q=abc",
                b"*/*;q=0",
                b"application/ld+json;profile=x",
                b"bytes=0-10, 20-",
                b"bytes=99999999999999999999-",
                b'"x", W/"y", *',
                b"Tue, 99 Nov 2026 99:99:99 GMT",
                b"multipart/form-data; boundary=",
                b"application/x-www-form-urlencoded; charset=latin-1",
                b"en;q=0.5, it-IT;q=1e9",
            ]
        ),
    ),
)


def _answered(answer: RawAnswer, sent: str) -> None:
    assert answer.status != 0, f"no answer at all to {sent}"
    assert answer.status < 500 or (answer.status == 503 and "retry-after" in answer.headers), (
        f"{answer.status} for {sent}: {answer.body[:300]!r}"
    )


@BOUNDED
@given(target=path, method=st.sampled_from([b"GET", b"HEAD"]))
def test_no_path_gets_a_server_error(server: RunningServer, target: str, method: bytes) -> None:
    answer = exchange(server.port, method, target.encode("ascii"))
    _answered(answer, f"{method.decode()} {target}")


@BOUNDED
@given(route=st.sampled_from(QUERY_ROUTES), parameters=query_string)
def test_no_query_string_gets_a_server_error(server: RunningServer, route: str, parameters: str) -> None:
    target = f"{route}?{parameters}"
    _answered(exchange(server.port, b"GET", target.encode("ascii")), f"GET {target}")


@BOUNDED
@given(route=st.sampled_from([*QUERY_ROUTES, "/doc/organization/sercop.ttl"]), headers=st.lists(header, max_size=4))
def test_no_headers_get_a_server_error(server: RunningServer, route: str, headers: list[tuple[bytes, bytes]]) -> None:
    _answered(exchange(server.port, b"GET", route.encode(), headers), f"GET {route} with {headers}")


@BOUNDED
@given(
    route=st.sampled_from([*QUERY_ROUTES, "/reconcile/match", "/reconcile/extend", "/reconcile/v1/match", "/health"]),
    method=st.sampled_from(
        [b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"PROPFIND", b"TRACE", b"BREW"]
    ),
    content_type=st.sampled_from(
        [
            b"application/x-www-form-urlencoded",
            b"application/sparql-query",
            b"application/sparql-update",
            b"application/json",
            b"text/turtle",
            b"multipart/form-data; boundary=x",
            b"application/octet-stream",
            b"",
        ]
    ),
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(str.encode),
        st.sampled_from(
            [b"query=ASK{}", b"queries={", b'{"queries": [{"query": 1}]}', b"update=CLEAR ALL", b"\xff\xfe"]
        ),
    ),
)
def test_no_method_or_body_gets_a_server_error(
    server: RunningServer, route: str, method: bytes, content_type: bytes, body: bytes
) -> None:
    headers = [(b"Content-Type", content_type)] if content_type else []
    answer = exchange(server.port, method, route.encode(), headers, body)
    _answered(answer, f"{method.decode()} {route} ({content_type!r}) {body[:80]!r}")


# --- what the properties found, kept as named examples ----------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/doc/organization/a%20b",  # a space: no IRI holds one
        "/doc/organization/%3E%20%3Fp%20%3Fo%20%7D%20%23",  # text that would close an IRI in query text
        "/doc/organization/%22%3C%3E",
        "/id/organization/%7Bx%7D",
        "/doc/organization/x%00y",
        "/doc/organization/%ff",
        "/id/%ff",  # was 500: the redirect's Location could not be written
        "/id/%00",  # was a dropped connection: a NUL in the Location header
    ],
)
def test_an_identifier_no_iri_can_hold_is_not_found(server: RunningServer, target: str) -> None:
    answer = exchange(server.port, b"GET", target.encode(), [(b"Accept", b"text/turtle")])
    assert answer.status in (400, 404), answer


def test_a_malformed_identifier_gets_the_normal_error_page_in_a_browser(server: RunningServer) -> None:
    answer = exchange(server.port, b"GET", b"/doc/organization/a%20b", [(b"Accept", b"text/html")])
    assert answer.status == 404 and answer.headers["content-type"].startswith("text/html")
    assert b"<html" in answer.body.lower()
