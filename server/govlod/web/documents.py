"""Dereferencing: `/id/{path}` answers 303 to `/doc/{path}.{ext}`, chosen by Accept; `/doc/` serves
the document in the negotiated or suffixed format, with validators for caches."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

import pyoxigraph as ox
from pyoxigraph import NamedNode
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from govlod.documents import INCOMING_PAGE, Document, read_document
from govlod.governance import GovernanceView, governance_view
from govlod.media import BY_NAME, HTML, MediaFormat, UnknownFormat, by_name, negotiate
from govlod.rendering import render_rdf
from govlod.web.pages import page_language, render
from govlod.web.resource_page import resource_view
from govlod.web.runtime import Runtime

HYDRA_NEXT = ox.NamedNode("http://www.w3.org/ns/hydra/core#next")
PAGE_READERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="page-reader")

# The first is the answer to a client that states no preference (no Accept, or */*).
DOCUMENT_FORMATS: tuple[MediaFormat, ...] = tuple(
    BY_NAME[n] for n in ("turtle", "jsonld", "rdfxml", "ntriples", "html")
)
BY_EXTENSION = {media.extension: media for media in DOCUMENT_FORMATS}


def not_acceptable() -> Response:
    names = ", ".join(m.media_type for m in DOCUMENT_FORMATS)
    return PlainTextResponse(
        f"406: no acceptable format; available: {names}\n", status_code=406, headers={"Vary": "Accept"}
    )


# What a path segment may hold unencoded (RFC 3986 pchar, and "/" between segments).
PATH_CHARACTERS = "/:@!$&'()*+,;=-._~"


def resource_iri(runtime: Runtime, path: str) -> ox.NamedNode | None:
    """The IRI a path under /id/ or /doc/ names, or None when no IRI can hold it (a space, `<`, a
    control character...): the path reaches the store only as a checked term, never as query text."""
    if not path:
        return None
    try:
        return ox.NamedNode(f"{runtime.settings.base_iri}id/{path}")
    except ValueError:
        return None


def address(path: str) -> str:
    """The path as it goes back into a header (Location, Link): percent-encoded ASCII."""
    return quote(path, safe=PATH_CHARACTERS)


def not_found(request: Request, runtime: Runtime, iri: str, media: MediaFormat) -> Response:
    """404 in the negotiated format: the page for a browser, an empty document for an RDF client."""
    if media is HTML:
        return render(request, "not_found.html", status=404, iri=iri)
    empty = render_rdf([], media, runtime.prefixes)
    return Response(empty, status_code=404, media_type=media.content_type, headers={"Vary": "Accept"})


async def identifier(request: Request) -> Response:
    """303 See Other from the thing's IRI to the document that describes it."""
    media = negotiate(request.headers.get("accept"), DOCUMENT_FORMATS)
    if media is None:
        return not_acceptable()
    runtime: Runtime = request.app.state.runtime
    path = request.path_params["path"]
    if resource_iri(runtime, path) is None:
        return not_found(request, runtime, f"{runtime.settings.base_iri}id/{path}", media)
    location = f"{request.base_url}doc/{address(path)}.{media.extension}"
    return Response(status_code=303, headers={"Location": location, "Vary": "Accept"})


def choose(request: Request, path: str) -> tuple[str, MediaFormat | None, bool]:
    """The resource path, the format, and whether the format was negotiated (not named)."""
    stem, dot, extension = path.rpartition(".")
    if dot and extension in BY_EXTENSION:
        return stem, BY_EXTENSION[extension], False
    asked = request.query_params.get("format")
    if asked:
        try:
            media = by_name(asked)
        except UnknownFormat:
            return path, None, False
        return path, media if media in DOCUMENT_FORMATS else None, False
    return path, negotiate(request.headers.get("accept"), DOCUMENT_FORMATS), True


def _not_modified(request: Request, etag: str, modified: datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def representation_headers(runtime: Runtime, base: str, media: MediaFormat, negotiated: bool) -> dict[str, str]:
    """Validators, Vary, Link to the other formats and, when negotiated, Content-Location."""
    info = runtime.info
    modified = datetime.fromisoformat(info.built_at)
    headers = {
        # The build, not only the content version: provenance records which build loaded the data.
        "ETag": f'"{runtime.build_id}-{media.extension}"',
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Vary": "Accept, Accept-Language" if media is HTML else "Accept",
        "Cache-Control": "public, max-age=300",
        "Link": ", ".join(
            f'<{base}.{other.extension}>; rel="alternate"; type="{other.media_type}"'
            for other in DOCUMENT_FORMATS
            if other is not media
        ),
    }
    if negotiated:
        headers["Content-Location"] = f"{base}.{media.extension}"
    return headers


def not_modified(request: Request, runtime: Runtime, headers: dict[str, str]) -> bool:
    return _not_modified(request, headers["ETag"], datetime.fromisoformat(runtime.info.built_at))


def links_page(request: Request) -> int | None:
    """The page of links to the resource a page shows (`?links=N`, from 1), None if not a page number."""
    asked = request.query_params.get("links", "1")
    return int(asked) if asked.isascii() and asked.isdigit() and 0 < int(asked) < 10**9 else None


def onward(found: Document, page_url: str, page: int) -> list[ox.Triple]:
    """`hydra:next` from this page of the document to the next, when more links point to the
    resource than one page holds (a law, a Region, a role): the document never carries them all."""
    if not found.more_links:
        return []
    try:
        here = ox.NamedNode(page_url if page == 1 else f"{page_url}?links={page}")
        return [ox.Triple(here, HYDRA_NEXT, ox.NamedNode(f"{page_url}?links={page + 1}"))]
    except ValueError:  # a Host header no IRI can hold: the page is served without the onward link
        return []


def _read(
    runtime: Runtime, build_id: str, iri: str, media: MediaFormat, lang: str, page: int
) -> tuple[Document, GovernanceView | None]:
    """The document of `iri` and, for a page, what it shows of the resource's governance."""
    found = read_document(
        runtime.reads,
        build_id,
        iri,
        with_incoming=True,
        incoming_offset=(page - 1) * INCOMING_PAGE,
        # A page shows each link by its source's label; an RDF client reads the source's own document.
        labelled_links=media is HTML,
    )
    if media is not HTML or not found.exists:
        return found, None
    own = {t.predicate.value for t in found.triples if isinstance(t.subject, NamedNode) and t.subject.value == iri}
    incoming = set(found.incoming_counts)
    return found, governance_view(runtime.reads, build_id, iri, runtime.prefixes["gl"], lang, own, incoming)


async def document(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    path, media, negotiated = choose(request, request.path_params["path"])
    if media is None:
        return not_acceptable()
    resource = resource_iri(runtime, path)
    if resource is None:
        return not_found(request, runtime, f"{runtime.settings.base_iri}id/{path}", media)
    build_id = runtime.build_id
    iri = resource.value
    base = f"{request.base_url}doc/{address(path)}"
    headers = representation_headers(runtime, base, media, negotiated)
    if not_modified(request, runtime, headers):
        return Response(status_code=304, headers=headers)
    lang = page_language(request)
    links = links_page(request)
    if links is None:
        return PlainTextResponse("400: links must be a page number (1, 2, ...)\n", status_code=400)
    key = ("document", build_id, iri, media.name, lang if media is HTML else "", links)
    cached = runtime.cache.get(key)
    if cached is not None:
        return Response(cached[0], media_type=cached[1], headers=headers)
    if runtime.reads.blocking:
        # A remote store's reads wait on the network: off the event loop, on a few threads.
        loop = asyncio.get_running_loop()
        found, governance = await loop.run_in_executor(PAGE_READERS, _read, runtime, build_id, iri, media, lang, links)
    else:
        # In the embedded store a document, and a page's governance queries, are index lookups of
        # a fraction of a millisecond: handing them to a thread cost more than reading them (a
        # page took 3.6 ms instead of 1.4 ms at 1M triples), as the thread and the event loop
        # then wait for each other's turn with the GIL.
        found, governance = _read(runtime, build_id, iri, media, lang, links)
    if not found.exists:
        return not_found(request, runtime, iri, media)
    if media is HTML:
        alternates = [(m.media_type, f"{base}.{m.extension}") for m in DOCUMENT_FORMATS if m is not HTML]
        page = render(
            request,
            "resource.html",
            view=resource_view(found, lang, runtime.prefixes["gl"]),
            governance=governance,
            alternates=alternates,
        )
        page.headers.update(headers)
        runtime.cache.put(key, bytes(page.body), media.content_type)
        return page
    page_url = f"{base}.{media.extension}"
    body = render_rdf(found.with_links() + onward(found, page_url, links), media, runtime.prefixes)
    runtime.cache.put(key, body, media.content_type)
    return Response(body, media_type=media.content_type, headers=headers)


ROUTES = [
    Route("/id/{path:path}", identifier, methods=["GET", "HEAD"], name="identifier"),
    Route("/doc/{path:path}", document, methods=["GET", "HEAD"], name="document"),
]
