"""A document's context holds exactly the prefixes whose namespace starts one of its IRIs."""

from __future__ import annotations

import pyoxigraph as ox

from govlod.documents import describe
from govlod.namespaces import project_prefixes
from govlod.rendering import used_prefixes
from govlod.stores.embedded import EmbeddedReads


def test_the_context_is_every_prefix_some_iri_starts_with(bundled_default_graph: ox.Store) -> None:
    prefixes = {**project_prefixes("https://example.org/"), **project_prefixes()}
    prefixes["odd"] = "http://www.w3.org/ns/org"  # ends in no separator: the slow path decides
    subjects = sorted({q.subject for q in bundled_default_graph if isinstance(q.subject, ox.NamedNode)}, key=str)
    reads = EmbeddedReads.over(bundled_default_graph)
    for subject in subjects[:200]:
        triples = describe(reads, "build", subject)
        iris = {t.value for tr in triples for t in (tr.subject, tr.predicate, tr.object) if isinstance(t, ox.NamedNode)}
        expected = {name: ns for name, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}
        assert used_prefixes(triples, prefixes) == expected
        without_odd = {k: v for k, v in prefixes.items() if k != "odd"}
        assert used_prefixes(triples, without_odd) == {k: v for k, v in expected.items() if k != "odd"}
