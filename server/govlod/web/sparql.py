"""The `/sparql` route: the SPARQL 1.1 Protocol query operation, the service description, the page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from govlod.media import GRAPH_FORMATS, HTML, RESULT_FORMATS, Kind, negotiate
from govlod.sparql.answering import (
    answer_headers,
    check_query,
    choose_format,
    execute,
    job_for,
    offered_formats,
    refusal,
)
from govlod.sparql.description import service_description
from govlod.sparql.inspect import QueryForm
from govlod.sparql.protocol import ProtocolError, QueryRequest, parse_request
from govlod.stores.interface import QueryFailed, QueryTimeout
from govlod.web.examples import example_queries
from govlod.web.pages import page_language, render
from govlod.web.query_page import PageResult, download_links, run_for_page
from govlod.web.runtime import Runtime

ALLOWED = "GET, HEAD, POST, OPTIONS"
DESCRIPTION_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
    "dct": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def protocol_error(error: ProtocolError) -> Response:
    headers = {"Allow": ALLOWED, **error.headers} if error.status == 405 else error.headers
    return PlainTextResponse(f"{error.status}: {error.message}\n", status_code=error.status, headers=headers)


async def sparql(request: Request) -> Response:
    """The SPARQL 1.1 Protocol query operation (a plain Starlette route: no per-request dependency solving)."""
    if request.method not in ("GET", "HEAD", "POST"):
        return protocol_error(ProtocolError(405, f"{request.method} is not allowed on /sparql; use GET or POST"))
    runtime = _runtime(request)
    accept = request.headers.get("accept")
    # Identical GET requests on the same build are answered before any parsing at all.
    request_key = ("request", runtime.build_id, request.url.query, accept) if request.method != "POST" else None
    if request_key is not None:
        hit = runtime.cache.get(request_key)
        if hit is not None:
            return Response(hit[0], media_type=hit[1], headers=answer_headers(runtime, "hit"))
    parsed = QueryRequest(query=None)
    try:
        body = await request.body() if request.method == "POST" else b""
        parsed = parse_request(
            request.method,
            request.query_params.multi_items(),
            request.headers.get("content-type"),
            body,
        )
        if parsed.query is None:
            return _describe_or_page(request, runtime, parsed, accept)
        form = check_query(runtime, parsed.query)
        media = choose_format(offered_formats(form, html=True), parsed.formats, accept)
        if media is HTML:
            return await _page(request, runtime, parsed, form)
        answer = await execute(runtime, job_for(runtime, parsed, media), media)
    except ProtocolError as error:
        if negotiate(accept, (*RESULT_FORMATS, HTML)) is HTML:
            return await _page(request, runtime, parsed, None, error)
        return protocol_error(error)
    if answer.stream is not None:
        return StreamingResponse(answer.stream, media_type=media.content_type, headers=answer.headers)
    if request_key is not None and answer.body is not None:
        runtime.cache.put(request_key, answer.body, media.content_type)
    return Response(answer.body, media_type=media.content_type, headers=answer.headers)


ROUTES = [Route("/sparql", sparql, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"], name="sparql")]

# The route is plain Starlette, so FastAPI cannot describe it; this is its OpenAPI entry.
OPENAPI_PATH = {
    "get": {
        "summary": "SPARQL 1.1 query (GET), service description or query page",
        "description": "Without `query`: the service description (RDF) or the query page (HTML).",
        "parameters": [
            {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "a SPARQL 1.1 query"},
            {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "format", "in": "query", "schema": {"type": "string"}, "description": "overrides Accept"},
        ],
        "responses": {
            "200": {"description": "results"},
            "400": {"description": "bad query"},
            "406": {"description": "no acceptable format"},
            "503": {"description": "timeout"},
        },
    },
    "post": {
        "summary": "SPARQL 1.1 query (POST, form or direct)",
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"query": {"type": "string"}}}
                },
                "application/sparql-query": {"schema": {"type": "string"}},
            }
        },
        "responses": {
            "200": {"description": "results"},
            "400": {"description": "bad query"},
            "403": {"description": "updates are refused"},
            "415": {"description": "bad content type"},
        },
    },
}


def _describe_or_page(request: Request, runtime: Runtime, parsed: QueryRequest, accept: str | None) -> Response:
    """No query: the service description for RDF clients, the query page for browsers."""
    media = negotiate(accept, (*GRAPH_FORMATS, HTML))
    if parsed.formats:
        media = choose_format((*GRAPH_FORMATS, HTML), parsed.formats, None)
    if media is None:
        names = ", ".join(f.media_type for f in (*GRAPH_FORMATS, HTML))
        return protocol_error(ProtocolError(406, f"nothing acceptable; available: {names}"))
    if media.kind is Kind.PAGE:
        return render(request, "query.html", **_page_context(request, runtime, QueryRequest(None)))
    assert media.rdf is not None
    triples = service_description(
        str(request.url_for("sparql")),
        runtime.info,
        runtime.settings.query_timeout,
        runtime.settings.max_rows,
    )
    items = (
        [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        if media.rdf.supports_datasets
        else triples
    )
    body = ox.serialize(items, format=media.rdf, prefixes=DESCRIPTION_PREFIXES)
    return Response(body, media_type=media.content_type, headers={"Vary": "Accept"})


def _page_context(request: Request, runtime: Runtime, parsed: QueryRequest) -> dict[str, Any]:
    lang = page_language(request)
    prefixes = runtime.prefix_block()
    examples = [
        {"title": e.title(lang), "params": urlencode({"query": prefixes + "\n" + e.body})} for e in example_queries()
    ]
    return {
        "query": parsed.query if parsed.query is not None else prefixes + "\n" + example_queries()[0].body,
        "examples": examples,
        "timeout": f"{runtime.settings.query_timeout:g}",
        "max_rows": runtime.settings.max_rows,
        "endpoint": str(request.url_for("sparql")),
    }


async def _page(
    request: Request,
    runtime: Runtime,
    parsed: QueryRequest,
    form: QueryForm | None,
    error: ProtocolError | None = None,
) -> Response:
    context = _page_context(request, runtime, parsed)
    result: PageResult | None = None
    if error is None and form is not None:
        try:
            result = await run_for_page(runtime, parsed, form)
            context["downloads"] = download_links(parsed, offered_formats(form, html=False))
        except QueryTimeout as timeout:
            error = ProtocolError(503, str(timeout))
        except QueryFailed as failure:
            error = refusal(runtime, failure)
        except ProtocolError as refused:  # too many queries at once
            error = refused
    if error is not None:
        page = render(
            request,
            "query.html",
            status=error.status,
            error=error.message,
            error_status=error.status,
            **context,
        )
        page.headers.update(error.headers)
        return page
    return render(request, "query.html", result=result, **context)
