"""pySHACL, the reference engine: for shapes the compiler cannot express, and for differential tests."""

from __future__ import annotations

import pyoxigraph as ox
import pyshacl
import rdflib
import rdflib.collection
from rdflib.namespace import SH

from govlod.shacl.engine import Result
from govlod.shacl.shapes import Path
from govlod.terms import to_oxigraph


class ReferenceEngineError(Exception):
    """pySHACL stopped; never shown to a user as a traceback."""


def _path(report: rdflib.Graph, node: rdflib.term.Node | None) -> Path | None:
    if node is None:
        return None
    steps: list[tuple[ox.NamedNode, bool]] = []
    members = list(rdflib.collection.Collection(report, node)) if report.value(node, rdflib.RDF.first) else [node]
    for step in members:
        inverse = report.value(step, SH.inversePath)
        if isinstance(step, rdflib.URIRef):
            steps.append((ox.NamedNode(str(step)), False))
        elif isinstance(inverse, rdflib.URIRef):
            steps.append((ox.NamedNode(str(inverse)), True))
        else:
            return None
    return Path(tuple(steps))


def _local(node: rdflib.term.Node | None) -> str:
    return str(node).rsplit("#", 1)[-1] if node is not None else ""


def validate(data: rdflib.Graph, shapes: rdflib.Graph, use_shapes: list[str] | None = None) -> list[Result]:
    """pySHACL's results on `data`, optionally for some named shapes only."""
    try:
        _, report, text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,  # SHACL-AF: SPARQL-based targets
            allow_warnings=True,
            use_shapes=use_shapes,
        )
    except Exception as error:  # pySHACL and rdflib raise many kinds; none may reach a user as a traceback
        raise ReferenceEngineError(f"{type(error).__name__}: {error}") from error
    if not isinstance(report, rdflib.Graph):
        raise ReferenceEngineError(str(text))
    results: list[Result] = []
    # Only the report's own results: pySHACL also types the nested details of sh:node as results.
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        messages = tuple(
            ox.Literal(str(m), language=m.language)
            if isinstance(m, rdflib.Literal) and m.language
            else ox.Literal(str(m))
            for m in report.objects(result, SH.resultMessage)
        )
        results.append(
            Result(
                focus=to_oxigraph(focus) if focus is not None else ox.BlankNode("unknown"),
                path=_path(report, report.value(result, SH.resultPath)),
                value=to_oxigraph(value) if value is not None else None,
                component=_local(report.value(result, SH.sourceConstraintComponent)),
                severity=_local(report.value(result, SH.resultSeverity)) or "Violation",
                shape=str(report.value(result, SH.sourceShape)),
                messages=messages,
            )
        )
    return results
