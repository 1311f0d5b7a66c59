"""Reading a query's form before running it, without being fooled by comments, strings or IRIs."""

from __future__ import annotations

import pytest

from govlod.sparql.inspect import QueryForm, has_dataset_clause, query_form, uses_service, without_dataset_clause


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", QueryForm.SELECT),
        ("PREFIX x: <http://x/INSERT#> ask { ?s x:DELETE ?o }", QueryForm.ASK),
        ("# DELETE everything\nCONSTRUCT WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
        ('DESCRIBE ?s WHERE { ?s ?p "LOAD <x>" }', QueryForm.DESCRIBE),
        ("BASE <http://x/> INSERT DATA { <a> <b> <c> }", QueryForm.UPDATE),
        ("PREFIX a: <b> DELETE WHERE { ?s ?p ?o }", QueryForm.UPDATE),
        ("LOAD <http://example.org/data.ttl>", QueryForm.UPDATE),
        ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", QueryForm.UPDATE),
        ("nonsense", QueryForm.UNKNOWN),
    ],
)
def test_query_form(query: str, form: QueryForm) -> None:
    assert query_form(query) is form


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True),
        ("select * { service silent <http://x/> { ?s ?p ?o } }", True),
        ("SELECT ?service { ?service a ?t }", False),
        ("SELECT * { ?s ex:service ?o }", False),
        ('SELECT * { ?s ?p "SERVICE" }', False),
        ("SELECT * { ?s <http://x/SERVICE> ?o } # SERVICE", False),
    ],
)
def test_uses_service(query: str, expected: bool) -> None:
    assert uses_service(query) is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }", "SELECT *   WHERE { ?s ?p ?o }"),
        ("SELECT * FROM NAMED ex:g FROM <g2> { GRAPH ?g { ?s ?p ?o } }", "SELECT *     { GRAPH ?g { ?s ?p ?o } }"),
        ('SELECT * WHERE { ?s ?p "FROM <x>" }', 'SELECT * WHERE { ?s ?p "FROM <x>" }'),
        ("# FROM <x>\nASK { <http://x/FROM> ?p ?o }", "# FROM <x>\nASK { <http://x/FROM> ?p ?o }"),
    ],
)
def test_dataset_clauses_are_taken_out_and_nothing_else(query: str, expected: str) -> None:
    assert " ".join(without_dataset_clause(query).split()) == " ".join(expected.split())
    assert has_dataset_clause(query) == (query != expected)
