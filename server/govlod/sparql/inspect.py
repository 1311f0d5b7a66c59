"""What a query text is, read before running it: its form, and whether it may run here at all.

A light lexer is enough: it skips comments, strings and IRIs so that a keyword inside them
(`"INSERT"`, `<http://x/SERVICE>`, `# DELETE`) is not mistaken for the real thing.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator


class QueryForm(enum.Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"
    UPDATE = "UPDATE"
    UNKNOWN = "UNKNOWN"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


_TOKEN = re.compile(
    r"""
      (?P<skip>
          \#[^\n\r]*                                  # comment
        | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"          # long strings
        | '''(?:[^'\\]|\\.|'(?!''))*'''
        | "(?:[^"\\\n\r]|\\.)*"                       # short strings
        | '(?:[^'\\\n\r]|\\.)*'
        | <[^<>"{}|^`\\\x00-\x20]*>                   # IRI
        | [?$][A-Za-z0-9_]+                           # variable
        | [A-Za-z_][\w.-]*:[\w.:%-]*                  # prefixed name
        | :[\w.:%-]*                                  # default-prefix name
      )
    | (?P<word>[A-Za-z]+)
    """,
    re.VERBOSE,
)

_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def keywords(text: str) -> Iterator[str]:
    """The bare words of a query, upper-cased, outside comments, strings, IRIs and names."""
    return (m.group("word").upper() for m in _TOKEN.finditer(text) if m.group("word"))


def query_form(text: str) -> QueryForm:
    # Lazy: the lexer stops at the first keyword that decides, usually right after the prologue.
    for word in keywords(text):
        if word in _FORMS:
            return QueryForm(word)
        if word in _UPDATES:
            return QueryForm.UPDATE
    return QueryForm.UNKNOWN


def uses_service(text: str) -> bool:
    if "service" not in text.lower():  # the common case, without lexing the whole query
        return False
    return "SERVICE" in keywords(text)


def names_graphs(text: str) -> bool:
    """Whether the query uses GRAPH or a dataset clause (FROM, FROM NAMED)."""
    upper = text.upper()
    if "GRAPH" not in upper and "FROM" not in upper:
        return False
    return any(word in ("GRAPH", "FROM") for word in keywords(text))


def has_dataset_clause(text: str) -> bool:
    """Whether the query names its own dataset (FROM, FROM NAMED)."""
    if "FROM" not in text.upper():
        return False
    return "FROM" in keywords(text)


def without_dataset_clause(text: str) -> str:
    """The query with its FROM and FROM NAMED clauses taken out: the protocol's dataset parameters
    replace them (SPARQL 1.1 Protocol 2.1.4), which some engines do not do themselves."""
    cuts: list[tuple[int, int]] = []
    tokens = _TOKEN.finditer(text)
    for token in tokens:
        if (token.group("word") or "").upper() != "FROM":
            continue
        start = token.start()
        for following in tokens:
            if (following.group("word") or "").upper() == "NAMED":
                continue
            cuts.append((start, following.end()))  # the graph's IRI or prefixed name
            break
    for start, end in reversed(cuts):
        text = text[:start] + " " + text[end:]
    return text
