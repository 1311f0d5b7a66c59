"""Loading files into a store: several files read as one document, and failures that do not hang."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from govlod.loading import Part, bulk_load_as_one


def test_files_loaded_as_one_document_share_their_blank_nodes(tmp_path: Path) -> None:
    (tmp_path / "a.nq").write_text('_:x <http://example.org/p> "1" <http://example.org/g> .\n', encoding="utf-8")
    (tmp_path / "b.nt").write_text('_:x <http://example.org/q> "2" .\n', encoding="utf-8")
    store = ox.Store()
    bulk_load_as_one(store, [tmp_path / "a.nq", tmp_path / "b.nt"], ox.RdfFormat.N_QUADS)
    assert len({q.subject for q in store}) == 1
    assert len(store) == 2


def test_a_file_the_loader_refuses_raises_instead_of_hanging(tmp_path: Path) -> None:
    good = tmp_path / "good.nt"
    good.write_text('<http://example.org/s> <http://example.org/p> "o" .\n' * 200_000, encoding="utf-8")
    (tmp_path / "bad.nt").write_text("not N-Triples at all\n", encoding="utf-8")
    with pytest.raises(SyntaxError):
        bulk_load_as_one(ox.Store(), [tmp_path / "bad.nt", good], ox.RdfFormat.N_TRIPLES)


def test_parts_load_only_their_bytes(tmp_path: Path) -> None:
    lines = [f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n'.encode() for i in range(3)]
    path = tmp_path / "three.nt"
    path.write_bytes(b"".join(lines))
    store = ox.Store()
    second = Part(path, len(lines[0]), len(lines[0]) + len(lines[1]))
    bulk_load_as_one(store, [second], ox.RdfFormat.N_TRIPLES)
    assert [q.subject.value for q in store] == ["http://example.org/s1"]
