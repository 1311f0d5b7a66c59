"""Name scoring and the match decision, without a server."""

from __future__ import annotations

from govlod.reconciliation import Entity, name_score, reconcile

PIVA = "https://w3id.org/govlod/ontology#partitaIVA"
BODIES = [
    Entity("a", ["CISA Ovest Ticino"], {"T"}),
    Entity("b", ["CISA 24"], {"T"}),
    Entity("s", ["Sercop", "Sercop a.s.c"], {"T"}, {PIVA: {"05728560961"}}),
]


def test_name_score_ignores_case_accents_dots_and_stop_words() -> None:
    assert name_score("C.I.S.A. Ovest Ticino", "CISA Ovest Ticino") == 100
    assert name_score("cisa ovest ticino", "CISA Ovest Ticino") == 100
    assert name_score("Comune di Novara", "comune novara") == 100
    assert 80 < name_score("Consorzio CISA Ovest Ticino", "CISA Ovest Ticino") < 100
    assert name_score("Sercop", "CISA 24") == 0


def test_a_clear_best_candidate_is_the_match_and_an_ambiguous_one_is_not() -> None:
    clear = reconcile(BODIES, "Consorzio CISA Ovest Ticino")
    assert clear[0].entity.iri == "a" and clear[0].match
    ambiguous = reconcile(BODIES, "CISA")
    assert not any(c.match for c in ambiguous)


def test_an_identifier_that_agrees_wins_and_one_that_disagrees_rules_out() -> None:
    by_vat = reconcile(BODIES, "azienda speciale di Rho", properties=[(PIVA, "05728560961")])
    assert [(c.entity.iri, c.score, c.match) for c in by_vat] == [("s", 100.0, True)]
    assert reconcile(BODIES, "Sercop", properties=[(PIVA, "01234567890")]) == []


def test_type_constraint_filters_candidates() -> None:
    assert reconcile(BODIES, "CISA Ovest Ticino", types=["OtherType"]) == []
