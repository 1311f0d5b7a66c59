"""A pool of query processes, with a real timeout and a warm switch between builds.

A query over its time has its process stopped. The event loop never blocks on a query: it waits
for the pipe of the process running it to become readable, so the server keeps answering other
requests while a long query runs.

Each process serves one build. When `govlod build` switches `current` to a new build, a new set of
processes opens it (and loads its memory copy) while the old set keeps answering; once the new
set is ready, queries go to it and the old processes are stopped as they become idle. So no query
waits for a reload, and every answer after the switch comes from the new build.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import pickle
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from govlod.sparql.worker import QueryJob, serve_jobs
from govlod.store import StoreFolder
from govlod.stores.interface import Outcome, QueryFailed, QueryTimeout, ServerBusy

READY_TIMEOUT = 600.0  # seconds a new process may take to load a large store into memory
WATCH_SECONDS = 1.0  # how often the pool looks for a new build when no query comes to make it look
# A request asks for the build being served several times: the `current` link is read at most this
# often, and a new build is noticed this much later at most (its warming takes seconds anyway).
LOOK_SECONDS = 0.05


@dataclass(eq=False)  # compared and hashed by identity: each is one process
class _Worker:
    process: BaseProcess
    connection: Connection
    build: str  # the id of the build it answers from
    memory_copy: bool = False


class QueryExecutor:
    def __init__(
        self, store_root: Path, processes: int, timeout: float, memory_limit: int = 0, resident_limit: int = 0
    ):
        self._folder = StoreFolder(store_root)
        self.memory_limit = memory_limit  # most triples of a build its processes copy into memory
        self.resident_limit = resident_limit  # bytes past which a process is replaced between queries
        self._size = processes
        self.timeout = timeout
        # spawn, not fork: the parent runs an event loop and threads a fork would copy half-way.
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._pending: set[asyncio.Task[None]] = set()
        self._launched = False
        self.build_id: str | None = None  # the build answering queries
        self._target: str | None = None  # the build last warmed, or being warmed
        self._warming: asyncio.Task[None] | None = None
        self._next_look = 0.0  # time.monotonic() after which follow() reads `current` again

    @property
    def memory_copies(self) -> int:
        """How many of the processes answering queries hold a memory copy of the default graph."""
        return sum(1 for worker in self._all if worker.build == self.build_id and worker.memory_copy)

    def launch(self) -> None:
        """Warm the current build in the background and watch for new ones; returns at once.

        Queries that arrive before the first build is ready wait for it, within their time limit.
        """
        if self._launched:
            return
        self._launched = True
        self.follow()
        self._keep(asyncio.get_running_loop().create_task(self._watch()))

    @property
    def ready(self) -> bool:
        return self.build_id is not None

    async def start(self) -> None:
        """Launch, and wait until the current build's processes are ready."""
        self.launch()
        await self.warmed()

    async def warmed(self) -> str | None:
        """Wait until no build is being warmed; the build then answering queries."""
        while self._warming is not None:
            await asyncio.wait({self._warming})  # never cancels nor raises: the warm-up logs its failures
        return self.build_id

    def follow(self) -> str | None:
        """The build answering queries; starts warming a new one if `govlod build` switched to it.

        Cheap enough for every request: one readlink at most every LOOK_SECONDS. A build that
        failed to warm is not retried until `current` names another one.
        """
        if self._launched and self._warming is None and time.monotonic() >= self._next_look:
            self._next_look = time.monotonic() + LOOK_SECONDS
            current = self._folder.current_id()
            if current is not None and current != self._target:
                self._target = current
                self._warming = asyncio.get_running_loop().create_task(self._warm(current))
        return self.build_id

    async def _watch(self) -> None:
        """Notice a new build without waiting for a query, so that it is warm before the next one."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            self._next_look = 0.0
            self.follow()

    async def _warm(self, build: str) -> None:
        """Load `build` in new processes while the old ones answer, then switch to them."""
        try:
            spawned = (self._spawn(build) for _ in range(self._size))
            ready = await self._load([worker for worker in spawned if worker is not None])
            if ready:
                self._switch(build, ready)
            else:
                serving = self.build_id or "nothing"
                print(f"govlod: no query process could load build {build}; still serving {serving}", file=sys.stderr)
        finally:
            self._warming = None
        self._next_look = 0.0  # `current` may have moved on while this build was warming
        self.follow()

    async def _load(self, workers: list[_Worker]) -> list[_Worker]:
        """Wait for new processes to load their build; the ones that did (the others are stopped)."""
        loaded = await asyncio.gather(*(self._when_ready(worker) for worker in workers))
        return [worker for worker, ok in zip(workers, loaded, strict=True) if ok]

    def _switch(self, build: str, workers: list[_Worker]) -> None:
        """Send queries to the new build's processes; the old ones go now if idle, else when done."""
        self.build_id = build
        while not self._idle.empty():
            self._stop(self._idle.get_nowait())
        for worker in workers:
            self._idle.put_nowait(worker)
        if len(workers) < self._size:
            print(f"govlod: build {build} is served by {len(workers)} of {self._size} query processes", file=sys.stderr)

    def _spawn(self, build: str) -> _Worker | None:
        """A new process that loads `build`; None when the system refuses one (said on stderr)."""
        path = str(self._folder.build_path(build))
        try:
            parent, child = self._context.Pipe()
        except OSError as error:
            print(f"govlod: cannot start a query process: {error}", file=sys.stderr)
            return None
        arguments = (child, path, self.memory_limit, self.resident_limit)
        process = self._context.Process(target=serve_jobs, args=arguments, daemon=True, name="govlod-query")
        try:
            process.start()
        except OSError as error:
            parent.close()
            print(f"govlod: cannot start a query process: {error}", file=sys.stderr)
            return None
        finally:
            child.close()  # the child's end lives on in the child only
        worker = _Worker(process, parent, build)
        self._all.add(worker)
        return worker

    async def _when_ready(self, worker: _Worker) -> bool:
        """Whether the process has loaded its build (it may take seconds); stopped if it has not."""
        if await self._readable(worker.connection, READY_TIMEOUT):
            with contextlib.suppress(EOFError, OSError):
                message = pickle.loads(worker.connection.recv_bytes())
                if message[0] == "ready":
                    worker.memory_copy = bool(message[1])
                    return True
                print(f"govlod: {message[1]}", file=sys.stderr)
        self._stop(worker)
        return False

    async def _replace(self, build: str) -> None:
        """A new process in place of a stopped one; if it cannot start, the pool runs one short."""
        worker = self._spawn(build)
        if worker is None:
            return
        if not await self._when_ready(worker):
            print("govlod: a query process could not load the store", file=sys.stderr)
        elif worker.build == self.build_id:
            self._idle.put_nowait(worker)
        else:  # the server switched to a newer build meanwhile, with processes of its own
            self._stop(worker)

    def _release(self, worker: _Worker, reusable: bool) -> None:
        """Back to the pool; stopped if it may still be computing or serves a build left behind."""
        current = worker.build == self.build_id
        if reusable and current:
            self._idle.put_nowait(worker)
            return
        self._stop(worker)
        if current:
            self._keep(asyncio.get_running_loop().create_task(self._replace(worker.build)))

    def _keep(self, task: asyncio.Task[None]) -> None:
        """Hold a background task until it ends (the loop keeps only weak references)."""
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def close(self) -> None:
        self._launched = False
        tasks = [*self._pending, *([self._warming] if self._warming else [])]
        for task in tasks:
            task.cancel()
        # Let them end before their pipes close under them (a wait for a pipe cleans up after itself).
        await asyncio.gather(*tasks, return_exceptions=True)
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
        deadline = asyncio.get_running_loop().time() + self.timeout
        worker = await self._acquire()
        reusable = False
        try:
            worker.connection.send_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
            while True:
                message = await self._next_message(worker, deadline)
                if message[0] == "chunk":
                    yield message[1]
                    continue
                reusable = True  # the process finished this job: it can take the next one
                if message[0] != "done":
                    raise QueryFailed(message[1], message[2])
                summary = message[1]
                reusable = not summary.get("retire", False)  # outgrown: a fresh process replaces it
                if message[2]:
                    yield message[2]
                outcome.form = summary["form"]
                outcome.rows = summary["rows"]
                outcome.truncated = summary["truncated"]
                outcome.complete = True
                return
        finally:
            self._release(worker, reusable)

    async def _acquire(self) -> _Worker:
        """An idle process of the build being served, waited for within the time limit."""
        self.follow()
        if not self._idle.empty():
            return self._idle.get_nowait()
        if self.build_id is None and self._warming is None:
            raise QueryFailed(503, self._unavailable())
        try:
            return await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError as error:  # a busy server, or one still loading its first build
            raise ServerBusy(self.timeout) from error

    def _unavailable(self) -> str:
        current = self._folder.current_id()
        if current is None:
            return str(self._folder.no_store())
        if not self._launched:
            return "the query processes are not running"
        return f"no query process could load build {current}"

    async def _next_message(self, worker: _Worker, deadline: float) -> tuple[Any, ...]:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0 or not await self._readable(worker.connection, remaining):
            raise QueryTimeout(self.timeout)
        try:
            message: tuple[Any, ...] = pickle.loads(worker.connection.recv_bytes())
        except (EOFError, OSError) as error:
            raise QueryFailed(500, "the query process stopped unexpectedly") from error
        return message

    async def select(self, query: str, max_rows: int = 100_000) -> list[dict[str, str]]:
        """A SELECT's rows as plain values by variable name (unbound variables left out)."""
        body, _ = await self.collect(QueryJob(query=query, format="json", max_rows=max_rows))
        rows: list[dict[str, Any]] = json.loads(body)["results"]["bindings"]
        return [{name: cell["value"] for name, cell in row.items()} for row in rows]

    async def collect(self, job: QueryJob) -> tuple[bytes, Outcome]:
        outcome = Outcome()
        chunks = [chunk async for chunk in self.stream(job, outcome)]
        return b"".join(chunks), outcome
