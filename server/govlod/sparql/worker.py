"""A query process: runs one query at a time on one read-only build and streams the answer back.

Queries run in separate processes because pyoxigraph cannot interrupt a running query: the only
way to enforce a timeout is to stop the process that runs it, which the executor does.
"""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import NamedTuple, Protocol

import pyoxigraph as ox

from govlod.loading import bulk_write
from govlod.media import BY_NAME
from govlod.sparql.memory import RETAINED_HEADROOM, give_back_freed_memory, keeps_memory_copy, resident_bytes
from govlod.sparql.results import SELECT_WRITERS
from govlod.store import engine_path, read_record

CHUNK_BYTES = 64 * 1024
COPY_BATCH = 100_000  # quads per bulk_extend when copying a build into memory


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


class Output(Protocol):
    def write(self, data: bytes) -> int: ...


def run_job(store: ox.Store, job: QueryJob, out: _ChunkWriter) -> dict[str, object]:
    """Run one query and write its answer; returns what the parent needs to know about it."""
    return write_answer(store.query(job.query, **_dataset(job)), job, out)  # type: ignore[arg-type]


def write_answer(
    result: ox.QueryBoolean | ox.QuerySolutions | Iterator[ox.Triple], job: QueryJob, out: Output
) -> dict[str, object]:
    """Write a query's answer in the job's format, cut at its row limit; what the parent needs to know."""
    media = BY_NAME[job.format]
    if isinstance(result, ox.QueryBoolean):
        if media.results is None:
            raise WrongForm("ASK")
        out.write(result.serialize(format=media.results) or b"")
        return {"form": "ASK", "rows": 1, "truncated": False}
    if isinstance(result, ox.QuerySolutions):
        writer = SELECT_WRITERS.get(media.name)
        if writer is None:
            raise WrongForm("SELECT")
        variables = [v.value for v in result.variables]
        rows = _RowCounter(result, job.max_rows)
        count = writer(variables, rows, out.write)  # type: ignore[arg-type]
        return {"form": "SELECT", "rows": count, "truncated": rows.truncated}
    if media.rdf is None:
        raise WrongForm("CONSTRUCT")
    triples = _RowCounter(result, job.max_rows)
    items: Iterator[ox.Triple] | Iterator[ox.Quad] = iter(triples)
    if media.rdf.supports_datasets:
        items = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    ox.serialize(items, out, media.rdf, prefixes=dict(job.prefixes) or None)  # type: ignore[arg-type]
    return {"form": "CONSTRUCT", "rows": -1, "truncated": triples.truncated}


class WrongForm(Exception):
    """The query's form does not match the negotiated format (the parent guessed the form)."""


class LoadedBuild:
    """One build, on disk and, when the policy allows it, its default graph copied in memory.

    A process serves one build for its whole life: the executor warms processes for a new build
    beside the old ones and switches to them once they are ready, so no query waits for a load.
    Oxigraph's memory store answers joins several times faster than RocksDB; queries that name
    graphs use the disk store, which holds them.
    """

    def __init__(self, path: Path, memory_limit: int, resident_limit: int = 0):
        info = read_record(path)
        self.disk = ox.Store.read_only(str(engine_path(path)))
        self.memory: ox.Store | None = None
        if keeps_memory_copy(info.triples, memory_limit):
            self.memory = _memory_copy(self.disk)
        # Only what queries leave behind counts against the limit, never the build itself.
        self.resident_limit = max(resident_limit, resident_bytes() + RETAINED_HEADROOM) if resident_limit else 0

    def outgrown(self) -> bool:
        """Whether past queries left the process holding more than its share, after giving back
        what it can: RocksDB's caches and the allocator keep what queries used, and a fresh process
        holds only the build."""
        if not self.resident_limit or resident_bytes() <= self.resident_limit:
            return False
        give_back_freed_memory()
        return resident_bytes() > self.resident_limit

    def for_job(self, job: QueryJob) -> ox.Store:
        if self.memory is not None and not job.names_graphs:
            return self.memory
        return self.disk


def _memory_copy(disk: ox.Store) -> ox.Store:
    """The default graph in a memory store, loaded in batches.

    bulk_extend holds what it is given until it builds the indexes, so one call with the whole
    graph peaks far above the copy's size (665 MB for a copy of 405 MB at a million triples);
    batches of COPY_BATCH quads peak at 449 MB, as fast.
    """
    memory = ox.Store()
    bulk_write(memory, disk.quads_for_pattern(None, None, None, ox.DefaultGraph()), COPY_BATCH)
    return memory


def _open(connection: Connection, build_path: str, memory_limit: int, resident_limit: int) -> LoadedBuild | None:
    """Load the build, then say so: the executor offers the process to queries only once ready."""
    try:
        build = LoadedBuild(Path(build_path), memory_limit, resident_limit)
    except (OSError, ValueError, TypeError, KeyError) as error:  # missing, pruned or unreadable build
        connection.send_bytes(_message("failed", f"cannot open {build_path}: {error}"))
        return None
    connection.send_bytes(_message("ready", build.memory is not None))
    return build


def serve_jobs(connection: Connection, build_path: str, memory_limit: int, resident_limit: int = 0) -> None:
    """The process's main loop: one job in, a stream of chunks and one final message out.

    The final message says whether the process should be replaced (`retire`): it has outgrown its
    `resident_limit` (0: no limit).
    """
    build = _open(connection, build_path, memory_limit, resident_limit)
    if build is None:
        return
    while True:
        try:
            job = pickle.loads(connection.recv_bytes())
        except EOFError:
            return
        if job is None:
            return
        out = _ChunkWriter(connection)
        try:
            summary = run_job(build.for_job(job), job, out)
            summary["retire"] = build.outgrown()
            out.finish(summary)
        except SyntaxError as error:
            connection.send_bytes(_message("error", 400, f"syntax error: {error.msg or error}"))
        except WrongForm as error:
            connection.send_bytes(_message("error", 400, f"a {error} query cannot be answered in {job.format}"))
        except (OSError, RuntimeError, ValueError, TypeError) as error:
            connection.send_bytes(_message("error", 500, f"the query failed: {error}"))
