"""The home page (what the dataset is, its lists with their counts, publishers and entry points),
`/browse/{list}` (a list page by page) and `/search`, all read from the build's finding aid."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from govlod.index.reading import Resource
from govlod.media import BY_NAME, HTML, negotiate
from govlod.web.pages import page_language, render
from govlod.web.runtime import Runtime

LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
PUBLISHERS = 100  # publishers of source pages listed on the home page


# The lists people browse: key in the URL, Italian and English titles, the class listed.
SECTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("tables", "Tavoli di governance", "Governance tables", "{gl}GovernanceTable"),
    (
        "collaborations",
        "Coordinamenti e strutture di governo",
        "Coordinations and governance structures",
        "http://www.w3.org/ns/org#OrganizationalCollaboration",
    ),
    ("regions", "Regioni", "Regions", "{concept}body-kind/regione"),
    ("provinces", "Province", "Provinces", "{concept}body-kind/provincia"),
    ("bodies", "Enti pubblici", "Public bodies", "{gl}PublicBody"),
    ("seats", "Posti ai tavoli", "Seats at the tables", "http://www.w3.org/ns/org#Post"),
    ("laws", "Norme", "Laws", "http://data.europa.eu/eli/ontology#LegalResource"),
)
HOME_ENTRIES = 12  # the first few of each list on the home page; the rest are browsed page by page
BROWSE_PAGE = 100
MAX_START = 100  # characters of `?from=`
SEARCH_PAGE = 20


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    kind: str
    count: int
    entries: list[Resource]


def kind_of(runtime: Runtime, pattern: str) -> str:
    """A list's class or code-list concept, in the namespaces of the build served."""
    return pattern.format(**runtime.prefixes)


def _sections(runtime: Runtime, lang: str, keys: tuple[str, ...], entries: int, offset: int = 0) -> list[Section]:
    """The lists named by `keys` with their counts and `entries` resources from `offset` (blocking)."""
    index = runtime.release_index()
    found = []
    for key, title_it, title_en, kind in SECTIONS:
        if key in keys:
            kind_iri = kind_of(runtime, kind)
            found.append(
                Section(
                    key,
                    title_it if lang == "it" else title_en,
                    kind_iri,
                    index.count(kind_iri),
                    index.listing(kind_iri, offset, entries, lang),
                )
            )
    return found


PUBLISHERS_QUERY = f"""SELECT DISTINCT ?publisher ?label WHERE {{
    ?page a ?kind ; <http://purl.org/dc/terms/publisher> ?publisher .
    ?publisher {LABEL} ?label . FILTER (LANG(?label) = ?lang) }} ORDER BY ?label"""


def _publishers(runtime: Runtime, lang: str) -> list[dict[str, str]]:
    """The publishers of the source pages, read once per build and language in this process: the
    home page must not wait for a query process that visitors' queries keep busy (blocking)."""
    build_id = runtime.build_id
    kind = ox.NamedNode(runtime.prefixes["gl"] + "SourcePage")

    def read() -> list[dict[str, str]]:
        rows = runtime.reads.select(build_id, PUBLISHERS_QUERY, {"kind": kind, "lang": ox.Literal(lang)}, PUBLISHERS)
        return [{name: term.value for name, term in row.items() if not isinstance(term, ox.Triple)} for row in rows]

    return runtime.reads.keep(build_id, f"publishers-{lang}", read)


async def home(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    lang = page_language(request)
    keys = tuple(key for key, *_ in SECTIONS)
    sections = await run_in_threadpool(_sections, runtime, lang, keys, HOME_ENTRIES)
    publishers = await run_in_threadpool(_publishers, runtime, lang)
    page = render(request, "home.html", info=runtime.info, sections=sections, publishers=publishers)
    page.headers["Link"] = f'<{request.base_url}.well-known/void>; rel="describedby"; type="text/turtle"'
    return page


def _page_number(request: Request) -> int | None:
    asked = request.query_params.get("page", "1")
    return int(asked) if asked.isascii() and asked.isdigit() and 0 < int(asked) < 10**7 else None


def _start(request: Request) -> str | None:
    """`?from=`: the start of the sort keys listed (letters, digits and spaces as search compares
    names), "" when not given; None when it is something no key can start with."""
    start = request.query_params.get("from", "")
    return start if len(start) <= MAX_START and all(c.isalnum() or c == " " for c in start) else None


@dataclass(frozen=True)
class Browsing:
    section: Section
    start: str
    count: int
    branches: list[tuple[str, int]]


def _browse(runtime: Runtime, lang: str, key: str, start: str, page: int) -> Browsing:
    """A page of a list: with `start`, the resources whose sort key starts with it in label order
    and, when there are more than a page of them, how they split by the next character."""
    (section,) = _sections(runtime, lang, (key,), 0)
    index = runtime.release_index()
    offset = (page - 1) * BROWSE_PAGE
    if not start and section.count <= BROWSE_PAGE:
        entries = index.listing(section.kind, offset, BROWSE_PAGE, lang)
        return Browsing(replace(section, entries=entries), start, section.count, [])
    count, branches = index.branches(section.kind, start)
    entries = index.listing(section.kind, offset, BROWSE_PAGE, lang, start)
    return Browsing(replace(section, entries=entries), start, count, branches if count > BROWSE_PAGE else [])


async def browse(request: Request) -> Response:
    """One page of one list, in a stable order, with the list's count; a long list splits by the
    start of its labels, a page of branches at a time, so any entry is a few clicks away."""
    runtime: Runtime = request.app.state.runtime
    key = request.path_params["key"]
    page, start = _page_number(request), _start(request)
    if key not in {k for k, *_ in SECTIONS} or page is None or start is None:
        return render(request, "not_found.html", status=404, iri=str(request.url))
    lang = page_language(request)
    browsing = await run_in_threadpool(_browse, runtime, lang, key, start, page)
    pages = max(1, -(-browsing.count // BROWSE_PAGE))
    if page > pages or (start and not browsing.count):
        return render(request, "not_found.html", status=404, iri=str(request.url))
    return render(request, "browse.html", browsing=browsing, section=browsing.section, page=page, pages=pages)


async def search(request: Request) -> Response:
    """Names ranked for people (exact, prefix, words, typos), by kind, a page at a time, HTML or JSON."""
    runtime: Runtime = request.app.state.runtime
    query = request.query_params.get("q", "").strip()
    key = request.query_params.get("kind", "")
    kinds = {k: kind_of(runtime, kind) for k, _, _, kind in SECTIONS}
    page = _page_number(request)
    if page is None or (key and key not in kinds):
        return JSONResponse({"error": "page must be a page number and kind one of " + ", ".join(kinds)}, 400)
    index = runtime.release_index()
    within = request.query_params.get("within") or None
    if within is not None and not await run_in_threadpool(index.knows, within):
        return JSONResponse({"error": "within must be the IRI of a body in the data (a Province, a Region)"}, 400)
    lang = page_language(request)
    offset = (page - 1) * SEARCH_PAGE
    hits, total = (
        await run_in_threadpool(index.search, query, lang, kinds.get(key), SEARCH_PAGE, offset, within)
        if query
        else ([], 0)
    )
    media = negotiate(request.headers.get("accept"), (HTML, BY_NAME["json"]))
    if request.query_params.get("format") == "json" or media is not HTML:
        return JSONResponse(
            {
                "query": query,
                "kind": key or None,
                "within": within,
                "page": page,
                "total": total,
                "results": [
                    {"iri": h.iri, "label": h.label, "context": h.context, "score": h.score, "types": list(h.kinds)}
                    for h in hits
                ],
            }
        )
    pages = max(1, -(-total // SEARCH_PAGE))
    titles = [(k, title_it if lang == "it" else title_en) for k, title_it, title_en, _ in SECTIONS]
    return render(
        request,
        "search.html",
        query=query,
        hits=hits,
        total=total,
        page=page,
        pages=pages,
        kind=key,
        kinds=titles,
        within=within,
        within_label=await run_in_threadpool(_label_of, runtime, within, lang) if within else None,
    )


def _label_of(runtime: Runtime, iri: str, lang: str) -> str:
    """The label of a resource as the finding aid knows it (blocking)."""
    return runtime.release_index().label(iri, lang) or iri


ROUTES = [
    Route("/", home, methods=["GET", "HEAD"], name="home"),
    Route("/search", search, methods=["GET", "HEAD"], name="search"),
    Route("/browse/{key}", browse, methods=["GET", "HEAD"], name="browse"),
]
