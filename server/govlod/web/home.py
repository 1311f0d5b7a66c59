"""The home page (what the dataset is, its counts, publishers and entry points) and `/search`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from govlod.media import BY_NAME, HTML, negotiate
from govlod.search import LabelIndex
from govlod.web.pages import page_language, render
from govlod.web.runtime import Runtime

LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SKOS = "<http://www.w3.org/2004/02/skos/core#"
HOME_ROWS = 5000  # at most this many entries per list on the home page


def _entries_query(class_iri: str, lang: str) -> str:
    return f"""SELECT ?item (SAMPLE(?l) AS ?label) WHERE {{ ?item a <{class_iri}> ; {LABEL} ?l .
        FILTER (LANG(?l) = "{lang}" || LANG(?l) = "it") }} GROUP BY ?item ORDER BY ?label"""


async def home(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    lang = page_language(request)
    gl = runtime.prefixes["gl"]
    org = "http://www.w3.org/ns/org#"
    counts = (
        await runtime.executor.select(
            f"""SELECT
              (COUNT(DISTINCT ?body) AS ?bodies) (COUNT(DISTINCT ?table) AS ?tables) (COUNT(DISTINCT ?seat) AS ?seats)
              WHERE {{ {{ ?body a <{gl}PublicBody> }} UNION {{ ?table a <{gl}GovernanceTable> }}
                       UNION {{ ?seat a <{org}Post> }} }}""",
        )
    )[0]
    sections = [
        ("tables", "Tavoli di governance", "Governance tables", f"{gl}GovernanceTable"),
        (
            "collaborations",
            "Coordinamenti e strutture di governo",
            "Coordinations and governance structures",
            f"{org}OrganizationalCollaboration",
        ),
        ("bodies", "Enti pubblici", "Public bodies", f"{gl}PublicBody"),
        ("laws", "Norme", "Laws", "http://data.europa.eu/eli/ontology#LegalResource"),
    ]
    entries = [
        (
            key,
            title_it if lang == "it" else title_en,
            await runtime.executor.select(_entries_query(class_iri, lang), HOME_ROWS),
        )
        for key, title_it, title_en, class_iri in sections
    ]
    publishers = await runtime.executor.select(
        f"""SELECT DISTINCT ?publisher ?label WHERE {{
              ?page a <{gl}SourcePage> ; <http://purl.org/dc/terms/publisher> ?publisher .
              ?publisher {LABEL} ?label . FILTER (LANG(?label) = "{lang}") }} ORDER BY ?label""",
        HOME_ROWS,
    )
    page = render(request, "home.html", info=runtime.info, counts=counts, entries=entries, publishers=publishers)
    page.headers["Link"] = f'<{request.base_url}.well-known/void>; rel="describedby"; type="text/turtle"'
    return page


async def _index(runtime: Runtime) -> LabelIndex:
    index: LabelIndex | None = runtime.for_build("label-index")
    if index is None:
        rows = await runtime.executor.select(
            f"""SELECT ?s ?l WHERE {{ ?s {LABEL}|{SKOS}prefLabel>|{SKOS}altLabel> ?l . FILTER (isIRI(?s)) }}""",
            max_rows=1_000_000,
        )
        index = runtime.keep_for_build("label-index", LabelIndex([(r["s"], r["l"]) for r in rows]))
    return index


async def search(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    query = request.query_params.get("q", "").strip()
    hits = (await _index(runtime)).search(query) if query else []
    media = negotiate(request.headers.get("accept"), (HTML, BY_NAME["json"]))
    if request.query_params.get("format") == "json" or media is not HTML:
        return JSONResponse({"query": query, "results": [h.__dict__ for h in hits]})
    return render(request, "search.html", query=query, hits=hits)


ROUTES = [
    Route("/", home, methods=["GET", "HEAD"], name="home"),
    Route("/search", search, methods=["GET", "HEAD"], name="search"),
]
