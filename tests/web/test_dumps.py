"""Dumps: listed with checksums and counts, served with range requests, and holding exactly the
triples the SPARQL endpoint answers."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from govlod.web.app import create_app
from govlod.web.runtime import Runtime
from tests.helpers import RunningServer
from tests.seed import BUNDLED_GRAPHS
from tests.sparql.warming import GatedExecutor, first_build, rebuild_with_marker

EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def listing(server: RunningServer) -> list[dict[str, object]]:
    dumps: list[dict[str, object]] = httpx.get(server.url + "dumps/").json()["dumps"]
    return dumps


def test_every_format_is_dumped_with_checksum_and_count(
    server: RunningServer, listing: list[dict[str, object]]
) -> None:
    assert {d["format"] for d in listing} == {"turtle", "ntriples", "nquads", "jsonld", "rdfxml"}
    health = httpx.get(server.url + "health").json()
    for dump in listing:
        response = httpx.get(str(dump["url"]))
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == dump["sha256"]
        assert int(response.headers["content-length"]) == dump["bytes"]
        assert response.headers["etag"] == f'"{dump["sha256"]}"'
        assert response.headers["content-type"].startswith(
            "application/gzip" if dump["compressed"] else str(dump["media_type"])
        )
        parsed = list(
            ox.parse(
                gzip.decompress(response.content) if dump["compressed"] else response.content,
                format=ox.RdfFormat.from_media_type(str(dump["media_type"])),
            )
        )
        assert len(parsed) == dump["triples"]
        if dump["format"] != "nquads":
            assert dump["triples"] == health["triples"]


def test_triple_dumps_hold_what_the_endpoint_answers(linked_server: RunningServer) -> None:
    # linked_server keeps the default row limit, above the size of the bundled data.
    server = linked_server
    listing = httpx.get(server.url + "dumps/").json()["dumps"]
    answer = httpx.get(server.url + "sparql", params={"query": EVERYTHING}, headers={"Accept": "application/n-triples"})
    expected = {
        str(t)
        for t in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    }
    for dump in listing:
        if dump["format"] in ("ntriples", "turtle"):
            body = httpx.get(str(dump["url"])).content
            data = gzip.decompress(body) if dump["compressed"] else body
            fmt = ox.RdfFormat.N_TRIPLES if dump["format"] == "ntriples" else ox.RdfFormat.TURTLE
            got = {
                str(t)
                for t in ox.parse(data, format=fmt)
                if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
            }
            assert got == expected


def test_n_quads_keep_the_graph_of_each_source(server: RunningServer, listing: list[dict[str, object]]) -> None:
    dump = next(d for d in listing if d["format"] == "nquads")
    quads = list(ox.parse(gzip.decompress(httpx.get(str(dump["url"])).content), format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs == BUNDLED_GRAPHS
    assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in quads)


def test_range_requests_resume_a_download(server: RunningServer, listing: list[dict[str, object]]) -> None:
    url = str(listing[0]["url"])
    whole = httpx.get(url).content
    part = httpx.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == whole[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole)}"


def test_unknown_dump_is_404(server: RunningServer) -> None:
    assert httpx.get(server.url + "dumps/../../build.json").status_code == 404
    assert httpx.get(server.url + "dumps/govlod-unknown.ttl").status_code == 404


def test_dumps_page_for_people(server: RunningServer) -> None:
    page = httpx.get(server.url + "dumps/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "SHA-256" in page.text and ".nq.gz" in page.text


def test_dumps_are_those_of_the_build_served_while_a_newer_one_warms(tmp_path: Path) -> None:
    # After `govlod build` the newest build on disk is not served until it is warm: until then
    # /dumps/ and /health must name and serve the build that answers the queries.
    settings = first_build(tmp_path / "store")
    app = create_app(settings)
    runtime: Runtime = app.state.runtime
    executor = runtime.queries = GatedExecutor(settings.store_dir, processes=1, timeout=60)  # holds the switch
    served = runtime.folder.current_id()

    async def scenario() -> tuple[list[dict[str, Any]], dict[str, str], dict[str, Any]]:
        await executor.start()
        try:
            await asyncio.to_thread(rebuild_with_marker, settings, tmp_path)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://govlod.test") as client:
                await client.get("/health")  # a request notices the rebuild and starts warming it
                await executor.loaded.wait()  # the new build is loaded; its switch is held
                listing: list[dict[str, Any]] = (await client.get("/dumps/")).json()["dumps"]
                files = {}
                for dump in listing:
                    response = await client.get(f"/dumps/{dump['name']}")
                    assert response.status_code == 200
                    files[dump["name"]] = hashlib.sha256(response.content).hexdigest()
                health: dict[str, Any] = (await client.get("/health")).json()
            return listing, files, health
        finally:
            await executor.close()

    listing, files, health = asyncio.run(scenario())
    newest = runtime.folder.current_id()
    assert served is not None and newest is not None and newest != served
    expected = {d["name"]: d["sha256"] for d in runtime.folder.info_of(served).dumps}
    assert {d["name"]: d["sha256"] for d in listing} == files == expected
    assert not set(files) & {d["name"] for d in runtime.folder.info_of(newest).dumps}  # not the newest build's
    assert health["build"] == served
    assert health["version"] == runtime.folder.info_of(served).version
