"""What differs between SPARQL 1.1 stores, in one place, so that visitors never see it.

Every engine speaks the protocol; they differ where the standards leave room or where an engine
departs from them. Each difference a visitor would notice is handled here or where this table is
read:

- **The default graph.** The Oxigraph server keeps a default graph of its own, which an update
  can fill: the served union lives there and queries run as written. Virtuoso (and GraphDB, and
  Fuseki when so configured) answer the default graph as the union of *all* graphs, their own
  system graphs and govlod's staged builds included; there the served union is a named graph and
  every query names its dataset with the protocol's `default-graph-uri`/`named-graph-uri`.
- **Blank nodes in `INSERT DATA`.** Virtuoso refuses them; `INSERT { } WHERE { }` is accepted by
  every engine, so quads with blank nodes always go that way. Virtuoso 7.2 fails on a template
  with blank nodes in two graphs, so there each graph's blank nodes go apart: a blank node of a
  named graph and the same node in the served union are two nodes on Virtuoso.
- **Answers.** Virtuoso 7 writes blank nodes in SPARQL JSON as `nodeID://b1` (not a valid label),
  booleans as `1`/`0`, answers ASK as a one-column SELECT, and, past its
  `MaxQueryExecutionTime`, may answer 200 with partial results and an `X-SQL-State: S1TAT` header.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx

XSD_BOOLEAN = b"http://www.w3.org/2001/XMLSchema#boolean"


@dataclass(frozen=True)
class Engine:
    name: str
    own_default_graph: bool  # the default graph is not the union of all graphs, and updates can fill it
    answer_fixes: tuple[tuple[bytes, bytes], ...] = ()  # byte replacements in SPARQL JSON answers
    ask_variable: str | None = None  # the one column of the SELECT the engine answers ASK with
    partial_answer_states: tuple[str, ...] = ()  # X-SQL-State values of an answer cut by a time limit
    timeout_said: tuple[str, ...] = ()  # words of an error answer that mean the engine's time limit
    update_bytes: int = 64 << 20  # the longest update request to send (the Oxigraph server takes 128 MB)
    template_quads: int | None = None  # the most quads in one INSERT template
    template_graphs: bool = True  # an INSERT template may put blank nodes in several graphs

    def timed_out(self, response: httpx.Response) -> bool:
        return response.headers.get("x-sql-state", "") in self.partial_answer_states

    def says_timeout(self, said: str) -> bool:
        return any(words in said for words in self.timeout_said)


OXIGRAPH = Engine("oxigraph", own_default_graph=True)
VIRTUOSO = Engine(
    "virtuoso",
    own_default_graph=False,
    answer_fixes=(
        (b'"type": "bnode", "value": "nodeID://', b'"type": "bnode", "value": "'),
        (b'"datatype": "' + XSD_BOOLEAN + b'", "value": "1"', b'"datatype": "' + XSD_BOOLEAN + b'", "value": "true"'),
        (b'"datatype": "' + XSD_BOOLEAN + b'", "value": "0"', b'"datatype": "' + XSD_BOOLEAN + b'", "value": "false"'),
    ),
    ask_variable="__ASK_RETVAL",
    partial_answer_states=("S1TAT",),
    timeout_said=("S1T00", "exceeds the limit", "Transaction timed out"),
    update_bytes=4 << 20,  # its HTTP server holds a request's text in a string of at most 10 MB
    template_quads=500,  # it compiles a template to SQL, of at most 10,000 lines
    template_graphs=False,  # 7.2 fails (SR002) on a template with blank nodes in two graphs
)
# Any other SPARQL 1.1 store: nothing assumed about its default graph.
STANDARD = Engine("sparql11", own_default_graph=False)

BY_NAME = {engine.name: engine for engine in (OXIGRAPH, VIRTUOSO, STANDARD)}


def identify(server_header: str) -> Engine:
    """The engine behind an HTTP `Server` header."""
    product = server_header.strip().lower()
    if product.startswith("oxigraph"):
        return OXIGRAPH
    if product.startswith("virtuoso"):
        return VIRTUOSO
    return STANDARD


class FixedChunks:
    """Chunks of an answer with the engine's byte replacements made, across chunk boundaries too."""

    def __init__(self, chunks: Iterator[bytes], fixes: tuple[tuple[bytes, bytes], ...]):
        self._chunks = chunks
        self._fixes = fixes
        self._keep = max((len(old) for old, _ in fixes), default=1) - 1
        self._carry = b""

    def __iter__(self) -> FixedChunks:
        return self

    def __next__(self) -> bytes:
        for chunk in self._chunks:
            text = self._carry + chunk
            for old, new in self._fixes:
                text = text.replace(old, new)
            # The tail could be the start of a pattern the next chunk completes.
            cut = max(len(text) - self._keep, 0)
            self._carry = text[cut:]
            if cut:
                return text[:cut]
        if self._carry:
            rest, self._carry = self._carry, b""
            return rest
        raise StopIteration
