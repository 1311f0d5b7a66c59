"""What the server needs from a store, whichever engine holds the data.

Two kinds of reading, because they have different needs:
- `Queries`: visitors' SPARQL, in any result format, stopped at the time limit and cut at the row
  limit, never blocking the event loop; it also says which build is being served.
- `Reads`: the server's own small, known queries behind documents and pages, with request values
  as terms, answered as pyoxigraph terms.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import pyoxigraph as ox

from govlod.sparql.worker import QueryJob

T = TypeVar("T")
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Bindings = Mapping[str, Term]
Row = dict[str, Term]


class QueryTimeout(Exception):
    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"the query ran longer than the {seconds:g} s limit and was stopped")


class QueryFailed(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)


class ServerBusy(QueryFailed):
    """No query process became free within the time limit: the query never ran, so the client
    is told to come back (503 with Retry-After) rather than that its query was too slow."""

    def __init__(self, seconds: float):
        super().__init__(503, f"every query process stayed busy for {seconds:g} s; the query did not run")


@dataclass
class Outcome:
    """Filled in when the stream ends: what the store said about the answer."""

    form: str = ""
    rows: int = 0
    truncated: bool = False
    complete: bool = False


class Queries(Protocol):
    """Visitors' queries, and which build answers them."""

    timeout: float

    def launch(self) -> None:
        """Start following the store's builds; returns at once."""

    async def close(self) -> None: ...

    def follow(self) -> str | None:
        """The build answering queries (None while none does); cheap enough for every request."""

    @property
    def ready(self) -> bool:
        """Whether queries are answered now (not still waiting for a build to load)."""

    def stream(self, job: QueryJob, outcome: Outcome | None = None) -> AsyncIterator[bytes]:
        """The answer to `job`, chunk by chunk; raises QueryTimeout or QueryFailed."""

    async def collect(self, job: QueryJob) -> tuple[bytes, Outcome]: ...

    async def select(self, query: str, max_rows: int = 100_000) -> list[dict[str, str]]:
        """A SELECT's rows as plain values by variable name (unbound variables left out)."""


class Reads(Protocol):
    """The server's own lookups about one build, answered in the calling thread."""

    blocking: bool  # each read waits on the network: callers keep it off the event loop

    def keep(self, build_id: str, name: str, make: Callable[[], T]) -> T:
        """What `make` makes, made once for the build and kept while the build is read."""

    def select(self, build_id: str, query: str, bindings: Bindings, limit: int) -> list[Row]:
        """Rows of a SELECT with `bindings` in place of their variables, at most `limit`."""

    def closure(self, build_id: str, subject: ox.NamedNode, depth: int, limit: int) -> list[ox.Triple]:
        """The subject's triples and its blank nodes' triples, `depth` levels down, at most `limit`."""

    def about(
        self, build_id: str, terms: Sequence[ox.NamedNode], predicates: Sequence[ox.NamedNode]
    ) -> dict[ox.NamedNode, list[ox.Triple]]:
        """The triples of each term with one of `predicates`, by term."""

    def links_to(self, build_id: str, resource: ox.NamedNode) -> set[tuple[str, str]]:
        """(predicate, subject) of every triple pointing to `resource` from a resource with an IRI."""
