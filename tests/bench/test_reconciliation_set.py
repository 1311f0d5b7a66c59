"""bench/reconciliation_set.py and the collisions of bench/generate.py: the generated data has the
near-duplicates of a country, and the evaluation sets derived from it are deterministic and fair."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.bench import bench_module

generate_module = bench_module("generate")
quality = bench_module("reconciliation_quality")
maker = bench_module("reconciliation_set")
ID = "https://w3id.org/govlod/id/"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 60,000 triples: some thirty provinces."""
    folder = tmp_path_factory.mktemp("generated") / "data"
    generate_module.generate(60_000, folder)
    return folder


@pytest.fixture(scope="module")
def data(generated: Path) -> object:
    return maker.Data.read(generated)


def test_the_generator_makes_the_collisions_of_a_country(data: object) -> None:
    found = maker.collisions(data)
    assert found["comune names in two provinces or more"] >= 10  # the same town in two provinces
    assert found["comuni named after a saint (San, Santa, Sant'...)"] >= 0.2 * found["comuni"]
    assert found["saints' names in two provinces or more"] >= 5
    assert found["places with bodies of two acronyms or more"] >= 5  # "CISA Arona", "CISS Arona"
    assert found["seats named after a body"] == 4 * found["managing bodies"]  # "Direttore di CISA Arona"
    labels = [e.label for e in data.entities.values()]  # type: ignore[attr-defined]
    acronyms = {label.split()[0] for label in labels if label.split()[0] in generate_module.ACRONYMS}
    assert {"CISA", "CISS", "CISAS"} <= acronyms
    assert any(label.startswith("Unione dei Comuni ") for label in labels)
    assert any(label.startswith("Azienda Speciale Consortile ") for label in labels)
    assert any(label.startswith("Direttore di CIS") for label in labels)


def test_generated_comuni_have_codes_and_a_province() -> None:
    coordination = generate_module.Coordination(7, random.Random(3))
    text = "".join(coordination.turtle())
    assert text.count("kind:comune") == len(coordination.comuni) == len(set(coordination.comuni))
    assert 'rdfs:label "Comune di ' in text and 'gl:istatCode "000700"' in text
    assert coordination.comuni[0] == coordination.place.rsplit(" ", 1)[0]  # the capital first


def test_the_same_data_size_and_seed_give_the_same_set(data: object) -> None:
    first = maker.make_set(data, 200, seed=5)
    assert first == maker.make_set(data, 200, seed=5)
    assert first != maker.make_set(data, 200, seed=6)
    assert 150 <= len(first) <= 200


def test_every_expected_entity_is_in_the_data_and_of_its_type(data: object) -> None:
    rows = maker.make_set(data, 400)
    entities = data.entities  # type: ignore[attr-defined]
    named = [row for row in rows if row.expected]
    assert len(named) >= 0.7 * len(rows) and len(rows) - len(named) >= 0.15 * len(rows)
    for row in named:
        assert row.type in entities[ID + row.expected].types, row


def test_a_name_that_several_entities_bear_expects_none_without_what_tells_them_apart(data: object) -> None:
    rows = maker.make_set(data, 400)
    checked = ambiguous = 0
    for row in rows:
        given = dict(row.properties)
        if (
            given
            or row.variation.split(";")[0] in ("typo", "two typos", "context")
            or "province added" in row.variation
        ):
            continue
        namesakes = data.namesakes(row.query)  # type: ignore[attr-defined]
        if row.expected:
            assert [e.id for e in namesakes] == [row.expected], row
        elif len(namesakes) > 1:
            ambiguous += 1
        checked += 1
    assert checked > 100 and ambiguous >= 1
    # And with the province given, each expects the one entity of that name lying there.
    for row in rows:
        province = dict(row.properties).get("withinTerritoryOf")
        if row.expected and province and "typo" not in row.variation and row.type == "PublicBody":
            territories = [(e, data.territory(e)) for e in data.namesakes(row.query)]  # type: ignore[attr-defined]
            there = [e for e, t in territories if t is not None and province in (t.label, maker.place_of(t))]
            assert [e.id for e in there] == [row.expected], row


def test_names_are_read_as_a_person_reads_them(tmp_path: Path) -> None:
    (tmp_path / "data.ttl").write_text(
        """@prefix gl: <https://w3id.org/govlod/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix kind: <https://w3id.org/govlod/id/concept/body-kind/> .
@prefix id: <https://w3id.org/govlod/id/organization/> .
id:p1 a gl:PublicBody ; rdfs:label "Provincia di Arona 1"@it ; org:classification kind:provincia .
id:p2 a gl:PublicBody ; rdfs:label "Provincia di Bra 2"@it ; org:classification kind:provincia .
id:castro-1 a gl:PublicBody ; rdfs:label "Comune di Castro"@it ; org:classification kind:comune ; gl:withinTerritoryOf id:p1 .
id:castro-2 a gl:PublicBody ; rdfs:label "Comune di Castro"@it ; org:classification kind:comune ; gl:withinTerritoryOf id:p2 .
id:asc a gl:PublicBody ; rdfs:label "Azienda Speciale Consortile Castro"@it ; org:classification kind:ente-gestore , kind:azienda-speciale-consortile ; gl:withinTerritoryOf id:p1 .
id:cisa a gl:PublicBody ; rdfs:label "CISA Castro"@it ; org:classification kind:ente-gestore ; gl:withinTerritoryOf id:p1 .
id:ciss a gl:PublicBody ; rdfs:label "CISS Castello"@it ; org:classification kind:ente-gestore ; gl:withinTerritoryOf id:p2 .
"""
    )
    data = maker.Data.read(tmp_path)

    def named(query: str) -> list[str]:
        return sorted(e.id for e in data.namesakes(query))

    assert named("COMUNE DI CASTRO") == ["organization/castro-1", "organization/castro-2"]
    assert named("Castro") == ["organization/asc", "organization/castro-1", "organization/castro-2"]
    assert named("Castro a.s.c.") == ["organization/asc"]
    assert named("Consorzio C.I.S.A. di Castro") == ["organization/cisa"]
    assert named("Castro CISA") == ["organization/cisa"]
    assert named("CISS Castro") == []  # another acronym is another body
    assert data.territory(data.entities[ID + "organization/castro-2"]).id == "organization/p2"
    # "CISA Castelo" is two slips from "CISA Castro", and one from "CISS Castello", whose acronym
    # differs: no entity is meant by it.
    assert data.typo_namesakes("CISA Castelo", "castelo", 1) == []
    assert [e.id for e in data.typo_namesakes("CISA Catsro", "catsro", 1)] == ["organization/cisa"]
    assert maker.osa_distance("castro", "catsro") == 1 and maker.osa_distance("cisa", "ciss") == 1


def test_typos_go_into_place_names_never_into_acronyms() -> None:
    rng = random.Random(1)
    for _ in range(50):
        variant = maker._typo_variant("CISSACA Borgomanero", rng, 1)
        assert variant is not None and variant.query.startswith("CISSACA ") and variant.query != "CISSACA Borgomanero"
    assert maker._typo_variant("CISA 24", rng, 1) is None  # nothing long enough to misspell
