"""Validating a dataset (data plus ontology) against the SHACL shapes, with a report for people."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import RDFS, SH

from govlod.namespaces import project_prefixes
from govlod.sources import ParsedSource, SourceError, discover, parse
from govlod.terms import triples_to_graph


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

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]


def load_sources(roots: Sequence[Path], ontology_dir: Path) -> list[ParsedSource]:
    """Parse the data under `roots` and the ontology; every unreadable file is reported at once."""
    sources = discover(roots) + discover([ontology_dir], graph_prefix="ontology/")
    parsed: list[ParsedSource] = []
    errors: list[SourceError] = []
    for source in sources:
        try:
            parsed.append(parse(source))
        except SourceError as error:
            errors.append(error)
    if errors:
        raise SourceErrors(errors)
    return parsed


class ShapesError(Exception):
    """The shapes themselves are broken, so nothing could be validated."""


class SourceErrors(Exception):
    def __init__(self, errors: list[SourceError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def load_shapes(shapes_dir: Path) -> rdflib.Graph:
    """The shapes in the folder itself; subfolders (e.g. catalog/) hold shapes for other documents."""
    shapes = rdflib.Graph()
    for source in discover(sorted(p for p in shapes_dir.iterdir() if p.is_file() and p.suffix == ".ttl")):
        triples_to_graph(parse(source).triples, shapes)
    return shapes


def validate(parsed: Sequence[ParsedSource], shapes: rdflib.Graph) -> ValidationReport:
    """Run pyshacl over the union of the parsed files and group its results by focus node."""
    data = rdflib.Graph()
    subject_files: dict[str, set[str]] = defaultdict(set)
    for item in parsed:
        triples_to_graph(item.triples, data)
        name = str(item.source.path)
        for triple in item.triples:
            subject_files[_subject_key(triple.subject)].add(name)
    try:
        conforms, results, text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            advanced=True,  # SHACL-AF: SPARQL targets keep the whole-graph checks to one scan
        )
    except Exception as error:  # pyshacl and rdflib raise many kinds; none may reach the user as a traceback
        raise ShapesError(f"the SHACL engine stopped: {type(error).__name__}: {error}") from error
    if not isinstance(results, rdflib.Graph):
        raise ShapesError(str(text))
    findings = _findings(results, data, shapes, subject_files)
    return ValidationReport(
        conforms=bool(conforms),
        files=[str(p.source.path) for p in parsed],
        triples=len(data),
        findings=findings,
    )


def _subject_key(subject: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    return str(subject) if isinstance(subject, ox.Triple) else subject.value


def _findings(
    results: rdflib.Graph,
    data: rdflib.Graph,
    shapes: rdflib.Graph,
    subject_files: dict[str, set[str]],
) -> list[Finding]:
    findings = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        templates = _message_templates(shapes, results.value(result, SH.sourceConstraint))
        messages: dict[str, str] = {}
        for message in results.objects(result, SH.resultMessage):
            lang = _language_of(message, templates)
            messages.setdefault(lang, _compact_iris(str(message)))
        label = _italian_label(data, focus) if focus is not None else None
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=_show(focus, data),
                focus_label=label,
                files=tuple(sorted(subject_files.get(str(focus), ()))),
                path=_show(path, data) if path is not None else None,
                value=_show(value, data) if value is not None else None,
                messages=messages,
            )
        )
    findings.sort(key=lambda f: (f.files, f.focus, f.path or "", f.value or ""))
    return findings


def _message_templates(shapes: rdflib.Graph, constraint: rdflib.term.Node | None) -> dict[str, str]:
    if constraint is None:
        return {}
    return {
        m.language: str(m)
        for m in shapes.objects(constraint, SH.message)
        if isinstance(m, rdflib.Literal) and m.language
    }


def _language_of(message: rdflib.term.Node, templates: dict[str, str]) -> str:
    """The language of a result message; pyshacl drops the tag when it fills in SPARQL variables."""
    if isinstance(message, rdflib.Literal) and message.language:
        return message.language
    for lang, template in templates.items():
        fixed_parts = (re.escape(part) for part in _PLACEHOLDER.split(template))
        if re.fullmatch("(.*?)".join(fixed_parts), str(message), flags=re.DOTALL):
            return lang
    return "en"


_PLACEHOLDER = re.compile(r"\{[?$][A-Za-z_]\w*\}")
_IRI_IN_TEXT = re.compile(r"https?://[^\s\"'<>,]+")


def _compact_iris(text: str) -> str:
    return _IRI_IN_TEXT.sub(lambda m: _show(rdflib.URIRef(m.group(0)), None), text)


def _italian_label(data: rdflib.Graph, node: rdflib.term.Node) -> str | None:
    labels = list(data.objects(node, RDFS.label))
    for label in labels:
        if isinstance(label, rdflib.Literal) and label.language == "it":
            return str(label)
    return str(labels[0]) if labels else None


def _show(node: rdflib.term.Node | None, data: rdflib.Graph | None) -> str:
    if isinstance(node, rdflib.URIRef):
        text = str(node)
        for prefix, namespace in project_prefixes().items():
            if text.startswith(namespace) and "/" not in text[len(namespace) :]:
                return f"{prefix}:{text[len(namespace) :]}"
        return f"<{text}>"
    if isinstance(node, rdflib.Literal):
        return node.n3()
    if isinstance(node, rdflib.BNode):
        return "[]"
    return "(a path expression)" if node is not None else ""


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
