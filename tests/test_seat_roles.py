"""A seat's role is its role at its table: one chair per table, and members sitting ex officio are
members there, whatever office puts them in the seat."""

from __future__ import annotations

import pyoxigraph as ox

ID = "https://w3id.org/govlod/id/"
ROLE = ID + "concept/role/"
TABLES = ID + "organization/coordinamento-enti-gestori-novara/"


def _select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    found = store.query(query)
    assert isinstance(found, ox.QuerySolutions)
    return sorted(tuple(str(term.value) for term in solution) for solution in found)


PREFIXES = f"""
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX gl: <https://w3id.org/govlod/ontology#>
PREFIX role: <{ROLE}>
"""


def test_the_tavolo_politico_has_one_chair_the_province_s_assessore(bundled_default_graph: ox.Store) -> None:
    chairs = _select(
        bundled_default_graph,
        PREFIXES
        + f"SELECT ?seat ?office WHERE {{ ?seat org:postIn <{TABLES}tavolo-politico> ; org:role role:presidente . "
        "OPTIONAL { ?seat gl:heldExOfficioBy ?office } }",
    )
    assert chairs == [
        (
            ID + "post/coordinamento-enti-gestori-novara/tavolo-politico/presidente",
            ID + "post/provincia-novara/assessore-politiche-sociali",
        )
    ]


def test_every_table_and_body_has_at_most_one_chair(bundled_default_graph: ox.Store) -> None:
    per_table = _select(
        bundled_default_graph,
        PREFIXES
        + "SELECT ?table (COUNT(?seat) AS ?chairs) WHERE { ?seat org:postIn ?table ; org:role role:presidente } "
        "GROUP BY ?table",
    )
    assert per_table and all(int(chairs) == 1 for _, chairs in per_table)


def test_a_seat_held_ex_officio_by_an_office_elsewhere_is_a_member_s_seat(bundled_default_graph: ox.Store) -> None:
    # The seats of the Presidents and Directors of the managing bodies, and of the Province's head of
    # department, are members' seats; only the chair keeps the role of the office that puts it there.
    roles = _select(
        bundled_default_graph,
        PREFIXES + "SELECT ?seat ?role WHERE { ?seat gl:heldExOfficioBy ?office ; org:role ?role }",
    )
    assert len(roles) == 16
    members = [seat for seat, role in roles if role == ROLE + "componente-di-diritto"]
    assert len(members) == 15
    assert {role for _, role in roles} == {ROLE + "componente-di-diritto", ROLE + "presidente"}


def test_the_capacities_the_novara_page_states_and_no_voting_right_it_does_not(
    bundled_default_graph: ox.Store,
) -> None:
    capacities = _select(
        bundled_default_graph,
        PREFIXES + "SELECT ?seat ?capacity WHERE { ?seat gl:capacity ?capacity }",
    )
    seats = ID + "post/coordinamento-enti-gestori-novara/tavolo-tecnico/"
    # "un segretario verbalizzante" and "eventuali consulenti con funzione di supporto": stated.
    assert capacities == [
        (seats + "consulenti", ID + "concept/capacity/consultiva"),
        (seats + "segretario-verbalizzante", ID + "concept/capacity/segreteria"),
    ]
    # Who votes the page does not say: no seat of the bundled data claims or denies a vote.
    assert _select(bundled_default_graph, PREFIXES + "SELECT ?seat WHERE { ?seat gl:votingRight ?right }") == []
