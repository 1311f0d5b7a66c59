"""Writing SELECT results as they are produced, stopping at the row limit.

pyoxigraph can serialise a whole result set natively, but cannot stop at a row limit; these
writers take rows one at a time, so a large result streams and a runaway one is cut off.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
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


def write_json(variables: Sequence[str], rows: Iterable[ox.QuerySolution], write: Write) -> int:
    write(b'{"head":{"vars":' + json.dumps(list(variables)).encode() + b'},"results":{"bindings":[')
    count = 0
    for row in rows:
        binding = {name: term_to_json(row[name]) for name in variables if row[name] is not None}
        write((b",\n" if count else b"\n") + json.dumps(binding, ensure_ascii=False).encode())
        count += 1
    write(b"\n]}}\n")
    return count


def write_xml(variables: Sequence[str], rows: Iterable[ox.QuerySolution], write: Write) -> int:
    head = "".join(f"<variable name={quoteattr(name)}/>" for name in variables)
    write(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>' + head.encode() + b"</head><results>\n"
    )
    count = 0
    for row in rows:
        cells = "".join(
            f"<binding name={quoteattr(name)}>{_xml_term(row[name])}</binding>"
            for name in variables
            if row[name] is not None
        )
        write(f"<result>{cells}</result>\n".encode())
        count += 1
    write(b"</results></sparql>\n")
    return count


def write_csv(variables: Sequence[str], rows: Iterable[ox.QuerySolution], write: Write) -> int:
    write((",".join(variables) + "\r\n").encode())
    count = 0
    for row in rows:
        write((",".join(_csv_field(row[name]) for name in variables) + "\r\n").encode())
        count += 1
    return count


def write_tsv(variables: Sequence[str], rows: Iterable[ox.QuerySolution], write: Write) -> int:
    # TSV cells are terms in Turtle/N-Triples syntax, which is what str() of a pyoxigraph term is.
    write(("\t".join("?" + name for name in variables) + "\n").encode())
    count = 0
    for row in rows:
        cells = (str(row[name]) if row[name] is not None else "" for name in variables)
        write(("\t".join(cells) + "\n").encode())
        count += 1
    return count


SELECT_WRITERS: dict[str, Callable[[Sequence[str], Iterable[ox.QuerySolution], Write], int]] = {
    "json": write_json,
    "xml": write_xml,
    "csv": write_csv,
    "tsv": write_tsv,
}
