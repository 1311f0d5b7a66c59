"""A pool of query processes, with a real timeout: a query over its time has its process stopped.

The event loop never blocks on a query: it waits for the pipe of the process running it to
become readable, so the server keeps answering other requests while a long query runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from collections.abc import AsyncIterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from govlod.sparql.worker import QueryJob, serve_jobs


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
    def __init__(self, store_root: Path, processes: int, timeout: float):
        self._store_root = str(store_root)
        self._size = processes
        self.timeout = timeout
        # spawn, not fork: the parent runs an event loop and threads a fork would copy half-way.
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=serve_jobs, args=(child, self._store_root), daemon=True, name="govlod-query"
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.add(worker)
        return worker

    async def start(self) -> None:
        for _ in range(self._size):
            self._idle.put_nowait(self._spawn())

    async def close(self) -> None:
        for worker in list(self._all):
            with contextlib.suppress(OSError):
                worker.connection.send(None)
            self._stop(worker)

    def _stop(self, worker: _Worker) -> None:
        self._all.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()

    async def _readable(self, connection: Connection, timeout: float) -> bool:
        loop = asyncio.get_running_loop()
        if connection.poll():
            return True
        ready: asyncio.Future[None] = loop.create_future()
        descriptor = connection.fileno()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(descriptor, wake)
        try:
            await asyncio.wait_for(ready, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            loop.remove_reader(descriptor)

    async def stream(self, job: QueryJob, outcome: Outcome | None = None) -> AsyncIterator[bytes]:
        """The answer to `job`, chunk by chunk; raises QueryTimeout or QueryFailed."""
        outcome = outcome if outcome is not None else Outcome()
        loop = asyncio.get_running_loop()
        worker = await self._idle.get()
        reusable = False
        try:
            worker.connection.send(job)
            deadline = loop.time() + self.timeout
            while True:
                remaining = deadline - loop.time()
                if remaining <= 0 or not await self._readable(worker.connection, remaining):
                    raise QueryTimeout(self.timeout)
                try:
                    message: tuple[Any, ...] = worker.connection.recv()
                except EOFError as error:
                    raise QueryFailed(500, "the query process stopped unexpectedly") from error
                if message[0] == "chunk":
                    yield message[1]
                elif message[0] == "done":
                    reusable = True
                    summary = message[1]
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
                self._idle.put_nowait(self._spawn())

    async def collect(self, job: QueryJob) -> tuple[bytes, Outcome]:
        outcome = Outcome()
        chunks = [chunk async for chunk in self.stream(job, outcome)]
        return b"".join(chunks), outcome
