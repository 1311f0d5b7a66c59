"""Every kind of reconciliation answer, of both services, against the W3C Entity Reconciliation CG's
JSON Schemas of its version: manifests, query batches, suggestions of entities, types and
properties, previews (their metadata: the page itself has no schema), data extension and property
proposals. Sub-services are reached the way each version's clients find them: from the 0.2
manifest's URLs, or at the routes the 1.0 draft fixes under its root."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.helpers import RunningServer
from tests.web.reconciliation_schemas import SUGGEST_SCHEMAS, VERSIONS, assert_valid, checked, errors, needs_schemas

GL = "https://w3id.org/govlod/ontology#"
ROOTS = {"0.2": "reconcile", "1.0-draft": "reconcile/v1"}
SERCOP = "organization/sercop"

pytestmark = needs_schemas


def _manifest(server: RunningServer, version: str) -> dict[str, Any]:
    manifest: dict[str, Any] = checked(httpx.get(server.url + ROOTS[version]), version, "manifest.json")
    return manifest


def _service(server: RunningServer, version: str, path: str) -> str:
    """The URL of a sub-service: named in the 0.2 manifest, fixed under the 1.0 root."""
    if version == "1.0-draft":
        return server.url + ROOTS[version] + path
    manifest = _manifest(server, version)
    if path.startswith("/suggest/"):
        service = manifest["suggest"][path.removeprefix("/suggest/")]
    else:
        service = manifest["extend"]["propose_properties"]
    return f"{service['service_url']}{service['service_path']}"


# --- the schemas and the registry that resolves their `$ref`s -------------------------------------


def test_relative_refs_between_files_of_one_version_resolve() -> None:
    # `dir` reaches dir.json, `lang` lang.json, from the 1.0 result batch.
    batch = {"results": [{"candidates": [{"id": "x", "name": "x", "dir": "sideways", "lang": 7}]}]}
    problems = errors("1.0-draft", "reconciliation-result-batch.json", batch)
    assert any("'sideways' is not one of" in p for p in problems)
    assert any("7 is not of type 'string'" in p for p in problems)
    # A default type without its name fails 0.2's type.json, reached from its manifest.
    manifest = {
        "versions": ["0.2"],
        "name": "n",
        "identifierSpace": "i",
        "schemaSpace": "s",
        "defaultTypes": [{"id": "t"}],
    }
    assert any("'name' is a required property" in p for p in errors("0.2", "manifest.json", manifest))


@pytest.mark.parametrize("version", VERSIONS)
def test_each_manifest_is_valid_for_its_version_only(server: RunningServer, version: str) -> None:
    manifest = _manifest(server, version)
    assert manifest["versions"] == [version]
    assert isinstance(manifest["batchSize"], int) and manifest["batchSize"] > 0
    other = next(v for v in VERSIONS if v != version)
    assert errors(other, "manifest.json", manifest)


def test_one_manifest_claiming_both_versions_cannot_be_valid(server: RunningServer) -> None:
    both = _manifest(server, "0.2") | {"versions": ["0.2", "1.0-draft"]}
    assert not errors("0.2", "manifest.json", both)
    problems = errors("1.0-draft", "manifest.json", both)
    assert any(p.startswith("suggest/entity") and "is not of type 'boolean'" in p for p in problems)


# --- query batches --------------------------------------------------------------------------------

BATCH_02 = {
    "typed": {"query": "C.I.S.A. Ovest Ticino", "type": GL + "PublicBody", "type_strict": "should", "limit": 3},
    "several types": {"query": "Tavolo Politico", "type": [GL + "GovernanceTable", GL + "Coordination"]},
    "identifier only": {"properties": [{"pid": GL + "partitaIVA", "v": "05728560961"}]},
    "alternatives": {"query": "Sercop", "properties": [{"pid": "partitaIVA", "v": ["99999999990", "05728560961"]}]},
    "reconciled value": {
        "query": "Novara",
        "properties": [{"pid": "istatCode", "v": {"id": "003106", "name": "Novara"}}],
    },
    "nothing": {"query": "zzzz qqqq"},
}


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_0_2_query_batches(server: RunningServer, method: str) -> None:
    assert_valid("0.2", "reconciliation-query-batch.json", BATCH_02)
    payload = {"queries": json.dumps(BATCH_02)}
    url = server.url + ROOTS["0.2"]
    response = httpx.get(url, params=payload) if method == "GET" else httpx.post(url, data=payload)
    answer = checked(response, "0.2", "reconciliation-result-batch.json")
    assert list(answer) == list(BATCH_02)
    assert answer["identifier only"]["result"][0]["id"] == SERCOP
    assert answer["alternatives"]["result"][0]["id"] == SERCOP
    assert answer["reconciled value"]["result"][0]["id"] == "organization/comune-novara"
    assert answer["nothing"]["result"] == []


BATCH_10 = {
    "queries": [
        {
            "conditions": [{"matchType": "name", "propertyValue": "cisa ovest ticino"}],
            "type": GL + "PublicBody",
            "limit": 3,
        },
        {"conditions": [{"matchType": "property", "propertyId": GL + "partitaIVA", "propertyValue": "05728560961"}]},
        {"conditions": [{"matchType": "id", "propertyValue": SERCOP}]},
        {
            "conditions": [
                {"matchType": "name", "propertyValue": "Sercop", "required": True},
                {
                    "matchType": "property",
                    "propertyId": "partitaIVA",
                    "propertyValue": ["99999999990", {"id": "05728560961"}],
                    "matchQuantifier": "any",
                },
            ],
            "lang": "it",
        },
        {"conditions": [{"matchType": "name", "propertyValue": "zzzz qqqq"}]},
    ]
}


@pytest.mark.parametrize("route", ["reconcile/v1/match", "reconcile/match"])
def test_1_0_query_batches(server: RunningServer, route: str) -> None:
    assert_valid("1.0-draft", "reconciliation-query-batch.json", BATCH_10)
    answer = checked(httpx.post(server.url + route, json=BATCH_10), "1.0-draft", "reconciliation-result-batch.json")
    tops = [result["candidates"][0]["id"] if result["candidates"] else None for result in answer["results"]]
    assert tops == ["organization/cisa-ovest-ticino", SERCOP, SERCOP, SERCOP, None]
    # What the 1.0 draft's prose requires beyond its schema: a type and a match decision on each.
    assert all({"type", "match"} <= set(c) for result in answer["results"] for c in result["candidates"])


# --- suggest, preview, data extension, property proposals -----------------------------------------

PREFIXES = {
    "entity": ["serc", "C.I.S.A. ovest", SERCOP, "", "zzzz"],
    "type": ["tavolo", "PublicBody", ""],
    "property": ["iva", GL + "istatCode", ""],
}


@pytest.mark.parametrize("kind", list(SUGGEST_SCHEMAS))
@pytest.mark.parametrize("version", VERSIONS)
def test_suggestions(server: RunningServer, version: str, kind: str) -> None:
    url = _service(server, version, f"/suggest/{kind}")
    for prefix in PREFIXES[kind]:
        params = {"prefix": prefix, "limit": "5"}
        answer = checked(httpx.get(url, params=params), version, SUGGEST_SCHEMAS[kind])
        # An empty prefix lists every type and property, but no entity.
        nothing_expected = kind == "entity" and prefix in ("", "zzzz")
        assert bool(answer["result"]) is not nothing_expected, prefix


@pytest.mark.parametrize("version", VERSIONS)
def test_preview_metadata_and_the_page_it_describes(server: RunningServer, version: str) -> None:
    preview = _manifest(server, version)["preview"]  # validated with the manifest
    assert preview["width"] > 0 and preview["height"] > 0
    if version == "0.2":
        url = preview["url"].replace("{{id}}", quote(SERCOP, safe=""))
    else:
        url = server.url + ROOTS[version] + "/preview?id=" + quote(SERCOP, safe="")
    response = httpx.get(url)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "Sercop" in response.text


EXTENSION = {
    "ids": [SERCOP, "organization/comune-novara", "organization/nowhere"],
    "properties": [{"id": GL + "partitaIVA"}, {"id": "istatCode", "settings": {}}],
}


@pytest.mark.parametrize("how", ["GET extend=", "POST extend=", "POST JSON"])
def test_0_2_data_extension(server: RunningServer, how: str) -> None:
    assert_valid("0.2", "data-extension-query.json", EXTENSION)
    root = server.url + ROOTS["0.2"]
    if how == "GET extend=":
        response = httpx.get(root, params={"extend": json.dumps(EXTENSION)})
    elif how == "POST extend=":
        response = httpx.post(root, data={"extend": json.dumps(EXTENSION)})
    else:
        response = httpx.post(root + "/extend", json=EXTENSION)
    answer = checked(response, "0.2", "data-extension-response.json")
    assert answer["meta"] == [
        {"id": GL + "partitaIVA", "name": "partita IVA"},
        {"id": "istatCode", "name": "codice ISTAT"},
    ]
    assert answer["rows"]["organization/comune-novara"] == {GL + "partitaIVA": [], "istatCode": [{"str": "003106"}]}
    assert answer["rows"]["organization/nowhere"] == {GL + "partitaIVA": [], "istatCode": []}


def test_1_0_data_extension(server: RunningServer) -> None:
    assert_valid("1.0-draft", "data-extension-query.json", EXTENSION)
    response = httpx.post(server.url + ROOTS["1.0-draft"] + "/extend", json=EXTENSION)
    answer = checked(response, "1.0-draft", "data-extension-response.json")
    assert [row["id"] for row in answer["rows"]] == EXTENSION["ids"]
    assert answer["rows"][0]["properties"][0] == {"id": GL + "partitaIVA", "values": [{"str": "05728560961"}]}


@pytest.mark.parametrize("version", VERSIONS)
def test_property_proposals(server: RunningServer, version: str) -> None:
    url = _service(server, version, "/extend/propose")
    for params in ({"type": GL + "PublicBody"}, {"type": GL + "GovernanceTable", "limit": "1"}):
        answer = checked(httpx.get(url, params=params), version, "data-extension-property-proposal.json")
        assert answer["type"] == params["type"] and answer["properties"]
