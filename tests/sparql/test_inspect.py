"""Reading a query's form before running it, without being fooled by comments, strings or IRIs."""

from __future__ import annotations

import pytest

from govlod.sparql.inspect import QueryForm, query_form, uses_service


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
