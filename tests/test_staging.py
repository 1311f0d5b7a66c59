"""Staging: each source parsed once into its named graph, completed, and written out for one bulk load."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest

from govlod.loading import SourceErrors, bulk_load_as_one
from govlod.sources import SourceFile, discover
from govlod.staging import Staging, stage

EX = "http://example.org/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
NAME = ox.NamedNode(EX + "name")


def _files(tmp_path: Path, texts: dict[str, str]) -> list[SourceFile]:
    folder = tmp_path / "data"
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return discover([folder])


def _labels_from_names(scratch: ox.Store, loaded: Sequence[tuple[SourceFile, ox.NamedNode]]) -> list[ox.Quad]:
    """A completion: every ex:name is also an rdfs:label (some are stated already)."""
    return [ox.Quad(q.subject, LABEL, q.object, q.graph_name) for q in scratch.quads_for_pattern(None, NAME, None)]


def _loaded(staging: Staging) -> ox.Store:
    """The staged files loaded as the build loads them: as one document."""
    store = ox.Store()
    for batch in staging.batches:
        bulk_load_as_one(store, [batch.named, batch.sources, batch.added], ox.RdfFormat.N_QUADS)
    return store


SOURCES = {
    "a.ttl": f'<{EX}a> <{EX}name> "A" ; <{EX}knows> [ <{EX}name> "anonymous" ] .\n',
    "b.ttl": f'<{EX}b> <{EX}name> "B" ; <{LABEL.value}> "B" .\n<{EX}b> <{EX}name> "B" .\n',
    "c.nt": f'<{EX}c> <{EX}name> "C" .\n',
}


@pytest.mark.parametrize("batch_bytes", [1, 2**20], ids=["a-file-a-batch", "one-batch"])
def test_staged_graphs_hold_each_file_completed_and_counted_exactly(tmp_path: Path, batch_bytes: int) -> None:
    sources = _files(tmp_path, SOURCES)
    staging = stage(
        sources, "https://w3id.org/govlod/", tmp_path / "staging", _labels_from_names, batch_bytes=batch_bytes
    )
    store = _loaded(staging)
    for graph, count in staging.graphs.items():
        assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))) == count
    # a: 3 stated + 2 labels; b: 2 stated (the repeated triple once) + 0 new; c: 1 + 1
    assert sorted(staging.graphs.values()) == [2, 2, 5]
    assert staging.added == 3, "a label already stated is not counted as added"
    assert len(staging.batches) == (3 if batch_bytes == 1 else 1)
    default = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert len(default) == 9


def test_a_blank_node_is_the_same_in_its_named_graph_and_the_default_graph(tmp_path: Path) -> None:
    sources = _files(tmp_path, {"a.ttl": SOURCES["a.ttl"]})
    staging = stage(sources, "https://w3id.org/govlod/", tmp_path / "staging", lambda _s, _l: [])
    store = _loaded(staging)
    knows = ox.NamedNode(EX + "knows")
    (named,) = [q.object for q in store.quads_for_pattern(None, knows, None) if q.graph_name != ox.DefaultGraph()]
    (default,) = [q.object for q in store.quads_for_pattern(None, knows, None, ox.DefaultGraph())]
    assert isinstance(named, ox.BlankNode)
    assert named == default


def test_every_bad_file_is_reported_with_its_line(tmp_path: Path) -> None:
    sources = _files(
        tmp_path,
        {**SOURCES, "d.ttl": f"<{EX}d> <{EX}name> .\n", "e.ttl": f'<{EX}e> <{EX}name> "E" .\n<{EX}e> oops\n'},
    )
    with pytest.raises(SourceErrors) as raised:
        stage(sources, "https://w3id.org/govlod/", tmp_path / "staging", lambda _s, _l: [], batch_bytes=1)
    where = sorted((error.path.name, error.line) for error in raised.value.errors)
    assert where == [("d.ttl", 1), ("e.ttl", 2)]


def test_rebased_files_are_staged_under_the_new_base(tmp_path: Path) -> None:
    sources = _files(tmp_path, {"a.ttl": '<https://w3id.org/govlod/id/x> <http://example.org/name> "X" .\n'})
    staging = stage(sources, "http://127.0.0.1:8123/", tmp_path / "staging", lambda _s, _l: [])
    store = _loaded(staging)
    assert [q.subject.value for q in store.quads_for_pattern(None, NAME, None, ox.DefaultGraph())] == [
        "http://127.0.0.1:8123/id/x"
    ]
    assert list(staging.graphs) == ["http://127.0.0.1:8123/graph/a"]
