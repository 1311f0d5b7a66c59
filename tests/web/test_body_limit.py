"""No route reads more than the largest body the server accepts: 413, whether the size is
announced or the body comes in chunks."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx

from govlod.settings import Settings
from tests.helpers import RunningServer
from tests.web.raw_http import exchange

LIMIT = Settings.model_fields["max_body_bytes"].default


def test_a_body_announced_larger_than_the_limit_is_refused_unread(server: RunningServer) -> None:
    body = b"query=" + b"A" * LIMIT
    answer = exchange(server.port, b"POST", b"/sparql", [(b"Content-Type", b"application/x-www-form-urlencoded")], body)
    assert answer.status == 413 and str(LIMIT).encode() in answer.body


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(server: RunningServer) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: httpx sends it chunked
        for _ in range(LIMIT // 65536 + 2):
            yield b"#" * 65536

    answer = httpx.post(
        server.url + "reconcile", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 413


def test_a_body_under_the_limit_is_read_as_usual(server: RunningServer) -> None:
    batch = json.dumps({"q0": {"query": "Sercop"}}) + " " * (LIMIT * 3 // 4)  # JSON allows the padding
    answer = httpx.post(server.url + "reconcile", data={"queries": batch})
    assert answer.status_code == 200 and answer.json()["q0"]["result"]
