"""`govlod build`: load into a fresh store, validate, complete it, then switch to it atomically.

The files are parsed by Oxigraph straight into the store being built (each into its named graph
and into the default graph), never held as Python objects. With validation on, they are also
loaded into a memory store of the default graph alone, which the compiled shapes check in a
second thread while the on-disk store loads: the two steps share the machine's cores.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

import govlod
from govlod.dumps import write_dumps
from govlod.entailment import OrgView
from govlod.loading import bulk_write, graph_name, load_sources, rebase_term
from govlod.namespaces import CANONICAL_BASE, GRAPH_SPACE, VOCABULARY, project_prefixes, rebase
from govlod.progress import Progress
from govlod.provenance import activity_triples, graph_provenance
from govlod.settings import Settings
from govlod.sources import SourceFile
from govlod.store import BuildInfo, StoreFolder, engine_path
from govlod.validation import ValidationReport, dataset_sources, load_shapes, validate_store
from govlod.void import statistics


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
        with source.path.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def _count(store: ox.Store, query: str) -> list[tuple[str, int]]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    variables = {v.value for v in solutions.variables}
    return [(s["g"].value if "g" in variables else "", int(s["n"].value)) for s in solutions]


def _org_view(store: ox.Store, sources: Sequence[SourceFile], base_iri: str) -> OrgView:
    ontology = [graph_name(s, base_iri) for s in sources if s.graph.startswith(GRAPH_SPACE + "ontology/")]
    return OrgView(
        ox.Triple(q.subject, q.predicate, q.object)
        for graph in ontology
        for q in store.quads_for_pattern(None, None, None, graph)
    )


def _implied_quads(store: ox.Store, view: OrgView) -> Iterator[ox.Quad]:
    """The ORG triples implied by the store's triples, each in the graph of the triple implying it."""
    for predicate, parents in view.property_ancestors.items():
        for quad in list(store.quads_for_pattern(None, ox.NamedNode(predicate), None, None)):
            for parent in parents:
                yield ox.Quad(quad.subject, parent, quad.object, quad.graph_name)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for cls, parents in view.class_ancestors.items():
        for quad in list(store.quads_for_pattern(None, rdf_type, ox.NamedNode(cls), None)):
            for parent in parents:
                yield ox.Quad(quad.subject, rdf_type, parent, quad.graph_name)


def _provenance_quads(
    store: ox.Store, sources: Sequence[SourceFile], base_iri: str, build_id: str, built_at: str, version: str
) -> Iterator[ox.Quad]:
    """What each graph says about itself and the build, in the graph and in the default graph."""
    page_type = ox.NamedNode(rebase(VOCABULARY + "SourcePage", base_iri))
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    activity = activity_triples(build_id, built_at, version)
    for source in sources:
        graph = graph_name(source, base_iri)
        pages = sorted(
            rebase_canonical(q.subject.value, base_iri)
            for q in store.quads_for_pattern(None, rdf_type, page_type, graph)
            if isinstance(q.subject, ox.NamedNode)
        )
        for triple in (*graph_provenance(source, pages, build_id, built_at), *activity):
            moved = rebase_term(triple, base_iri) if base_iri != CANONICAL_BASE else triple
            assert isinstance(moved, ox.Triple)
            yield ox.Quad(moved.subject, moved.predicate, moved.object, graph)
            yield ox.Quad(moved.subject, moved.predicate, moved.object, ox.DefaultGraph())


def rebase_canonical(iri: str, base_iri: str) -> str:
    """An IRI of the store moved back to the canonical base (provenance is written canonical, then moved)."""
    return CANONICAL_BASE + iri[len(base_iri) :] if base_iri != CANONICAL_BASE and iri.startswith(base_iri) else iri


def _load(
    store: ox.Store, sources: Sequence[SourceFile], base_iri: str, say: Callable[[str], None], what: str, named: bool
) -> None:
    with Progress(what, len(sources), "files", say) as progress:
        load_sources(store, sources, base_iri, named_graphs=named, progress=lambda _: progress.advance())


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
    version = dataset_version(sources, settings.base_iri)
    shapes = load_shapes(settings.shapes_dir) if check else None
    folder = StoreFolder(settings.store_dir)
    with folder.build_lock():
        stamp = datetime.now(UTC)
        build_id = f"{stamp:%Y%m%dT%H%M%S%fZ}-{version[:12]}"
        built_at = stamp.isoformat(timespec="seconds")
        partial = folder.new_build_folder(build_id)
        try:
            store = ox.Store(str(engine_path(partial)))
            if shapes is not None:
                memory = ox.Store()
                _load(memory, sources, CANONICAL_BASE, say, "parsing", named=False)
                timings["parse"] = time.perf_counter() - started
                say(f"parsed {len(sources)} files in {timings['parse']:.2f} s")
                with ThreadPoolExecutor(max_workers=1) as pool:
                    checking = pool.submit(validate_store, memory, shapes, sources)
                    _load(store, sources, settings.base_iri, say, "loading", named=True)
                    timings["load"] = time.perf_counter() - started - timings["parse"]
                    report = checking.result()
                del memory
                timings["validate"] = time.perf_counter() - started - timings["parse"]
                if not report.conforms:
                    raise DataDoesNotConform(report)
                say(f"validated in {timings['validate']:.2f} s, loading alongside: conforms")
            else:
                _load(store, sources, settings.base_iri, say, "loading", named=True)
                timings["load"] = time.perf_counter() - started
            finishing = time.perf_counter()
            view = _org_view(store, sources, settings.base_iri)
            implied = bulk_write(store, _implied_quads(store, view))
            bulk_write(store, _provenance_quads(store, sources, settings.base_iri, build_id, built_at, version))
            timings["entail"] = time.perf_counter() - finishing
            say(f"added {implied:,} ORG triples and the provenance of {len(sources)} graphs")
            counting = time.perf_counter()
            graphs = dict(_count(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"))
            triples = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][1]
            stats = statistics(store)
            timings["statistics"] = time.perf_counter() - counting
            dumping = time.perf_counter()
            dumps = write_dumps(store, partial / "dumps", version, triples, project_prefixes(settings.base_iri))
            timings["dumps"] = time.perf_counter() - dumping
            say(f"statistics in {timings['statistics']:.2f} s, dumps in {timings['dumps']:.2f} s")
            store.flush()
            del store  # release RocksDB's lock before the folder is renamed
            info = BuildInfo(
                version=version,
                base_iri=settings.base_iri,
                built_at=built_at,
                triples=triples,
                quads=triples + sum(graphs.values()),
                graphs=dict(sorted(graphs.items())),
                sources={s.graph: str(s.path) for s in sources},
                dumps=[d.to_dict() for d in dumps],
                statistics=stats,
            )
            final = folder.publish(partial, info)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)  # nothing half-built stays behind
            raise
    timings["total"] = time.perf_counter() - started
    say(f"built {triples:,} triples in {len(graphs)} named graphs in {timings['total']:.2f} s into {final}")
    return BuildResult(info=info, path=final, timings=timings)
