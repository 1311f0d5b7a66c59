"""Every answer carries the security headers; only the reconciliation preview may be framed."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import RunningServer

ANSWERS = [
    ("GET", "/", None),
    ("GET", "/doc/organization/sercop.ttl", None),
    ("GET", "/doc/organization/sercop.html", None),
    ("GET", "/sparql?query=ASK%7B%7D", None),
    ("GET", "/static/style.css", None),
    ("GET", "/doc/organization/not-there.html", None),  # an error page
    ("POST", "/sparql", b"x" * 2_000_000),  # refused before the route: 413
    ("GET", "/docs", None),
    ("OPTIONS", "/sparql", None),  # a CORS preflight
]


@pytest.mark.parametrize(("method", "path", "body"), ANSWERS)
def test_every_answer_has_the_security_headers(server: RunningServer, method: str, path: str, body: bytes) -> None:
    headers = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    answer = httpx.request(method, server.url + path.lstrip("/"), content=body, headers=headers, timeout=30)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and answer.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_reconciliation_preview_may_be_framed_by_reconciliation_tools(server: RunningServer) -> None:
    answer = httpx.get(server.url + "reconcile/preview", params={"id": "organization/sercop"})
    assert answer.status_code == 200
    assert "frame-ancestors *" in answer.headers["content-security-policy"]
    assert "x-frame-options" not in answer.headers
    assert answer.headers["x-content-type-options"] == "nosniff"
