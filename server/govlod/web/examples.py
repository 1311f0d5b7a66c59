"""The example queries of the query page, one `.rq` file each in `queries/`, also published at
`/sparql/examples` as SPARQL examples in the SIB format (SHACL executables with a comment and the
endpoint they target), which example-aware SPARQL editors and example indexes read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from govlod.media import HTML
from govlod.namespaces import RDF_TYPE
from govlod.rendering import render_rdf
from govlod.sparql.inspect import QueryForm, query_form
from govlod.web.documents import choose, not_acceptable, not_modified, representation_headers
from govlod.web.runtime import Runtime

QUERIES = Path(__file__).parent / "queries"


@dataclass(frozen=True)
class ExampleQuery:
    slug: str
    title_it: str
    title_en: str
    body: str

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_it


def _parse(path: Path) -> ExampleQuery:
    titles: dict[str, str] = {}
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# title") and ":" in line:
            key, value = line[2:].split(":", 1)
            titles[key.strip()] = value.strip()
        else:
            body.append(line)
    return ExampleQuery(
        slug=path.stem,
        title_it=titles["title"],
        title_en=titles.get("title-en", titles["title"]),
        body="\n".join(body).strip() + "\n",
    )


@cache
def example_queries() -> tuple[ExampleQuery, ...]:
    return tuple(_parse(path) for path in sorted(QUERIES.glob("*.rq")))


SH = "http://www.w3.org/ns/shacl#"
SCHEMA = "https://schema.org/"
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
XSD_ANY_URI = ox.NamedNode("http://www.w3.org/2001/XMLSchema#anyURI")
# SHACL-AF's executable class and text property for each query form an example may have.
EXECUTABLES = {
    QueryForm.SELECT: ("SPARQLSelectExecutable", "select"),
    QueryForm.ASK: ("SPARQLAskExecutable", "ask"),
    QueryForm.CONSTRUCT: ("SPARQLConstructExecutable", "construct"),
}
EXAMPLES_PREFIXES = {"sh": SH, "schema": SCHEMA, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}


def used_prefixes(body: str, prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes a query text uses: a name followed by a colon, not part of a variable or of a word."""
    return {name: iri for name, iri in prefixes.items() if re.search(rf"(?<![\w?$:/-]){re.escape(name)}:", body)}


def example_triples(server: str, prefixes: dict[str, str]) -> list[ox.Triple]:
    """Each example as a SHACL executable: the Italian and English titles as comments, the query with
    the PREFIX lines it needs (so that it runs pasted anywhere), and the endpoint it targets."""
    document = f"{server}sparql/examples"
    declarations = ox.NamedNode(f"{document}#prefixes")
    # The serialisers group consecutive triples of one subject: each node's triples are kept together.
    nodes = {name: ox.NamedNode(f"{document}#prefix-{name}") for name in prefixes}
    triples = [ox.Triple(declarations, RDF_TYPE, ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology"))]
    triples += [ox.Triple(declarations, ox.NamedNode(SH + "declare"), node) for node in nodes.values()]
    for name, namespace in prefixes.items():
        triples += [
            ox.Triple(nodes[name], ox.NamedNode(SH + "prefix"), ox.Literal(name)),
            ox.Triple(nodes[name], ox.NamedNode(SH + "namespace"), ox.Literal(namespace, datatype=XSD_ANY_URI)),
        ]
    for example in example_queries():
        form = query_form(example.body)
        if form not in EXECUTABLES:
            raise ValueError(f"{example.slug}.rq: a {form.value} query cannot be published as a SHACL executable")
        cls, text = EXECUTABLES[form]
        node = ox.NamedNode(f"{document}#{example.slug}")
        header = "".join(f"PREFIX {n}: <{i}>\n" for n, i in used_prefixes(example.body, prefixes).items())
        triples += [
            ox.Triple(node, RDF_TYPE, ox.NamedNode(SH + "SPARQLExecutable")),
            ox.Triple(node, RDF_TYPE, ox.NamedNode(SH + cls)),
            ox.Triple(node, RDFS_COMMENT, ox.Literal(example.title_it, language="it")),
            ox.Triple(node, RDFS_COMMENT, ox.Literal(example.title_en, language="en")),
            ox.Triple(node, ox.NamedNode(SH + "prefixes"), declarations),
            ox.Triple(node, ox.NamedNode(SH + text), ox.Literal(header + example.body)),
            ox.Triple(node, ox.NamedNode(SCHEMA + "target"), ox.NamedNode(f"{server}sparql")),
        ]
    return triples


async def examples(request: Request) -> Response:
    """The examples in the negotiated RDF format; people are sent to the query page, which lists them."""
    runtime: Runtime = request.app.state.runtime
    _, media, negotiated = choose(request, "sparql/examples" + request.path_params.get("suffix", ""))
    if media is None:
        return not_acceptable()
    if media is HTML:
        return RedirectResponse(str(request.url_for("sparql")), status_code=303, headers={"Vary": "Accept"})
    headers = representation_headers(runtime, f"{request.base_url}sparql/examples", media, negotiated)
    if not_modified(request, runtime, headers):
        return Response(status_code=304, headers=headers)
    triples = example_triples(str(request.base_url), runtime.prefixes)
    document = {"ex": f"{request.base_url}sparql/examples#"}
    body = render_rdf(triples, media, {**document, **EXAMPLES_PREFIXES, **runtime.prefixes})
    return Response(body, media_type=media.content_type, headers=headers)


ROUTES = [
    Route("/sparql/examples", examples, methods=["GET", "HEAD"], name="sparql-examples"),
    Route("/sparql/examples{suffix:path}", examples, methods=["GET", "HEAD"], name="sparql-examples-file"),
]
