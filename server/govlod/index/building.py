"""Writing the finding aid of a build from its store (see govlod.index)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox

from govlod.index.changes import carry_unchanged_dates, description_digest
from govlod.index.context import ORG, RDFS_LABEL, SKOS, best_label, context_label, read_containers
from govlod.namespaces import RDF_TYPE
from govlod.reconciliation import identifier_key
from govlod.search import normalise
from govlod.store import StoreWriteError, writing

INDEX_FILE = "index.sqlite"
NAME_PROPERTIES = (RDFS_LABEL, SKOS + "prefLabel", SKOS + "altLabel")  # the first two are labels
IDENTIFIER_PROPERTIES = ("partitaIVA", "codiceFiscale", "ipaCode", "istatCode")
LANGUAGES = ("it", "en")
TERRITORY_SEARCH_DEPTH = 5  # containers climbed to find a resource's territory (membership, table, coordination...)
DEFAULT_GRAPH = ox.DefaultGraph()

SCHEMA = """
CREATE TABLE resource (
  id INTEGER PRIMARY KEY,           -- in the order of the IRIs: stable pages and sitemaps
  iri TEXT NOT NULL UNIQUE,
  label_it TEXT, label_en TEXT,     -- own label, else one made from what it links (a membership)
  sort_key TEXT NOT NULL,           -- the Italian label as search compares it: lists sort and split by it
  context_it TEXT, context_en TEXT, -- the labels of its containers (govlod.index.context)
  digest BLOB NOT NULL,             -- of its description (govlod.index.changes)
  changed TEXT NOT NULL             -- the date of the build in which that last changed
);
CREATE TABLE name (resource INTEGER NOT NULL, text TEXT NOT NULL, normal TEXT NOT NULL);
CREATE TABLE kind (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE resource_kind (resource INTEGER NOT NULL, kind INTEGER NOT NULL);
CREATE TABLE identifier (resource INTEGER NOT NULL, property TEXT NOT NULL, value TEXT NOT NULL, normal TEXT NOT NULL);
CREATE TABLE territory (resource INTEGER NOT NULL, body INTEGER NOT NULL);  -- the bodies it lies within
CREATE VIRTUAL TABLE name_words USING fts5(
  normal, content='name', tokenize='unicode61 remove_diacritics 2', prefix='2 3');
"""
INDEXES = """
CREATE INDEX name_resource ON name (resource);
CREATE INDEX resource_sort_key ON resource (sort_key);
CREATE INDEX resource_kind_kind ON resource_kind (kind, resource);
CREATE INDEX resource_kind_resource ON resource_kind (resource);
CREATE INDEX identifier_value ON identifier (property, normal);
CREATE INDEX identifier_resource ON identifier (resource);
CREATE INDEX territory_body ON territory (body, resource);
CREATE INDEX territory_resource ON territory (resource, body);
CREATE INDEX name_normal ON name (normal);
INSERT INTO name_words (name_words) VALUES ('rebuild');
"""


# SQLite's result codes for a disk that refused a write (the primary code: the low byte).
_DISK_FULL = {sqlite3.SQLITE_FULL: "no space left on the device, or the file is too large"}
_DISK_REFUSED = {sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM}


@contextlib.contextmanager
def _writing_database(path: Path) -> Iterator[None]:
    """A disk that refuses the finding aid's writes, as the build reports any other file it cannot write.

    Other SQLite errors are the program's, and stay as they are.
    """
    try:
        with writing(path):
            yield
    except sqlite3.Error as error:
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code in _DISK_FULL:
            raise StoreWriteError(str(path), _DISK_FULL[code]) from error
        if code in _DISK_REFUSED:
            raise StoreWriteError(str(path), str(error)) from error
        raise


def _quads(store: ox.Store, predicate: str) -> Iterator[ox.Quad]:
    return store.quads_for_pattern(None, ox.NamedNode(predicate), None, DEFAULT_GRAPH)


def _within(store: ox.Store, vocabulary: str) -> dict[str, str]:
    """Each body's territory one level up (gl:withinTerritoryOf)."""
    within: dict[str, str] = {}
    for quad in _quads(store, vocabulary + "withinTerritoryOf"):
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
            within.setdefault(quad.subject.value, quad.object.value)
    return within


def territories_of(iris: list[str], containers: Mapping[str, str], within: Mapping[str, str]) -> dict[str, list[str]]:
    """The territorial bodies each resource lies within, itself included when it is one: up its
    containers (a seat's table, its coordination, the Province that set it up) to the first body of
    a territory, then up the territories (the Province's Region)."""
    territorial = set(within) | set(within.values())
    found: dict[str, list[str]] = {}
    for iri in iris:
        node: str | None = iri
        for _ in range(TERRITORY_SEARCH_DEPTH):
            if node is None or node in territorial:
                break
            node = containers.get(node)
        chain: list[str] = []
        while node is not None and node in territorial and node not in chain:
            chain.append(node)
            node = within.get(node)
        if chain:
            found[iri] = chain
    return found


def resource_iris(store: ox.Store, id_space: str) -> list[str]:
    """Every IRI of the identifier space that the data says something about: each has a page."""
    space = ox.Literal(id_space)  # a setting, written as an escaped literal
    subjects = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (isIRI(?s) && STRSTARTS(STR(?s), {space})) }}")
    assert isinstance(subjects, ox.QuerySolutions)
    iris = [str(solution[0].value) for solution in subjects]
    # Oxigraph's query results must be freed in the thread that made them: kept by this frame, they
    # would be freed with the traceback of a failure below, in the thread that reports it.
    del subjects
    return iris


def write_index(
    store: ox.Store,
    path: Path,
    id_space: str,
    vocabulary: str,
    built_on: str,
    previous: Path | None = None,
    digests: Mapping[str, bytes] | None = None,
) -> int:
    """Write the finding aid of the default graph of `store` at `path`; the number of resources.

    `built_on` is the build's date; a resource whose description is the same as in the `previous`
    build's finding aid keeps the date it had there. The `digests` of every resource's description
    (govlod.index.changes, keyed by `resource_iris`) may be made beforehand, when the build has a
    moment to spare; then they name the resources too."""
    listed = digests if digests is not None else resource_iris(store, id_space)
    kinds: dict[str, set[str]] = {iri: set() for iri in listed}
    for quad in store.quads_for_pattern(None, RDF_TYPE, None, DEFAULT_GRAPH):
        subject, kind = quad.subject, quad.object
        if isinstance(subject, ox.NamedNode) and isinstance(kind, ox.NamedNode) and subject.value in kinds:
            kinds[subject.value].add(kind.value)
    # A body's kind in the code lists (a Province, a consortium) is listed like its class.
    for quad in _quads(store, ORG + "classification"):
        subject, kind = quad.subject, quad.object
        if isinstance(subject, ox.NamedNode) and isinstance(kind, ox.NamedNode) and subject.value in kinds:
            kinds[subject.value].add(kind.value)
    names: list[tuple[str, str]] = []
    labels: dict[str, dict[str, str]] = {}
    for prop in NAME_PROPERTIES:
        for quad in _quads(store, prop):
            subject, name = quad.subject, quad.object
            if not (isinstance(subject, ox.NamedNode) and isinstance(name, ox.Literal)):
                continue
            if prop != NAME_PROPERTIES[2]:  # labels of any IRI: containers may live elsewhere
                labels.setdefault(subject.value, {}).setdefault(name.language or "", name.value)
            if subject.value in kinds:
                names.append((subject.value, name.value))
    containers = read_containers(store, vocabulary, DEFAULT_GRAPH)
    members = {
        q.subject.value: q.object.value
        for q in _quads(store, ORG + "member")
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
    }
    identifiers = [
        (q.subject.value, prop, q.object.value)
        for prop in (vocabulary + name for name in IDENTIFIER_PROPERTIES)
        for q in _quads(store, prop)
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal)
    ]
    order = {iri: number for number, iri in enumerate(sorted(kinds), start=1)}
    territories = territories_of(list(order), containers, _within(store, vocabulary))

    def own_label(iri: str, lang: str) -> str | None:
        label = best_label(labels, iri, lang)
        if label is None and iri in members:  # a membership is known by who holds it
            label = best_label(labels, members[iri], lang)
        return label

    def resource_row(iri: str, number: int) -> tuple[object, ...]:
        it, en = (own_label(iri, lang) for lang in LANGUAGES)
        sort_key = normalise(it or en or iri.rsplit("/", 1)[-1])
        contexts = (context_label(iri, containers, labels, lang) for lang in LANGUAGES)
        digest = digests[iri] if digests is not None else description_digest(store, ox.NamedNode(iri))
        return (number, iri, it, en, sort_key, *contexts, digest, built_on)

    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with _writing_database(partial), sqlite3.connect(partial) as db:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        db.executemany(
            "INSERT INTO resource VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (resource_row(iri, number) for iri, number in order.items()),
        )
        db.executemany(
            "INSERT INTO name VALUES (?, ?, ?)", ((order[iri], text, normalise(text)) for iri, text in names)
        )
        kind_ids = {iri: number for number, iri in enumerate(sorted({k for ks in kinds.values() for k in ks}), 1)}
        db.executemany("INSERT INTO kind VALUES (?, ?)", ((number, iri) for iri, number in kind_ids.items()))
        db.executemany(
            "INSERT INTO resource_kind VALUES (?, ?)",
            ((order[iri], kind_ids[kind]) for iri, of_resource in kinds.items() for kind in of_resource),
        )
        db.executemany(
            "INSERT INTO identifier VALUES (?, ?, ?, ?)",
            ((order[iri], prop, value, identifier_key(value)) for iri, prop, value in identifiers if iri in order),
        )
        db.executemany(
            "INSERT INTO territory VALUES (?, ?)",
            ((order[iri], order[body]) for iri, bodies in territories.items() for body in bodies if body in order),
        )
        db.executescript(INDEXES)
        carry_unchanged_dates(db, previous)
    db.close()
    partial.replace(path)
    return len(order)
