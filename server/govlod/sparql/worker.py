"""A query process: runs one query at a time on a read-only store and streams the answer back.

Queries run in separate processes because pyoxigraph cannot interrupt a running query: the only
way to enforce a timeout is to stop the process that runs it, which the executor does.
"""

from __future__ import annotations

import contextlib
import itertools
import pickle
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from govlod.media import BY_NAME
from govlod.sparql.results import SELECT_WRITERS
from govlod.store import NoStore, StoreFolder

CHUNK_BYTES = 64 * 1024


def _message(*parts: object) -> bytes:
    return pickle.dumps(parts, pickle.HIGHEST_PROTOCOL)


class QueryJob(NamedTuple):
    """One query to run; a named tuple because it crosses a pipe for every query (cheap to pickle)."""

    query: str
    format: str
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()
    names_graphs: bool = False  # GRAPH, FROM or graph parameters: needs the disk store's named graphs


class _ChunkWriter:
    """A binary file-like object that sends what is written to the parent in chunks."""

    def __init__(self, connection: Connection):
        self._connection = connection
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= CHUNK_BYTES:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            self._connection.send_bytes(_message("chunk", bytes(self._buffer)))
            self._buffer.clear()

    def finish(self, summary: dict[str, object]) -> None:
        """Send what is left together with the summary: a small answer travels in one message."""
        self._connection.send_bytes(_message("done", summary, bytes(self._buffer)))
        self._buffer.clear()


class _RowCounter:
    """Counts what passes through, to tell whether the row limit cut the answer."""

    def __init__(self, items: Iterator[ox.Triple] | ox.QuerySolutions, limit: int):
        self._items = iter(items)
        self.limit = limit
        self.truncated = False

    def __iter__(self) -> Iterator[ox.Triple]:
        yield from itertools.islice(self._items, self.limit)
        self.truncated = next(self._items, None) is not None


def _dataset(job: QueryJob) -> dict[str, object]:
    options: dict[str, object] = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options


def run_job(store: ox.Store, job: QueryJob, out: _ChunkWriter) -> dict[str, object]:
    """Run one query and write its answer; returns what the parent needs to know about it."""
    media = BY_NAME[job.format]
    result = store.query(job.query, **_dataset(job))  # type: ignore[arg-type]
    if isinstance(result, ox.QueryBoolean):
        if media.results is None:
            raise _WrongForm("ASK")
        out.write(result.serialize(format=media.results) or b"")
        return {"form": "ASK", "rows": 1, "truncated": False}
    if isinstance(result, ox.QuerySolutions):
        writer = SELECT_WRITERS.get(media.name)
        if writer is None:
            raise _WrongForm("SELECT")
        variables = [v.value for v in result.variables]
        rows = _RowCounter(result, job.max_rows)
        count = writer(variables, rows, out.write)  # type: ignore[arg-type]
        return {"form": "SELECT", "rows": count, "truncated": rows.truncated}
    if media.rdf is None:
        raise _WrongForm("CONSTRUCT")
    triples = _RowCounter(result, job.max_rows)
    items: Iterator[ox.Triple] | Iterator[ox.Quad] = iter(triples)
    if media.rdf.supports_datasets:
        items = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    ox.serialize(items, out, media.rdf, prefixes=dict(job.prefixes) or None)  # type: ignore[arg-type]
    return {"form": "CONSTRUCT", "rows": -1, "truncated": triples.truncated}


class _WrongForm(Exception):
    """The query's form does not match the negotiated format (the parent guessed the form)."""


class _Stores:
    """The current build, on disk and, when it is small enough, as a copy in memory.

    Oxigraph's memory store answers joins several times faster than RocksDB. The copy holds the
    default graph (the union of all sources); queries that name graphs use the disk store.
    """

    def __init__(self, folder: StoreFolder, memory_limit: int):
        self.folder = folder
        self.memory_limit = memory_limit
        self.build_id: str | None = None
        self.disk: ox.Store | None = None
        self.memory: ox.Store | None = None

    def refresh(self) -> None:
        """Open the current build if `govlod build` has switched to another one since."""
        if self.disk is not None and self.folder.current_id() == self.build_id:
            return
        disk, info, build_id = self.folder.open_read_only()
        memory = None
        if info.triples <= self.memory_limit:
            memory = ox.Store()
            memory.bulk_extend(disk.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        self.disk, self.memory, self.build_id = disk, memory, build_id

    def for_job(self, job: QueryJob) -> ox.Store:
        self.refresh()
        assert self.disk is not None
        if self.memory is not None and not job.names_graphs:
            return self.memory
        return self.disk


def serve_jobs(connection: Connection, store_root: str, memory_limit: int) -> None:
    """The process's main loop: one job in, a stream of chunks and one final message out."""
    stores = _Stores(StoreFolder(Path(store_root)), memory_limit)
    with contextlib.suppress(NoStore):  # no build yet: each query will say so
        stores.refresh()  # load before saying ready, so that no first query waits for it
    connection.send_bytes(_message("ready"))
    while True:
        try:
            job = pickle.loads(connection.recv_bytes())
        except EOFError:
            return
        if job is None:
            return
        out = _ChunkWriter(connection)
        try:
            out.finish(run_job(stores.for_job(job), job, out))
        except SyntaxError as error:
            connection.send_bytes(_message("error", 400, f"syntax error: {error.msg or error}"))
        except _WrongForm as error:
            connection.send_bytes(_message("error", 400, f"a {error} query cannot be answered in {job.format}"))
        except NoStore as error:
            connection.send_bytes(_message("error", 503, str(error)))
        except (OSError, RuntimeError, ValueError, TypeError) as error:
            connection.send_bytes(_message("error", 500, f"the query failed: {error}"))
