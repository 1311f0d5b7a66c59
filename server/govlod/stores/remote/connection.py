"""The HTTP side of a remote store: SPARQL 1.1 Query and Update, and a POST of N-Quads for loading.

Credentials go into the client once and nowhere else: every message this module makes names the
store by its URL without user information, and never repeats a header or a password.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from govlod.settings import Settings
from govlod.stores.remote import engines
from govlod.stores.remote.engines import Engine, FixedChunks

LOAD_TIMEOUT = 3600.0  # seconds a load or a switch may take, by default
CONNECT_TIMEOUT = 10.0
SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"
RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # N-Triples as older engines label it
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
MESSAGE_CHARS = 400  # of a store's error answer, quoted in ours
READ_BYTES = 64 * 1024
Parameters = dict[str, list[str]]  # the protocol's dataset parameters, by name


class StoreError(Exception):
    """The remote store refused a request or could not be reached; the message is safe to show."""

    def __init__(self, message: str, status: int | None = None, timed_out: bool = False, said: str = ""):
        self.status = status
        self.timed_out = timed_out
        self.said = said  # what the store said, when it answered
        super().__init__(message)


def public_url(url: str) -> str:
    """The URL without user information (`http://user:secret@host/` names only the host)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    data: str | None  # takes a POST of N-Quads into the graphs they name (Oxigraph's /store)

    @classmethod
    def of(cls, settings: Settings) -> Endpoints:
        assert settings.store_url is not None
        return cls(
            query=settings.store_url,
            update=settings.store_update_url or settings.store_url,
            data=settings.store_data_url,
        )


def _credentials(settings: Settings) -> tuple[httpx.Auth | None, dict[str, str]]:
    """Basic authentication, or a bearer token from the settings or a file; the file is read once."""
    token = settings.store_token.get_secret_value() if settings.store_token else None
    if token is None and settings.store_token_file is not None:
        try:
            token = settings.store_token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise StoreError(f"cannot read the store's token file: {error.strerror or error}") from None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if settings.store_user is not None:
        password = settings.store_password.get_secret_value() if settings.store_password else ""
        return httpx.BasicAuth(settings.store_user, password), headers
    return None, headers


class Connection:
    """One pooled HTTP client for a remote store, safe to share between threads."""

    def __init__(self, settings: Settings, query_timeout: float | None = None):
        self.endpoints = Endpoints.of(settings)
        self.name = public_url(self.endpoints.query)
        auth, headers = _credentials(settings)
        self.query_timeout = query_timeout or settings.query_timeout
        self.load_timeout = settings.store_timeout or LOAD_TIMEOUT
        self._engine = None if settings.store_engine == "auto" else engines.BY_NAME[settings.store_engine]
        self._engine_lock = threading.Lock()
        self._client = httpx.Client(
            auth=auth,
            headers=headers,
            timeout=httpx.Timeout(self.query_timeout, connect=CONNECT_TIMEOUT),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    @property
    def engine(self) -> Engine:
        """The engine behind the store, as configured or as its `Server` header names it (asked once)."""
        with self._engine_lock:
            if self._engine is None:
                try:
                    response = self._client.post(
                        self.endpoints.query, data={"query": "ASK {}"}, headers={"Accept": SELECT_ACCEPT}
                    )
                except httpx.HTTPError as error:
                    raise self._fail("answer a query", error) from None
                self._engine = engines.identify(response.headers.get("server", ""))
            return self._engine

    def _gave_up(self) -> StoreError:
        return StoreError(f"the store at {self.name} gave up at its time limit", timed_out=True)

    def _fail(self, action: str, error: Exception | httpx.Response) -> StoreError:
        if isinstance(error, httpx.Response):
            said = " ".join(error.text[:MESSAGE_CHARS].split())
            message = f"the store at {self.name} refused to {action}: {error.status_code} {said}"
            if self._engine is not None and self._engine.says_timeout(said):
                return self._gave_up()
            return StoreError(message, error.status_code, said=said)
        if isinstance(error, httpx.TimeoutException):
            return StoreError(f"the store at {self.name} did not answer in time to {action}", timed_out=True)
        return StoreError(f"cannot reach the store at {self.name} to {action}: {type(error).__name__}")

    @contextlib.contextmanager
    def query(
        self, text: str, accept: str, timeout: float | None = None, parameters: Parameters | None = None
    ) -> Iterator[httpx.Response]:
        """The store's answer to a query, streamed; the caller reads it within the context, through
        `chunks`.

        `parameters`: the protocol's other parameters (`default-graph-uri`, `named-graph-uri`).
        """
        engine = self.engine
        request = self._client.build_request(
            "POST",
            self.endpoints.query,
            data={"query": text, **(parameters or {})},
            headers={"Accept": accept},
            timeout=httpx.Timeout(timeout or self.query_timeout, connect=CONNECT_TIMEOUT),
        )
        try:
            response = self._client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise self._fail("answer a query", error) from None
        try:
            if response.status_code >= 400:
                response.read()
                raise self._fail("answer a query", response)
            if engine.timed_out(response):
                raise self._gave_up()
            yield response
        except httpx.HTTPError as error:
            raise self._fail("answer a query", error) from None
        finally:
            response.close()

    def chunks(self, response: httpx.Response) -> Iterator[bytes]:
        """The bytes of an answer, with what the engine writes out of the standard put right."""
        raw = response.iter_bytes(READ_BYTES)
        fixes = self.engine.answer_fixes
        if fixes and RESULTS_FORMATS.get(media_type(response)) == ox.QueryResultsFormat.JSON:
            return FixedChunks(raw, fixes)
        return raw

    def solutions(
        self, text: str, parameters: Parameters | None = None
    ) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]:
        """Every row of a SELECT (the server's own queries: small and bounded)."""
        with self.query(text, SELECT_ACCEPT, parameters=parameters) as response:
            body = b"".join(self.chunks(response))
            parsed = ox.parse_query_results(body, results_format(response))
        if not isinstance(parsed, ox.QuerySolutions):
            raise StoreError(f"the store at {self.name} answered a SELECT with a boolean")
        names = [v.value for v in parsed.variables]
        return [{n: v for n in names if (v := row[n]) is not None} for row in parsed]

    def triples(self, text: str, parameters: Parameters | None = None) -> list[ox.Triple]:
        """Every triple of a CONSTRUCT (the server's own queries: small and bounded)."""
        with self.query(text, GRAPH_ACCEPT, parameters=parameters) as response:
            body = b"".join(self.chunks(response))
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, graph_format(response))]

    def update(self, text: str) -> None:
        self._send_for_load(self.endpoints.update, text.encode(), "application/sparql-update", "run an update")

    def post_quads(self, body: Iterable[bytes]) -> None:
        """N-Quads into the graphs they name, through the data endpoint, streamed."""
        assert self.endpoints.data is not None
        self._send_for_load(self.endpoints.data, body, "application/n-quads", "load data")

    def _send_for_load(self, url: str, content: bytes | Iterable[bytes], media: str, action: str) -> None:
        """A POST that changes the store, given the load time limit rather than the query one."""
        try:
            response = self._client.post(
                url,
                content=content,
                headers={"Content-Type": media},
                timeout=httpx.Timeout(self.load_timeout, connect=CONNECT_TIMEOUT),
            )
        except httpx.HTTPError as error:
            raise self._fail(action, error) from None
        if response.status_code >= 400:
            raise self._fail(action, response)


def media_type(response: httpx.Response) -> str:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";")[0].strip().lower()


def results_format(response: httpx.Response) -> ox.QueryResultsFormat:
    found = RESULTS_FORMATS.get(media_type(response))
    if found is None:
        raise StoreError(f"the store answered a query in {media_type(response) or 'no stated format'}")
    return found


def graph_format(response: httpx.Response) -> ox.RdfFormat:
    found = GRAPH_FORMATS.get(media_type(response))
    if found is None:
        raise StoreError(f"the store answered a query in {media_type(response) or 'no stated format'}")
    return found
