"""Running compiled shapes on an Oxigraph store and collecting their results.

The store's default graph is the data graph. Shapes the compiler cannot express, and queries that
Oxigraph refuses, go to the reference engine (pySHACL) on the same data: never silently skipped.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox

from govlod.shacl.compiler import FAILS, MARKS, Check, Compiler, Unsupported
from govlod.shacl.shapes import RDFS, Path, Shape, ShapesGraph, Target, Term

_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_]\w*)\}")


@dataclass(frozen=True)
class Result:
    """One validation result, in terms of the data; comparable between engines with `key`."""

    focus: Term
    path: Path | None
    value: Term | None
    component: str  # local name of the constraint component
    severity: str  # local name: Violation, Warning, Info
    shape: str  # the shape whose targets selected the focus node
    messages: tuple[ox.Literal, ...]
    # 0 for a result of a shape with targets; above 0 for a detail: a violation of a shape used by
    # sh:node, reported with the result it explains.
    depth: int = 0

    @property
    def detail(self) -> bool:
        return self.depth > 0

    def key(self) -> tuple[str, str, str, str]:
        focus = self.focus.value if isinstance(self.focus, ox.NamedNode) else "[]"
        return (focus, self.path.key() if self.path else "", self.component, self.severity)


@dataclass
class Outcome:
    results: list[Result] = field(default_factory=list)
    # Shapes checked by the reference engine instead, each with the reason.
    delegated: dict[str, str] = field(default_factory=dict)


def subclasses_in(store: ox.Store) -> Callable[[ox.NamedNode], list[ox.NamedNode]]:
    """The SHACL instances of a class are those of its subclasses in the data graph, itself included."""

    @cache
    def subclasses(cls: ox.NamedNode) -> list[ox.NamedNode]:
        found = {cls}
        rows = store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>+ {cls} }}")
        assert isinstance(rows, ox.QuerySolutions)
        found.update(row[0] for row in rows if isinstance(row[0], ox.NamedNode))
        return sorted(found, key=lambda c: c.value)

    return subclasses


def fill_message(template: ox.Literal, row: dict[str, Term]) -> ox.Literal:
    """A SPARQL constraint's message with {?var} replaced by the row's values (IRIs in full)."""

    def value(match: re.Match[str]) -> str:
        term = row.get(match.group(1))
        return term.value if term is not None else match.group(0)

    return ox.Literal(_PLACEHOLDER.sub(value, template.value), language=template.language)


def _rows(store: ox.Store, query: str) -> Iterable[dict[str, Term]]:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: solution[name] for name in names if solution[name] is not None}


def _results(check: Check, rows: Iterable[dict[str, Term]], depth: int) -> Iterable[Result]:
    constraint, source = check.constraint, check.source
    for row in rows:
        focus = row["this"]
        path = source.path
        if constraint.component == "SPARQLConstraintComponent":
            if isinstance(row.get("path"), ox.NamedNode):
                path = Path.of(row["path"])  # type: ignore[arg-type]
            value = row.get("value", focus if source.path is None else None)
            templates = constraint.messages or source.messages
            messages = tuple(fill_message(m, row) for m in templates)
        else:
            value = row.get("value") if check.per_value else (focus if source.path is None else None)
            messages = source.messages
        yield Result(
            focus=focus,
            path=path,
            value=value,
            component=constraint.component,
            severity=source.severity,
            shape=check.shape.name(),
            messages=messages,
            depth=depth,
        )


class _Validation:
    """One validation run on one store: every shape, with the marks its nested shapes need."""

    def __init__(self, store: ox.Store, say: Callable[[str], None]):
        self.store = store
        self.say = say
        self.marks: dict[int, ox.NamedNode] = {}
        self.marked: dict[tuple[int, str], list[Result]] = {}  # per nested shape and context: its results
        self.compiler = Compiler(subclasses_in(store), self.mark)

    def mark(self, shape: Shape) -> ox.NamedNode:
        return self.marks.setdefault(id(shape), ox.NamedNode(f"urn:govlod:validation:shape:{len(self.marks)}"))

    def nested_results(self, check: Check, nested: Shape, depth: int) -> list[Result]:
        """The results of a nested shape on the values `check` gives it; failing nodes get marked."""
        context = (id(nested), f"{id(check.shape)} {check.source.path.key() if check.source.path else ''}")
        if context not in self.marked:
            results = self.shape_results(_values_shape(check, nested), depth=depth + 1)
            failing = {r.focus for r in results if r.depth == depth + 1}
            mark = self.mark(nested)
            self.store.extend(ox.Quad(mark, FAILS, node, MARKS) for node in failing)
            self.marked[context] = results
        return self.marked[context]

    def shape_results(self, shape: Shape, depth: int = 0) -> list[Result]:
        found: list[Result] = []
        for check in self.compiler.checks(shape):
            details: list[Result] = []
            for nested in check.constraint.shapes:
                if not self.compiler.inlined(nested) and depth < _MAX_DEPTH:
                    details += self.nested_results(check, nested, depth)
            results = list(_results(check, _rows(self.store, check.query), depth))
            found += results
            if results and check.constraint.component == "NodeConstraintComponent":
                found += details  # what is wrong with the values that fail sh:node
        return found


_MAX_DEPTH = 4  # shapes that use shapes that use shapes...: deeper than any real shapes graph


def _values_shape(check: Check, nested: Shape) -> Shape:
    """A nested shape targeting the values the check hands it (the focus nodes, on a node shape)."""
    targets = list(check.shape.targets)
    if check.source.path is not None:
        targets = [Target(kind="valuesOf", parent=tuple(targets), path=check.source.path)]
    return Shape(
        node=nested.node,
        targets=targets,
        constraints=nested.constraints,
        properties=nested.properties,
        messages=nested.messages,
        severity=nested.severity,
        deactivated=nested.deactivated,
    )


def run(store: ox.Store, shapes: ShapesGraph, say: Callable[[str], None] = lambda _: None) -> Outcome:
    """Validate the store's default graph; shapes that cannot be compiled are listed in `delegated`.

    The store must be writable: nodes failing nested SPARQL constraints are marked in a scratch graph
    of it, removed before returning.
    """
    outcome = Outcome()
    validation = _Validation(store, say)
    try:
        for shape in shapes.shapes:
            started = time.perf_counter()
            try:
                found = validation.shape_results(shape)
            except Unsupported as reason:
                outcome.delegated[shape.name()] = str(reason)
                continue
            except (SyntaxError, OSError, ValueError) as error:  # Oxigraph refused or failed a query
                outcome.delegated[shape.name()] = f"the store could not run its query: {error}"
                continue
            outcome.results.extend(found)
            seconds = time.perf_counter() - started
            say(f"  {_short(shape)}: {len(found)} results in {seconds:.2f} s")
    finally:
        if store.contains_named_graph(MARKS):
            store.remove_graph(MARKS)
    return outcome


def _short(shape: Shape) -> str:
    return shape.name().rsplit("#", 1)[-1].rsplit("/", 1)[-1]
