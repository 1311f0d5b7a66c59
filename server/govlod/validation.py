"""Validating a dataset (data plus ontology) against the SHACL shapes, with a report for people.

The data is loaded into an Oxigraph store and checked there by the compiled shapes (govlod.shacl);
shapes the compiler cannot express are checked by pySHACL on the same data, and the report says so.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
import rdflib

from govlod.loading import SourceErrors, load_sources
from govlod.namespaces import project_prefixes
from govlod.shacl import engine, reference
from govlod.shacl.engine import Result
from govlod.shacl.shapes import ShapesGraph, Term
from govlod.sources import SourceError, SourceFile, discover, os_reason, parse
from govlod.terms import triples_to_graph

__all__ = ["ShapesError", "SourceErrors", "ValidationReport", "format_report", "load_shapes", "validate_sources"]
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@dataclass(frozen=True)
class Finding:
    """One SHACL result, with the file that describes its focus node."""

    severity: str
    focus: str
    focus_label: str | None
    files: tuple[str, ...]
    path: str | None
    value: str | None
    messages: dict[str, str]

    def message(self, lang: str) -> str:
        return self.messages.get(lang) or next(iter(self.messages.values()), "constraint violated")


@dataclass
class ValidationReport:
    conforms: bool
    files: list[str]
    triples: int
    findings: list[Finding] = field(default_factory=list)
    # Shapes checked by the reference engine (pySHACL) instead of on the store, with the reason.
    delegated: dict[str, str] = field(default_factory=dict)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]


class ShapesError(Exception):
    """The shapes themselves are broken, so nothing could be validated."""


@dataclass
class Shapes:
    """The shapes graph, as triples and as compiled shapes; as rdflib only if pySHACL is needed."""

    triples: list[ox.Triple]

    @cached_property
    def graph(self) -> ShapesGraph:
        return ShapesGraph(self.triples)

    @cached_property
    def rdflib(self) -> rdflib.Graph:
        return triples_to_graph(self.triples)

    @cached_property
    def templates(self) -> list[tuple[str, str]]:
        """(language, text) of every message the shapes declare."""
        message = "http://www.w3.org/ns/shacl#message"
        return [
            (t.object.language, t.object.value)
            for t in self.triples
            if t.predicate.value == message and isinstance(t.object, ox.Literal) and t.object.language
        ]


def load_shapes(shapes_dir: Path) -> Shapes:
    """The shapes in the folder itself; subfolders (e.g. catalog/) hold shapes for other documents."""
    triples: list[ox.Triple] = []
    try:
        files = sorted(p for p in shapes_dir.iterdir() if p.is_file() and p.suffix == ".ttl")
    except OSError as error:  # GOVLOD_HOME names a folder without shapes/, or one that cannot be read
        raise SourceError(shapes_dir, f"cannot read the shapes folder: {os_reason(error)}") from error
    for source in discover(files):
        triples += parse(source).triples
    return Shapes(triples)


def dataset_sources(roots: Sequence[Path], ontology_dir: Path) -> list[SourceFile]:
    """The data files under `roots` and the ontology's files, each with its named graph."""
    return discover(roots) + discover([ontology_dir], graph_prefix="ontology/")


def validate_sources(
    sources: Sequence[SourceFile], shapes: Shapes, say: Callable[[str], None] = lambda _: None
) -> ValidationReport:
    """Load the files into a memory store and validate it; unreadable files raise SourceErrors."""
    store = ox.Store()
    load_sources(store, sources)
    return validate_store(store, shapes, sources, say)


def validate_store(
    store: ox.Store, shapes: Shapes, sources: Sequence[SourceFile], say: Callable[[str], None] = lambda _: None
) -> ValidationReport:
    """Validate the default graph of a writable store holding the files of `sources`."""
    try:
        outcome = engine.run(store, shapes.graph, say)
    except Exception as error:  # a broken shapes graph must reach the user as a message
        raise ShapesError(f"the shapes could not be compiled: {type(error).__name__}: {error}") from error
    results = [*outcome.results]
    if outcome.delegated:
        results = _with_reference_results(store, shapes, outcome, results)
        say(f"  checked by pySHACL: {', '.join(sorted(outcome.delegated))}")
    findings = _findings(results, store, shapes, sources)
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in results),
        files=[str(s.path) for s in sources],
        triples=len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph())))
        if len(store) < 10_000
        else _count(store),
        findings=findings,
        delegated=dict(outcome.delegated),
    )


def _count(store: ox.Store) -> int:
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(rows, ox.QuerySolutions)
    return int(next(iter(rows))[0].value)


def _with_reference_results(
    store: ox.Store, shapes: Shapes, outcome: engine.Outcome, results: list[Result]
) -> list[Result]:
    data = triples_to_graph(
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    )
    named = [name for name in outcome.delegated if not name.startswith("_:")]
    try:
        if len(named) < len(outcome.delegated):
            # A shape without an IRI cannot be picked out for pySHACL: it checks every shape.
            outcome.delegated = {s.name(): "checked with a shape without an IRI" for s in shapes.graph.shapes}
            return reference.validate(data, shapes.rdflib)
        return results + reference.validate(data, shapes.rdflib, use_shapes=named)
    except reference.ReferenceEngineError as error:
        raise ShapesError(f"the SHACL engine stopped: {error}") from error


def _files_of(focus_nodes: set[str], sources: Sequence[SourceFile]) -> dict[str, set[str]]:
    """Which files describe each focus node: one pass over the files, only when there are findings."""
    files: dict[str, set[str]] = defaultdict(set)
    for source in sources:
        try:
            for quad in ox.parse(path=str(source.path), format=source.format):
                subject = quad.subject
                if isinstance(subject, ox.NamedNode) and subject.value in focus_nodes:
                    files[subject.value].add(str(source.path))
        except (SyntaxError, OSError):
            continue  # already loaded once, so not expected; a file changed meanwhile names no node
    return files


def _findings(results: list[Result], store: ox.Store, shapes: Shapes, sources: Sequence[SourceFile]) -> list[Finding]:
    iris = {r.focus.value for r in results if isinstance(r.focus, ox.NamedNode)}
    files = _files_of(iris, sources) if iris else {}
    findings = []
    for result in results:
        messages: dict[str, str] = {}
        for message in result.messages:
            messages.setdefault(_language_of(message, shapes.templates), _compact_iris(message.value))
        findings.append(
            Finding(
                severity=result.severity,
                focus=_show(result.focus),
                focus_label=_italian_label(store, result.focus),
                files=tuple(sorted(files.get(result.focus.value, ())))
                if isinstance(result.focus, ox.NamedNode)
                else (),
                path=_show_path(result),
                value=_show(result.value) if result.value is not None else None,
                messages=messages,
            )
        )
    findings.sort(key=lambda f: (f.files, f.focus, f.path or "", f.value or ""))
    return findings


def _show_path(result: Result) -> str | None:
    if result.path is None:
        return None
    if len(result.path.steps) == 1 and not result.path.steps[0][1]:
        return _show(result.path.steps[0][0])
    return "(a path expression)"


def _language_of(message: ox.Literal, templates: list[tuple[str, str]]) -> str:
    """The language of a result message; pySHACL drops the tag when it fills in SPARQL variables."""
    if message.language:
        return message.language
    for lang, template in templates:
        fixed_parts = (re.escape(part) for part in _PLACEHOLDER.split(template))
        if re.fullmatch("(.*?)".join(fixed_parts), message.value, flags=re.DOTALL):
            return lang
    return "en"


_PLACEHOLDER = re.compile(r"\{[?$][A-Za-z_]\w*\}")
_IRI_IN_TEXT = re.compile(r"https?://[^\s\"'<>,]+")


def _compact_iris(text: str) -> str:
    return _IRI_IN_TEXT.sub(lambda m: _show(ox.NamedNode(m.group(0))), text)


def _italian_label(store: ox.Store, node: Term) -> str | None:
    if isinstance(node, ox.Literal):
        return None
    labels = [q.object for q in store.quads_for_pattern(node, RDFS_LABEL, None, ox.DefaultGraph())]
    texts = [label for label in labels if isinstance(label, ox.Literal)]
    for label in texts:
        if label.language == "it":
            return label.value
    return texts[0].value if texts else None


def _show(node: Term | None) -> str:
    if isinstance(node, ox.NamedNode):
        text = node.value
        for prefix, namespace in project_prefixes().items():
            if text.startswith(namespace) and "/" not in text[len(namespace) :]:
                return f"{prefix}:{text[len(namespace) :]}"
        return f"<{text}>"
    if isinstance(node, ox.Literal):
        return str(node)
    return "[]"


def format_report(report: ValidationReport, lang: str = "both") -> str:
    """The report for people: problems grouped by file and focus node, then a summary line."""
    lines: list[str] = []
    by_focus: dict[tuple[tuple[str, ...], str], list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_focus[(finding.files, finding.focus)].append(finding)
    for (files, focus), findings in by_focus.items():
        label = findings[0].focus_label
        lines.append(f"{', '.join(files) or '(no file)'}")
        lines.append(f"  {focus}" + (f"  «{label}»" if label else ""))
        for finding in findings:
            what = " ".join(x for x in (finding.path, finding.value) if x)
            head = f"    {finding.severity.lower()}: " + (f"{what} — " if what else "")
            if lang == "both":
                lines.append(head + finding.message("it"))
                lines.append(" " * len(head) + finding.message("en"))
            else:
                lines.append(head + finding.message(lang))
    for shape, reason in sorted(report.delegated.items()):
        lines.append(f"checked by pySHACL, not on the store: {shape} ({reason})")
    count = len(report.violations)
    summary = (
        f"{'conforms' if report.conforms else 'does not conform'}: "
        f"{len(report.files)} files, {report.triples} triples, {count} violation" + ("" if count == 1 else "s")
    )
    if len(report.findings) > count:
        summary += f", {len(report.findings) - count} other findings"
    lines.append(summary)
    return "\n".join(lines)


def report_as_json(report: ValidationReport) -> str:
    return json.dumps(
        {
            "conforms": report.conforms,
            "files": report.files,
            "triples": report.triples,
            "checkedByPyshacl": report.delegated,
            "findings": [
                {
                    "severity": f.severity,
                    "focusNode": f.focus,
                    "label": f.focus_label,
                    "files": list(f.files),
                    "path": f.path,
                    "value": f.value,
                    "messages": f.messages,
                }
                for f in report.findings
            ],
        },
        ensure_ascii=False,
        indent=2,
    )
