"""`/reconcile`: the W3C Reconciliation Service API, protocol 0.2 (as OpenRefine speaks it) at the
root, and the 1.0 draft's routes under it (match, suggest, preview, extend)."""

from __future__ import annotations

import json
from html import escape
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from govlod.reconciliation import Candidate, Entity, reconcile
from govlod.search import normalise
from govlod.web.runtime import Runtime

IDENTIFIERS = ("partitaIVA", "codiceFiscale", "ipaCode", "istatCode")
TYPES = {  # local name in the vocabulary (or full IRI) -> (Italian name, English name)
    "PublicBody": ("Ente pubblico", "Public body"),
    "Coordination": ("Coordinamento", "Coordination"),
    "GovernanceStructure": ("Struttura di governo", "Governance structure"),
    "GovernanceTable": ("Tavolo di governance", "Governance table"),
    "PlanningOffice": ("Ufficio di Piano", "Planning office"),
    "http://www.w3.org/ns/org#Post": ("Posto", "Seat or post"),
    "http://www.w3.org/ns/org#Organization": ("Organizzazione", "Organization"),
    "http://data.europa.eu/eli/ontology#LegalResource": ("Norma", "Law"),
}
SERVICE_ERROR = {"error": "bad request"}


def _vocab(runtime: Runtime) -> str:
    return runtime.prefixes["gl"]


def _type_iri(runtime: Runtime, key: str) -> str:
    return key if key.startswith(("http://", "https://")) else _vocab(runtime) + key


def _short(runtime: Runtime, iri: str) -> str:
    """Entity ids are paths in the identifier space: `organization/sercop`."""
    return iri.removeprefix(f"{runtime.settings.base_iri}id/")


def _types_of(runtime: Runtime, entity: Entity) -> list[dict[str, str]]:
    return [
        {"id": _type_iri(runtime, k), "name": names[0]}
        for k, names in TYPES.items()
        if _type_iri(runtime, k) in entity.types
    ]


def _kind_names(runtime: Runtime, kinds: tuple[str, ...]) -> list[str]:
    return [names[0] for k, names in TYPES.items() if _type_iri(runtime, k) in kinds]


def _candidate(runtime: Runtime, c: Candidate) -> dict[str, Any]:
    answer = {
        "id": _short(runtime, c.entity.iri),
        "name": c.name,
        "score": c.score,
        "match": c.match,
        "type": _types_of(runtime, c.entity),
    }
    if c.entity.context:  # what tells this "Tavolo Politico" from the others
        answer["description"] = c.entity.context
    return answer


def _run(runtime: Runtime, query: dict[str, Any]) -> list[Candidate]:
    text = str(query.get("query", ""))
    types = query.get("type")
    type_list = [types] if isinstance(types, str) else list(types or [])
    properties = []
    for prop in query.get("properties", []) or []:
        pid, value = str(prop.get("pid", "")), prop.get("v")
        value = value.get("id") if isinstance(value, dict) else value
        if pid and value is not None:
            properties.append((_type_iri(runtime, pid), str(value)))
    limit = int(query.get("limit", 5) or 5)
    pool = runtime.release_index().candidates(text, properties)
    return reconcile(pool, text, [_type_iri(runtime, t) for t in type_list], properties, limit)


def _answer(runtime: Runtime, queries: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The candidates of each query of a batch (blocking index reads: run off the event loop)."""
    return [[_candidate(runtime, c) for c in _run(runtime, query)] for query in queries]


def manifest(request: Request, runtime: Runtime) -> dict[str, Any]:
    server = str(request.base_url)
    return {
        "versions": ["0.2", "1.0-draft"],
        "name": "govlod: enti e tavoli della programmazione sociale",
        "identifierSpace": f"{runtime.settings.base_iri}id/",
        "schemaSpace": _vocab(runtime),
        "defaultTypes": [{"id": _type_iri(runtime, k), "name": names[0]} for k, names in TYPES.items()],
        "view": {"url": server + "id/{{id}}"},
        "preview": {"url": server + "reconcile/preview?id={{id}}", "width": 420, "height": 200},
        "suggest": {
            "entity": {"service_url": server + "reconcile", "service_path": "/suggest/entity"},
            "type": {"service_url": server + "reconcile", "service_path": "/suggest/type"},
            "property": {"service_url": server + "reconcile", "service_path": "/suggest/property"},
        },
        "extend": {
            "propose_properties": {"service_url": server + "reconcile", "service_path": "/extend/propose"},
            "property_settings": [],
        },
    }


async def _form_or_query(request: Request, name: str) -> str | None:
    if request.method == "POST":
        try:
            form = dict(parse_qsl((await request.body()).decode("utf-8")))
        except UnicodeDecodeError:
            form = {}
        if name in form:
            return form[name]
    return request.query_params.get(name)


async def root(request: Request) -> Response:
    """Protocol 0.2: the manifest, or a batch of queries in `queries=` (GET or POST form)."""
    runtime: Runtime = request.app.state.runtime
    raw = await _form_or_query(request, "queries")
    extend = await _form_or_query(request, "extend")
    if raw is None and extend is None:
        return JSONResponse(manifest(request, runtime))
    try:
        if extend is not None:
            return JSONResponse(await _extend(runtime, json.loads(extend)))
        batch = json.loads(raw or "")
        if not isinstance(batch, dict):
            raise ValueError("queries must be a JSON object of named queries")
    except (ValueError, TypeError, AttributeError) as error:
        return JSONResponse({"error": f"bad request: {error}"}, status_code=400)
    for key, query in batch.items():
        if not isinstance(query, dict):
            return JSONResponse({"error": f"bad request: query {key} is not an object"}, status_code=400)
    results = await run_in_threadpool(_answer, runtime, list(batch.values()))
    return JSONResponse({key: {"result": result} for key, result in zip(batch, results, strict=True)})


async def match(request: Request) -> Response:
    """Protocol 1.0 draft: POST a JSON body {"queries": [...]} with name and property conditions."""
    runtime: Runtime = request.app.state.runtime
    try:
        body = json.loads(await request.body())
        queries = body["queries"]
        assert isinstance(queries, list)
    except (ValueError, KeyError, TypeError, AssertionError):
        return JSONResponse({"error": 'bad request: a JSON body {"queries": [...]} is expected'}, status_code=400)
    legacy_queries = []
    for query in queries:
        conditions = query.get("conditions", [])
        name = next((c.get("propertyValue") for c in conditions if c.get("matchType") == "name"), "")
        properties = [
            {"pid": c.get("propertyId"), "v": c.get("propertyValue")}
            for c in conditions
            if c.get("matchType") == "property"
        ]
        legacy_queries.append(
            {"query": name, "type": query.get("type"), "limit": query.get("limit", 5), "properties": properties}
        )
    results = await run_in_threadpool(_answer, runtime, legacy_queries)
    return JSONResponse({"results": [{"candidates": candidates} for candidates in results]})


async def suggest(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    kind = request.path_params["kind"]
    prefix = normalise(request.query_params.get("prefix", ""))
    if kind == "entity":
        hits, _ = await run_in_threadpool(runtime.release_index().search, prefix, "it", None, 20) if prefix else ([], 0)
        result = [
            {
                "id": _short(runtime, hit.iri),
                "name": hit.label,
                "description": " — ".join(
                    part for part in (hit.context, ", ".join(_kind_names(runtime, hit.kinds))) if part
                ),
            }
            for hit in hits
        ]
    elif kind == "type":
        result = [
            {"id": _type_iri(runtime, k), "name": v[0]} for k, v in TYPES.items() if prefix in normalise(" ".join(v))
        ]
    elif kind == "property":
        result = [{"id": _vocab(runtime) + p, "name": p} for p in IDENTIFIERS if prefix in normalise(p)]
    else:
        return JSONResponse({"error": f"no suggest service '{kind}'"}, status_code=404)
    return JSONResponse({"result": result})


async def preview(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    wanted = f"{runtime.settings.base_iri}id/{request.query_params.get('id', '')}"
    entity = await run_in_threadpool(runtime.release_index().entity, wanted)
    if entity is None or not entity.names:
        return HTMLResponse("<p>Non trovato / Not found</p>", status_code=404)
    types = ", ".join(t["name"] for t in _types_of(runtime, entity))
    identifiers = "".join(
        f"<li>{escape(p.rsplit('#', 1)[-1])}: {escape(v)}</li>"
        for p, vs in entity.identifiers.items()
        for v in sorted(vs)
    )
    link = f"{request.base_url}id/{escape(_short(runtime, entity.iri))}"
    html = (
        f'<div style="font:14px sans-serif"><p><a href="{link}" target="_blank">'
        f"<strong>{escape(entity.names[0])}</strong></a></p>"
        f"<p>{escape(types)}</p><ul>{identifiers}</ul></div>"
    )
    return HTMLResponse(html)


async def _extend(runtime: Runtime, request_body: dict[str, Any]) -> dict[str, Any]:
    ids = [str(i) for i in request_body.get("ids", [])]
    wanted = [str(p.get("id")) for p in request_body.get("properties", [])]
    index = runtime.release_index()
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for short in ids:
        entity = await run_in_threadpool(index.entity, f"{runtime.settings.base_iri}id/{short}")
        row: dict[str, list[dict[str, str]]] = {}
        for pid in wanted:
            values = entity.identifiers.get(_type_iri(runtime, pid), set()) if entity else set()
            row[pid] = [{"str": v} for v in sorted(values)]
        rows[short] = row
    return {"meta": [{"id": p, "name": p.rsplit("#", 1)[-1]} for p in wanted], "rows": rows}


async def extend(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        body = json.loads(await request.body())
        assert isinstance(body, dict)
    except (ValueError, AssertionError):
        return JSONResponse(
            {"error": 'bad request: a JSON body {"ids": [...], "properties": [...]} is expected'}, status_code=400
        )
    return JSONResponse(await _extend(runtime, body))


async def propose(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    return JSONResponse(
        {
            "type": request.query_params.get("type", ""),
            "properties": [{"id": _vocab(runtime) + p, "name": p} for p in IDENTIFIERS],
        }
    )


ROUTES = [
    Route("/reconcile", root, methods=["GET", "POST"], name="reconcile"),
    Route("/reconcile/match", match, methods=["POST"], name="reconcile-match"),
    Route("/reconcile/suggest/{kind}", suggest, methods=["GET"], name="reconcile-suggest"),
    Route("/reconcile/preview", preview, methods=["GET"], name="reconcile-preview"),
    Route("/reconcile/extend", extend, methods=["POST"], name="reconcile-extend"),
    Route("/reconcile/extend/propose", propose, methods=["GET"], name="reconcile-propose"),
]
