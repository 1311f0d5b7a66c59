"""When each resource last changed: a digest of its description in every build's finding aid, and
the date of the build in which the digest last differed from the one before.

A sitemap's `lastmod` then says when a page's content changed, not when the site was rebuilt, so
crawlers re-read only what changed. The digest covers the resource's own triples and, as one value,
the blank nodes they lead to (an interval, an address), whose labels differ from build to build.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

DEFAULT_GRAPH = ox.DefaultGraph()
BLANK_DEPTH = 3  # as deep as a document describes blank nodes


def _value(store: ox.Store, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, depth: int) -> str:
    """A term as text that does not depend on blank-node labels: a blank node is its content."""
    if type(term) is not ox.BlankNode:
        return str(term)
    if depth == 0:
        return "[]"
    inner = sorted(
        f"{q.predicate} {_value(store, q.object, depth - 1)}"
        for q in store.quads_for_pattern(term, None, None, DEFAULT_GRAPH)
    )
    return "[" + " ; ".join(inner) + "]"


def description_digest(store: ox.Store, subject: ox.NamedNode) -> bytes:
    """16 bytes that change when the resource's own description (default graph) changes."""
    lines = [
        f"{q.predicate} {_value(store, q.object, BLANK_DEPTH)}"
        for q in store.quads_for_pattern(subject, None, None, DEFAULT_GRAPH)
    ]
    lines.sort()  # the store gives blank nodes in the order of their labels, which change
    return hashlib.blake2b("\n".join(lines).encode(), digest_size=16).digest()


def description_digests(store: ox.Store, iris: Iterable[str]) -> dict[str, bytes]:
    """The digest of each IRI's description."""
    return {iri: description_digest(store, ox.NamedNode(iri)) for iri in iris}


def carry_unchanged_dates(db: sqlite3.Connection, previous: Path | None) -> int:
    """Give every resource whose digest is the previous finding aid's the date it had there; how
    many kept their date. A previous finding aid that is missing, unreadable or of an older layout
    changes nothing: every resource keeps this build's date."""
    if previous is None or not previous.is_file():
        return 0
    try:
        db.execute("ATTACH DATABASE ? AS previous", (f"{previous.as_uri()}?mode=ro",))
    except sqlite3.Error:
        return 0
    try:
        columns = {row[1] for row in db.execute("PRAGMA previous.table_info(resource)")}
        if not {"iri", "digest", "changed"} <= columns:
            return 0
        cursor = db.execute(
            "UPDATE resource SET changed = old.changed FROM previous.resource AS old "
            "WHERE old.iri = resource.iri AND old.digest = resource.digest"
        )
        return cursor.rowcount
    except sqlite3.DatabaseError:  # not a finding aid after all: nothing to carry
        return 0
    finally:
        db.commit()
        db.execute("DETACH DATABASE previous")
