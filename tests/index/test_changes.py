"""Each resource's date of last change: carried from the previous build's finding aid while its
description stays the same (blank-node labels aside), this build's date when it changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyoxigraph as ox

from govlod.index.building import write_index
from govlod.index.reading import ReleaseIndex
from govlod.namespaces import ID_SPACE, VOCABULARY

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TIME = "http://www.w3.org/2006/time#"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
TABLE = ox.NamedNode(ID_SPACE + "organization/coordinamento-enti-gestori-novara/tavolo-politico")
BODY = ox.NamedNode(ID_SPACE + "organization/cisa-24")


def _copy(store: ox.Store) -> ox.Store:
    """The same triples with new blank-node labels, as the next build parses them."""
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    again = ox.Store()
    again.load(text, format=ox.RdfFormat.N_TRIPLES)
    return again


def _dates(path: Path) -> dict[str, str]:
    index = ReleaseIndex(path)
    return dict(index.dated_iris(0, 10**6))


MEMBERSHIP = ox.NamedNode(ID_SPACE + "membership/prova")


def _with_membership(store: ox.Store, began: str) -> ox.Store:
    """The store and a membership whose start date lies two blank nodes down, as in real data."""
    extended = _copy(store)
    interval, beginning = ox.BlankNode(), ox.BlankNode()
    for s, p, o in (
        (MEMBERSHIP, ox.NamedNode("http://www.w3.org/ns/org#memberDuring"), interval),
        (interval, ox.NamedNode(TIME + "hasBeginning"), beginning),
        (beginning, ox.NamedNode(TIME + "inXSDDate"), ox.Literal(began, datatype=ox.NamedNode(XSD_DATE))),
    ):
        extended.add(ox.Quad(s, p, o))
    return extended


def test_only_resources_whose_description_changed_take_the_new_date(
    bundled_default_graph: ox.Store, tmp_path: Path
) -> None:
    first = tmp_path / "first.sqlite"
    write_index(_with_membership(bundled_default_graph, "2020-01-01"), first, ID_SPACE, VOCABULARY, "2026-01-01")
    store = _with_membership(bundled_default_graph, "2021-01-01")  # a date changed inside the blank nodes
    store.add(ox.Quad(TABLE, RDFS_LABEL, ox.Literal("Tavolo Politico (rinnovato)", language="it")))
    second = tmp_path / "second.sqlite"
    write_index(store, second, ID_SPACE, VOCABULARY, "2026-03-01", previous=first)

    before, after = _dates(first), _dates(second)
    assert set(before.values()) == {"2026-01-01"}
    assert {iri for iri, day in after.items() if day == "2026-03-01"} == {TABLE.value, MEMBERSHIP.value}
    assert after[BODY.value] == "2026-01-01"


def test_new_blank_node_labels_alone_change_nothing(bundled_default_graph: ox.Store, tmp_path: Path) -> None:
    first, second = tmp_path / "first.sqlite", tmp_path / "second.sqlite"
    write_index(_with_membership(bundled_default_graph, "2020-01-01"), first, ID_SPACE, VOCABULARY, "2026-01-01")
    write_index(
        _with_membership(bundled_default_graph, "2020-01-01"), second, ID_SPACE, VOCABULARY, "2026-03-01", first
    )
    assert set(_dates(second).values()) == {"2026-01-01"}


def test_a_third_build_keeps_the_date_of_the_second_change(bundled_default_graph: ox.Store, tmp_path: Path) -> None:
    first, second, third = (tmp_path / f"{n}.sqlite" for n in ("first", "second", "third"))
    write_index(bundled_default_graph, first, ID_SPACE, VOCABULARY, "2026-01-01")
    changed = _copy(bundled_default_graph)
    changed.add(ox.Quad(TABLE, RDFS_LABEL, ox.Literal("Tavolo Politico (rinnovato)", language="it")))
    write_index(changed, second, ID_SPACE, VOCABULARY, "2026-03-01", previous=first)
    write_index(_copy(changed), third, ID_SPACE, VOCABULARY, "2026-06-01", previous=second)
    dates = _dates(third)
    assert dates[TABLE.value] == "2026-03-01"
    assert dates[BODY.value] == "2026-01-01"
    assert "2026-06-01" not in dates.values()


def test_a_missing_or_older_finding_aid_gives_every_resource_this_build_s_date(
    bundled_default_graph: ox.Store, tmp_path: Path
) -> None:
    older = tmp_path / "older.sqlite"
    with sqlite3.connect(older) as db:
        db.execute("CREATE TABLE resource (id INTEGER PRIMARY KEY, iri TEXT)")
        db.execute("INSERT INTO resource VALUES (1, ?)", (BODY.value,))
    db.close()
    for previous in (None, tmp_path / "absent.sqlite", older):
        path = tmp_path / "new.sqlite"
        path.unlink(missing_ok=True)
        write_index(bundled_default_graph, path, ID_SPACE, VOCABULARY, "2026-03-01", previous=previous)
        assert set(_dates(path).values()) == {"2026-03-01"}
