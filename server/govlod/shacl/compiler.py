"""SHACL constraints compiled to SPARQL: one SELECT per constraint that returns its violations.

Each query joins the shape's focus nodes (its targets) with a pattern that matches exactly when the
constraint is violated, following the definitions of the SHACL recommendation, section 4 (Core) and
5 (SPARQL-based constraints). Class membership is resolved against the data's own class hierarchy
once, before the queries run, so that `rdf:type/rdfs:subClassOf*` never runs per node.

A constraint the compiler cannot express raises `Unsupported`; the engine then hands its shape to the
reference engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from govlod.shacl.shapes import RDF_TYPE, SH, Constraint, Path, Shape, SparqlQuery, Target, Term

XSD = "http://www.w3.org/2001/XMLSchema#"
# Datatypes whose lexical forms SPARQL can check: a cast of an ill-formed value is an error.
_CASTABLE = {XSD + name for name in ("boolean", "integer", "decimal", "double", "float", "date", "dateTime", "time")}
_NODE_KINDS = {
    "IRI": "!isIRI({v})",
    "BlankNode": "!isBlank({v})",
    "Literal": "!isLiteral({v})",
    "BlankNodeOrIRI": "isLiteral({v})",
    "BlankNodeOrLiteral": "isIRI({v})",
    "IRIOrLiteral": "isBlank({v})",
}
_COMPARISONS = {
    "MinInclusiveConstraintComponent": ">=",
    "MaxInclusiveConstraintComponent": "<=",
    "MinExclusiveConstraintComponent": ">",
    "MaxExclusiveConstraintComponent": "<",
}
_PROLOGUE = re.compile(r"\s*(?:#[^\n]*\n\s*)*(PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>|BASE\s*<[^>]*>)", re.IGNORECASE)
_PROJECTS_THIS = re.compile(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(\*|[^{]*[?$]this\b)", re.IGNORECASE)


class Unsupported(Exception):
    """A constraint or target this compiler cannot turn into SPARQL."""


@dataclass(frozen=True)
class Check:
    """One query selecting the violations of one constraint of one shape."""

    shape: Shape  # the shape with the targets
    source: Shape  # the shape holding the constraint: `shape` itself or one of its property shapes
    constraint: Constraint
    query: str
    per_value: bool  # whether each row names the offending value (?value)


class Variables:
    """Fresh variable names for nested patterns."""

    def __init__(self) -> None:
        self._count = 0

    def __call__(self) -> str:
        self._count += 1
        return f"?_v{self._count}"


# The subclasses of a class (itself included), read from the data's own hierarchy.
Subclasses = Callable[[ox.NamedNode], list[ox.NamedNode]]

# Nodes that fail a nested shape of several constraints are marked in this graph of the store before
# the queries that use the shape run (see Compiler.inlined and the engine).
MARKS = ox.NamedNode("urn:govlod:validation:marks")
FAILS = ox.NamedNode("urn:govlod:validation:fails")


def split_prologue(query: str) -> tuple[list[tuple[str, str]], str]:
    """The PREFIX declarations at the head of a query, and the query after them."""
    prefixes: list[tuple[str, str]] = []
    rest = query
    while match := _PROLOGUE.match(rest):
        if match.group(1).upper().startswith("BASE"):
            raise Unsupported("a SPARQL query with a BASE declaration")
        prefixes.append((match.group(2) or "", match.group(3)))
        rest = rest[match.end() :]
    return prefixes, rest


class Compiler:
    def __init__(self, subclasses: Subclasses, mark: Callable[[Shape], ox.NamedNode]):
        self._subclasses = subclasses
        self._mark = mark
        self._prefixes: dict[str, str] = {}

    # -- whole queries -------------------------------------------------------------------------

    def checks(self, shape: Shape) -> list[Check]:
        """Every query of a shape with targets; raises Unsupported if any part cannot be compiled."""
        if shape.all_unsupported():
            raise Unsupported("; ".join(shape.all_unsupported()))
        checks: list[Check] = []
        if shape.deactivated:
            return checks
        sources = [shape, *(p for p in shape.properties if not p.deactivated)]
        for source in sources:
            for constraint in source.constraints:
                self._prefixes = {}
                targets = self._targets(shape.targets)
                if constraint.component == "SPARQLConstraintComponent":
                    body, per_value = self._sparql_constraint(constraint, source, targets), True
                else:
                    fresh = Variables()
                    violation, per_value = self._violation(constraint, "?this", source.path, "?value", fresh, top=True)
                    body = f"SELECT DISTINCT ?this {'?value' if per_value else ''} WHERE {{\n{targets}\n{violation}\n}}"
                query = "".join(f"PREFIX {p}: <{n}>\n" for p, n in sorted(self._prefixes.items())) + body
                checks.append(Check(shape, source, constraint, query, per_value))
        return checks

    def _declare(self, prefixes: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> None:
        for prefix, namespace in prefixes:
            if self._prefixes.get(prefix, namespace) != namespace:
                raise Unsupported(f"prefix {prefix}: declared with two namespaces")
            self._prefixes[prefix] = namespace

    def _select(self, query: SparqlQuery) -> str:
        """A SELECT with its prologue moved to the outer query, ready to be a subquery."""
        inline, body = split_prologue(query.select)
        self._declare(query.prefixes)
        self._declare(inline)
        return body

    def _targets(self, targets: list[Target]) -> str:
        """A pattern binding ?this to each focus node of the targets, once."""
        if not targets:
            raise Unsupported("a shape without targets")
        branches: list[str] = []
        for index, target in enumerate(targets):
            if target.kind == "class" and isinstance(target.term, ox.NamedNode):
                classes = " ".join(str(c) for c in self._subclasses(target.term))
                branches.append(f"VALUES ?_class{index} {{ {classes} }} ?this {RDF_TYPE} ?_class{index} .")
            elif target.kind == "subjectsOf" and isinstance(target.term, ox.NamedNode):
                branches.append(f"?this {target.term} ?_object{index} .")
            elif target.kind == "objectsOf" and isinstance(target.term, ox.NamedNode):
                branches.append(f"?_subject{index} {target.term} ?this .")
            elif target.kind == "node" and target.term is not None:
                branches.append(f"VALUES ?this {{ {target.term} }}")
            elif target.kind == "valuesOf" and target.path is not None:
                parent = self._targets(list(target.parent))
                walk = target.path.pattern(f"?_parent{index}", "?this", f"?_step{index}_")
                branches.append(f"{{ SELECT (?this AS ?_parent{index}) WHERE {{ {parent} }} }} {walk}")
            elif target.kind == "sparql" and target.query is not None:
                select = self._select(target.query)
                if not _PROJECTS_THIS.match(select):
                    raise Unsupported("a SPARQL target that does not select ?this")
                branches.append(f"{{ {select} }}")
            else:
                raise Unsupported(f"target {target.kind}")
        union = " UNION ".join(f"{{ {b} }}" for b in branches)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def _sparql_constraint(self, constraint: Constraint, source: Shape, targets: str) -> str:
        assert constraint.query is not None
        select = self._select(constraint.query)
        if "$PATH" in select:
            if source.path is None:
                raise Unsupported("$PATH in a SPARQL constraint of a node shape")
            select = select.replace("$PATH", source.path.sparql())
        if not _PROJECTS_THIS.match(select):
            raise Unsupported("a SPARQL constraint that does not select $this")
        # A join with the focus nodes is the pre-binding of $this for queries where $this occurs in
        # a triple pattern of the top-level group, as in every constraint written for these shapes.
        return f"SELECT DISTINCT * WHERE {{\n{targets}\n{{ {select} }}\n}}"

    # -- violation patterns ----------------------------------------------------------------------

    def _violation(
        self,
        constraint: Constraint,
        focus: str,
        path: Path | None,
        value: str,
        fresh: Variables,
        top: bool = False,
    ) -> tuple[str, bool]:
        """A pattern matching when `focus` violates the constraint, and whether it binds `value`.

        With a path the value nodes are the path's values; without one (a node shape) the value node
        is the focus node itself. `top` allows aggregates, which nested patterns cannot use.
        """
        name = constraint.component
        bind = path.pattern(focus, value, fresh() + "_") if path is not None else ""
        v = value if path is not None else focus

        def per_value(condition: str) -> tuple[str, bool]:
            return f"{bind} FILTER ({condition})", path is not None

        if name == "ClassConstraintComponent":
            if not isinstance(constraint.value, ox.NamedNode):
                raise Unsupported("sh:class with a value other than an IRI")
            return per_value(f"NOT EXISTS {{ {self._instance_of(v, constraint.value, fresh)} }}")
        if name == "DatatypeConstraintComponent":
            return self._datatype(constraint, bind, v, path, fresh)
        if name == "NodeKindConstraintComponent":
            kind = constraint.value.value.removeprefix(SH) if constraint.value is not None else ""
            if kind not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {constraint.value}")
            return per_value(_NODE_KINDS[kind].format(v=v))
        if name == "PatternConstraintComponent":
            regex = _literal(constraint.value)
            flags = f", {ox.Literal(constraint.flags)}" if constraint.flags else ""
            return per_value(f"isBlank({v}) || !REGEX(STR({v}), {regex}{flags})")
        if name in _COMPARISONS:
            return per_value(f"!COALESCE({v} {_COMPARISONS[name]} {_term(constraint.value)}, false)")
        if name in ("MinLengthConstraintComponent", "MaxLengthConstraintComponent"):
            operator = ">=" if name.startswith("Min") else "<="
            return per_value(
                f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) {operator} {_integer(constraint.value)}, false)"
            )
        if name == "InConstraintComponent":
            allowed = " || ".join(f"sameTerm({v}, {_term(t)})" for t in constraint.values)
            return per_value(f"!({allowed or 'false'})")
        if name == "LanguageInConstraintComponent":
            tags = " || ".join(f"langMatches(LANG({v}), {_literal(t)})" for t in constraint.values)
            return per_value(f'!COALESCE(LANG({v}) != "" && ({tags or "false"}), false)')
        if name == "HasValueConstraintComponent":
            if path is None:
                return f"FILTER (!sameTerm({focus}, {_term(constraint.value)}))", False
            return f"FILTER NOT EXISTS {{ {path.pattern(focus, _term(constraint.value), fresh() + '_')} }}", False
        if name == "UniqueLangConstraintComponent":
            if path is None or not _true(constraint.value):
                return "FILTER (false)", False
            other = fresh()
            return (
                f"{bind} {path.pattern(focus, other, fresh() + '_')} "
                f'FILTER (!sameTerm({v}, {other}) && LANG({v}) != "" && LCASE(LANG({v})) = LCASE(LANG({other})))',
                False,
            )
        if name == "MinCountConstraintComponent":
            return self._min_count(focus, path, _integer(constraint.value), None, fresh, top)
        if name == "MaxCountConstraintComponent":
            return self._max_count(focus, path, _integer(constraint.value), None, fresh, top)
        if name == "QualifiedMinCountConstraintComponent":
            return self._min_count(focus, path, _integer(constraint.value), constraint.shapes[0], fresh, top)
        if name == "QualifiedMaxCountConstraintComponent":
            return self._max_count(focus, path, _integer(constraint.value), constraint.shapes[0], fresh, top)
        if name == "NodeConstraintComponent":
            return per_value(self._fails(constraint.shapes[0], v, fresh))
        if name == "OrConstraintComponent":
            return per_value(" && ".join(self._fails(s, v, fresh) for s in constraint.shapes) or "true")
        raise Unsupported(f"{name} here")

    def _instance_of(self, node: str, cls: ox.NamedNode, fresh: Variables) -> str:
        kind = fresh()
        classes = " ".join(str(c) for c in self._subclasses(cls))
        return f"VALUES {kind} {{ {classes} }} {node} {RDF_TYPE} {kind} ."

    def _datatype(
        self, constraint: Constraint, bind: str, v: str, path: Path | None, fresh: Variables
    ) -> tuple[str, bool]:
        datatype = constraint.value
        if not isinstance(datatype, ox.NamedNode):
            raise Unsupported("sh:datatype with a value other than an IRI")
        condition = f"!isLiteral({v}) || DATATYPE({v}) != {datatype}"
        if datatype.value in _CASTABLE:
            cast = fresh()
            # The cast of an ill-formed lexical form fails and leaves the variable unbound.
            bind += f" BIND ({datatype}(STR({v})) AS {cast})"
            condition += f" || !BOUND({cast})"
        return f"{bind} FILTER ({condition})", path is not None

    def inlined(self, shape: Shape) -> bool:
        """Whether a nested shape is checked inside the query that uses it; otherwise through marks.

        A shape of one plain constraint becomes one filter. Anything larger would need a union of
        patterns under EXISTS, which Oxigraph evaluates apart from the outer row: it is evaluated
        once, on the values it applies to, and its failing nodes are marked in MARKS instead.
        """
        parts = [c for s in (shape, *shape.properties) if not s.deactivated for c in s.constraints]
        return len(parts) <= 1 and not any(c.shapes or c.query for c in parts)

    def _fails(self, shape: Shape, node: str, fresh: Variables) -> str:
        """A condition true when `node` does not conform to `shape` (used by sh:node, sh:or, ...)."""
        if shape.deactivated:
            return "false"
        if not self.inlined(shape):
            return f"EXISTS {{ GRAPH {MARKS} {{ {self._mark(shape)} {FAILS} {node} }} }}"
        for source in (shape, *shape.properties):
            for constraint in source.constraints if not source.deactivated else ():
                pattern, _ = self._violation(constraint, node, source.path, fresh(), fresh)
                if pattern.startswith(" FILTER (") and pattern.endswith(")"):
                    return pattern.removeprefix(" FILTER ")  # a condition on the node alone
                return f"EXISTS {{ {pattern} }}"
        return "false"

    def _conforming_values(self, focus: str, path: Path, value: str, shape: Shape | None, fresh: Variables) -> str:
        pattern = path.pattern(focus, value, fresh() + "_")
        if shape is not None:
            pattern += f" FILTER (!({self._fails(shape, value, fresh)}))"
        return pattern

    def _min_count(
        self, focus: str, path: Path | None, minimum: int, shape: Shape | None, fresh: Variables, top: bool
    ) -> tuple[str, bool]:
        if path is None:
            raise Unsupported("a count on a node shape")
        if minimum <= 0:
            return "FILTER (false)", False
        value = fresh()
        values = self._conforming_values(focus, path, value, shape, fresh)
        if minimum == 1 and top and len(path.steps) > 1:
            # Oxigraph orders the patterns inside NOT EXISTS as if the focus were unbound: with a
            # path of several steps that is one scan per focus node. A left join is one scan.
            return f"OPTIONAL {{ {values} }} FILTER (!BOUND({value}))", False
        if minimum == 1:
            return f"FILTER NOT EXISTS {{ {values} }}", False
        if not top:
            raise Unsupported("a count above 1 inside a shape used by another shape")
        count = fresh()
        return (
            f"OPTIONAL {{ SELECT {focus} (COUNT(DISTINCT {value}) AS {count}) WHERE {{ {values} }} GROUP BY {focus} }}"
            f" FILTER (COALESCE({count}, 0) < {minimum})",
            False,
        )

    def _max_count(
        self, focus: str, path: Path | None, maximum: int, shape: Shape | None, fresh: Variables, top: bool
    ) -> tuple[str, bool]:
        if path is None:
            raise Unsupported("a count on a node shape")
        first = fresh()
        if maximum == 0:
            return self._conforming_values(focus, path, first, shape, fresh), False
        if maximum == 1:
            second = fresh()
            return (
                f"{self._conforming_values(focus, path, first, shape, fresh)} "
                f"{self._conforming_values(focus, path, second, shape, fresh)} FILTER (!sameTerm({first}, {second}))",
                False,
            )
        if not top:
            raise Unsupported("a count above 1 inside a shape used by another shape")
        values = self._conforming_values(focus, path, first, shape, fresh)
        return (
            f"{{ SELECT {focus} WHERE {{ {values} }} GROUP BY {focus} HAVING (COUNT(DISTINCT {first}) > {maximum}) }}",
            False,
        )


def _term(term: Term | None) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)  # N-Triples syntax, which SPARQL reads: IRIs and literals escaped
    raise Unsupported("a blank node as a constraint parameter")


def _literal(term: Term | None) -> str:
    if isinstance(term, ox.Literal):
        return str(ox.Literal(term.value))
    raise Unsupported("a parameter that should be a literal")


def _integer(term: Term | None) -> int:
    try:
        return int(term.value) if isinstance(term, ox.Literal) else -1
    except ValueError as error:
        raise Unsupported(f"a count that is not an integer: {term}") from error


def _true(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.value == "true"
