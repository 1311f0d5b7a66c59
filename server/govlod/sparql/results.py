"""Writing SELECT results as they are produced, stopping at the row limit.

pyoxigraph can serialise a whole result set natively, but cannot stop at a row limit; these
writers take rows one at a time, so a large result streams and a runaway one is cut off.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from json.encoder import encode_basestring as _quote
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

Write = Callable[[bytes], None]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def term_to_json(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value != _XSD_STRING:
            return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        return {"type": "literal", "value": term.value}
    return {
        "type": "triple",
        "value": {
            "subject": term_to_json(term.subject),
            "predicate": term_to_json(term.predicate),
            "object": term_to_json(term.object),
        },
    }


def _json_term_bytes(term: Term) -> bytes:
    """The JSON of a term, built directly: json.dumps of a dict is several times slower."""
    if isinstance(term, ox.NamedNode):
        return ('{"type":"uri","value":' + _quote(term.value) + "}").encode()
    if isinstance(term, ox.BlankNode):
        return ('{"type":"bnode","value":' + _quote(term.value) + "}").encode()
    if isinstance(term, ox.Literal):
        if term.language:
            return (
                '{"type":"literal","value":' + _quote(term.value) + ',"xml:lang":' + _quote(term.language) + "}"
            ).encode()
        if term.datatype.value != _XSD_STRING:
            text = (
                '{"type":"literal","value":' + _quote(term.value) + ',"datatype":' + _quote(term.datatype.value) + "}"
            )
            return text.encode()
        return ('{"type":"literal","value":' + _quote(term.value) + "}").encode()
    return json.dumps(term_to_json(term), ensure_ascii=False).encode()


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = "_:" + term.value
    elif isinstance(term, ox.NamedNode | ox.Literal):
        text = term.value
    else:
        text = str(term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


class _TermCache:
    """Encoded terms by term: answers repeat the same IRIs (roles, kinds, tables) row after row."""

    LIMIT = 100_000

    def __init__(self, encode: Callable[[Term], bytes]):
        self._encode = encode
        self._cache: dict[Term, bytes] = {}

    def __call__(self, term: Term) -> bytes:
        encoded = self._cache.get(term)
        if encoded is None:
            encoded = self._encode(term)
            if len(self._cache) < self.LIMIT:
                self._cache[term] = encoded
        return encoded


def _batched(lines: Iterable[bytes], write: Write, size: int = 256) -> int:
    """Write lines in batches: one write call per row costs more than the row itself."""
    batch: list[bytes] = []
    count = 0
    for line in lines:
        batch.append(line)
        count += 1
        if len(batch) == size:
            write(b"".join(batch))
            batch.clear()
    if batch:
        write(b"".join(batch))
    return count


def write_json(variables: Sequence[str], rows: Iterable[ox.QuerySolution], write: Write) -> int:
    write(b'{"head":{"vars":' + json.dumps(list(variables)).encode() + b'},"results":{"bindings":[')
    keys = [json.dumps(name).encode() + b":" for name in variables]
    encode = _TermCache(_json_term_bytes)

    def lines() -> Iterator[bytes]:
        separator = b"\n"
        for row in rows:
            cells = [key + encode(term) for key, term in zip(keys, row, strict=True) if term is not None]
            yield separator + b"{" + b",".join(cells) + b"}"
            separator = b",\n"

    count = _batched(lines(), write)
    write(b"\n]}}\n")
    return count


def write_xml(variables: Sequence[str], rows: Iterable[ox.QuerySolution], write: Write) -> int:
    head = "".join(f"<variable name={quoteattr(name)}/>" for name in variables)
    write(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>' + head.encode() + b"</head><results>\n"
    )
    opens = [f"<binding name={quoteattr(name)}>".encode() for name in variables]
    encode = _TermCache(lambda term: _xml_term(term).encode())

    def lines() -> Iterator[bytes]:
        for row in rows:
            cells = [
                start + encode(term) + b"</binding>" for start, term in zip(opens, row, strict=True) if term is not None
            ]
            yield b"<result>" + b"".join(cells) + b"</result>\n"

    count = _batched(lines(), write)
    write(b"</results></sparql>\n")
    return count


def write_csv(variables: Sequence[str], rows: Iterable[ox.QuerySolution], write: Write) -> int:
    write((",".join(variables) + "\r\n").encode())
    encode = _TermCache(lambda term: _csv_field(term).encode())
    lines = (b",".join(encode(t) if t is not None else b"" for t in row) + b"\r\n" for row in rows)
    return _batched(lines, write)


def write_tsv(variables: Sequence[str], rows: Iterable[ox.QuerySolution], write: Write) -> int:
    # TSV cells are terms in Turtle/N-Triples syntax, which is what str() of a pyoxigraph term is.
    write(("\t".join("?" + name for name in variables) + "\n").encode())
    encode = _TermCache(lambda term: str(term).encode())
    lines = (b"\t".join(encode(t) if t is not None else b"" for t in row) + b"\n" for row in rows)
    return _batched(lines, write)


SELECT_WRITERS: dict[str, Callable[[Sequence[str], Iterable[ox.QuerySolution], Write], int]] = {
    "json": write_json,
    "xml": write_xml,
    "csv": write_csv,
    "tsv": write_tsv,
}
