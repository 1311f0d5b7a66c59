"""`/health`: what a monitor needs to know, and nothing about the server's disk or settings."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

import govlod
from govlod.settings import Settings
from govlod.store import StoreFolder
from govlod.web.app import create_app
from tests.helpers import PROJECT, RunningServer


def test_health_names_the_build_served_and_its_counts(server: RunningServer) -> None:
    health = httpx.get(server.url + "health").json()
    folder = StoreFolder(server.store)
    info = folder.info()
    assert health["status"] == "ok"
    assert health["govlod_version"] == govlod.__version__
    assert health["build"] == folder.current_id()
    assert (health["version"], health["built_at"], health["base_iri"]) == (info.version, info.built_at, info.base_iri)
    assert (health["triples"], health["quads"], health["graphs"]) == (info.triples, info.quads, len(info.graphs))
    assert health["triples"] > 1600


def test_health_shows_no_path_on_the_servers_disk(server: RunningServer) -> None:
    text = httpx.get(server.url + "health").text
    assert "store" not in json.loads(text)
    assert str(server.store.parent) not in text and str(PROJECT) not in text


def test_health_without_a_build_is_unavailable_and_does_not_say_where_the_store_is(tmp_path: Path) -> None:
    app = create_app(Settings(home=PROJECT, store=tmp_path / "store"))

    async def ask() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://govlod.test") as client:
            return await client.get("/health")

    response = asyncio.run(ask())
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert str(tmp_path) not in response.text
