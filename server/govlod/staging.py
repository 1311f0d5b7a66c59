"""Staging a build: the source files parsed once, completed and written out in the form the stores
load fastest.

Files are parsed by Oxigraph, a batch at a time, into a small memory store where each has its named
graph; the build completes those graphs there (the ORG view, the provenance), and Oxigraph writes
the batch out: the named graphs to one N-Quads file, their default-graph copies to N-Triples. Each
store then takes a batch (named graphs and default graph together, as one document) in a single
`bulk_load` call. Why: Oxigraph's bulk loader costs tens of milliseconds a call on disk whatever
the file's size, and at 549 files loaded twice those fixed costs were a third of a 1M-triple build.
The N-Quads file is also the named-graph dump: it holds exactly the store's named graphs, each
deduplicated by the memory store it passed through.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from govlod.loading import Part, SourceErrors, graph_name, load_file
from govlod.sources import SourceError, SourceFile
from govlod.store import writing

# Source bytes per memory store: big enough that a batch's fixed costs vanish, small enough that
# a batch (about a quarter of a million triples) takes little memory beside the build's stores.
BATCH_BYTES = 24 * 2**20

# Completes the graphs of a batch in its memory store: the quads to add to them (any order,
# duplicates allowed), given each source with its graph.
Completion = Callable[[ox.Store, Sequence[tuple[SourceFile, ox.NamedNode]]], list[ox.Quad]]


@dataclass(frozen=True)
class StagedFiles:
    """Where a build's staged data lies (inside the build's own folder, removed with it)."""

    folder: Path

    @property
    def named(self) -> Path:
        """N-Quads: every named graph as the store will hold it."""
        return self.folder / "named.nq"

    @property
    def sources(self) -> Path:
        """N-Triples: the sources' own triples, the default graph that validation checks."""
        return self.folder / "sources.nt"

    @property
    def added(self) -> Path:
        """N-Triples: what completing the graphs adds to the default graph."""
        return self.folder / "added.nt"


@dataclass(frozen=True)
class StagedBatch:
    """Where one batch lies in the staged files: one document for the stores' bulk loader.

    Loading a batch at a time, not the whole dataset in one call, keeps the bulk loader's
    memory to a batch's worth at any size.
    """

    named: Part
    sources: Part
    added: Part


@dataclass
class Staging:
    files: StagedFiles
    batches: list[StagedBatch] = field(default_factory=list)
    graphs: dict[str, int] = field(default_factory=dict)  # quads in each named graph
    added: int = 0  # quads the completion added to the named graphs (beyond those already stated)


def _batches(sources: Sequence[SourceFile], limit: int) -> Iterator[list[SourceFile]]:
    batch: list[SourceFile] = []
    size = 0
    for source in sources:
        with contextlib.suppress(OSError):  # loading the file reports its problem, with its name
            size += source.path.stat().st_size
        batch.append(source)
        if size >= limit:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _graph_sizes(store: ox.Store) -> dict[str, int]:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    return {row["g"].value: int(row["n"].value) for row in rows}


def stage(
    sources: Sequence[SourceFile],
    base_iri: str,
    folder: Path,
    complete: Completion,
    progress: Callable[[SourceFile], None] = lambda _: None,
    batch_bytes: int = BATCH_BYTES,
) -> Staging:
    """Parse, complete and write out every source; SourceErrors lists every file that cannot be read.

    After the first bad file nothing more is written, but every file is still parsed, so that the
    publisher learns of all the bad files at once.
    """
    staging = Staging(StagedFiles(folder))
    with writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
    errors: list[SourceError] = []
    # Closing a file flushes what Python still buffers: a full disk can fail there too.
    with (
        writing(staging.files.named),
        staging.files.named.open("wb") as named_out,
        writing(staging.files.sources),
        staging.files.sources.open("wb") as sources_out,
        writing(staging.files.added),
        staging.files.added.open("wb") as added_out,
    ):
        for batch in _batches(sources, batch_bytes):
            scratch = ox.Store()
            loaded: list[tuple[SourceFile, ox.NamedNode]] = []
            for source in batch:
                graph = graph_name(source, base_iri)
                try:
                    load_file(scratch, source, [graph], base_iri)
                    loaded.append((source, graph))
                except SourceError as error:
                    errors.append(error)
                progress(source)
            if errors:
                continue
            starts = (named_out.tell(), sources_out.tell(), added_out.tell())
            with writing(staging.files.sources):
                for _, graph in loaded:
                    scratch.dump(sources_out, ox.RdfFormat.N_TRIPLES, from_graph=graph)
            additions = complete(scratch, loaded)
            before = len(scratch)
            scratch.bulk_extend(additions)
            staging.added += len(scratch) - before
            with writing(staging.files.added):
                ox.serialize(
                    (ox.Triple(q.subject, q.predicate, q.object) for q in additions), added_out, ox.RdfFormat.N_TRIPLES
                )
            with writing(staging.files.named):
                scratch.dump(named_out, ox.RdfFormat.N_QUADS)
            staging.graphs.update(_graph_sizes(scratch))
            named, sources_part, added = (
                Part(path, start, out.tell())
                for path, start, out in zip(
                    (staging.files.named, staging.files.sources, staging.files.added),
                    starts,
                    (named_out, sources_out, added_out),
                    strict=True,
                )
            )
            staging.batches.append(StagedBatch(named, sources_part, added))
    if errors:
        raise SourceErrors(errors)
    return staging
