"""Finding the RDF source files of a dataset and parsing each into its own named graph."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

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


# What went wrong with a file, in the words of a message; the errno's own text otherwise.
_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EFBIG: "file too large (a limit of the file system, or the process's: ulimit -f)",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a file is where a folder should be",
    errno.EISDIR: "a folder, not a file",
}
_OS_ERROR_NUMBER = re.compile(r"\(os error (\d+)\)")


def os_reason(error: OSError) -> str:
    """A few words on why a file operation failed.

    Oxigraph (and RocksDB beneath it) raise OSErrors without an errno, their message only holding
    one ("(os error 28)") or its text ("No space left on device"): both are recognised.
    """
    number = error.errno
    text = str(error)
    if number is None and (found := _OS_ERROR_NUMBER.search(text)):
        number = int(found.group(1))
    if number is None:
        number = next((n for n in _REASONS if os.strerror(n) in text), None)
    if number in _REASONS:
        return _REASONS[number]
    return os.strerror(number).lower() if number is not None else text


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
        try:
            root.stat()
        except OSError as error:
            raise SourceError(root, os_reason(error)) from error
        files = [root] if root.is_file() else _files_under(root)
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


def _files_under(root: Path) -> list[Path]:
    """Every file under a folder, in a stable order.

    A subfolder that cannot be listed is an error: skipped silently (as Path.rglob does), its files
    would be missing from the store without a word.
    """

    def refuse(error: OSError) -> None:
        folder = Path(error.filename) if error.filename else root
        raise SourceError(folder, f"cannot read the folder: {os_reason(error)}") from error

    found = [Path(folder, name) for folder, _, names in os.walk(root, onerror=refuse) for name in names]
    return sorted(p for p in found if p.is_file())


HEAD_BYTES = 64 * 2**10  # how much of a file tells an empty or binary file from RDF text
XML_CHUNK = 2**20


class _Declaration(Exception):
    """An XML document declares a DTD: raised by the expat handler, at the line it starts on."""

    def __init__(self, line: int):
        self.line = line


def _refuse_doctype(path: Path, handle: BinaryIO) -> None:
    """Refuse XML that has a DOCTYPE, before any RDF parser sees it.

    Oxigraph expands the entities of an internal DTD without limit: ten lines of nested entities
    (the "billion laughs") make a 3 GB literal. RDF/XML needs no DTD, so a document with one is
    refused whole. expat reports the DOCTYPE as it starts, before any entity is declared, and never
    fetches anything: no external-entity handler is set.
    """
    parser = expat.ParserCreate()

    def declared(*_: object) -> None:
        raise _Declaration(parser.CurrentLineNumber)

    parser.StartDoctypeDeclHandler = declared
    parser.EntityDeclHandler = declared
    try:
        while chunk := handle.read(XML_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Declaration as found:
        message = (
            "XML with a DOCTYPE is refused, as its entities could read files or expand without limit: "
            "save the file as Turtle, or without the DOCTYPE"
        )
        raise SourceError(path, message, line=found.line) from None
    except expat.ExpatError as error:
        message = f"not well-formed XML: {expat.errors.messages[error.code]}"
        raise SourceError(path, message, line=error.lineno, column=error.offset + 1) from error


def check_source(source: SourceFile) -> None:
    """Refuse, before any parser reads it, a file that cannot be read, holds nothing, is binary,
    or is XML with a DTD; SourceError says why, with the line where there is one."""
    try:
        with source.path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
            if not head.strip() and not handle.read(1):
                raise SourceError(source.path, "empty file: it holds no RDF")
            if b"\0" in head:
                line = head[: head.index(b"\0")].count(b"\n") + 1
                raise SourceError(source.path, "binary data, not an RDF text file", line=line)
            if source.format == ox.RdfFormat.RDF_XML:
                handle.seek(0)
                _refuse_doctype(source.path, handle)
    except OSError as error:
        raise SourceError(source.path, f"cannot read: {os_reason(error)}") from error


def parse(source: SourceFile) -> ParsedSource:
    """Parse one file, turning any syntax or encoding problem into a SourceError."""
    check_source(source)
    try:
        data = source.path.read_bytes()
    except OSError as error:
        raise SourceError(source.path, f"cannot read: {os_reason(error)}") from error
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(source.path, "not UTF-8 encoded", line=line) from error
    try:
        quads = ox.parse(data, format=source.format, base_iri=None)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except SyntaxError as error:
        if _REMOTE_CONTEXT_REFUSED in str(error):
            raise _remote_context_error(source.path, data) from error
        raise SourceError(source.path, _syntax_message(error), line=error.lineno, column=error.offset) from error
    return ParsedSource(source=source, triples=triples)


# Oxigraph's JSON-LD parser never fetches a context: it refuses the document with this message.
_REMOTE_CONTEXT_REFUSED = "No LoadDocumentCallback has been set"
_CONTEXT_REFERENCE = re.compile(rb'"@(?:context|import)"\s*:\s*\[?\s*"([^"]*)"')


def _remote_context_error(path: Path, data: bytes) -> SourceError:
    """The JSON-LD document names a context by its address: where, and what to do instead."""
    found = _CONTEXT_REFERENCE.search(data)
    if found is None:
        return SourceError(path, "a JSON-LD context given by its address is never fetched: put the context in the file")
    line = data[: found.start()].count(b"\n") + 1
    address = found.group(1).decode("utf-8", "replace")
    return SourceError(path, f"the JSON-LD context {address} is never fetched: put the context in the file", line=line)


def syntax_error(source: SourceFile) -> SourceError | None:
    """What the parser finds wrong with a file that passed check_source, if anything.

    The file streams through the parser, nothing kept; only a failing file is read whole, for the
    most precise message.
    """
    try:
        for _ in ox.parse(path=source.path, format=source.format):
            pass
    except (SyntaxError, OSError):
        try:
            parse(source)
        except SourceError as precise:
            return precise
    return None


def parse_all(sources: Iterable[SourceFile]) -> Iterator[ParsedSource]:
    for source in sources:
        yield parse(source)


_POSITION = re.compile(r"^Parser error (?:at|between) [^:]*: ")
_UNDECLARED_PREFIX = re.compile(r"^The prefix (\S*) has not been declared$")


def _syntax_message(error: SyntaxError) -> str:
    # pyoxigraph prefixes its message with the position, which SourceError prints itself.
    message = _POSITION.sub("", error.msg or str(error))
    if prefix := _UNDECLARED_PREFIX.match(message):
        return f"unknown prefix {prefix.group(1)} (no @prefix declares it)"
    return f"syntax error: {message}"
