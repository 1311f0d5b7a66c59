"""The query process pool, driven directly under the event loops uvicorn uses."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
import uvloop

from govlod.build import build
from govlod.settings import Settings
from govlod.sparql.executor import QueryExecutor, QueryFailed, QueryTimeout
from govlod.sparql.worker import QueryJob
from tests.helpers import PROJECT

EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"


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


def test_a_query_waiting_for_a_busy_pool_times_out_too(store: Path) -> None:
    async def scenario() -> tuple[type[BaseException], type[BaseException]]:
        executor = QueryExecutor(store, processes=1, timeout=1)
        await executor.start()
        slow = QueryJob(query="SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", format="json", max_rows=10)
        try:
            results = await asyncio.gather(executor.collect(slow), executor.collect(slow), return_exceptions=True)
        finally:
            await executor.close()
        return type(results[0]), type(results[1])

    assert _run("asyncio", scenario) == (QueryTimeout, QueryTimeout)
