"""Loading source files into an Oxigraph store, into the graphs asked for, without holding the
files' triples as Python objects.

Files at the canonical base go through Oxigraph's own bulk loader. When the dataset's IRIs are
rebased (a local instance's --base-iri), the triples pass through Python to be rewritten, in
bounded chunks.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govlod.namespaces import CANONICAL_BASE, rebase
from govlod.sources import SourceError, SourceFile, check_source, os_reason, parse

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
BULK_BATCH = 200_000  # quads per bulk write: bulk_extend holds what it is given until it indexes it
PIPE_BYTES = 2**20


class SourceErrors(Exception):
    """Every source file that could not be read, reported at once."""

    def __init__(self, errors: list[SourceError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def bulk_write(store: ox.Store, quads: Iterable[ox.Quad], batch: int = BULK_BATCH) -> int:
    """Write quads with Oxigraph's bulk loader in batches, so memory stays bounded at any size.

    Returns how many quads were written.
    """
    pending = iter(quads)
    written = 0
    while chunk := list(itertools.islice(pending, batch)):
        store.bulk_extend(chunk)
        written += len(chunk)
    return written


@dataclass(frozen=True)
class Part:
    """Bytes `start` to `end` of a file: a stretch of a staged file that is one piece of a document."""

    path: Path
    start: int
    end: int

    @classmethod
    def whole(cls, path: Path) -> Part:
        return cls(path, 0, path.stat().st_size)


def _feed(pipe: int, parts: Sequence[Part]) -> None:
    """Copy the parts into the pipe, in the kernel (no GIL held while the pipe is full)."""
    try:
        for part in parts:
            with part.path.open("rb") as handle:
                offset = part.start
                while offset < part.end:
                    sent = os.sendfile(pipe, handle.fileno(), offset, part.end - offset)
                    if sent == 0:
                        break  # the file is shorter than staged: the loader sees a truncated document
                    offset += sent
    except BrokenPipeError:
        pass  # the loader stopped reading; it reports why
    finally:
        os.close(pipe)


def bulk_load_as_one(store: ox.Store, parts: Sequence[Part | Path], format: ox.RdfFormat) -> None:
    """Load the parts (or whole files) with one call of Oxigraph's bulk loader, as one document.

    Blank node labels are scoped to a document: only read as one do the same labels in two files
    (a named graph and its copy in the default graph) stay one node. The bytes reach the loader
    through a pipe, so they are neither concatenated on disk nor read through Python.
    """
    pieces = [part if isinstance(part, Part) else Part.whole(part) for part in parts]
    reading, writing = os.pipe()
    with contextlib.suppress(OSError):  # a larger pipe buffer where the system allows it
        fcntl.fcntl(writing, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    feeder = threading.Thread(target=_feed, args=(writing, pieces), daemon=True)
    feeder.start()
    try:
        store.bulk_load(path=f"/dev/fd/{reading}", format=format)
    finally:
        os.close(reading)  # a feeder still writing gets a broken pipe and stops
        feeder.join()


def graph_name(source: SourceFile, base_iri: str) -> ox.NamedNode:
    return ox.NamedNode(rebase(source.graph, base_iri))


def rebase_term(term: Term, base: str) -> Term:
    """The term with the project's IRIs moved to `base` (inside quoted triples too)."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(CANONICAL_BASE):
        return ox.NamedNode(base + term.value[len(CANONICAL_BASE) :])
    if isinstance(term, ox.Triple):
        return ox.Triple(*(rebase_term(part, base) for part in (term.subject, term.predicate, term.object)))  # type: ignore[arg-type]
    return term


def _rebased_quads(
    source: SourceFile, graphs: Sequence[ox.NamedNode | ox.DefaultGraph], base: str
) -> Iterator[ox.Quad]:
    for quad in ox.parse(path=str(source.path), format=source.format):
        s, p, o = rebase_term(quad.subject, base), rebase_term(quad.predicate, base), rebase_term(quad.object, base)
        for graph in graphs:
            yield ox.Quad(s, p, o, graph)  # type: ignore[arg-type]  # rebasing keeps each term's kind


def _source_error(source: SourceFile, error: SyntaxError) -> SourceError:
    """The most precise message for a file the loader refused: encoding first, then syntax."""
    try:
        parse(source)
    except SourceError as precise:
        return precise
    return SourceError(source.path, f"syntax error: {error.msg}", line=error.lineno, column=error.offset)


def load_file(
    store: ox.Store,
    source: SourceFile,
    graphs: Sequence[ox.NamedNode | ox.DefaultGraph],
    base_iri: str = CANONICAL_BASE,
) -> None:
    """Load one file into each of `graphs`; a file that cannot be read raises SourceError.

    A file that fails may be partly loaded: callers load into a store they discard on failure.
    """
    check_source(source)  # before Oxigraph's parser, which would expand an XML DTD's entities
    try:
        if base_iri == CANONICAL_BASE:
            for graph in graphs:
                store.bulk_load(path=str(source.path), format=source.format, to_graph=graph)
        else:
            bulk_write(store, _rebased_quads(source, graphs, base_iri))
    except SyntaxError as error:
        raise _source_error(source, error) from error
    except OSError as error:
        raise SourceError(source.path, f"cannot read: {os_reason(error)}") from error


def load_sources(
    store: ox.Store, sources: Iterable[SourceFile], progress: Callable[[SourceFile], None] = lambda _: None
) -> None:
    """Load each file into the default graph; SourceErrors lists every bad file."""
    errors: list[SourceError] = []
    for source in sources:
        try:
            load_file(store, source, [ox.DefaultGraph()])
        except SourceError as error:
            errors.append(error)
        progress(source)
    if errors:
        raise SourceErrors(errors)
