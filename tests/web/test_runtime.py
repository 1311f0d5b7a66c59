"""What a running server keeps per build."""

from __future__ import annotations

import asyncio
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from govlod.build import build
from govlod.settings import Settings
from govlod.sparql.memory import memory_copy_limit
from govlod.store import StoreFolder
from govlod.web.runtime import Runtime
from tests.helpers import PROJECT, RunningServer
from tests.sparql.warming import ASK_MARKER, GatedExecutor, first_build, rebuild_with_marker


def test_per_build_caches_live_side_by_side_and_go_with_their_build(tmp_path: Path) -> None:
    settings = Settings(home=PROJECT, store=tmp_path / "store")
    build(settings, check=False)
    runtime = Runtime.create(settings)
    runtime.keep_for_build("label-index", "labels")
    runtime.keep_for_build("reconcile", "entities")
    # Regression: keeping the search index used to throw away the reconciliation entities.
    assert runtime.for_build("label-index") == "labels"
    assert runtime.for_build("reconcile") == "entities"
    build(settings, check=False)  # a new build is switched in
    assert runtime.for_build("reconcile") is None
    runtime.keep_for_build("reconcile", "new entities")
    assert runtime.indexes == {("reconcile", runtime.build_id): "new entities"}


def test_the_default_memory_copy_limit_is_shared_by_all_query_processes(tmp_path: Path) -> None:
    shared = Runtime.create(Settings(home=PROJECT, store=tmp_path / "store", workers=2, query_processes=2))
    assert shared.queries.memory_limit == memory_copy_limit(None, workers=2, processes=2)
    configured = Runtime.create(Settings(home=PROJECT, store=tmp_path / "store", workers=2, memory_copy_triples=7))
    assert configured.queries.memory_limit == 7


def test_the_build_served_is_the_one_answering_until_the_new_one_is_warm(tmp_path: Path) -> None:
    # Cache keys, ETags and Govlod-Dataset-Version must name the build that answers the queries.
    settings = first_build(tmp_path / "store")
    runtime = Runtime.create(settings)
    runtime.queries = GatedExecutor(settings.store_dir, processes=1, timeout=60)

    async def scenario() -> tuple[str, str, str, str]:
        await runtime.queries.start()
        try:
            old_version = runtime.info.version
            await asyncio.to_thread(rebuild_with_marker, settings, tmp_path)
            _ = runtime.build_id  # a request notices the rebuild and starts warming the new build
            await runtime.queries.loaded.wait()
            while_warm = runtime.info.version
            runtime.queries.release()
            await runtime.queries.warmed()
            return old_version, while_warm, runtime.info.version, runtime.build_id
        finally:
            await runtime.queries.close()

    old_version, while_warm, new_version, served = asyncio.run(scenario())
    assert while_warm == old_version != new_version
    assert served == runtime.folder.current_id()


# Read by people and harvesters while a build switches: every kind of answer, not only queries.
BROWSING = [
    "/",
    "/doc/organization/sercop.ttl",
    "/doc/organization/sercop.html",
    "/id/organization/coordinamento-enti-gestori-novara/tavolo-politico",
    "/search?q=tavolo",
    "/browse/tables",
    "/reconcile?queries=" + '{"q0":{"query":"Sercop"}}',
    "/dumps/",
    "/catalog",
    "/.well-known/void",
]


def test_a_running_server_answers_every_request_across_a_rebuild(tmp_path: Path) -> None:
    server = RunningServer(tmp_path / "store")
    answers: list[tuple[int, str]] = []
    browsed: list[tuple[str, int]] = []
    switched = threading.Event()

    def browse() -> None:  # a second client, all along the switch
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for path in itertools.cycle(BROWSING):
                browsed.append((path, client.get(path).status_code))
                if switched.is_set():
                    return

    try:
        settings = Settings(home=PROJECT, store=tmp_path / "store")
        with httpx.Client(base_url=server.url, timeout=60) as client, ThreadPoolExecutor(1) as pool:
            browsing = pool.submit(browse)
            answers.append(_ask_marker(client, 0))
            rebuild_with_marker(settings, tmp_path)
            for tag in range(1, 100_000):  # until the new build has answered twenty queries
                answers.append(_ask_marker(client, tag))
                said = [value for _, value in answers]
                if "true" in said and len(said) - said.index("true") >= 20:
                    break
            switched.set()
            browsing.result()
            health = client.get("/health").json()
    finally:
        switched.set()
        server.stop()
    assert {status for status, _ in answers} == {200}
    assert len(browsed) > len(BROWSING)
    assert [(path, status) for path, status in browsed if status not in (200, 303)] == []
    said = [value for _, value in answers]
    assert said[0] == "false"
    assert "true" in said and "false" not in said[said.index("true") :]  # one switch, no way back
    assert health["version"] == StoreFolder(tmp_path / "store").info().version  # /health names the new build


def _ask_marker(client: httpx.Client, tag: int) -> tuple[int, str]:
    """One uncached query (the tag makes it unique): the status, and "true" or "false"."""
    response = client.get("/sparql", params={"query": f"# {tag}\n{ASK_MARKER}", "format": "json"})
    value = str(response.json()["boolean"]).lower() if response.status_code == 200 else ""
    return response.status_code, value
