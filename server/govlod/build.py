"""`govlod build`: stage the sources, load and validate side by side, then switch to the new store
atomically.

The files are parsed once by Oxigraph into batch memory stores, completed there and written out
(govlod.staging), never held as Python objects. A process of its own then loads the staged
batches into the on-disk store while, in this one, a memory store of the sources' default graph
is validated and then completed with what the build adds: the statistics, the dumps and the
finding aid read it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import itertools
import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

import govlod
from govlod.dumps import write_dumps
from govlod.entailment import OrgView
from govlod.index.building import INDEX_FILE, resource_iris, write_index
from govlod.index.changes import description_digests
from govlod.index.context import context_quads
from govlod.loading import SourceErrors, bulk_load_as_one, rebase_term
from govlod.namespaces import CANONICAL_BASE, GRAPH_SPACE, RDF_TYPE, VOCABULARY, project_prefixes, rebase
from govlod.progress import Progress
from govlod.provenance import activity_triples, graph_provenance
from govlod.settings import Settings
from govlod.sources import SourceError, SourceFile, check_source, os_reason, syntax_error
from govlod.staging import Completion, Staging, stage
from govlod.store import BuildInfo, NoStore, StoreFolder, engine_path, write_error, writing
from govlod.stores.remote import loading as remote
from govlod.stores.remote.connection import StoreError
from govlod.validation import Shapes, ValidationReport, dataset_sources, load_shapes, validate_store
from govlod.void import statistics


class LoaderStopped(Exception):
    """The process loading the on-disk store ended before it was done, with no error of its own."""


class DataDoesNotConform(Exception):
    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__(f"{len(report.violations)} violations")


@dataclass(frozen=True)
class BuildResult:
    info: BuildInfo
    path: Path
    timings: dict[str, float]


def dataset_version(sources: Sequence[SourceFile], base_iri: str) -> str:
    """A digest of everything that shapes the store: file contents, graph names, base IRI, code."""
    digest = hashlib.sha256(f"{govlod.__version__}\n{base_iri}\n".encode())
    for source in sorted(sources, key=lambda s: s.graph):
        digest.update(source.graph.encode() + b"\n")
        try:
            with source.path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        except OSError as error:
            raise SourceError(source.path, f"cannot read: {os_reason(error)}") from error
    return digest.hexdigest()


def check_sources(sources: Sequence[SourceFile]) -> None:
    """Refuse the files no parser should see (unreadable, empty, binary, XML with a DTD) before the
    build reads any of them.

    When there is any, the other files are still parsed, so that SourceErrors names every bad file
    at once, as when staging finds them.
    """
    refused: dict[Path, SourceError] = {}
    for source in sources:
        try:
            check_source(source)
        except SourceError as error:
            refused[source.path] = error
    if refused:
        found = (refused.get(source.path) or syntax_error(source) for source in sources)
        raise SourceErrors([error for error in found if error is not None])


def _org_view(sources: Sequence[SourceFile], base_iri: str) -> OrgView:
    """The ORG hierarchy of the ontology's files (a few hundred triples, parsed on their own)."""
    ontology = [s for s in sources if s.graph.startswith(GRAPH_SPACE + "ontology/")]
    triples = (
        ox.Triple(q.subject, q.predicate, q.object) for s in ontology for q in ox.parse(path=s.path, format=s.format)
    )
    if base_iri == CANONICAL_BASE:
        return OrgView(triples)
    return OrgView(t for t in (rebase_term(t, base_iri) for t in triples) if isinstance(t, ox.Triple))


def _implied_quads(store: ox.Store, view: OrgView) -> Iterator[ox.Quad]:
    """The ORG triples implied by the store's triples, each in the graph of the triple implying it."""
    for predicate, parents in view.property_ancestors.items():
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
            for parent in parents:
                yield ox.Quad(quad.subject, parent, quad.object, quad.graph_name)
    for cls, parents in view.class_ancestors.items():
        for quad in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(cls), None):
            for parent in parents:
                yield ox.Quad(quad.subject, RDF_TYPE, parent, quad.graph_name)


def _provenance_quads(
    store: ox.Store,
    loaded: Sequence[tuple[SourceFile, ox.NamedNode]],
    base_iri: str,
    activity: Sequence[ox.Triple],
    build_id: str,
    built_at: str,
) -> Iterator[ox.Quad]:
    """What each graph says about itself and the build."""
    page_type = ox.NamedNode(rebase(VOCABULARY + "SourcePage", base_iri))
    for source, graph in loaded:
        pages = sorted(
            rebase_canonical(q.subject.value, base_iri)
            for q in store.quads_for_pattern(None, RDF_TYPE, page_type, graph)
            if isinstance(q.subject, ox.NamedNode)
        )
        for triple in (*graph_provenance(source, pages, build_id, built_at), *activity):
            moved = rebase_term(triple, base_iri) if base_iri != CANONICAL_BASE else triple
            assert isinstance(moved, ox.Triple)
            yield ox.Quad(moved.subject, moved.predicate, moved.object, graph)


def rebase_canonical(iri: str, base_iri: str) -> str:
    """An IRI of the store moved back to the canonical base (provenance is written canonical, then moved)."""
    return CANONICAL_BASE + iri[len(base_iri) :] if base_iri != CANONICAL_BASE and iri.startswith(base_iri) else iri


def _completion(view: OrgView, base_iri: str, build_id: str, built_at: str, version: str) -> Completion:
    """What the build adds to each graph: the ORG view of its triples, the context labels of its
    resources, then its provenance."""
    activity = activity_triples(build_id, built_at, version)
    vocabulary = rebase(VOCABULARY, base_iri)

    def complete(scratch: ox.Store, loaded: Sequence[tuple[SourceFile, ox.NamedNode]]) -> list[ox.Quad]:
        implied = list(_implied_quads(scratch, view))
        contexts = list(context_quads(scratch, vocabulary))
        return implied + contexts + list(_provenance_quads(scratch, loaded, base_iri, activity, build_id, built_at))

    return complete


def _stage(
    sources: Sequence[SourceFile], folder: Path, complete: Completion, base_iri: str, say: Callable[[str], None]
) -> Staging:
    with Progress("parsing", len(sources), "files", say) as progress:
        return stage(sources, base_iri, folder, complete, progress=lambda _: progress.advance())


def _load_on_disk(path: Path, staging: Staging) -> None:
    """The staged data into the on-disk store at `path`, a batch's named graphs and default graph as
    one document; run in a process of its own.

    In a thread beside the validation, Oxigraph's bulk loader took the GIL back between its steps
    and waited for it whenever the validating thread ran Python: loading ended when validation did.
    """
    with writing(path):
        store = ox.Store(str(path))
        for batch in staging.batches:
            bulk_load_as_one(store, [batch.named, batch.sources, batch.added], ox.RdfFormat.N_QUADS)
        store.flush()


def _compact(path: Path) -> None:
    """Merge the on-disk store's files into one sorted run per index; run in the loader's process.

    Each bulk load writes files of its own that overlap every other's key range, so a lookup seeks
    in all of them: compacted, the quad-pattern lookups behind every document and query take about
    half the time, for a few seconds a million triples while statistics, dumps and the finding aid
    are written from the memory store.
    """
    with writing(path):
        store = ox.Store(str(path))
        store.optimize()
        store.flush()


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def _die_with_parent(parent: int) -> None:
    """Run first in the loader's process: killed with the build, not left writing into a folder the
    next build removes (a SIGKILLed build cannot stop its children itself)."""
    libc = ctypes.util.find_library("c")
    if libc is not None:
        with contextlib.suppress(OSError, AttributeError):  # not Linux: the loader outlives a killed build
            ctypes.CDLL(libc).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build died before the request was made
        os.kill(os.getpid(), signal.SIGKILL)


def release_freed_memory() -> None:
    """Hand memory freed by a dropped store back to the system.

    glibc keeps freed memory in its arenas for reuse; a store of ten million triples freed in one
    thread and a new one built in another would otherwise both count in the build's peak.
    """
    libc = ctypes.util.find_library("c")
    if libc is not None:
        with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
            ctypes.CDLL(libc).malloc_trim(0)


EXTEND_QUADS = 200_000  # quads per transaction: one transaction of ten million held 2 GB besides the store


def _extend_from(store: ox.Store, path: Path) -> None:
    """Add the triples of an N-Triples file to `store`, blank-node labels kept, a batch at a time."""
    quads = ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)
    # Each batch streams from the parser into the store: no list of Python quads is built.
    while (first := next(quads, None)) is not None:
        store.extend(itertools.chain((first,), itertools.islice(quads, EXTEND_QUADS - 1)))


def _default_graph(
    staging: Staging, shapes: Shapes | None, sources: Sequence[SourceFile]
) -> tuple[ox.Store | None, ValidationReport | None]:
    """The sources in a memory store, validated when there are shapes, then completed with what the
    build adds into the whole default graph (None if the sources do not conform).

    Validation sees the sources alone, as `govlod validate` does. The same store then takes the
    added triples, so that no second copy of ten million triples is ever made: the staged files
    are read by `ox.parse`, which keeps blank-node labels (Oxigraph's loaders name them afresh for
    each document), so an added triple about a blank node of the sources is about that very node.
    """
    store = ox.Store()
    _extend_from(store, staging.files.sources)
    report = None
    if shapes is not None:
        report = validate_store(store, shapes, sources)
        release_freed_memory()  # what validation's queries held, before the loader needs it
        if not report.conforms:
            return None, report
    _extend_from(store, staging.files.added)
    return store, report


def _remote_switch(settings: Settings, build_id: str, graphs: dict[str, int]) -> Callable[[], None] | None:
    """How the remote store, if the build goes to one, switches to it."""
    if settings.store_url is None:
        return None
    return lambda: remote.switch(settings, build_id, graphs)


def _previous_index(folder: StoreFolder) -> Path | None:
    """The finding aid of the build served now, whose dates of change the new one carries on."""
    try:
        return folder.current_build() / INDEX_FILE
    except (NoStore, OSError):  # no build yet, or `current` names one that is gone
        return None


def _discard_staged(settings: Settings) -> None:
    """Drop what a failed build staged in the remote store; a store that cannot be reached now
    has it dropped by the next build."""
    with contextlib.suppress(StoreError):
        remote.discard(settings)


def build(
    settings: Settings,
    *,
    check: bool = True,
    say: Callable[[str], None] = lambda _: None,
) -> BuildResult:
    """Build a new store from settings.data and the ontology; the old one serves until the switch."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    sources = dataset_sources(settings.data, settings.ontology_dir)
    check_sources(sources)
    version = dataset_version(sources, settings.base_iri)
    shapes = load_shapes(settings.shapes_dir) if check else None
    folder = StoreFolder(settings.store_dir)
    with folder.build_lock():
        stamp = datetime.now(UTC)
        build_id = f"{stamp:%Y%m%dT%H%M%S%fZ}-{version[:12]}"
        built_at = stamp.isoformat(timespec="seconds")
        partial = folder.new_build_folder(build_id)
        try:
            complete = _completion(
                _org_view(sources, settings.base_iri), settings.base_iri, build_id, built_at, version
            )
            staging = _stage(sources, partial / "staging", complete, settings.base_iri, say)
            staged = staging.files
            timings["parse"] = time.perf_counter() - started
            added = f"{staging.added:,} ORG, context and provenance triples added"
            say(f"parsed {len(sources)} files in {timings['parse']:.2f} s, {added}")
            # While another process loads the on-disk store, a memory store of the default graph is
            # validated here (the two share the machine's cores); statistics, dumps and the finding
            # aid then read the memory store, several times faster than RocksDB is read.
            spawn = multiprocessing.get_context("spawn")  # no copy of this process's threads and stores
            with ProcessPoolExecutor(
                max_workers=1, mp_context=spawn, initializer=_die_with_parent, initargs=(os.getpid(),)
            ) as loader:
                loading = time.perf_counter()
                if settings.store_url is None:
                    on_disk = loader.submit(_load_on_disk, engine_path(partial), staging)
                else:
                    on_disk = loader.submit(remote.load_staged, settings, staging, build_id)
                on_disk.add_done_callback(lambda _: timings.setdefault("load", time.perf_counter() - loading))
                memory, report = _default_graph(staging, shapes, sources)
                if report is not None:
                    timings["validate"] = time.perf_counter() - loading
                # While the other process still loads: the digests the finding aid dates changes by.
                digests = None
                if memory is not None:
                    id_space = project_prefixes(settings.base_iri)["id"]
                    digests = description_digests(memory, resource_iris(memory, id_space))
                on_disk.result()
                if report is not None:
                    if not report.conforms:
                        raise DataDoesNotConform(report)
                    say(f"validated in {timings['validate']:.2f} s, loading alongside: conforms")
                quads = sum(staging.graphs.values())
                say(f"loaded {quads:,} quads into {len(staging.graphs)} graphs in {timings['load']:.2f} s")
                compacting = None
                if settings.store_url is None:
                    compacting = loader.submit(_compact, engine_path(partial))
                    compacted_from = time.perf_counter()
                    compacting.add_done_callback(
                        lambda _: timings.setdefault("compact", time.perf_counter() - compacted_from)
                    )
                assert memory is not None
                graphs = staging.graphs
                prefixes = project_prefixes(settings.base_iri)
                # The finding aid is Python's work, the statistics and dumps Oxigraph's and zlib's,
                # which release the GIL: they run side by side, and beside the store's compaction.
                with ThreadPoolExecutor(max_workers=1) as pool:
                    counting = time.perf_counter()
                    indexing = pool.submit(
                        write_index,
                        memory,
                        partial / INDEX_FILE,
                        prefixes["id"],
                        prefixes["gl"],
                        built_at[:10],
                        _previous_index(folder),
                        digests,
                    )
                    stats = statistics(memory)
                    triples = int(stats["triples"])
                    timings["statistics"] = time.perf_counter() - counting
                    dumping = time.perf_counter()
                    dumps = write_dumps(memory, staged.named, partial / "dumps", version, (triples, quads), prefixes)
                    timings["dumps"] = time.perf_counter() - dumping
                    resources = indexing.result()
                    timings["index"] = time.perf_counter() - counting
                if compacting is not None:
                    compacting.result()
                    say(f"store compacted in {timings['compact']:.2f} s, beside the steps above")
            del memory
            shutil.rmtree(staged.folder)
            say(
                f"statistics in {timings['statistics']:.2f} s, dumps in {timings['dumps']:.2f} s, "
                f"index of {resources:,} resources in {timings['index']:.2f} s"
            )
            info = BuildInfo(
                version=version,
                base_iri=settings.base_iri,
                built_at=built_at,
                triples=triples,
                quads=triples + quads,
                graphs=dict(sorted(graphs.items())),
                sources={s.graph: str(s.path) for s in sources},
                dumps=[d.to_dict() for d in dumps],
                statistics=stats,
            )
            final = folder.publish(partial, info, switch=_remote_switch(settings, build_id, graphs))
        except BaseException as error:
            shutil.rmtree(partial, ignore_errors=True)  # nothing half-built stays behind
            if settings.store_url is not None:
                _discard_staged(settings)
            if isinstance(error, OSError):  # a write no step named: the build's folder is the place
                raise write_error(partial, error) from error
            if isinstance(error, BrokenProcessPool):
                raise LoaderStopped("the process loading the store stopped (killed, or out of memory?)") from error
            raise
    timings["total"] = time.perf_counter() - started
    say(f"built {triples:,} triples in {len(graphs)} named graphs in {timings['total']:.2f} s into {final}")
    return BuildResult(info=info, path=final, timings=timings)
