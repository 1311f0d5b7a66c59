"""`/ontology`: the vocabulary's IRI, dereferenceable. HTML documentation with one anchor per term
(so `…/ontology#Term` lands on its section), or the whole vocabulary and code lists as RDF."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from govlod.media import HTML
from govlod.rendering import render_rdf
from govlod.vocabulary import read_vocabulary, vocabulary_view
from govlod.web.documents import choose, not_acceptable, not_modified, representation_headers
from govlod.web.pages import page_language, render
from govlod.web.runtime import Runtime


async def ontology(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    _, media, negotiated = choose(request, "ontology" + request.path_params.get("suffix", ""))
    if media is None:
        return not_acceptable()
    base = f"{request.base_url}ontology"
    headers = representation_headers(runtime, base, media, negotiated)
    if not_modified(request, runtime, headers):
        return Response(status_code=304, headers=headers)
    lang = page_language(request)
    key = ("ontology", runtime.build_id, media.name, lang if media is HTML else "")
    cached = runtime.cache.get(key)
    if cached is not None:
        return Response(cached[0], media_type=cached[1], headers=headers)
    base_iri = runtime.settings.base_iri
    triples = await read_vocabulary(runtime.queries, base_iri + "graph/")
    if media is HTML:
        alternates = [
            (f"{base}.{ext}", kind)
            for ext, kind in (
                ("ttl", "text/turtle"),
                ("jsonld", "application/ld+json"),
                ("rdf", "application/rdf+xml"),
                ("nt", "application/n-triples"),
            )
        ]
        page = render(
            request, "ontology.html", vocabulary=vocabulary_view(triples, base_iri + "ontology"), alternates=alternates
        )
        page.headers.update(headers)
        runtime.cache.put(key, bytes(page.body), media.content_type)
        return page
    body = render_rdf(triples, media, runtime.prefixes)
    runtime.cache.put(key, body, media.content_type)
    return Response(body, media_type=media.content_type, headers=headers)


ROUTES = [
    Route("/ontology", ontology, methods=["GET", "HEAD"], name="ontology"),
    Route("/ontology{suffix:path}", ontology, methods=["GET", "HEAD"], name="ontology-file"),
]
