"""Request values into the server's own queries as terms, never as the text they came as.

A pyoxigraph term checks an IRI when it is made, and its N-Triples form is escaped: written where
the query names the variable, it can only ever be that one term. (Oxigraph's `substitutions`
would do the same for the embedded store, but they bind the variable after the query is planned:
a document's query then scans the whole store, two seconds at a million triples; and a remote
store takes only text.)
"""

from __future__ import annotations

import re

from govlod.stores.interface import Bindings


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
