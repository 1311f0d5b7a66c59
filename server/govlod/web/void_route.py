"""`/.well-known/void`: the VoID description of the dataset, in the negotiated RDF format."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from govlod.media import GRAPH_FORMATS, negotiate
from govlod.rendering import render_rdf
from govlod.void import void_triples
from govlod.web.documents import not_acceptable
from govlod.web.runtime import Runtime

VOID_PREFIXES = {"void": "http://rdfs.org/ns/void#", "dct": "http://purl.org/dc/terms/"}


async def void(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    formats = GRAPH_FORMATS[:4]  # Turtle, N-Triples, JSON-LD, RDF/XML
    media = negotiate(request.headers.get("accept"), formats)
    if media is None:
        return not_acceptable()
    triples = void_triples(runtime.info, str(request.base_url))
    body = render_rdf(triples, media, {**VOID_PREFIXES, **runtime.prefixes})
    return Response(body, media_type=media.content_type, headers={"Vary": "Accept"})


ROUTES = [Route("/.well-known/void", void, methods=["GET", "HEAD"], name="void")]
