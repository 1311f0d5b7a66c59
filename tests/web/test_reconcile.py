"""The Reconciliation API as OpenRefine (0.2, at `/reconcile`) and 1.0-draft clients (at
`/reconcile/v1`) call it. Every successful answer is also checked against the CG's schema of its
version (`checked`), and every request against the schema of queries."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from govlod.settings import Settings
from tests.helpers import RunningServer
from tests.web.reconciliation_schemas import SUGGEST_SCHEMAS, assert_valid, checked

GL = "https://w3id.org/govlod/ontology#"
V1 = "reconcile/v1"

BATCH_SIZE = Settings.model_fields["reconcile_batch_size"].default  # the servers here keep the default


def _batch_02(server: RunningServer, queries: dict[str, Any], method: str = "GET") -> dict[str, Any]:
    assert_valid("0.2", "reconciliation-query-batch.json", queries)
    payload = {"queries": json.dumps(queries)}
    response = (
        httpx.get(server.url + "reconcile", params=payload)
        if method == "GET"
        else httpx.post(server.url + "reconcile", data=payload)
    )
    answer: dict[str, Any] = checked(response, "0.2", "reconciliation-result-batch.json")
    return answer


def _batch_10(server: RunningServer, queries: list[dict[str, Any]], route: str = V1 + "/match") -> list[Any]:
    assert_valid("1.0-draft", "reconciliation-query-batch.json", {"queries": queries})
    response = httpx.post(server.url + route, json={"queries": queries})
    return [
        result["candidates"] for result in checked(response, "1.0-draft", "reconciliation-result-batch.json")["results"]
    ]


def _features(candidate: dict[str, Any]) -> dict[str, Any]:
    return {feature["id"]: feature["value"] for feature in candidate["features"]}


def test_manifest_describes_the_service(server: RunningServer) -> None:
    # Only "0.2": the manifest names its suggest services by URL, which the 1.0 draft forbids.
    manifest = checked(httpx.get(server.url + "reconcile"), "0.2", "manifest.json")
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/govlod/id/"
    assert {"id": GL + "PublicBody", "name": "Ente pubblico"} in manifest["defaultTypes"]
    assert manifest["view"]["url"] == server.url + "id/{{id}}"
    assert manifest["batchSize"] == BATCH_SIZE
    assert manifest["suggest"]["entity"] == {"service_url": server.url + "reconcile", "service_path": "/suggest/entity"}


def test_the_1_0_draft_service_has_its_own_root(server: RunningServer) -> None:
    manifest = checked(httpx.get(server.url + V1), "1.0-draft", "manifest.json")
    assert manifest["versions"] == ["1.0-draft"]
    assert manifest["suggest"] == {"entity": True, "property": True, "type": True}
    assert manifest["extend"]["proposeProperties"] is True
    assert manifest["batchSize"] == BATCH_SIZE and manifest["standardizedScore"] is True
    # The view template's reserved expansion keeps an id's slashes, and the IRI it gives dereferences.
    view = manifest["view"]["url"].replace("{+id}", "organization/sercop")
    assert view == server.url + "id/organization/sercop"
    assert httpx.get(view).status_code == 303


def test_a_0_2_client_posting_to_the_1_0_root_is_told_where_to_go(server: RunningServer) -> None:
    response = httpx.post(server.url + V1, data={"queries": json.dumps({"q0": {"query": "Sercop"}})})
    assert response.status_code == 405 and "/reconcile/v1/match" in response.json()["error"]


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
    answer = _batch_02(server, queries, method)
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


def test_candidates_carry_the_features_behind_their_score(server: RunningServer) -> None:
    answer = _batch_02(
        server,
        {
            "by name": {"query": "Consorzio CISA Ovset Ticino"},
            "by territory": {"query": "CISA 24", "properties": [{"pid": "withinTerritoryOf", "v": "NO"}]},
            "territory in the name": {"query": "C.I.S.A. 24 (Provincia di Novara)"},
            "territory by id": {
                "query": "CISA 24",
                "properties": [{"pid": "withinTerritoryOf", "v": {"id": "organization/provincia-novara"}}],
            },
            "acronym that is a word": {"query": "CISA 24", "properties": [{"pid": "withinTerritoryOf", "v": "AL"}]},
            "a level, no territory": {
                "query": "CISA 24",
                "properties": [{"pid": "withinTerritoryOf", "v": "Provincia"}],
            },
            "elsewhere in the name": {"query": "CISA 24 (Regione Lombardia)"},
            "by identifier": {
                "query": "Sercop Rho",
                "properties": [{"pid": "partitaIVA", "v": "05728560961"}],
            },
        },
    )
    by_name = answer["by name"]["result"][0]
    assert _features(by_name) == {
        "name_score": by_name["score"],
        "identifier_agrees": False,
        "territory_agrees": False,
    }
    assert 0 < by_name["score"] < 100  # a misspelt word
    by_territory = answer["by territory"]["result"][0]
    assert by_territory["id"] == "organization/cisa-24"
    assert _features(by_territory)["territory_agrees"] is True
    # A territory in parentheses after the name is taken as if given apart.
    in_name = answer["territory in the name"]["result"][0]
    assert (in_name["id"], in_name["match"], _features(in_name)["territory_agrees"]) == (
        "organization/cisa-24",
        True,
        True,
    )
    # A reconciled value's id names the territory; an acronym is compared as it is; a level is none.
    assert answer["territory by id"]["result"][0]["id"] == "organization/cisa-24"
    assert answer["territory by id"]["result"][0]["match"]
    assert "organization/cisa-24" not in [c["id"] for c in answer["acronym that is a word"]["result"]]
    assert answer["a level, no territory"]["result"][0]["id"] == "organization/cisa-24"
    # A territory the data does not hold stays words of the name, which CISA 24's does not explain.
    assert not any(c["match"] for c in answer["elsewhere in the name"]["result"])
    # The identifier settles the score; the name alone would not have.
    by_identifier = answer["by identifier"]["result"][0]
    assert by_identifier["score"] == 100
    assert _features(by_identifier)["identifier_agrees"] is True
    assert 0 < _features(by_identifier)["name_score"] < 100
    assert all(feature["name"] for feature in by_identifier["features"])


def test_several_values_of_one_property_are_alternatives(server: RunningServer) -> None:
    answer = _batch_02(
        server, {"q0": {"query": "Sercop", "properties": [{"pid": "partitaIVA", "v": ["99999999990", "05728560961"]}]}}
    )
    assert answer["q0"]["result"][0]["id"] == "organization/sercop"
    candidates = _batch_10(
        server,
        [
            {
                "conditions": [
                    {"matchType": "name", "propertyValue": "Sercop"},
                    {
                        "matchType": "property",
                        "propertyId": "partitaIVA",
                        "propertyValue": ["99999999990", "05728560961"],
                    },
                ]
            }
        ],
    )
    assert candidates[0][0]["id"] == "organization/sercop" and candidates[0][0]["match"]


def test_bad_batch_is_400(server: RunningServer) -> None:
    response = httpx.get(server.url + "reconcile", params={"queries": "{not json"})
    assert response.status_code == 400 and "bad request" in response.text


@pytest.mark.parametrize("route", ["reconcile/match", V1 + "/match"])
def test_match_route_of_the_1_0_draft(server: RunningServer, route: str) -> None:
    results = _batch_10(
        server,
        [
            {"conditions": [{"matchType": "name", "propertyValue": "cisa ovest ticino"}], "type": GL + "PublicBody"},
            {
                "conditions": [
                    {"matchType": "name", "propertyValue": "x"},
                    {"matchType": "property", "propertyId": GL + "partitaIVA", "propertyValue": "05728560961"},
                ]
            },
        ],
        route,
    )
    assert results[0][0]["id"] == "organization/cisa-ovest-ticino"
    assert results[1][0]["id"] == "organization/sercop"
    assert httpx.post(server.url + route, content=b"[]").status_code == 400


def test_an_id_condition_names_the_entity(server: RunningServer) -> None:
    named, unknown = _batch_10(
        server,
        [
            {"conditions": [{"matchType": "id", "propertyValue": "organization/sercop"}]},
            {"conditions": [{"matchType": "id", "propertyValue": "organization/nowhere"}]},
        ],
    )
    assert [(c["id"], c["score"], c["match"]) for c in named] == [("organization/sercop", 100, True)]
    assert _features(named[0])["identifier_agrees"] is True
    assert unknown == []


def test_required_conditions_filter_and_optional_ones_only_rank(server: RunningServer) -> None:
    def tables(required: bool) -> list[Any]:
        conditions = [
            {"matchType": "name", "propertyValue": "Tavolo Politico"},
            {"matchType": "property", "propertyId": "partitaIVA", "propertyValue": "05728560961", "required": required},
        ]
        return _batch_10(server, [{"conditions": conditions, "type": GL + "GovernanceTable"}])[0]

    # No governance table has a Partita IVA: optional, the condition leaves them; required, it drops them.
    assert tables(required=False) and tables(required=True) == []
    by_identifier_only = [
        {"matchType": "name", "propertyValue": "Rho", "required": True},
        {"matchType": "property", "propertyId": "partitaIVA", "propertyValue": "05728560961"},
    ]
    assert "organization/sercop" not in [c["id"] for c in _batch_10(server, [{"conditions": by_identifier_only}])[0]]


@pytest.mark.parametrize("root", ["reconcile", V1])
def test_batches_beyond_the_declared_batch_size_are_413(server: RunningServer, root: str) -> None:
    names = [f"Comune {n}" for n in range(BATCH_SIZE + 1)]
    if root == V1:

        def send(size: int) -> httpx.Response:
            queries = [{"conditions": [{"matchType": "name", "propertyValue": n}]} for n in names[:size]]
            return httpx.post(server.url + V1 + "/match", json={"queries": queries}, timeout=60)
    else:

        def send(size: int) -> httpx.Response:
            queries = {f"q{i}": {"query": n} for i, n in enumerate(names[:size])}
            return httpx.post(server.url + "reconcile", data={"queries": json.dumps(queries)}, timeout=60)

    assert send(BATCH_SIZE).status_code == 200
    too_many = send(BATCH_SIZE + 1)
    assert too_many.status_code == 413 and str(BATCH_SIZE) in too_many.json()["error"]


BAD_REQUESTS = [
    ("GET", "reconcile", {"params": {"queries": "[]"}}),
    ("GET", "reconcile", {"params": {"queries": json.dumps({"q0": {"query": 5}})}}),
    ("GET", "reconcile", {"params": {"queries": json.dumps({"q0": {"query": "x", "limit": "abc"}})}}),
    ("GET", "reconcile", {"params": {"queries": json.dumps({"q0": {"query": "x", "limit": 0}})}}),
    ("GET", "reconcile", {"params": {"queries": json.dumps({"q0": {"query": "x", "type": [1]}})}}),
    ("GET", "reconcile", {"params": {"queries": json.dumps({"q0": {"query": "x", "properties": "nope"}})}}),
    (
        "GET",
        "reconcile",
        {"params": {"queries": json.dumps({"q0": {"query": "x", "properties": [{"pid": "partitaIVA"}]}})}},
    ),
    ("GET", "reconcile", {"params": {"queries": json.dumps({"q0": {"query": "x" * 5000}})}}),
    (
        "POST",
        "reconcile",
        {"content": b"queries=%FF%FE", "headers": {"content-type": "application/x-www-form-urlencoded"}},
    ),
    ("GET", "reconcile", {"params": {"extend": "{not json"}}),
    ("POST", "reconcile", {"data": {"extend": json.dumps({"ids": "organization/sercop", "properties": []})}}),
    ("POST", V1 + "/match", {"content": b"\xff\xfe"}),
    ("POST", V1 + "/match", {"content": b"[" * 100_000}),
    (
        "POST",
        V1 + "/match",
        {"json": {"queries": [{"conditions": [{"matchType": "id", "propertyValue": ["x"] * 101}]}]}},
    ),
    ("POST", V1 + "/match", {"json": {"queries": [{"conditions": []}]}}),
    ("POST", V1 + "/match", {"json": {"queries": [{"conditions": [{"matchType": "fuzzy", "propertyValue": "x"}]}]}}),
    ("POST", V1 + "/match", {"json": {"queries": [{"conditions": [{"matchType": "name"}]}]}}),
    ("POST", V1 + "/match", {"json": {"queries": [{"conditions": [{"matchType": "property", "propertyValue": "1"}]}]}}),
    (
        "POST",
        V1 + "/match",
        {"json": {"queries": [{"conditions": [{"matchType": "name", "propertyValue": ["a", "b"]}]}]}},
    ),
    (
        "POST",
        V1 + "/match",
        {"json": {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "a"}], "type": ["x"]}]}},
    ),
    (
        "POST",
        V1 + "/match",
        {
            "json": {
                "queries": [{"conditions": [{"matchType": "name", "propertyValue": "a", "matchQuantifier": "all"}]}]
            }
        },
    ),
    (
        "POST",
        V1 + "/match",
        {"json": {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "a", "matchQualifier": "x"}]}]}},
    ),
    (
        "POST",
        V1 + "/match",
        {"json": {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "a", "required": "yes"}]}]}},
    ),
    (
        "POST",
        V1 + "/match",
        {"json": {"queries": [{"conditions": [{"matchType": "name", "propertyValue": {"name": "a"}}]}]}},
    ),
    (
        "POST",
        V1 + "/match",
        {"json": {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "a"}], "limit": 2.5}]}},
    ),
    ("GET", V1 + "/suggest/entity", {}),
    ("GET", V1 + "/suggest/entity", {"params": {"prefix": "serc", "limit": "many"}}),
    ("GET", V1 + "/suggest/type", {"params": {"prefix": "", "offset": "-1"}}),
    ("GET", "reconcile/suggest/property", {"params": {"prefix": "", "cursor": "x"}}),
    ("GET", "reconcile/suggest/places", {"params": {"prefix": "x"}}),
    ("GET", "reconcile/preview", {}),
    ("GET", V1 + "/preview", {"params": {"id": ""}}),
    ("POST", V1 + "/extend", {"json": {"ids": ["organization/sercop"]}}),
    ("POST", V1 + "/extend", {"json": {"ids": ["organization/sercop"], "properties": [{"id": GL + "colour"}]}}),
    ("POST", "reconcile/extend", {"json": ["organization/sercop"]}),
    ("GET", V1 + "/extend/propose", {"params": {"type": GL + "PublicBody", "limit": "0"}}),
]


@pytest.mark.parametrize(("method", "route", "request_args"), BAD_REQUESTS)
def test_bad_input_is_a_clear_json_error(
    server: RunningServer, method: str, route: str, request_args: dict[str, Any]
) -> None:
    response = httpx.request(method, server.url + route, **request_args)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]


@pytest.mark.parametrize("root", ["reconcile", V1])
def test_suggest_preview_extend_and_propose(server: RunningServer, root: str) -> None:
    version = "1.0-draft" if root == V1 else "0.2"
    base = server.url + root
    entities = checked(
        httpx.get(base + "/suggest/entity", params={"prefix": "serc"}), version, "suggest-entities-response.json"
    )
    assert entities["result"][0]["id"] == "organization/sercop"
    assert {"id": GL + "PublicBody", "name": "Ente pubblico"} in entities["result"][0]["notable"]
    types = checked(
        httpx.get(base + "/suggest/type", params={"prefix": "tavolo"}), version, "suggest-types-response.json"
    )
    assert types["result"][0]["id"] == GL + "GovernanceTable"
    properties = checked(
        httpx.get(base + "/suggest/property", params={"prefix": "iva"}), version, "suggest-properties-response.json"
    )
    assert [p["id"] for p in properties["result"]] == [GL + "partitaIVA"]
    preview = httpx.get(base + "/preview", params={"id": "organization/sercop"})
    assert preview.status_code == 200 and "05728560961" in preview.text
    assert httpx.get(base + "/preview", params={"id": "organization/nowhere"}).status_code == 404
    proposed = checked(
        httpx.get(base + "/extend/propose", params={"type": GL + "PublicBody"}),
        version,
        "data-extension-property-proposal.json",
    )
    assert GL + "partitaIVA" in [p["id"] for p in proposed["properties"]] and proposed["type"] == GL + "PublicBody"
    limited = checked(
        httpx.get(base + "/extend/propose", params={"type": GL + "PublicBody", "limit": "2"}),
        version,
        "data-extension-property-proposal.json",
    )
    assert len(limited["properties"]) == 2 and limited["limit"] == 2


def test_entity_suggestions_find_an_entity_by_its_id_and_page_on(server: RunningServer) -> None:
    def suggest(kind: str, **params: str) -> list[Any]:
        answer = checked(
            httpx.get(server.url + V1 + "/suggest/" + kind, params=params), "1.0-draft", SUGGEST_SCHEMAS[kind]
        )
        return list(answer["result"])

    assert suggest("entity", prefix="organization/sercop")[0]["id"] == "organization/sercop"
    assert suggest("type", prefix="PublicBody")[0]["id"] == GL + "PublicBody"
    everything = suggest("type", prefix="")  # an empty prefix lists every type
    assert len(everything) > 4
    assert suggest("type", prefix="", limit="2", offset="2") == everything[2:4]
    assert suggest("entity", prefix="") == []


def test_extension_in_each_version_s_shape(server: RunningServer) -> None:
    query = {
        "ids": ["organization/sercop", "organization/comune-novara"],
        "properties": [{"id": GL + "partitaIVA"}, {"id": GL + "istatCode"}],
    }
    for version in ("0.2", "1.0-draft"):
        assert_valid(version, "data-extension-query.json", query)
    legacy = checked(httpx.post(server.url + "reconcile/extend", json=query), "0.2", "data-extension-response.json")
    assert legacy["rows"]["organization/sercop"][GL + "partitaIVA"] == [{"str": "05728560961"}]
    assert legacy["rows"]["organization/comune-novara"][GL + "istatCode"] == [{"str": "003106"}]
    assert legacy["meta"][0] == {"id": GL + "partitaIVA", "name": "partita IVA"}
    # OpenRefine's own way: `extend=` at the 0.2 root.
    openrefine = checked(
        httpx.post(server.url + "reconcile", data={"extend": json.dumps(query)}), "0.2", "data-extension-response.json"
    )
    assert openrefine == legacy
    current = checked(httpx.post(server.url + V1 + "/extend", json=query), "1.0-draft", "data-extension-response.json")
    assert [row["id"] for row in current["rows"]] == query["ids"]
    assert current["rows"][1]["properties"] == [
        {"id": GL + "partitaIVA", "values": []},
        {"id": GL + "istatCode", "values": [{"str": "003106"}]},
    ]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_preview_is_a_whole_page_that_scales_with_the_reader_s_settings(server: RunningServer) -> None:
    response = httpx.get(server.url + V1 + "/preview", params={"id": "organization/sercop"})
    assert response.headers["content-type"].startswith("text/html")
    page = _Page()
    page.feed(response.text)
    assert ("html", {"lang": "it"}) in page.tags and "title" in [tag for tag, _ in page.tags]
    assert "px" not in response.text  # no fixed font sizes (the 1.0 draft's accessibility section)
    assert ("a", {"href": server.url + "id/organization/sercop", "target": "_blank"}) in page.tags


@pytest.mark.parametrize("route", ["reconcile", V1])
def test_cors_on_reconcile(server: RunningServer, route: str) -> None:
    response = httpx.get(server.url + route, headers={"Origin": "http://127.0.0.1:3333"})
    assert response.headers["access-control-allow-origin"] == "*"
