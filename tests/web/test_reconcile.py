"""The Reconciliation API as OpenRefine and regional systems call it."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.helpers import RunningServer

GL = "https://w3id.org/govlod/ontology#"


def test_manifest_describes_the_service(server: RunningServer) -> None:
    manifest = httpx.get(server.url + "reconcile").json()
    assert "0.2" in manifest["versions"]
    assert manifest["identifierSpace"] == "https://w3id.org/govlod/id/"
    assert {"id": GL + "PublicBody", "name": "Ente pubblico"} in manifest["defaultTypes"]
    assert manifest["view"]["url"] == server.url + "id/{{id}}"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_openrefine_batch_with_type_and_property_constraints(server: RunningServer, method: str) -> None:
    queries = {
        "q0": {"query": "Consorzio CISA Ovest Ticino", "type": GL + "PublicBody", "limit": 3, "type_strict": "should"},
        "q1": {"query": "C.I.S.A. Ovest Ticino", "type": "PublicBody"},
        "q2": {"query": "cisa ovest ticino"},
        "q3": {
            "query": "Sercop azienda speciale",
            "type": GL + "PublicBody",
            "properties": [{"pid": GL + "partitaIVA", "v": "05728560961"}],
        },
        "q4": {"query": "Provincia di Novara", "type": GL + "PublicBody"},
        "q5": {"query": "CISA", "type": GL + "PublicBody"},
        "q6": {"query": "Sercop", "properties": [{"pid": "partitaIVA", "v": "99999999990"}]},
        "q7": {"query": "Tavolo Politico", "type": GL + "GovernanceTable"},
    }
    payload = {"queries": json.dumps(queries)}
    response = (
        httpx.get(server.url + "reconcile", params=payload)
        if method == "GET"
        else httpx.post(server.url + "reconcile", data=payload)
    )
    answer = response.json()
    top = {key: value["result"][0] if value["result"] else None for key, value in answer.items()}
    for key in ("q0", "q1", "q2"):
        assert top[key]["id"] == "organization/cisa-ovest-ticino", key  # type: ignore[index]
        assert top[key]["match"] is True, key  # type: ignore[index]
    assert top["q3"]["id"] == "organization/sercop" and top["q3"]["score"] == 100 and top["q3"]["match"]  # type: ignore[index]
    assert top["q4"]["id"] == "organization/provincia-novara" and top["q4"]["match"]  # type: ignore[index]
    assert {"id": GL + "PublicBody", "name": "Ente pubblico"} in top["q4"]["type"]  # type: ignore[index]
    assert not any(c["match"] for c in answer["q5"]["result"])  # ambiguous
    assert len(answer["q0"]["result"]) <= 3
    assert "organization/sercop" not in [
        c["id"] for c in answer["q6"]["result"]
    ]  # a different Partita IVA rules it out
    assert top["q7"]["id"] == "organization/coordinamento-enti-gestori-novara/tavolo-politico"  # type: ignore[index]


def test_bad_batch_is_400(server: RunningServer) -> None:
    response = httpx.get(server.url + "reconcile", params={"queries": "{not json"})
    assert response.status_code == 400 and "bad request" in response.text


def test_match_route_of_the_1_0_draft(server: RunningServer) -> None:
    body = {
        "queries": [
            {"conditions": [{"matchType": "name", "propertyValue": "cisa ovest ticino"}], "type": GL + "PublicBody"},
            {
                "conditions": [
                    {"matchType": "name", "propertyValue": "x"},
                    {"matchType": "property", "propertyId": GL + "partitaIVA", "propertyValue": "05728560961"},
                ]
            },
        ]
    }
    results = httpx.post(server.url + "reconcile/match", json=body).json()["results"]
    assert results[0]["candidates"][0]["id"] == "organization/cisa-ovest-ticino"
    assert results[1]["candidates"][0]["id"] == "organization/sercop"
    assert httpx.post(server.url + "reconcile/match", content=b"[]").status_code == 400


def test_suggest_preview_extend_and_propose(server: RunningServer) -> None:
    entities = httpx.get(server.url + "reconcile/suggest/entity", params={"prefix": "serc"}).json()["result"]
    assert entities[0]["id"] == "organization/sercop"
    types = httpx.get(server.url + "reconcile/suggest/type", params={"prefix": "tavolo"}).json()["result"]
    assert types[0]["id"] == GL + "GovernanceTable"
    preview = httpx.get(server.url + "reconcile/preview", params={"id": "organization/sercop"})
    assert preview.status_code == 200 and "05728560961" in preview.text
    assert httpx.get(server.url + "reconcile/preview", params={"id": "organization/nowhere"}).status_code == 404
    proposed = httpx.get(server.url + "reconcile/extend/propose", params={"type": GL + "PublicBody"}).json()
    assert GL + "partitaIVA" in [p["id"] for p in proposed["properties"]]
    extended = httpx.post(
        server.url + "reconcile/extend",
        json={
            "ids": ["organization/sercop", "organization/comune-novara"],
            "properties": [{"id": GL + "partitaIVA"}, {"id": GL + "istatCode"}],
        },
    ).json()
    assert extended["rows"]["organization/sercop"][GL + "partitaIVA"] == [{"str": "05728560961"}]
    assert extended["rows"]["organization/comune-novara"][GL + "istatCode"] == [{"str": "003106"}]


def test_cors_on_reconcile(server: RunningServer) -> None:
    response = httpx.get(server.url + "reconcile", headers={"Origin": "http://127.0.0.1:3333"})
    assert response.headers["access-control-allow-origin"] == "*"
