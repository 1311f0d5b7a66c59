"""Visitors' queries on a remote store: passed on as written, answered in the format asked for,
cut at the row limit and given up at the time limit.

The store answers in SPARQL JSON or N-Triples; its answer is parsed as it arrives and written in
the visitor's format by the same writers as the embedded store's, so both cut at the same row and
say so the same way. A query past the time limit is abandoned (the connection is closed); the
store's own timeout stops its work (the Oxigraph server's `--timeout-s`).
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox

from govlod.sparql.inspect import QueryForm, has_dataset_clause, query_form, without_dataset_clause
from govlod.sparql.worker import QueryJob, WrongForm, write_answer
from govlod.stores.interface import Outcome, QueryFailed, QueryTimeout
from govlod.stores.remote import layout
from govlod.stores.remote.connection import (
    GRAPH_ACCEPT,
    GRAPH_FORMATS,
    SELECT_ACCEPT,
    Connection,
    Parameters,
    StoreError,
    media_type,
    results_format,
)
from govlod.stores.remote.engines import Engine

WATCH_SECONDS = 1.0  # how often the served build is looked up in the store
# By the query's form: an engine may write a CONSTRUCT as a table when a table format comes first.
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
ACCEPT_BY_FORM = {form: ACCEPT for form in QueryForm}
ACCEPT_BY_FORM |= {QueryForm.CONSTRUCT: GRAPH_ACCEPT, QueryForm.DESCRIBE: GRAPH_ACCEPT}
ACCEPT_BY_FORM |= {QueryForm.SELECT: SELECT_ACCEPT, QueryForm.ASK: SELECT_ACCEPT}
GRACE_SECONDS = 1.0  # past the limit, for the thread to notice and close the connection
READ_BYTES = 64 * 1024


class _Deadline(Exception):
    pass


class _AnswerReader(io.RawIOBase):
    """The store's answer as a file for pyoxigraph's parsers, stopping at the deadline."""

    def __init__(self, chunks: Iterator[bytes], deadline: float):
        self._chunks = chunks
        self._deadline = deadline
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._rest:
            if time.monotonic() > self._deadline:
                raise _Deadline
            self._rest = next(self._chunks, b"")
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


class _Collected:
    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass  # everything written is kept already


def on_the_store(job: QueryJob, engine: Engine, base_iri: str, served: Sequence[str]) -> tuple[str, Parameters]:
    """A visitor's query as the store is to run it, and the protocol's dataset parameters with it.

    The visitor's own parameters are the dataset, in place of the query's FROM (as the protocol
    says; Virtuoso would otherwise merge the two), and so is the query's own FROM otherwise. With
    neither, on an engine whose default graph is the union of all its graphs, the query is given
    the served union as its default graph and the served graphs as its named graphs, so that it
    sees what the embedded store would show: not the engine's system graphs, not a build being loaded.
    """
    if job.default_graphs or job.named_graphs:
        query = without_dataset_clause(job.query) if has_dataset_clause(job.query) else job.query
        return query, {"default-graph-uri": list(job.default_graphs), "named-graph-uri": list(job.named_graphs)}
    if engine.own_default_graph or (job.names_graphs and has_dataset_clause(job.query)):
        return job.query, {}
    parameters = {"default-graph-uri": [layout.union_graph(base_iri).value]}
    if job.names_graphs:
        parameters["named-graph-uri"] = list(served)
    return job.query, parameters


def _as_boolean(result: ox.QuerySolutions, variable: str) -> ox.QueryBoolean:
    """An ASK answered as a one-column SELECT (Virtuoso's way) as the boolean it stands for."""
    value = any(isinstance(cell := row[variable], ox.Literal) and cell.value in ("1", "true") for row in result)
    written = b'{"head": {}, "boolean": true}' if value else b'{"head": {}, "boolean": false}'
    answer = ox.parse_query_results(written, ox.QueryResultsFormat.JSON)
    assert isinstance(answer, ox.QueryBoolean)
    return answer


_EMPTY = ox.Store()  # queries are parsed on it, never evaluated: its answers are lazy


def check_syntax(query: str) -> None:
    """A visitor's query read as the embedded store reads it, so that a mistake gets the same
    message on every store (and costs the store nothing)."""
    try:
        _EMPTY.query(query)
    except SyntaxError as error:
        raise QueryFailed(400, f"syntax error: {error.msg or error}") from None


def _answer(
    connection: Connection, job: QueryJob, base_iri: str, served: Sequence[str], timeout: float
) -> tuple[bytes, dict[str, object]]:
    """Run the job on the store and write its answer; in a thread."""
    deadline = time.monotonic() + timeout
    query, parameters = on_the_store(job, connection.engine, base_iri, served)
    out = _Collected()
    ask_variable = connection.engine.ask_variable
    form = query_form(query)
    with connection.query(query, ACCEPT_BY_FORM[form], timeout=timeout, parameters=parameters) as response:
        content = io.BufferedReader(_AnswerReader(connection.chunks(response), deadline), READ_BYTES)
        result: ox.QueryBoolean | ox.QuerySolutions | Iterator[ox.Triple]
        graph = GRAPH_FORMATS.get(media_type(response))
        if graph is not None:
            result = (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(content, graph))
        else:
            result = ox.parse_query_results(content, results_format(response))
            if (
                ask_variable is not None
                and isinstance(result, ox.QuerySolutions)
                and [v.value for v in result.variables] == [ask_variable]
                and form is QueryForm.ASK
            ):
                result = _as_boolean(result, ask_variable)
        summary = write_answer(result, job, out)
    return b"".join(out.parts), summary


class RemoteQueries:
    """Visitors' queries on a remote store, on a few threads, and the build the store serves."""

    def __init__(self, connection: Connection, base_iri: str, timeout: float, concurrency: int):
        self.timeout = timeout
        self._connection = connection
        self._base_iri = base_iri
        self._threads = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="remote-query")
        self._build: str | None = None
        self._served: list[str] = []  # the served build's named graphs, looked up when it changes
        self._watching: asyncio.Task[None] | None = None
        self.problem: str | None = None  # why the served build could not be looked up, last time

    @property
    def ready(self) -> bool:
        return self._build is not None

    @property
    def store_name(self) -> str:
        return self._connection.name

    def look_up(self) -> str | None:
        """The build the store serves, asked now."""
        try:
            build = layout.served_build(self._connection, self._base_iri)
            if build != self._build and not self._connection.engine.own_default_graph:
                self._served = layout.served_graphs(self._connection, self._base_iri)
            self._build = build
            self.problem = None
        except StoreError as error:
            self.problem = str(error)
        return self._build

    def launch(self) -> None:
        if self._watching is None:
            self.look_up()  # once before the first request, so that it names the build at once
            self._watching = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await loop.run_in_executor(self._threads, self.look_up)
            await asyncio.sleep(WATCH_SECONDS)

    def follow(self) -> str | None:
        return self._build

    async def close(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
            await asyncio.gather(self._watching, return_exceptions=True)
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._connection.close()

    async def stream(self, job: QueryJob, outcome: Outcome | None = None) -> AsyncIterator[bytes]:
        outcome = outcome if outcome is not None else Outcome()
        loop = asyncio.get_running_loop()
        check_syntax(job.query)
        served = self._served
        work = loop.run_in_executor(self._threads, _answer, self._connection, job, self._base_iri, served, self.timeout)
        try:
            body, summary = await asyncio.wait_for(work, self.timeout + GRACE_SECONDS)
        except (TimeoutError, _Deadline) as error:
            raise QueryTimeout(self.timeout) from error
        except StoreError as error:
            if error.timed_out:
                raise QueryTimeout(self.timeout) from None
            raise _failure(error) from None
        except SyntaxError as error:
            raise QueryFailed(502, f"the store's answer could not be read: {error}") from None
        except WrongForm as error:
            raise QueryFailed(400, f"a {error} query cannot be answered in {job.format}") from None
        outcome.form = str(summary["form"])
        outcome.rows = int(summary["rows"])  # type: ignore[call-overload]
        outcome.truncated = bool(summary["truncated"])
        outcome.complete = True
        if body:
            yield body

    async def collect(self, job: QueryJob) -> tuple[bytes, Outcome]:
        outcome = Outcome()
        chunks = [chunk async for chunk in self.stream(job, outcome)]
        return b"".join(chunks), outcome

    async def select(self, query: str, max_rows: int = 100_000) -> list[dict[str, str]]:
        body, _ = await self.collect(QueryJob(query=query, format="json", max_rows=max_rows))
        rows: list[dict[str, Any]] = json.loads(body)["results"]["bindings"]
        return [{name: cell["value"] for name, cell in row.items()} for row in rows]


def _failure(error: StoreError) -> QueryFailed:
    """A store's refusal as the visitor's answer: their query's fault (400) or the store's (502).

    The embedded store checks a query's syntax in the query process; a remote one, when it
    answers 400, has said what is wrong with the query: that is what the visitor needs to read.
    """
    if error.status == 400:
        return QueryFailed(400, f"syntax error: {error.said}")
    return QueryFailed(502, str(error))
