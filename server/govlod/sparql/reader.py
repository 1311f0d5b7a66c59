"""The server's own known queries, answered in the web process from the build being served.

Visitors' SPARQL runs in the query processes, which can be stopped when a query runs away. The
queries behind documents and pages are the server's own: small, bounded, written here. Sending
them through a pipe as text and reading SPARQL JSON back cost more than running them, so they
read the build's store directly, opened read-only. Values that come from a request (the IRI of the
document, the reader's language) enter the query as terms: pyoxigraph terms, which check an IRI
when they are made, written in their own N-Triples syntax (escaped) where the query names their
variable. No request text is ever pasted into SPARQL as it came. (Oxigraph's `substitutions`
would do the same, but they bind the variable after the query is planned: a document's query
then scans the whole store, two seconds at a million triples.)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import pyoxigraph as ox

from govlod.store import StoreFolder, engine_path

T = TypeVar("T")
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Bindings = Mapping[str, Term]


class BuildReader:
    """Read-only stores of the builds being served, opened on first use; one build at a time."""

    def __init__(self, folder: StoreFolder):
        self._folder = folder
        self._stores: dict[str, ox.Store] = {}
        self._kept: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()  # the reader is used from the server's worker threads

    def store(self, build_id: str) -> ox.Store:
        with self._lock:
            store = self._stores.get(build_id)
            if store is None:
                store = ox.Store.read_only(str(engine_path(self._folder.build_path(build_id))))
                # The previous build is no longer served once a request names the new one.
                self._stores = {build_id: store}
                self._kept = {}
            return store

    def keep(self, build_id: str, name: str, make: Callable[[], T]) -> T:
        """What `make` makes, made once for the build and kept while the build is read."""
        self.store(build_id)
        with self._lock:
            kept = self._kept.get((build_id, name))
            if kept is None:
                kept = self._kept[(build_id, name)] = make()
            return cast(T, kept)

    def select(self, build_id: str, query: str, bindings: Bindings, limit: int) -> list[dict[str, Term]]:
        """Rows of a SELECT with `bindings` in place of their variables, at most `limit`."""
        solutions = self.store(build_id).query(bound(query, bindings))
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        rows: list[dict[str, Term]] = []
        for solution in solutions:
            if len(rows) >= limit:
                break
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def construct(self, build_id: str, query: str, bindings: Bindings, limit: int) -> list[ox.Triple]:
        """The triples of a CONSTRUCT, at most `limit`."""
        triples = self.store(build_id).query(bound(query, bindings))
        assert isinstance(triples, ox.QueryTriples)
        found: list[ox.Triple] = []
        for triple in triples:
            if len(found) >= limit:
                break
            found.append(triple)
        return found


def bound(query: str, bindings: Bindings) -> str:
    """The query with each variable of `bindings` replaced by its term (`?name` and `$name`).

    The variables must not be projected (a term cannot be), and their names must not start
    another variable's name used in the query (`?r` is safe beside `?remit`: names end at a
    non-word character).
    """
    for name, term in bindings.items():
        text = str(term)  # the term's N-Triples form: an IRI between <>, a literal quoted and escaped
        query = re.sub(rf"[?$]{re.escape(name)}\b", lambda _, text=text: text, query)  # type: ignore[misc]
    return query
