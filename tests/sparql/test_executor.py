"""The query process pool, driven directly under the event loops uvicorn uses."""

from __future__ import annotations

import asyncio
import itertools
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
import uvloop

from govlod.build import build
from govlod.settings import Settings
from govlod.sparql import executor as executor_module
from govlod.sparql.executor import QueryExecutor
from govlod.sparql.worker import QueryJob
from govlod.store import StoreFolder
from govlod.stores.interface import QueryFailed, QueryTimeout, ServerBusy
from tests.helpers import PROJECT
from tests.sparql.warming import GatedExecutor, first_build, has_marker, rebuild_with_marker, retiring_process

EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"
# A few seconds of work on the bundled data (five times every pair of triples), to be in flight.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . VALUES ?x { 1 2 3 4 5 } }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("executor") / "store"
    build(Settings(home=PROJECT, store=folder), check=False)
    return folder


def _run(loop_name: str, scenario: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return uvloop.run(scenario()) if loop_name == "uvloop" else asyncio.run(scenario())


@pytest.mark.parametrize("loop_name", ["asyncio", "uvloop"])
def test_answers_larger_than_the_pipe_buffer_arrive_whole(store: Path, loop_name: str) -> None:
    async def scenario() -> list[int]:
        executor = QueryExecutor(store, processes=2, timeout=30)
        await executor.start()
        try:
            sizes = []
            for _ in range(10):
                body, outcome = await executor.collect(QueryJob(query=EVERYTHING, format="json", max_rows=10**6))
                assert outcome.complete and not outcome.truncated
                sizes.append(len(json.loads(body)["results"]["bindings"]))
            return sizes
        finally:
            await executor.close()

    sizes = _run(loop_name, scenario)
    assert len(set(sizes)) == 1 and sizes[0] > 1600


@pytest.mark.parametrize("loop_name", ["asyncio", "uvloop"])
def test_waiting_for_a_worker_leaves_its_pipe_blocking(loop_name: str, tmp_path: Path) -> None:
    # Regression: uvloop's add_reader made the pipe non-blocking, so recv() of a message larger
    # than the pipe buffer failed half-way with EAGAIN ("the query process stopped unexpectedly").
    async def scenario() -> tuple[bool, bool]:
        executor = QueryExecutor(tmp_path, processes=1, timeout=5)
        reader, writer = multiprocessing.Pipe(duplex=False)
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, writer.send, ("chunk", b"x"))
        ready = await executor._readable(reader, timeout=5)
        return ready, os.get_blocking(reader.fileno())

    assert _run(loop_name, scenario) == (True, True)


def test_timeout_stops_the_query_and_the_pool_recovers(store: Path) -> None:
    async def scenario() -> bool:
        executor = QueryExecutor(store, processes=1, timeout=1)
        await executor.start()
        try:
            slow = QueryJob(
                query="SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", format="json", max_rows=10
            )
            with pytest.raises(QueryTimeout):
                await executor.collect(slow)
            body, _ = await executor.collect(QueryJob(query="ASK { ?s ?p ?o }", format="json", max_rows=10))
            return bool(json.loads(body)["boolean"])
        finally:
            await executor.close()

    assert _run("uvloop", scenario) is True


def test_syntax_error_is_reported_and_the_process_reused(store: Path) -> None:
    async def scenario() -> None:
        executor = QueryExecutor(store, processes=1, timeout=10)
        await executor.start()
        try:
            with pytest.raises(QueryFailed) as failure:
                await executor.collect(QueryJob(query="SELECT WHERE", format="json", max_rows=10))
            assert failure.value.status == 400
            assert "syntax error" in failure.value.message
            body, outcome = await executor.collect(QueryJob(query=EVERYTHING, format="tsv", max_rows=5))
            assert outcome.truncated
            assert len(body.decode().splitlines()) == 6
        finally:
            await executor.close()

    _run("asyncio", scenario)


@pytest.mark.parametrize(
    "query",
    [
        EVERYTHING,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/govlod/graph/sercop-rhodense/piano-sociale-di-zona> WHERE { ?s ?p ?o }",
    ],
)
def test_memory_copy_answers_exactly_as_the_disk_store(store: Path, query: str) -> None:
    from govlod.sparql.inspect import names_graphs

    async def answer(memory_limit: int) -> list[dict[str, object]]:
        executor = QueryExecutor(store, processes=1, timeout=30, memory_limit=memory_limit)
        await executor.start()
        try:
            job = QueryJob(query=query, format="json", max_rows=10**6, names_graphs=names_graphs(query))
            body, _ = await executor.collect(job)
        finally:
            await executor.close()
        bindings: list[dict[str, object]] = json.loads(body)["results"]["bindings"]
        return sorted(bindings, key=json.dumps)

    on_disk, in_memory = asyncio.run(answer(0)), asyncio.run(answer(10**7))
    assert on_disk == in_memory
    assert len(on_disk) > 0


def test_a_query_waiting_for_a_busy_pool_is_told_the_server_was_busy(store: Path) -> None:
    async def scenario() -> tuple[type[BaseException], type[BaseException]]:
        executor = QueryExecutor(store, processes=1, timeout=1)
        await executor.start()
        slow = QueryJob(query="SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", format="json", max_rows=10)
        try:
            results = await asyncio.gather(executor.collect(slow), executor.collect(slow), return_exceptions=True)
        finally:
            await executor.close()
        return type(results[0]), type(results[1])

    assert _run("asyncio", scenario) == (QueryTimeout, ServerBusy)  # the second never ran


def test_a_rebuild_is_answered_by_the_old_build_until_the_new_one_is_warm(tmp_path: Path) -> None:
    settings = first_build(tmp_path / "store")

    async def scenario() -> dict[str, object]:
        executor = GatedExecutor(settings.store_dir, processes=2, timeout=60)
        await executor.start()
        try:
            seen: dict[str, object] = {"old": executor.build_id, "before": await has_marker(executor, 1)}
            await asyncio.to_thread(rebuild_with_marker, settings, tmp_path)
            seen["right after"] = await has_marker(executor, 2)  # this query notices the rebuild
            await executor.loaded.wait()  # the new build's processes are loaded, the switch is held
            seen["while warm"] = await has_marker(executor, 3)
            seen["served while warm"] = executor.build_id
            in_flight = asyncio.create_task(executor.collect(QueryJob(query=SLOW, format="json", max_rows=10)))
            await asyncio.sleep(0)  # the slow query is sent to a process of the old build
            executor.release()
            seen["new"] = await executor.warmed()
            seen["after"] = await has_marker(executor, 4)
            seen["in flight"] = json.loads((await in_flight)[0])["results"]["bindings"][0]["n"]["value"]
            seen["processes"] = len(multiprocessing.active_children())  # the old ones are gone
            return seen
        finally:
            await executor.close()

    seen = _run("uvloop", scenario)
    assert (seen["before"], seen["right after"], seen["while warm"], seen["after"]) == (False, False, False, True)
    assert seen["served while warm"] == seen["old"] != seen["new"]
    assert seen["new"] == StoreFolder(settings.store_dir).current_id()
    assert int(str(seen["in flight"])) > 0  # a query running at the switch ends normally
    assert seen["processes"] == 2


def test_queries_keep_being_answered_while_builds_switch(tmp_path: Path) -> None:
    settings = first_build(tmp_path / "store")

    async def scenario() -> list[bool]:
        executor = QueryExecutor(settings.store_dir, processes=2, timeout=60)
        await executor.start()
        try:
            rebuilt = asyncio.create_task(asyncio.to_thread(rebuild_with_marker, settings, tmp_path))
            answers: list[bool] = []
            tag = itertools.count()
            # Rounds of concurrent queries until the new build answers: none may fail, none go back.
            for _ in range(100_000):
                answers += await asyncio.gather(*(has_marker(executor, next(tag)) for _ in range(4)))
                if answers[-1] and rebuilt.done():
                    break
            await rebuilt
            return answers
        finally:
            await executor.close()

    answers = _run("asyncio", scenario)
    assert True in answers
    assert all(answers[answers.index(True) :])


def test_a_build_that_cannot_be_loaded_leaves_the_old_one_answering(tmp_path: Path) -> None:
    settings = first_build(tmp_path / "store")
    folder = StoreFolder(settings.store_dir)

    async def scenario() -> tuple[str | None, str | None, bool]:
        executor = QueryExecutor(settings.store_dir, processes=1, timeout=30)
        await executor.start()
        try:
            old = executor.build_id
            broken = folder.root / "builds" / "broken"
            broken.mkdir()
            shutil.copy(folder.current_build() / "build.json", broken / "build.json")  # but no oxigraph/
            (folder.root / "current.new").symlink_to(Path("builds") / "broken")
            os.replace(folder.root / "current.new", folder.current_link)
            executor.follow()
            served = await executor.warmed()
            return old, served, await has_marker(executor)
        finally:
            await executor.close()

    old, served, answered = _run("asyncio", scenario)
    assert served == old is not None
    assert answered is False  # answered, by the old build


def test_without_a_build_queries_say_so(tmp_path: Path) -> None:
    async def scenario() -> QueryFailed:
        executor = QueryExecutor(tmp_path / "store", processes=1, timeout=30)
        await executor.start()
        try:
            with pytest.raises(QueryFailed) as failure:
                await executor.collect(QueryJob(query="ASK {}", format="json", max_rows=1))
            return failure.value
        finally:
            await executor.close()

    failure = _run("asyncio", scenario)
    assert failure.status == 503
    assert "govlod build" in failure.message


@pytest.mark.parametrize(("limit_offset", "copies"), [(None, 0), (-1, 0), (0, 2), (1, 2)])
def test_query_processes_copy_the_store_only_up_to_the_limit(
    store: Path, limit_offset: int | None, copies: int
) -> None:
    triples = StoreFolder(store).info().triples
    limit = 0 if limit_offset is None else triples + limit_offset  # None: copies turned off

    async def scenario() -> int:
        executor = QueryExecutor(store, processes=2, timeout=30, memory_limit=limit)
        await executor.start()
        try:
            return executor.memory_copies
        finally:
            await executor.close()

    assert _run("asyncio", scenario) == copies


def test_a_process_that_outgrew_its_memory_is_replaced_between_queries(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(executor_module, "serve_jobs", retiring_process)  # spawn pickles it by name

    async def scenario() -> list[bytes]:
        executor = QueryExecutor(store, processes=1, timeout=30)
        await executor.start()
        try:
            return [(await executor.collect(QueryJob(query="ASK {}", format="json", max_rows=1)))[0] for _ in range(3)]
        finally:
            await executor.close()

    pids = _run("asyncio", scenario)
    assert len(set(pids)) == 3  # every query answered, each by a fresh process
