"""Finding the RDF source files of a dataset and parsing each into its own named graph."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govlod.namespaces import GRAPH_SPACE

# File endings read as RDF, each with the pyoxigraph format it is parsed as.
RDF_FILE_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


class SourceError(Exception):
    """A source file that cannot be read or parsed, with where the problem is."""

    def __init__(self, path: Path, message: str, line: int | None = None, column: int | None = None):
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SourceFile:
    """One RDF file and the named graph its triples go into."""

    path: Path
    graph: str

    @property
    def format(self) -> ox.RdfFormat:
        return RDF_FILE_FORMATS[self.path.suffix.lower()]


@dataclass(frozen=True)
class ParsedSource:
    source: SourceFile
    triples: list[ox.Triple]


def discover(roots: Iterable[Path], graph_prefix: str = "") -> list[SourceFile]:
    """List the RDF files under each root (a folder or a file), in a stable order.

    A file's graph IRI is derived from its path relative to its root, so it stays the same
    whatever folder the checkout lives in.
    """
    found: list[SourceFile] = []
    seen_graphs: dict[str, Path] = {}
    for root in roots:
        if not root.exists():
            raise SourceError(root, "no such file or folder")
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if path.suffix.lower() not in RDF_FILE_FORMATS:
                if root.is_file():
                    known = ", ".join(sorted(RDF_FILE_FORMATS))
                    raise SourceError(path, f"not an RDF file this tool reads ({known})")
                continue
            relative = path.name if root.is_file() else path.relative_to(root).as_posix()
            graph = GRAPH_SPACE + graph_prefix + relative.rsplit(".", 1)[0]
            if graph in seen_graphs:
                raise SourceError(path, f"same graph name as {seen_graphs[graph]}: rename one of them")
            seen_graphs[graph] = path
            found.append(SourceFile(path=path, graph=graph))
    return found


def parse(source: SourceFile) -> ParsedSource:
    """Parse one file, turning any syntax or encoding problem into a SourceError."""
    try:
        data = source.path.read_bytes()
    except OSError as error:
        raise SourceError(source.path, f"cannot read: {error.strerror}") from error
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(source.path, "not UTF-8 encoded", line=line) from error
    try:
        quads = ox.parse(data, format=source.format, base_iri=None)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except SyntaxError as error:
        raise SourceError(source.path, _syntax_message(error), line=error.lineno, column=error.offset) from error
    return ParsedSource(source=source, triples=triples)


def parse_all(sources: Iterable[SourceFile]) -> Iterator[ParsedSource]:
    for source in sources:
        yield parse(source)


def _syntax_message(error: SyntaxError) -> str:
    # pyoxigraph prefixes its message with the position, which SourceError prints itself.
    message = error.msg or str(error)
    if message.startswith("Parser error between") and ": " in message:
        message = message.split(": ", 1)[1]
    return f"syntax error: {message}"
