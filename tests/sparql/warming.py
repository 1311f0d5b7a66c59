"""What the tests of a build switch share: a pool whose switch waits for the test, and a rebuild
whose data tells the new build from the old one."""

from __future__ import annotations

import asyncio
import os
import pickle
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from govlod.build import build
from govlod.settings import Settings
from govlod.sparql.executor import QueryExecutor
from govlod.sparql.worker import QueryJob
from tests.helpers import PROJECT

MARKER = "https://w3id.org/govlod/id/test/rebuilt"
ASK_MARKER = f"ASK {{ <{MARKER}> ?p ?o }}"


def first_build(store: Path) -> Settings:
    """The bundled data built into `store`: a build without the marker."""
    settings = Settings(home=PROJECT, store=store)
    build(settings, check=False)
    return settings


def rebuild_with_marker(settings: Settings, work: Path) -> None:
    """`govlod build` again, with one more file: the new build has the marker, the old one not."""
    extra = work / "extra"
    extra.mkdir(exist_ok=True)
    (extra / "rebuilt.ttl").write_text(f'<{MARKER}> <http://www.w3.org/2000/01/rdf-schema#label> "rebuilt"@en .\n')
    build(settings.model_copy(update={"data": [*settings.data, extra]}), check=False)


async def has_marker(executor: QueryExecutor, tag: int = 0) -> bool:
    """Whether the build answering the query has the marker (`tag` makes each query distinct)."""
    body, _ = await executor.collect(QueryJob(query=f"# {tag}\n{ASK_MARKER}", format="json", max_rows=1))
    return b"true" in body


class GatedExecutor(QueryExecutor):
    """A pool that, once a rebuilt store's processes have loaded it, switches only on `release()`.

    Without the gate a test could not tell "answered by the old build because the new one is not
    ready yet" from "answered before the rebuild was noticed" without timing assertions.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.loaded = asyncio.Event()  # the new build's processes are ready, the switch is held
        self._gate = asyncio.Event()

    def release(self) -> None:
        self._gate.set()

    async def _load(self, workers: list[Any]) -> list[Any]:
        ready = await super()._load(workers)
        if self.build_id is not None:  # a rebuild, not the first start
            self.loaded.set()
            await self._gate.wait()
        return ready


def retiring_process(connection: Connection, build_path: str, memory_limit: int, resident_limit: int) -> None:
    """A stand-in query process that answers with its pid and, every time, asks to be replaced."""
    connection.send_bytes(pickle.dumps(("ready", False)))
    while pickle.loads(connection.recv_bytes()) is not None:
        summary = {"form": "SELECT", "rows": 1, "truncated": False, "retire": True}
        connection.send_bytes(pickle.dumps(("done", summary, str(os.getpid()).encode())))
