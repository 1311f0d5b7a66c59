"""A pool of query processes, with a real timeout: a query over its time has its process stopped.

The event loop never blocks on a query: it waits for the pipe of the process running it to
become readable, so the server keeps answering other requests while a long query runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import pickle
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from govlod.sparql.worker import QueryJob, serve_jobs

READY_TIMEOUT = 600.0  # seconds a new process may take to load a large store into memory


class QueryTimeout(Exception):
    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"the query ran longer than the {seconds:g} s limit and was stopped")


class QueryFailed(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)


@dataclass(eq=False)  # compared and hashed by identity: each is one process
class _Worker:
    process: BaseProcess
    connection: Connection


@dataclass
class Outcome:
    """Filled in when the stream ends: what the worker said about the answer."""

    form: str = ""
    rows: int = 0
    truncated: bool = False
    complete: bool = False


class QueryExecutor:
    def __init__(self, store_root: Path, processes: int, timeout: float, memory_limit: int = 0):
        self._store_root = str(store_root)
        self._memory_limit = memory_limit
        self._size = processes
        self.timeout = timeout
        # spawn, not fork: the parent runs an event loop and threads a fork would copy half-way.
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._pending: set[asyncio.Task[None]] = set()

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=serve_jobs, args=(child, self._store_root, self._memory_limit), daemon=True, name="govlod-query"
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.add(worker)
        return worker

    async def start(self) -> None:
        """Start the processes and wait until each has loaded the store."""
        workers = [self._spawn() for _ in range(self._size)]
        await asyncio.gather(*(self._when_ready(worker) for worker in workers))

    async def _when_ready(self, worker: _Worker) -> None:
        """Offer a worker to queries only once it has loaded the store (it may take seconds)."""
        if await self._readable(worker.connection, READY_TIMEOUT):
            with contextlib.suppress(EOFError, OSError):
                if pickle.loads(worker.connection.recv_bytes()) == ("ready",):
                    self._idle.put_nowait(worker)
                    return
        self._stop(worker)
        raise QueryFailed(503, "a query process could not load the store")

    async def _replace(self) -> None:
        """A new process in place of a stopped one; if it cannot start, the pool runs one short."""
        try:
            await self._when_ready(self._spawn())
        except QueryFailed as failure:
            print(f"govlod: {failure.message}", file=sys.stderr)

    async def close(self) -> None:
        for worker in list(self._all):
            with contextlib.suppress(OSError):
                worker.connection.send_bytes(pickle.dumps(None))
            self._stop(worker)

    def _stop(self, worker: _Worker) -> None:
        self._all.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()

    async def _readable(self, connection: Connection, timeout: float) -> bool:
        """Wait, without blocking the event loop, until the pipe has a message or time is up."""
        if connection.poll():
            return True
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[bool] = loop.create_future()
        descriptor = connection.fileno()

        def settle(value: bool) -> None:
            if not ready.done():
                ready.set_result(value)

        # A reader callback and a timer rather than asyncio.wait_for, which costs a task per wait.
        loop.add_reader(descriptor, settle, True)
        timer = loop.call_later(timeout, settle, False)
        try:
            return await ready
        finally:
            timer.cancel()
            loop.remove_reader(descriptor)
            # uvloop leaves a watched descriptor non-blocking; recv() of a message larger than the
            # pipe buffer must be able to wait for the rest, so make it blocking again.
            os.set_blocking(descriptor, True)

    async def stream(self, job: QueryJob, outcome: Outcome | None = None) -> AsyncIterator[bytes]:
        """The answer to `job`, chunk by chunk; raises QueryTimeout or QueryFailed."""
        outcome = outcome if outcome is not None else Outcome()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        if not self._idle.empty():
            worker = self._idle.get_nowait()
        else:
            try:
                # Waiting for a free process counts against the time limit: a busy server says so.
                worker = await asyncio.wait_for(self._idle.get(), self.timeout)
            except TimeoutError as error:
                raise QueryTimeout(self.timeout) from error
        reusable = False
        try:
            worker.connection.send_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
            while True:
                remaining = deadline - loop.time()
                if remaining <= 0 or not await self._readable(worker.connection, remaining):
                    raise QueryTimeout(self.timeout)
                try:
                    message: tuple[Any, ...] = pickle.loads(worker.connection.recv_bytes())
                except (EOFError, OSError) as error:
                    raise QueryFailed(500, "the query process stopped unexpectedly") from error
                if message[0] == "chunk":
                    yield message[1]
                elif message[0] == "done":
                    reusable = True
                    summary = message[1]
                    if message[2]:
                        yield message[2]
                    outcome.form = summary["form"]
                    outcome.rows = summary["rows"]
                    outcome.truncated = summary["truncated"]
                    outcome.complete = True
                    return
                else:
                    reusable = True
                    raise QueryFailed(message[1], message[2])
        finally:
            # A worker that did not finish (timeout, client gone) may still be computing: replace it.
            if reusable:
                self._idle.put_nowait(worker)
            else:
                self._stop(worker)
                replacement = asyncio.get_running_loop().create_task(self._replace())
                self._pending.add(replacement)
                replacement.add_done_callback(self._pending.discard)

    async def select(self, query: str, max_rows: int = 100_000) -> list[dict[str, str]]:
        """A SELECT's rows as plain values by variable name (unbound variables left out)."""
        body, _ = await self.collect(QueryJob(query=query, format="json", max_rows=max_rows))
        rows: list[dict[str, Any]] = json.loads(body)["results"]["bindings"]
        return [{name: cell["value"] for name, cell in row.items()} for row in rows]

    async def collect(self, job: QueryJob) -> tuple[bytes, Outcome]:
        outcome = Outcome()
        chunks = [chunk async for chunk in self.stream(job, outcome)]
        return b"".join(chunks), outcome
