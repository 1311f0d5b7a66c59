"""For crawlers: `/robots.txt` pointing to `/sitemap.xml`, which lists every document page."""

from __future__ import annotations

from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from govlod.web.runtime import Runtime

SITEMAP_LIMIT = 50_000  # the sitemap protocol's limit for one file


async def robots(request: Request) -> Response:
    return PlainTextResponse(f"User-agent: *\nAllow: /\nSitemap: {request.base_url}sitemap.xml\n")


async def sitemap(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    space = f"{runtime.settings.base_iri}id/"
    query = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{space}")) }} ORDER BY ?s'
    paths = [row["s"][len(space) :] for row in await runtime.executor.select(query, SITEMAP_LIMIT)]
    lastmod = runtime.info.built_at[:10]
    entries = [
        f"{request.base_url}",
        f"{request.base_url}ontology",
        *(f"{request.base_url}doc/{p}.html" for p in paths),
    ]
    urls = "".join(f"<url><loc>{escape(url)}</loc><lastmod>{lastmod}</lastmod></url>\n" for url in entries)
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    return Response(xml, media_type="application/xml")


ROUTES = [
    Route("/robots.txt", robots, methods=["GET", "HEAD"], name="robots"),
    Route("/sitemap.xml", sitemap, methods=["GET", "HEAD"], name="sitemap"),
]
