"""The server's own known queries, answered in the web process from the build being served.

Visitors' SPARQL runs in the query processes, which can be stopped when a query runs away. The
queries behind documents and pages are the server's own: small, bounded, written here. Sending
them through a pipe as text and reading SPARQL JSON back cost more than running them, so they
read the build's store directly, opened read-only. Values that come from a request (the IRI of the
document, the reader's language) enter the query as terms through Oxigraph's substitutions: no
request text is ever pasted into SPARQL.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

import pyoxigraph as ox

from govlod.store import StoreFolder, engine_path

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Bindings = Mapping[str, Term]


class BuildReader:
    """Read-only stores of the builds being served, opened on first use; one build at a time."""

    def __init__(self, folder: StoreFolder):
        self._folder = folder
        self._stores: dict[str, ox.Store] = {}
        self._lock = threading.Lock()  # the reader is used from the server's worker threads

    def store(self, build_id: str) -> ox.Store:
        with self._lock:
            store = self._stores.get(build_id)
            if store is None:
                store = ox.Store.read_only(str(engine_path(self._folder.build_path(build_id))))
                # The previous build is no longer served once a request names the new one.
                self._stores = {build_id: store}
            return store

    def select(self, build_id: str, query: str, bindings: Bindings, limit: int) -> list[dict[str, Term]]:
        """Rows of a SELECT whose projection names every variable of `bindings`, at most `limit`."""
        solutions = self.store(build_id).query(query, substitutions=_substitutions(bindings))
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
        triples = self.store(build_id).query(query, substitutions=_substitutions(bindings))
        assert isinstance(triples, ox.QueryTriples)
        found: list[ox.Triple] = []
        for triple in triples:
            if len(found) >= limit:
                break
            found.append(triple)
        return found


def _substitutions(bindings: Bindings) -> dict[ox.Variable, Term]:
    return {ox.Variable(name): term for name, term in bindings.items()}
