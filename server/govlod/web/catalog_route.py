"""`/catalog`: the DCAT-AP_IT catalog in Turtle, RDF/XML or JSON-LD, or as a page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from govlod.catalog import catalog_triples
from govlod.documents import Document
from govlod.media import HTML
from govlod.rendering import render_rdf
from govlod.web.documents import choose, not_acceptable, not_modified, representation_headers
from govlod.web.pages import page_language, render
from govlod.web.resource_page import resource_view
from govlod.web.runtime import Runtime

CATALOG_PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "spdx": "http://spdx.org/rdf/terms#",
}


async def catalog(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    _, media, negotiated = choose(request, "catalog" + request.path_params.get("suffix", ""))
    if media is None:
        return not_acceptable()
    headers = representation_headers(runtime, f"{request.base_url}catalog", media, negotiated)
    if not_modified(request, runtime, headers):
        return Response(status_code=304, headers=headers)
    triples = await catalog_triples(runtime.queries, runtime.info, str(request.base_url))
    if media is HTML:
        iri = f"{runtime.settings.base_iri}id/catalog/govlod"
        page = render(
            request,
            "resource.html",
            view=resource_view(Document(iri, triples), page_language(request), runtime.prefixes["gl"]),
            governance=None,
            alternates=[],
        )
        page.headers.update(headers)
        return page
    body = render_rdf(triples, media, {**CATALOG_PREFIXES, **runtime.prefixes})
    return Response(body, media_type=media.content_type, headers=headers)


ROUTES = [
    Route("/catalog", catalog, methods=["GET", "HEAD"], name="catalog"),
    Route("/catalog{suffix:path}", catalog, methods=["GET", "HEAD"], name="catalog-file"),
]
