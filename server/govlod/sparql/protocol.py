"""Reading a SPARQL 1.1 Protocol query request from its method, parameters, content type and body."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
UPDATE_REFUSED = "this endpoint answers queries only; the data is changed with 'govlod build'"


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        self.status = status
        self.message = message
        self.headers = headers or {}  # e.g. Retry-After on a 503 for too many queries at once
        super().__init__(message)


@dataclass(frozen=True)
class QueryRequest:
    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # clients such as SPARQLWrapper repeat it, e.g. format=tsv&format=tsv


def _content_type(header: str | None) -> tuple[str, dict[str, str]]:
    if not header:
        return "", {}
    kind, _, rest = header.partition(";")
    parameters = {}
    for part in rest.split(";"):
        name, _, value = part.partition("=")
        if name.strip():
            parameters[name.strip().lower()] = value.strip().strip('"').lower()
    return kind.strip().lower(), parameters


def _one(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in params if key == name]
    if len(values) > 1:
        raise ProtocolError(400, f"the '{name}' parameter was given {len(values)} times; give it once")
    return values[0] if values else None


def parse_request(
    method: str, url_params: Sequence[tuple[str, str]], content_type: str | None, body: bytes
) -> QueryRequest:
    """The query and its dataset, or a ProtocolError with the status the protocol asks for."""
    params = list(url_params)
    query: str | None
    if method in ("GET", "HEAD"):
        if any(key == "update" for key, _ in params):
            raise ProtocolError(403, UPDATE_REFUSED)
        query = _one(params, "query")
    elif method == "POST":
        kind, parameters = _content_type(content_type)
        charset = parameters.get("charset", "utf-8")
        if charset not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"the request body must be UTF-8, not {charset}")
        if kind == UPDATE:
            raise ProtocolError(403, UPDATE_REFUSED)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolError(400, f"the request body is not valid UTF-8 (byte {error.start})") from error
        if kind == FORM:
            params += parse_qsl(text, keep_blank_values=True)
            if any(key == "update" for key, _ in params):
                raise ProtocolError(403, UPDATE_REFUSED)
            query = _one(params, "query")
        elif kind == DIRECT:
            if any(key == "query" for key, _ in params):
                raise ProtocolError(400, "a query sent as the body cannot also be given as 'query='")
            query = text
        elif not kind:
            raise ProtocolError(415, f"a POST needs a Content-Type: {FORM} or {DIRECT}")
        else:
            raise ProtocolError(415, f"unsupported Content-Type {kind}: use {FORM} or {DIRECT}")
        if query is None:
            raise ProtocolError(400, "the POST has no query")
    else:
        raise ProtocolError(405, f"{method} is not allowed here; use GET or POST")
    if query is not None and not query.strip():
        raise ProtocolError(400, "the query is empty")
    return QueryRequest(
        query=query,
        default_graphs=_graph_iris(params, "default-graph-uri"),
        named_graphs=_graph_iris(params, "named-graph-uri"),
        formats=tuple(v for k, v in params if k == "format"),
    )


def _graph_iris(params: Sequence[tuple[str, str]], name: str) -> tuple[str, ...]:
    """The graphs a dataset parameter names, each checked to be an absolute IRI."""
    iris = tuple(value for key, value in params if key == name)
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise ProtocolError(400, f"{name} must be an absolute IRI; '{iri[:200]}' is not ({error})") from None
    return iris
