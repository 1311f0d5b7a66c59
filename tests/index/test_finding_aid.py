"""The finding aid written at build time: distinguishing labels, search, candidates and lists."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from govlod.index.building import write_index
from govlod.index.reading import ReleaseIndex, Resource
from govlod.namespaces import ID_SPACE, VOCABULARY
from govlod.reconciliation import reconcile
from tests.helpers import PROJECT

NOVARA = ID_SPACE + "organization/coordinamento-enti-gestori-novara"
TABLE = NOVARA + "/tavolo-politico"
CISA_24 = ID_SPACE + "organization/cisa-24"
ORG = "http://www.w3.org/ns/org#"


@pytest.fixture(scope="module")
def bundled_index(bundled_default_graph: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> ReleaseIndex:
    path = tmp_path_factory.mktemp("index") / "index.sqlite"
    assert write_index(bundled_default_graph, path, ID_SPACE, VOCABULARY, "2026-01-01") > 100
    return ReleaseIndex(path)


@pytest.fixture(scope="module")
def generated_index(tmp_path_factory: pytest.TempPathFactory) -> ReleaseIndex:
    """About 20,000 generated triples: eleven coordinations, each with its "Tavolo Politico"."""
    sys.path.insert(0, str(PROJECT / "bench"))
    from generate import generate  # type: ignore[import-not-found]

    folder = tmp_path_factory.mktemp("generated")
    generate(20_000, folder)
    store = ox.Store()
    for file in sorted(folder.rglob("*.ttl")):
        store.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE)
    path = folder / "index.sqlite"
    write_index(store, path, ID_SPACE, VOCABULARY, "2026-01-01")
    return ReleaseIndex(path)


def test_namesakes_are_told_apart_by_their_containers(generated_index: ReleaseIndex) -> None:
    hits, total = generated_index.search("Tavolo Politico", limit=50)
    assert total >= 10 and all(h.label == "Tavolo Politico" and h.score == pytest.approx(1.0) for h in hits)
    contexts = [h.context for h in hits]
    assert all(c and c.startswith("Coordinamento degli Enti Gestori di ") for c in contexts)
    assert len(set(contexts)) == len(contexts)
    seats = generated_index.listing(ORG + "Post", 0, 5, "it")
    assert all(s.context and s.context.startswith("Tavolo ") and " · Coordinamento" in s.context for s in seats)


def test_a_table_s_context_is_its_coordination_in_the_reader_s_language(bundled_index: ReleaseIndex) -> None:
    def listed(lang: str) -> Resource:
        tables = bundled_index.listing(VOCABULARY + "GovernanceTable", 0, 100, lang)
        return next(table for table in tables if table.iri == TABLE)

    assert listed("en").label == "Political table"
    italian = listed("it")
    assert italian.label == "Tavolo Politico" and italian.context and "Novara" in italian.context


def test_search_ranks_the_exact_name_before_longer_ones_and_finds_prefixes(bundled_index: ReleaseIndex) -> None:
    hits, _ = bundled_index.search("CISA 24")
    assert hits[0].iri == CISA_24 and hits[0].score == 1.0 > hits[1].score
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    typed_so_far, _ = bundled_index.search("Tavolo Polit")
    assert any(h.iri == TABLE for h in typed_so_far)


def test_search_forgives_a_typo_and_filters_by_kind(bundled_index: ReleaseIndex) -> None:
    misspelt, _ = bundled_index.search("Borgomanerro")
    assert misspelt and "Borgomanero" in misspelt[0].label
    bodies, total = bundled_index.search("CISA", kind=VOCABULARY + "PublicBody")
    assert total >= 2 and all(VOCABULARY + "PublicBody" in h.kinds for h in bodies)
    _, all_total = bundled_index.search("CISA")
    assert all_total > total  # seats named after the bodies too


def test_search_pages_do_not_overlap(bundled_index: ReleaseIndex) -> None:
    first, total = bundled_index.search("Tavolo", limit=5)
    second, _ = bundled_index.search("Tavolo", limit=5, offset=5)
    assert total > 10 and len(first) == len(second) == 5
    assert {h.iri for h in first}.isdisjoint(h.iri for h in second)


def test_reconciliation_candidates_come_by_word_typo_and_identifier(bundled_index: ReleaseIndex) -> None:
    by_words = bundled_index.candidates("Consorzio CISA 24 di Novara")
    assert CISA_24 in {e.iri for e in by_words}
    entity = next(e for e in by_words if e.iri == CISA_24)
    assert "CISA 24" in entity.names and VOCABULARY + "PublicBody" in entity.types
    assert CISA_24 in {e.iri for e in bundled_index.candidates("CSIA 24")}
    sercop = bundled_index.entity(ID_SPACE + "organization/sercop")
    assert sercop is not None and sercop.identifiers
    prop, values = next(iter(sercop.identifiers.items()))
    found = bundled_index.candidates("Xyzzy", [(prop, next(iter(values)).lower())])
    assert [e.iri for e in found] == [sercop.iri]


def test_lists_are_stable_pages_with_counts(bundled_index: ReleaseIndex) -> None:
    kind = VOCABULARY + "PublicBody"
    total = bundled_index.count(kind)
    pages = [bundled_index.listing(kind, offset, 4, "it") for offset in range(0, total, 4)]
    iris = [r.iri for page in pages for r in page]
    assert len(iris) == len(set(iris)) == total and iris == sorted(iris)


def test_every_resource_is_listed_once_in_iri_order(bundled_index: ReleaseIndex, tmp_path: Path) -> None:
    everything = bundled_index.iris(0, 10**6)
    assert len(everything) == bundled_index.count() == len(set(everything))
    assert everything == sorted(everything) and all(iri.startswith(ID_SPACE) for iri in everything)
    assert bundled_index.iris(0, 10) + bundled_index.iris(10, 10) == everything[:20]


def test_a_long_list_splits_after_the_start_its_labels_share(generated_index: ReleaseIndex) -> None:
    provinces = ID_SPACE + "concept/body-kind/provincia"
    count, branches = generated_index.branches(provinces, "")
    assert count == generated_index.count(provinces) >= 10
    assert all(branch.startswith("provincia di ") and len(branch) == len("provincia di ") + 1 for branch, _ in branches)
    assert sum(n for _, n in branches) == count
    first, size = branches[0]
    listed = generated_index.listing(provinces, 0, 100, "it", start=first)
    assert len(listed) == size and all(r.label and r.label.lower().startswith(first) for r in listed)
    assert [r.label for r in listed] == sorted(r.label for r in listed if r.label)
    assert generated_index.branches(provinces, "nothing") == (0, [])


def test_search_within_a_province_or_its_region_finds_only_what_lies_there(generated_index: ReleaseIndex) -> None:
    province = ID_SPACE + "organization/provincia-00003"
    region = ID_SPACE + "organization/regione-03"  # provinces take the twenty regions in turn
    everywhere, _ = generated_index.search("Tavolo Politico", limit=50)
    in_province, total = generated_index.search("Tavolo Politico", limit=50, within=province)
    assert total == 1 and in_province[0].iri == ID_SPACE + "organization/coordinamento-00003/tavolo-politico"
    assert len(everywhere) > 1
    seats, _ = generated_index.search("presidente", limit=50, within=province)
    assert seats and all(h.iri.startswith(ID_SPACE + "post/coordinamento-00003/") for h in seats)
    in_region, _ = generated_index.search("Tavolo Politico", limit=50, within=region)
    assert {h.iri for h in in_region} == {ID_SPACE + "organization/coordinamento-00003/tavolo-politico"}
    nowhere, total = generated_index.search("Tavolo Politico", within=ID_SPACE + "organization/nessuna")
    assert nowhere == [] and total == 0


def test_a_body_lies_within_its_own_territory_and_the_ones_above(bundled_index: ReleaseIndex) -> None:
    piemonte = ID_SPACE + "organization/regione-piemonte"
    hits, _ = bundled_index.search("CISA 24", within=piemonte)
    assert hits and hits[0].iri == CISA_24
    novara, _ = bundled_index.search("Provincia di Novara", within=ID_SPACE + "organization/provincia-novara")
    assert novara[0].iri == ID_SPACE + "organization/provincia-novara"
    rhodense, _ = bundled_index.search("Sercop", within=piemonte)
    assert rhodense == []  # in Lombardy


def test_a_namesake_is_found_by_the_territory_its_query_names(generated_index: ReleaseIndex) -> None:
    # One of a country's many "Tavolo Politico": the query adds the place of its Province.
    province = generated_index.label(ID_SPACE + "organization/provincia-00003", "it")
    assert province and province.startswith("Provincia di ")
    place = province.removeprefix("Provincia di ")
    table = ID_SPACE + "organization/coordinamento-00003/tavolo-politico"
    for query in (f"Tavolo Politico {place}", f"Tavolo Politico del Coordinamento degli Enti Gestori di {place}"):
        # Fewer candidates than namesakes: only the lookup within the territory can bring the table.
        found = generated_index.candidates(query, limit=3)
        assert table in {e.iri for e in found}, query
        best = reconcile(found, query, [VOCABULARY + "GovernanceTable"], weights=generated_index.word_weights)
        assert (best[0].entity.iri, best[0].match) == (table, True), query


def test_a_namesake_is_found_within_the_territory_given_apart(generated_index: ReleaseIndex) -> None:
    province = generated_index.label(ID_SPACE + "organization/provincia-00004", "it")
    assert province and generated_index.territory_named(province)
    assert not generated_index.territory_named("Comune")  # a kind, not a territory
    table = ID_SPACE + "organization/coordinamento-00004/tavolo-tecnico"
    found = generated_index.candidates("Tavolo Tecnico", places=[province], limit=3)
    assert table in {e.iri for e in found}
    best = reconcile(found, "Tavolo Tecnico", weights=generated_index.word_weights, places=[province])
    assert (best[0].entity.iri, best[0].match, best[0].territory_agrees) == (table, True, True)
