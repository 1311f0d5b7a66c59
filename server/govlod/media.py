"""The one table of media types: every format the server reads or writes, and Accept negotiation.

Accept parsing and q-value matching are python-mimeparse's; this module only says which
formats exist, what they are for, and which one wins when a client accepts several equally.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import mimeparse
import pyoxigraph as ox


class Kind(enum.Enum):
    RESULTS = "results"  # SELECT and ASK answers
    GRAPH = "graph"  # RDF: CONSTRUCT/DESCRIBE answers and documents
    PAGE = "page"  # HTML for people


@dataclass(frozen=True)
class MediaFormat:
    name: str
    media_type: str
    kind: Kind
    extension: str
    aliases: tuple[str, ...] = ()
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    w3c_iri: str | None = None
    binary: bool = False

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml", "/json"))
        return f"{self.media_type}; charset=utf-8" if text and not self.binary else self.media_type


_W3C = "http://www.w3.org/ns/formats/"

# Order matters within a kind: when a client accepts several equally, the earlier one wins.
FORMATS: tuple[MediaFormat, ...] = (
    MediaFormat(
        "json",
        "application/sparql-results+json",
        Kind.RESULTS,
        "srj",
        ("srj",),
        results=ox.QueryResultsFormat.JSON,
        w3c_iri=_W3C + "SPARQL_Results_JSON",
    ),
    MediaFormat(
        "xml",
        "application/sparql-results+xml",
        Kind.RESULTS,
        "srx",
        ("srx",),
        results=ox.QueryResultsFormat.XML,
        w3c_iri=_W3C + "SPARQL_Results_XML",
    ),
    MediaFormat(
        "csv",
        "text/csv",
        Kind.RESULTS,
        "csv",
        results=ox.QueryResultsFormat.CSV,
        w3c_iri=_W3C + "SPARQL_Results_CSV",
    ),
    MediaFormat(
        "tsv",
        "text/tab-separated-values",
        Kind.RESULTS,
        "tsv",
        results=ox.QueryResultsFormat.TSV,
        w3c_iri=_W3C + "SPARQL_Results_TSV",
    ),
    MediaFormat(
        "turtle",
        "text/turtle",
        Kind.GRAPH,
        "ttl",
        ("ttl",),
        rdf=ox.RdfFormat.TURTLE,
        w3c_iri=_W3C + "Turtle",
    ),
    MediaFormat(
        "ntriples",
        "application/n-triples",
        Kind.GRAPH,
        "nt",
        ("nt", "n-triples"),
        rdf=ox.RdfFormat.N_TRIPLES,
        w3c_iri=_W3C + "N-Triples",
    ),
    MediaFormat(
        "jsonld",
        "application/ld+json",
        Kind.GRAPH,
        "jsonld",
        ("json-ld",),
        rdf=ox.RdfFormat.JSON_LD,
        w3c_iri=_W3C + "JSON-LD",
    ),
    MediaFormat(
        "rdfxml",
        "application/rdf+xml",
        Kind.GRAPH,
        "rdf",
        ("rdf", "rdf-xml"),
        rdf=ox.RdfFormat.RDF_XML,
        w3c_iri=_W3C + "RDF_XML",
    ),
    MediaFormat("trig", "application/trig", Kind.GRAPH, "trig", rdf=ox.RdfFormat.TRIG, w3c_iri=_W3C + "TriG"),
    MediaFormat(
        "nquads",
        "application/n-quads",
        Kind.GRAPH,
        "nq",
        ("nq", "n-quads"),
        rdf=ox.RdfFormat.N_QUADS,
        w3c_iri=_W3C + "N-Quads",
    ),
    MediaFormat("html", "text/html", Kind.PAGE, "html", ("htm",)),
)

# Older or informal names clients still send, mapped to the formats above.
_MEDIA_ALIASES = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/plain": "ntriples",
    "application/xhtml+xml": "html",
}

BY_NAME: dict[str, MediaFormat] = {}
for _format in FORMATS:
    for _key in (_format.name, _format.extension, _format.media_type, *_format.aliases):
        BY_NAME.setdefault(_key, _format)
for _alias, _name in _MEDIA_ALIASES.items():
    BY_NAME.setdefault(_alias, BY_NAME[_name])

RESULT_FORMATS = tuple(f for f in FORMATS if f.kind is Kind.RESULTS)
GRAPH_FORMATS = tuple(f for f in FORMATS if f.kind is Kind.GRAPH)
HTML = BY_NAME["html"]


class UnknownFormat(ValueError):
    """A `format=` value or file suffix names no format this server has."""


def by_name(name: str) -> MediaFormat:
    """A format from a `format=` value: a short name, an extension or a media type."""
    found = BY_NAME.get(name.strip().lower())
    if found is None:
        raise UnknownFormat(name)
    return found


@functools.lru_cache(maxsize=1024)
def negotiate(accept: str | None, offered: tuple[MediaFormat, ...]) -> MediaFormat | None:
    """The offered format that best fits an Accept header, or None when none is acceptable.

    No Accept header means anything is acceptable and the first offer wins. A header that cannot
    be parsed is treated as absent: refusing a crawler over a typo in its header helps no one.
    Memoised: clients send the same few Accept headers again and again.
    """
    if not offered:
        return None
    if accept is None or not accept.strip():
        return offered[0]
    candidates: list[str] = []
    owner: dict[str, MediaFormat] = {}
    # mimeparse prefers the *last* of equally good candidates, so offer them in reverse.
    for media_format in reversed(offered):
        for media_type in _media_types_of(media_format):
            if media_type not in owner:
                candidates.append(media_type)
                owner[media_type] = media_format
    try:
        best = mimeparse.best_match(candidates, accept)
    except (ValueError, mimeparse.MimeTypeParseException):
        return offered[0]
    return owner.get(best) if best else None


def _media_types_of(media_format: MediaFormat) -> Iterable[str]:
    # Aliases come first so that the canonical type, listed last, wins a tie for its format.
    yield from (alias for alias, name in _MEDIA_ALIASES.items() if BY_NAME[name] is media_format)
    yield media_format.media_type
