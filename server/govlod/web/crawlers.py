"""For crawlers: `/robots.txt` names the sitemap index `/sitemap.xml`, which lists the sitemap files
under `/sitemaps/`: one of the site's own pages and one per SITEMAP_URLS resources, gzip-compressed.

The sitemaps protocol allows 50,000 URLs and 50 MB (uncompressed) per file; a resource's page URL
is well under 1 KB, so 50,000 of them stay under the byte limit too. Every resource of the finding
aid is listed exactly once, in its stable order, so a file's contents only change with a build.
"""

from __future__ import annotations

import gzip
from xml.sax.saxutils import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from govlod.web.home import SECTIONS
from govlod.web.runtime import Runtime

SITEMAP_URLS = 50_000  # the protocol's limit for one file
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
GZIP = "application/gzip"
GZIP_LEVEL = 6


async def robots(request: Request) -> Response:
    return PlainTextResponse(f"User-agent: *\nAllow: /\nSitemap: {request.base_url}sitemap.xml\n")


def _files(runtime: Runtime) -> int:
    """How many files the resources take."""
    return -(-runtime.release_index().count() // SITEMAP_URLS)


def _lastmod(runtime: Runtime) -> str:
    return runtime.info.built_at[:10]


def _file_dates(runtime: Runtime) -> list[tuple[str, str]]:
    """Each sitemap file with the latest date of change of what it lists."""
    index = runtime.release_index()
    built = _lastmod(runtime)
    return [("pages.xml.gz", built)] + [
        (f"resources-{n}.xml.gz", index.last_change((n - 1) * SITEMAP_URLS, SITEMAP_URLS) or built)
        for n in range(1, _files(runtime) + 1)
    ]


async def sitemap_index(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    dated = await run_in_threadpool(_file_dates, runtime)
    entries = "".join(
        f"<sitemap><loc>{request.base_url}sitemaps/{name}</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
        for name, lastmod in dated
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NAMESPACE}">\n{entries}</sitemapindex>\n'
    return Response(xml, media_type="application/xml")


def _urlset(urls: list[tuple[str, str]]) -> bytes:
    """A gzip-compressed sitemap of (URL, date of its last change)."""
    entries = "".join(f"<url><loc>{escape(url)}</loc><lastmod>{lastmod}</lastmod></url>\n" for url, lastmod in urls)
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n{entries}</urlset>\n'
    return gzip.compress(xml.encode(), GZIP_LEVEL, mtime=0)


def _resources_file(runtime: Runtime, root: str, number: int) -> bytes | None:
    """The gzip-compressed sitemap of the `number`th SITEMAP_URLS resources, None past the last."""
    if not 1 <= number <= _files(runtime):
        return None
    space = f"{runtime.settings.base_iri}id/"
    dated = runtime.release_index().dated_iris((number - 1) * SITEMAP_URLS, SITEMAP_URLS)
    return _urlset([(f"{root}doc/{iri.removeprefix(space)}.html", changed) for iri, changed in dated])


async def sitemap_file(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    name, root = request.path_params["name"], str(request.base_url)
    key = ("sitemap", runtime.build_id, root, name)
    cached = runtime.cache.get(key)
    if cached is not None:
        return Response(cached[0], media_type=cached[1])
    body: bytes | None = None
    if name == "pages.xml.gz":
        lists = [f"{root}browse/{key}" for key, *_ in SECTIONS]
        built = _lastmod(runtime)
        body = _urlset([(url, built) for url in (root, f"{root}ontology", f"{root}sparql", *lists)])
    elif name.startswith("resources-") and name.endswith(".xml.gz"):
        number = name.removeprefix("resources-").removesuffix(".xml.gz")
        if number.isascii() and number.isdigit():
            body = await run_in_threadpool(_resources_file, runtime, root, int(number))
    if body is None:
        return PlainTextResponse(f"404: no sitemap file {name}\n", status_code=404)
    runtime.cache.put(key, body, GZIP)
    return Response(body, media_type=GZIP)


ROUTES = [
    Route("/robots.txt", robots, methods=["GET", "HEAD"], name="robots"),
    Route("/sitemap.xml", sitemap_index, methods=["GET", "HEAD"], name="sitemap"),
    Route("/sitemaps/{name}", sitemap_file, methods=["GET", "HEAD"], name="sitemap-file"),
]
