"""Name scoring and the match decision, without a server."""

from __future__ import annotations

from govlod.reconciliation import Entity, WordWeights, name_score, place_hints, reconcile, territory_verdict

PIVA = "https://w3id.org/govlod/ontology#partitaIVA"
NOVARA = ["Provincia di Novara", "NO", "Regione Piemonte"]
BODIES = [
    Entity("a", ["CISA Ovest Ticino"], {"T"}, territories=NOVARA),
    Entity("b", ["CISA 24"], {"T"}, territories=NOVARA),
    Entity("s", ["Sercop", "Sercop a.s.c"], {"T"}, {PIVA: {"05728560961"}}),
]
POSTS = [
    Entity("b/direttore", ["Direttore di CISA 24"], {"P"}, territories=["CISA 24", *NOVARA]),
    Entity("b/presidente", ["Presidente di CISA 24"], {"P"}, territories=["CISA 24", *NOVARA]),
]


def test_name_score_ignores_case_accents_dots_and_stop_words() -> None:
    assert name_score("C.I.S.A. Ovest Ticino", "CISA Ovest Ticino") == 100
    assert name_score("cisa ovest ticino", "CISA Ovest Ticino") == 100
    assert name_score("Comune di Novara", "comune novara") == 100
    assert name_score("Prov. di Novara", "Provincia di Novara") == 100
    assert name_score("Sercop", "CISA 24") == 0


def test_a_legal_form_added_counts_for_nothing_and_one_left_out_for_little() -> None:
    assert name_score("Consorzio CISA Ovest Ticino", "CISA Ovest Ticino") == 100
    assert name_score("Sercop a.s.c.", "Sercop Azienda Speciale Consortile") == 100  # the abbreviation
    common = WordWeights({"sercop": 1, "azienda": 400, "speciale": 400, "consortile": 400, "comune": 900}, 1000)
    assert 90 < name_score("Sercop", "Sercop Azienda Speciale Consortile", common) < 100
    # "X" is whole for neither the Comune nor the consortial company of the same town.
    towns = [Entity("c", ["Comune di Omegna"], {"T"}), Entity("a", ["Azienda Speciale Consortile Omegna"], {"T"})]
    assert not any(c.match for c in reconcile(towns, "Omegna", weights=common))
    assert reconcile(towns, "Omegna a.s.c.", weights=common)[0].entity.iri == "a"


def test_one_word_put_for_another_is_another_entity() -> None:
    # The consortium was ruled out by its Partita IVA: the Comune of its town is no answer either.
    towns = [Entity("c", ["Comune di Corvara"], {"T"}), Entity("e", ["CISAS Corvara"], {"T"}, {PIVA: {"1"}})]
    assert not any(c.match for c in reconcile(towns, "CISAS Corvara", properties=[(PIVA, "2")]))
    # And a misspelt consortium is matched, ahead of the Comune of its town.
    typo = reconcile(towns, "CISAS Corvarra")
    assert (typo[0].entity.iri, typo[0].match) == ("e", True)


def test_acronyms_are_never_read_as_misspellings_of_one_another() -> None:
    bodies = [Entity("a", ["CISSA Trecate"], {"T"}), Entity("b", ["CISAP Cuneo"], {"T"})]
    assert not any(c.match for c in reconcile(bodies, "CISAP Trecate"))
    assert not any(c.match for c in reconcile(bodies, "CISAS Cuneo"))


def test_a_container_named_in_the_query_is_not_the_entity_within_it() -> None:
    # A Comune belongs to CISAS Casalmoro: "CISAS" alone does not explain another CISAS's name.
    comune = Entity("c", ["Comune di San Lucido"], {"T"}, context="CISAS Casalmoro · Coordinamento di Bergamo")
    assert not any(c.match for c in reconcile([comune], "CISAS San Lucido"))


def test_parenthesised_words_are_set_apart_as_hints() -> None:
    assert place_hints("CISS Borgomanero (Novara)") == ("CISS Borgomanero", ["Novara"])
    assert place_hints("San Canzian (Comune) (Susa 132)") == ("San Canzian", ["Comune", "Susa 132"])
    assert place_hints("CISA 24") == ("CISA 24", [])


def test_a_misspelt_long_word_still_pairs_but_a_short_acronym_or_a_number_does_not() -> None:
    assert 85 < name_score("CISA Ovset Ticino", "CISA Ovest Ticino") < 100
    assert 85 < name_score("Provincia di Novra", "Provincia di Novara") < 100
    assert name_score("CISAS", "CISA") == 0  # another consortium, not a typo
    assert name_score("CISA 25", "CISA 24") < name_score("CISA 24", "CISA 24") - 25


def test_rare_words_weigh_more_than_common_ones() -> None:
    weights = WordWeights({"comune": 900, "novara": 3, "ghemme": 1}, names=1000)
    assert weights("ghemme") > weights("novara") > weights("comune")
    assert weights("unheard") > weights("ghemme")
    # Missing the common word costs less than missing the rare one.
    assert name_score("Novara", "Comune di Novara", weights) > name_score("Comune", "Comune di Novara", weights)


def test_the_territory_added_after_a_name_is_explained_by_where_the_entity_lies() -> None:
    assert name_score("CISA 24 (NO)", "CISA 24") < 100  # alone, an unknown word
    found = reconcile(BODIES, "CISA 24 (NO)")
    assert [(c.entity.iri, c.score, c.match) for c in found[:1]] == [("b", 100.0, True)]
    # A place the data does not know, where the entity's own is known, weighs as the rarest word.
    weights = WordWeights({"cisa": 5, "24": 2, "ovest": 1, "ticino": 2, "sercop": 2}, names=100)
    assert reconcile(BODIES, "CISA 24 Novara", weights=weights)[0].match
    assert not any(c.match for c in reconcile(BODIES, "CISA 24 Vercelli", weights=weights))


def test_a_clear_best_candidate_is_the_match_and_an_ambiguous_one_is_not() -> None:
    clear = reconcile(BODIES, "Consorzio CISA Ovest Ticino")
    assert clear[0].entity.iri == "a" and clear[0].match
    ambiguous = reconcile(BODIES, "CISA")
    assert not any(c.match for c in ambiguous)
    namesakes = [Entity("x", ["Tavolo Politico"], {"T"}), Entity("y", ["Tavolo Politico"], {"T"})]
    assert not any(c.match for c in reconcile(namesakes, "Tavolo Politico"))


def test_without_a_type_the_body_is_preferred_to_the_posts_named_after_it() -> None:
    for query in ("CISA 24", "Consorzio CISA 24", "CISA 24 Novara"):
        found = reconcile(BODIES + POSTS, query)
        assert (found[0].entity.iri, found[0].match) == ("b", True), query
        assert found[1].entity.iri.startswith("b/")  # the posts follow, close behind
    # A query naming the post finds the post.
    post = reconcile(BODIES + POSTS, "Direttore CISA 24")
    assert (post[0].entity.iri, post[0].match) == ("b/direttore", True)


def test_an_identifier_that_agrees_wins_and_one_that_disagrees_rules_out() -> None:
    by_vat = reconcile(BODIES, "azienda speciale di Rho", properties=[(PIVA, "05728560961")])
    assert [(c.entity.iri, c.score, c.match) for c in by_vat] == [("s", 100.0, True)]
    assert reconcile(BODIES, "Sercop", properties=[(PIVA, "01234567890")]) == []


def test_a_territory_given_agrees_by_name_or_acronym_and_rules_out_any_other() -> None:
    assert territory_verdict(BODIES[1], ["Novara"]) is True
    assert territory_verdict(BODIES[1], ["Provincia di Novara"]) is True
    assert territory_verdict(BODIES[1], ["NO"]) is True
    assert territory_verdict(BODIES[1], ["Vercelli"]) is False
    assert territory_verdict(BODIES[2], ["Novara"]) is None  # Sercop's territory is not in the data
    within = reconcile(BODIES, "CISA 24", places=["Novara"])
    assert within[0].entity.iri == "b" and within[0].territory_agrees and within[0].match
    assert reconcile(BODIES, "CISA 24", places=["Vercelli"]) == []


def test_type_constraint_filters_candidates() -> None:
    assert reconcile(BODIES, "CISA Ovest Ticino", types=["OtherType"]) == []


def test_of_two_whole_answers_the_one_that_needs_no_surroundings_is_the_match() -> None:
    coordination = Entity("c", ["Coordinamento degli Enti Gestori della Provincia di Novara"], {"T"})
    # The Province is a member of the coordination: its context names it.
    province = Entity("p", ["Provincia di Novara"], {"T"}, context="Coordinamento degli Enti Gestori")
    found = reconcile([province, coordination], "Coordinamento enti gestori provincia di Novara")
    assert [(c.entity.iri, c.score, c.match) for c in found] == [("c", 100.0, True), ("p", 100.0, False)]


def test_a_legal_form_alone_matches_nothing() -> None:
    sercop = [Entity("s", ["Sercop a.s.c"], {"T"})]
    assert reconcile(sercop, "a.s.c.") == []
    assert reconcile(sercop, "Azienda Speciale Consortile") == []


def test_an_identifier_that_agrees_outweighs_a_territory_that_does_not() -> None:
    found = reconcile(BODIES, "CISA 24", properties=[], places=["Vercelli"])
    assert found == []
    sercop = Entity("s", ["Sercop"], {"T"}, {PIVA: {"05728560961"}}, territories=["Provincia di Milano"])
    agreed = reconcile([sercop], "Sercop", properties=[(PIVA, "05728560961")], places=["Novra"])
    assert [(c.entity.iri, c.match) for c in agreed] == [("s", True)]


def test_a_territory_agrees_by_its_whole_name_or_acronym_not_by_one_of_its_words() -> None:
    alessandria = Entity("a", ["CISS Acqui"], {"T"}, territories=["Provincia di Alessandria", "AL"])
    assert territory_verdict(alessandria, ["AL"]) is True  # "al" is also a stop word
    assert territory_verdict(alessandria, ["Provincia"]) is None  # a level names no territory
    giorgio = Entity("g", ["CISA San Giorgio"], {"T"}, territories=["Comune di San Giorgio Canavese"])
    assert territory_verdict(giorgio, ["San"]) is False
