"""A SHACL shapes graph read into typed shapes: targets, constraints and nested property shapes.

Only what the compiler needs is modelled. A shape using a SHACL feature the compiler does not know
records why in `unsupported`, so that it is handed to the reference engine and never skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Union

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = ox.NamedNode(RDF + "type")

Node = Union[ox.NamedNode, ox.BlankNode]  # noqa: UP007  # a union of classes, used at run time
Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]  # noqa: UP007


def sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


@dataclass(frozen=True)
class Path:
    """A sequence of predicates, each possibly inverted; the paths SPARQL writes with / and ^."""

    steps: tuple[tuple[ox.NamedNode, bool], ...]

    @classmethod
    def of(cls, predicate: ox.NamedNode, inverse: bool = False) -> Path:
        return cls(((predicate, inverse),))

    def sparql(self) -> str:
        return "/".join(("^" if inverse else "") + str(predicate) for predicate, inverse in self.steps)

    def key(self) -> str:
        """How a result's path is compared between engines."""
        return "/".join(("^" if inverse else "") + predicate.value for predicate, inverse in self.steps)

    def pattern(self, start: str, end: str, middle: str) -> str:
        """Triple patterns from `start` to `end` through variables named `middle`0, `middle`1...

        Written out rather than as a SPARQL property path, which Oxigraph evaluates without the
        bindings of an enclosing NOT EXISTS: one scan per outer row.
        """
        nodes = [start, *(f"{middle}{i}" for i in range(len(self.steps) - 1)), end]
        triples = []
        for (predicate, inverse), subject, object_ in zip(self.steps, nodes, nodes[1:], strict=False):
            triples.append(f"{object_} {predicate} {subject} ." if inverse else f"{subject} {predicate} {object_} .")
        return " ".join(triples)


@dataclass(frozen=True)
class SparqlQuery:
    """A SELECT of a SPARQL-based constraint or target, with the prefixes its shape declares."""

    select: str
    prefixes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Target:
    kind: str  # "class", "subjectsOf", "objectsOf", "node", "sparql", or "valuesOf" (see below)
    term: Term | None = None
    query: SparqlQuery | None = None
    # "valuesOf": the values of `path` on the focus nodes of `parent`, the nodes a sh:node checks.
    parent: tuple[Target, ...] = ()
    path: Path | None = None


@dataclass
class Constraint:
    """One constraint component's parameters on a shape."""

    component: str  # the local name of the constraint component, e.g. "MinCountConstraintComponent"
    value: Term | None = None  # the main parameter, for single-parameter components
    values: tuple[Term, ...] = ()  # list parameters: sh:in, sh:languageIn
    shapes: tuple[Shape, ...] = ()  # shape parameters: sh:node, sh:or, sh:qualifiedValueShape
    flags: str = ""  # sh:flags of sh:pattern
    query: SparqlQuery | None = None  # sh:sparql
    messages: tuple[ox.Literal, ...] = ()  # the SPARQL constraint's own sh:message


@dataclass
class Shape:
    node: Node
    path: Path | None = None  # set for property shapes
    targets: list[Target] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    messages: tuple[ox.Literal, ...] = ()
    severity: str = "Violation"
    deactivated: bool = False
    unsupported: list[str] = field(default_factory=list)

    def name(self) -> str:
        return self.node.value if isinstance(self.node, ox.NamedNode) else f"_:{self.node.value}"

    def has_sparql_constraints(self) -> bool:
        return any(c.component == "SPARQLConstraintComponent" for c in self.constraints)

    def nested(self) -> list[Shape]:
        """The shapes this shape's constraints use (sh:node, sh:or, sh:qualifiedValueShape), deeply."""
        found: list[Shape] = []
        pending = [c for s in (self, *self.properties) for c in s.constraints]
        while pending:
            for shape in pending.pop().shapes:
                if all(shape is not seen for seen in found):
                    found.append(shape)
                    pending += [c for s in (shape, *shape.properties) for c in s.constraints]
        return found

    def all_unsupported(self) -> list[str]:
        """Why this shape, or any shape it uses, cannot be compiled."""
        reasons: list[str] = []
        for shape in (self, *self.properties, *self.nested()):
            reasons += [r for r in shape.unsupported if r not in reasons]
            if shape is not self and any(p.has_sparql_constraints() for p in shape.properties):
                reasons.append(f"{shape.name()}: a SPARQL constraint on a property shape of a nested shape")
        return reasons


# Predicates of a shape that are not constraints.
_NOT_CONSTRAINTS = {
    "path",
    "targetClass",
    "targetSubjectsOf",
    "targetObjectsOf",
    "targetNode",
    "target",
    "message",
    "severity",
    "deactivated",
    "name",
    "description",
    "order",
    "group",
    "defaultValue",
    "flags",
    "qualifiedMinCount",
    "qualifiedMaxCount",
    "declare",
    "prefixes",
}
# sh:X -> constraint component, for components with one plain parameter.
_SINGLE = {
    "class": "ClassConstraintComponent",
    "datatype": "DatatypeConstraintComponent",
    "nodeKind": "NodeKindConstraintComponent",
    "pattern": "PatternConstraintComponent",
    "minCount": "MinCountConstraintComponent",
    "maxCount": "MaxCountConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent",
    "maxInclusive": "MaxInclusiveConstraintComponent",
    "minExclusive": "MinExclusiveConstraintComponent",
    "maxExclusive": "MaxExclusiveConstraintComponent",
    "minLength": "MinLengthConstraintComponent",
    "maxLength": "MaxLengthConstraintComponent",
    "hasValue": "HasValueConstraintComponent",
    "uniqueLang": "UniqueLangConstraintComponent",
}
_LISTS = {"in": "InConstraintComponent", "languageIn": "LanguageInConstraintComponent"}


class ShapesGraph:
    """The shapes of a graph, read once; `validated_shapes` are those with targets."""

    def __init__(self, triples: Iterable[ox.Triple]):
        self._store = ox.Store()
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        self._read: dict[Node, Shape] = {}
        self.shapes = [self._shape(node) for node in self._targeted_nodes()]

    def _objects(self, subject: Node, predicate: str) -> list[Term]:
        found = self._store.quads_for_pattern(subject, sh(predicate), None, None)
        return sorted((q.object for q in found), key=str)  # type: ignore[misc]

    def _one(self, subject: Node, predicate: str) -> Term | None:
        values = self._objects(subject, predicate)
        return values[0] if values else None

    def _list(self, head: Term | None) -> list[Term]:
        items: list[Term] = []
        nil = ox.NamedNode(RDF + "nil")
        while isinstance(head, ox.NamedNode | ox.BlankNode) and head != nil:
            first = next(self._store.quads_for_pattern(head, ox.NamedNode(RDF + "first"), None, None), None)
            if first is None:
                break
            items.append(first.object)  # type: ignore[arg-type]
            rest = next(self._store.quads_for_pattern(head, ox.NamedNode(RDF + "rest"), None, None), None)
            head = rest.object if rest else None  # type: ignore[assignment]
        return items

    def _targeted_nodes(self) -> list[Node]:
        nodes: set[Node] = set()
        for name in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode", "target"):
            for quad in self._store.quads_for_pattern(None, sh(name), None, None):
                nodes.add(quad.subject)  # type: ignore[arg-type]
        return sorted(nodes, key=str)

    def _prefixes(self, holder: Node) -> tuple[tuple[str, str], ...]:
        declared: list[tuple[str, str]] = []
        for source in self._objects(holder, "prefixes"):
            if not isinstance(source, ox.NamedNode | ox.BlankNode):
                continue
            for declaration in self._objects(source, "declare"):
                if isinstance(declaration, ox.NamedNode | ox.BlankNode):
                    prefix, namespace = self._one(declaration, "prefix"), self._one(declaration, "namespace")
                    if prefix is not None and namespace is not None:
                        declared.append((prefix.value, namespace.value))
        return tuple(sorted(set(declared)))

    def _sparql(self, holder: Node) -> SparqlQuery | None:
        select = self._one(holder, "select")
        if not isinstance(select, ox.Literal):
            return None
        return SparqlQuery(select=select.value, prefixes=self._prefixes(holder))

    def _messages(self, holder: Node) -> tuple[ox.Literal, ...]:
        return tuple(m for m in self._objects(holder, "message") if isinstance(m, ox.Literal))

    def _shape(self, node: Node) -> Shape:
        if node in self._read:
            return self._read[node]
        shape = Shape(node=node)
        self._read[node] = shape  # before reading parameters: shapes may refer to themselves
        path = self._one(node, "path")
        if path is not None:
            shape.path = self._path(path, shape)
        shape.messages = self._messages(node)
        severity = self._one(node, "severity")
        if severity is not None:
            shape.severity = severity.value.removeprefix(SH)
        deactivated = self._one(node, "deactivated")
        shape.deactivated = isinstance(deactivated, ox.Literal) and deactivated.value == "true"
        self._read_targets(node, shape)
        self._read_constraints(node, shape)
        return shape

    def _path(self, path: Term, shape: Shape) -> Path | None:
        steps: list[tuple[ox.NamedNode, bool]] = []
        first = ox.NamedNode(RDF + "first")
        is_list = isinstance(path, ox.BlankNode) and any(self._store.quads_for_pattern(path, first, None, None))
        for step in self._list(path) if is_list else [path]:
            if isinstance(step, ox.NamedNode):
                steps.append((step, False))
                continue
            inverse = self._one(step, "inversePath") if isinstance(step, ox.BlankNode) else None
            if not isinstance(inverse, ox.NamedNode):
                shape.unsupported.append(f"{shape.name()}: a path other than a sequence of predicates and inverses")
                return None
            steps.append((inverse, True))
        return Path(tuple(steps)) if steps else None

    def _read_targets(self, node: Node, shape: Shape) -> None:
        for kind in ("class", "subjectsOf", "objectsOf", "node"):
            for term in self._objects(node, "target" + kind[0].upper() + kind[1:]):
                shape.targets.append(Target(kind=kind, term=term))
        for target in self._objects(node, "target"):
            query = self._sparql(target) if isinstance(target, ox.NamedNode | ox.BlankNode) else None
            if query is None:
                shape.unsupported.append(f"{shape.name()}: a target other than a SPARQL-based target")
            else:
                shape.targets.append(Target(kind="sparql", query=query))

    def _read_constraints(self, node: Node, shape: Shape) -> None:
        for quad in self._store.quads_for_pattern(node, None, None, None):
            predicate = quad.predicate.value
            if not predicate.startswith(SH):
                continue
            name, value = predicate.removeprefix(SH), quad.object
            if name in _NOT_CONSTRAINTS:
                continue
            if name in _SINGLE:
                flags = self._one(node, "flags") if name == "pattern" else None
                shape.constraints.append(
                    Constraint(_SINGLE[name], value=value, flags=flags.value if flags is not None else "")  # type: ignore[arg-type]
                )
            elif name in _LISTS:
                shape.constraints.append(Constraint(_LISTS[name], values=tuple(self._list(value))))  # type: ignore[arg-type]
            elif name == "node" and isinstance(value, ox.NamedNode | ox.BlankNode):
                shape.constraints.append(Constraint("NodeConstraintComponent", shapes=(self._shape(value),)))
            elif name == "or":
                listed = self._list(value)  # type: ignore[arg-type]
                members = tuple(self._shape(m) for m in listed if isinstance(m, ox.NamedNode | ox.BlankNode))
                shape.constraints.append(Constraint("OrConstraintComponent", shapes=members))
            elif name == "qualifiedValueShape" and isinstance(value, ox.NamedNode | ox.BlankNode):
                self._read_qualified(node, shape, self._shape(value))
            elif name == "sparql" and isinstance(value, ox.NamedNode | ox.BlankNode):
                self._read_sparql_constraint(value, shape)
            elif name == "property" and isinstance(value, ox.NamedNode | ox.BlankNode):
                shape.properties.append(self._shape(value))
            else:
                shape.unsupported.append(f"{shape.name()}: sh:{name}")

    def _read_qualified(self, node: Node, shape: Shape, qualified: Shape) -> None:
        if self._one(node, "qualifiedValueShapesDisjoint") is not None:
            shape.unsupported.append(f"{shape.name()}: sh:qualifiedValueShapesDisjoint")
        for bound, component in (
            ("qualifiedMinCount", "QualifiedMinCount"),
            ("qualifiedMaxCount", "QualifiedMaxCount"),
        ):
            count = self._one(node, bound)
            if count is not None:
                shape.constraints.append(
                    Constraint(component + "ConstraintComponent", value=count, shapes=(qualified,))
                )

    def _read_sparql_constraint(self, constraint: Node, shape: Shape) -> None:
        query = self._sparql(constraint)
        deactivated = self._one(constraint, "deactivated")
        if isinstance(deactivated, ox.Literal) and deactivated.value == "true":
            return
        if query is None:
            shape.unsupported.append(f"{shape.name()}: a SPARQL constraint without sh:select")
            return
        text = query.select
        if "$shapesGraph" in text or "$currentShape" in text:
            shape.unsupported.append(f"{shape.name()}: a SPARQL constraint using $shapesGraph or $currentShape")
            return
        shape.constraints.append(
            Constraint("SPARQLConstraintComponent", query=query, messages=self._messages(constraint), value=constraint)
        )
