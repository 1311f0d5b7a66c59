"""`govlod build`: parse, validate, load into a fresh store, then switch to it atomically."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import govlod
from govlod.dumps import write_dumps
from govlod.entailment import OrgView
from govlod.namespaces import CANONICAL_BASE, GRAPH_SPACE, project_prefixes
from govlod.provenance import activity_triples, graph_provenance
from govlod.settings import Settings
from govlod.sources import ParsedSource
from govlod.store import BuildInfo, StoreFolder
from govlod.validation import ValidationReport, load_shapes, load_sources, validate
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


def dataset_version(parsed: Sequence[ParsedSource], base_iri: str) -> str:
    """A digest of everything that shapes the store: file contents, graph names, base IRI, code."""
    digest = hashlib.sha256(f"{govlod.__version__}\n{base_iri}\n".encode())
    for item in sorted(parsed, key=lambda p: p.source.graph):
        digest.update(item.source.graph.encode() + b"\n")
        digest.update(hashlib.sha256(item.source.path.read_bytes()).digest())
    return digest.hexdigest()


def _rebase(term: Any, base: str) -> Any:
    """The term moved to `base` when it is one of the project's IRIs; any other term unchanged."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(CANONICAL_BASE):
        return ox.NamedNode(base + term.value[len(CANONICAL_BASE) :])
    if isinstance(term, ox.Triple):
        return ox.Triple(_rebase(term.subject, base), _rebase(term.predicate, base), _rebase(term.object, base))
    return term


def quads_for_store(
    parsed: Sequence[ParsedSource],
    view: OrgView,
    base_iri: str,
    about: Callable[[ParsedSource], list[ox.Triple]] = lambda _: [],
) -> Iterator[ox.Quad]:
    """Each file's triples (and their ORG view) in its own named graph and in the default graph.

    Storing the union once as the real default graph is what makes queries without GRAPH fast:
    Oxigraph then scans one graph instead of merging every named graph at query time.
    """
    rebase = base_iri != CANONICAL_BASE
    default = ox.DefaultGraph()
    for item in parsed:
        graph = ox.NamedNode(item.source.graph)
        if rebase:
            graph = ox.NamedNode(base_iri + graph.value[len(CANONICAL_BASE) :])
        for triple in (*item.triples, *view.implied(item.triples), *about(item)):
            s, p, o = triple.subject, triple.predicate, triple.object
            if rebase:
                s, p, o = _rebase(s, base_iri), _rebase(p, base_iri), _rebase(o, base_iri)
            yield ox.Quad(s, p, o, graph)
            yield ox.Quad(s, p, o, default)


def _count(store: ox.Store, query: str) -> list[tuple[str, int]]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    variables = {v.value for v in solutions.variables}
    return [(s["g"].value if "g" in variables else "", int(s["n"].value)) for s in solutions]


def build(
    settings: Settings,
    *,
    check: bool = True,
    say: Callable[[str], None] = lambda _: None,
) -> BuildResult:
    """Build a new store from settings.data and the ontology; the old one serves until the switch."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    parsed = load_sources(settings.data, settings.ontology_dir)
    timings["parse"] = time.perf_counter() - started
    parsed_triples = sum(len(p.triples) for p in parsed)
    say(f"parsed {len(parsed)} files, {parsed_triples} triples in {timings['parse']:.2f} s")

    if check:
        started = time.perf_counter()
        report = validate(parsed, load_shapes(settings.shapes_dir))
        timings["validate"] = time.perf_counter() - started
        if not report.conforms:
            raise DataDoesNotConform(report)
        say(f"validated in {timings['validate']:.2f} s: conforms")

    version = dataset_version(parsed, settings.base_iri)
    view = OrgView(t for p in parsed if p.source.graph.startswith(GRAPH_SPACE + "ontology/") for t in p.triples)
    folder = StoreFolder(settings.store_dir)
    with folder.build_lock():
        started = time.perf_counter()
        stamp = datetime.now(UTC)
        build_id = f"{stamp:%Y%m%dT%H%M%S%fZ}-{version[:12]}"
        built_at = stamp.isoformat(timespec="seconds")
        activity = activity_triples(build_id, built_at, version)

        def provenance(item: ParsedSource) -> list[ox.Triple]:
            return [*graph_provenance(item, build_id, built_at), *activity]

        partial = folder.new_build_folder(build_id)
        store = ox.Store(str(partial / "oxigraph"))
        store.bulk_extend(quads_for_store(parsed, view, settings.base_iri, provenance))
        store.optimize()
        graphs = dict(_count(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"))
        triples = _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][1]
        stats = statistics(store)
        dumps = write_dumps(store, partial / "dumps", version, triples, project_prefixes(settings.base_iri))
        store.flush()
        del store  # release RocksDB's lock before the folder is renamed
        info = BuildInfo(
            version=version,
            base_iri=settings.base_iri,
            built_at=built_at,
            triples=triples,
            quads=triples + sum(graphs.values()),
            graphs=dict(sorted(graphs.items())),
            sources={p.source.graph: str(p.source.path) for p in parsed},
            dumps=[d.to_dict() for d in dumps],
            statistics=stats,
        )
        final = folder.publish(partial, info)
        timings["load"] = time.perf_counter() - started
    say(f"loaded {triples} triples in {len(graphs)} named graphs in {timings['load']:.2f} s into {final}")
    return BuildResult(info=info, path=final, timings=timings)
