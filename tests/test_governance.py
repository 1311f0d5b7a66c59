"""A page's governance view: the queries it spares give nothing that the full view would show."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from govlod.build import build
from govlod.documents import read_document
from govlod.governance import governance_view
from govlod.namespaces import VOCABULARY
from govlod.settings import Settings
from govlod.store import StoreFolder
from govlod.stores.embedded import EmbeddedReads
from tests.helpers import PROJECT


def test_sparing_queries_by_the_resource_s_properties_changes_no_view(tmp_path: Path) -> None:
    result = build(Settings(home=PROJECT, store=tmp_path / "store"), check=False)
    reader = EmbeddedReads(StoreFolder(tmp_path / "store"))
    build_id = result.path.name
    store = reader.store(build_id)
    subjects = sorted(
        {
            q.subject.value
            for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(result.info.base_iri + "id/")
        }
    )
    shown = 0
    for iri in subjects:
        document = read_document(reader, build_id, iri, with_incoming=True)
        own = {t.predicate.value for t in document.triples if t.subject == ox.NamedNode(iri)}
        spared = governance_view(reader, build_id, iri, VOCABULARY, "it", own, set(document.incoming_counts))
        assert spared == governance_view(reader, build_id, iri, VOCABULARY, "it"), iri
        shown += not spared.empty
    assert shown > 10
