"""The OpenAPI description of the routes FastAPI does not see (plain Starlette routes, chosen for
speed): every public route is described, so clients and API tests know what each accepts."""

from __future__ import annotations

from typing import Any

from govlod.web import sparql
from govlod.web.home import SECTIONS

Parameter = dict[str, Any]

LANG: Parameter = {
    "name": "lang",
    "in": "query",
    "schema": {"type": "string", "enum": ["it", "en"]},
    "description": "language of the page; default: Accept-Language, else Italian",
}
PAGE: Parameter = {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
FORMAT: Parameter = {
    "name": "format",
    "in": "query",
    "schema": {"type": "string"},
    "description": "a format name (turtle, jsonld, rdfxml, ntriples, html) or media type; overrides Accept",
}
LISTS = [key for key, *_ in SECTIONS]  # the lists /browse/{key} serves
SUGGEST_KINDS = ["entity", "type", "property"]


def _in_path(name: str, schema: dict[str, Any] | None = None) -> Parameter:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}


def _in_query(name: str, description: str, required: bool = False, **schema: Any) -> Parameter:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": {"type": "string", **schema},
        "description": description,
    }


def _get(summary: str, parameters: list[Parameter], answers: dict[str, str]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {status: {"description": text} for status, text in answers.items()},
        }
    }


def _post(summary: str, media_type: str, schema: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    return {
        "summary": summary,
        "requestBody": {"required": True, "content": {media_type: {"schema": schema}}},
        "responses": {status: {"description": text} for status, text in answers.items()},
    }


OK = {"200": "the answer"}
DOCUMENT = {"200": "the document", "304": "not modified", "404": "unknown resource", "406": "no acceptable format"}
RECONCILE_ERRORS = {"400": "a malformed request, with its error", "413": "a batch larger than batchSize"}
QUERIES_FORM = {
    "type": "object",
    "properties": {
        "queries": {"type": "string", "description": "a JSON object of named queries"},
        "extend": {"type": "string", "description": "a JSON data extension request"},
    },
}

PATHS: dict[str, dict[str, Any]] = {
    "/sparql": sparql.OPENAPI_PATH,
    "/": _get("Home page: counts of each list, first entries, search box", [LANG], OK),
    "/search": _get(
        "Search names (exact, prefix, words, misspellings), as a page or JSON",
        [
            _in_query("q", "the text to find"),
            _in_query("kind", "one of the lists", enum=LISTS),
            _in_query("within", "the IRI of a body (a Province, a Region): only what lies within its territory"),
            PAGE,
            _in_query("format", "json for JSON; default: by Accept", enum=["json", "html"]),
            LANG,
        ],
        {**OK, "400": "a bad page number, kind or territory"},
    ),
    "/browse/{key}": _get(
        "One list, a hundred entries at a time",
        [_in_path("key", {"type": "string", "enum": LISTS}), PAGE, _in_query("from", "start of the labels"), LANG],
        {**OK, "404": "no such list or page"},
    ),
    "/id/{path}": _get(
        "A thing's IRI: 303 See Other to the document about it, by Accept",
        [_in_path("path")],
        {"303": "the document", "404": "no IRI can hold the path", "406": "no acceptable format"},
    ),
    "/doc/{path}": _get(
        "The document about a thing (suffix .ttl, .jsonld, .rdf, .nt, .html, or by Accept)",
        [_in_path("path"), FORMAT, _in_query("links", "page of incoming links", pattern="^[0-9]+$"), LANG],
        {**DOCUMENT, "400": "a bad page of links"},
    ),
    "/ontology": _get("The vocabulary and code lists (HTML or RDF)", [FORMAT, LANG], DOCUMENT),
    "/catalog": _get("The DCAT-AP_IT catalog", [FORMAT], DOCUMENT),
    "/.well-known/void": _get("VoID description of the dataset", [FORMAT], DOCUMENT),
    "/sparql/examples": _get("The example queries, as SHACL-SPARQL executables", [FORMAT], DOCUMENT),
    "/dumps/": _get("The dumps of the build served, with sizes and checksums", [], OK),
    "/dumps/{name}": _get("One dump", [_in_path("name")], {**OK, "404": "no dump of that name"}),
    "/sitemap.xml": _get("Sitemap index", [], OK),
    "/sitemaps/{name}": _get("One sitemap", [_in_path("name")], {**OK, "404": "no sitemap of that name"}),
    "/robots.txt": _get("Crawling rules", [], OK),
    "/reconcile": {
        **_get(
            "Reconciliation API 0.2 (OpenRefine): the manifest, or a batch in queries=",
            [_in_query("queries", "a JSON object of named queries"), _in_query("extend", "data extension")],
            {**OK, **RECONCILE_ERRORS},
        ),
        "post": _post(
            "Reconciliation API 0.2: a batch of queries or a data extension, as a form",
            "application/x-www-form-urlencoded",
            QUERIES_FORM,
            {**OK, **RECONCILE_ERRORS},
        ),
    },
    "/reconcile/suggest/{kind}": _get(
        "Auto-completion of entities, types or properties",
        [
            _in_path("kind", {"type": "string", "enum": SUGGEST_KINDS}),
            _in_query("prefix", "the start of a name", required=True),
            _in_query("cursor", "entries to skip", pattern="^[0-9]+$"),
        ],
        {**OK, "400": "a bad parameter", "404": "no such suggest service"},
    ),
    "/reconcile/preview": _get(
        "A small page about an entity, to show in a frame",
        [_in_query("id", "the entity's id", required=True)],
        {**OK, "400": "no id given", "404": "unknown entity"},
    ),
    "/reconcile/extend/propose": _get(
        "Properties proposed for data extension of a type",
        [_in_query("type", "the type's id", required=True)],
        {**OK, "400": "a bad parameter"},
    ),
    "/reconcile/v1": _get("Reconciliation API 1.0 draft: the manifest", [], OK),
    "/reconcile/v1/match": {
        "post": _post(
            "Reconciliation API 1.0 draft: a batch of queries",
            "application/json",
            {"type": "object", "properties": {"queries": {"type": "array", "items": {"type": "object"}}}},
            {**OK, **RECONCILE_ERRORS},
        )
    },
}


def add_plain_routes(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema FastAPI made, with the plain routes described."""
    schema["paths"].update(PATHS)
    return schema
