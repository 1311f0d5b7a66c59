"""From a parsed request to an answer: checks, format negotiation, cache, execution."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from govlod.media import (
    GRAPH_FORMATS,
    HTML,
    RESULT_FORMATS,
    MediaFormat,
    UnknownFormat,
    by_name,
    negotiate,
)
from govlod.sparql.inspect import QueryForm, names_graphs, query_form, uses_service
from govlod.sparql.protocol import UPDATE_REFUSED, ProtocolError, QueryRequest
from govlod.sparql.worker import QueryJob
from govlod.stores.interface import Outcome, QueryFailed, QueryTimeout, ServerBusy
from govlod.web.runtime import Runtime

BUFFERED_BYTES = 256 * 1024


@dataclass
class Answer:
    media: MediaFormat
    body: bytes | None = None
    stream: AsyncIterator[bytes] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def offered_formats(form: QueryForm, html: bool) -> tuple[MediaFormat, ...]:
    formats = GRAPH_FORMATS if form.returns_graph else RESULT_FORMATS
    return (*formats, HTML) if html else formats


def choose_format(offered: tuple[MediaFormat, ...], format_params: tuple[str, ...], accept: str | None) -> MediaFormat:
    """`format=` wins over Accept; neither fitting what the query can produce is a 406."""
    names = ", ".join(f.media_type for f in offered)
    if format_params:
        try:
            asked = {by_name(value) for value in format_params}
        except UnknownFormat as error:
            raise ProtocolError(406, f"unknown format '{error}'; available: {names}") from error
        if len(asked) > 1:
            raise ProtocolError(400, f"the format parameters ask for different formats: {', '.join(format_params)}")
        chosen = asked.pop()
        if chosen not in offered:
            raise ProtocolError(406, f"this query cannot be answered as {chosen.media_type}; available: {names}")
        return chosen
    chosen_by_accept = negotiate(accept, offered)
    if chosen_by_accept is None:
        raise ProtocolError(406, f"nothing acceptable to the Accept header; available: {names}")
    return chosen_by_accept


def answer_headers(runtime: Runtime, cache: str | None = None) -> dict[str, str]:
    headers = {
        "Govlod-Dataset-Version": runtime.info.version[:16],
        "Govlod-Max-Rows": str(runtime.settings.max_rows),
        "Vary": "Accept",
    }
    if cache is not None:
        headers["Govlod-Cache"] = cache
    return headers


def check_query(runtime: Runtime, query: str) -> QueryForm:
    longest = runtime.settings.max_query_length
    if len(query) > longest:
        raise ProtocolError(413, f"the query is {len(query)} characters long; this endpoint takes at most {longest}")
    form = query_form(query)
    if form is QueryForm.UPDATE:
        raise ProtocolError(403, UPDATE_REFUSED)
    if not runtime.settings.allow_service and uses_service(query):
        raise ProtocolError(
            400,
            "SERVICE (federated query) is disabled on this endpoint: it would let any client make "
            "the server fetch arbitrary URLs",
        )
    return form


def refusal(runtime: Runtime, failure: QueryFailed) -> ProtocolError:
    """The answer to a query that failed; when the server was too busy to run it, when to come back."""
    retry = {"Retry-After": str(runtime.admission.retry_after)} if isinstance(failure, ServerBusy) else {}
    return ProtocolError(failure.status, failure.message, retry)


def job_for(runtime: Runtime, request: QueryRequest, media: MediaFormat) -> QueryJob:
    assert request.query is not None
    return QueryJob(
        query=request.query,
        format=media.name,
        max_rows=runtime.settings.max_rows,
        default_graphs=request.default_graphs,
        named_graphs=request.named_graphs,
        prefixes=tuple(runtime.prefixes.items()),
        names_graphs=bool(request.default_graphs or request.named_graphs) or names_graphs(request.query),
    )


async def execute(runtime: Runtime, job: QueryJob, media: MediaFormat) -> Answer:
    """Run the job, answering from the cache when the same query was answered on this build.

    Output is awaited before answering, so that syntax errors and timeouts before any output get
    a proper status; past BUFFERED_BYTES the answer streams as it is produced.
    """
    headers = answer_headers(runtime)
    key = (runtime.build_id, job)
    cached = runtime.cache.get(key)
    if cached is not None:
        return Answer(media=media, body=cached[0], headers={**headers, "Govlod-Cache": "hit"})
    runtime.admission.enter()  # only queries the store must run count against the cap
    outcome = Outcome()
    chunks = runtime.queries.stream(job, outcome)
    head: list[bytes] = []
    size = 0
    streaming = False
    try:
        # Small answers are collected whole (Content-Length, cacheable); large ones stream.
        while not outcome.complete and size < BUFFERED_BYTES:
            chunk = await anext(chunks, None)
            if chunk is None:
                break
            head.append(chunk)
            size += len(chunk)
        first = b"".join(head)
        if outcome.complete:
            _remember(runtime, key, first, media, outcome)
            return Answer(media=media, body=first, headers={**headers, "Govlod-Cache": "miss"})
        streaming = True
        rest = runtime.admission.hold_while(_rest(runtime, key, first, chunks, media, outcome))
        return Answer(media=media, stream=rest, headers=headers)
    except QueryTimeout as error:
        raise ProtocolError(503, f"{error}; narrow the query or add a LIMIT") from error
    except QueryFailed as error:
        raise refusal(runtime, error) from error
    finally:
        if not streaming:  # a streamed answer keeps its place until it has been sent
            runtime.admission.leave()


def _remember(runtime: Runtime, key: object, body: bytes, media: MediaFormat, outcome: Outcome) -> None:
    if outcome.complete and not outcome.truncated:
        runtime.cache.put(key, body, media.content_type)


async def _rest(
    runtime: Runtime,
    key: object,
    first: bytes,
    chunks: AsyncIterator[bytes],
    media: MediaFormat,
    outcome: Outcome,
) -> AsyncIterator[bytes]:
    kept: list[bytes] | None = [first]
    size = len(first)
    yield first
    async for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if size <= runtime.cache.max_entry_bytes:
                kept.append(chunk)
            else:
                kept = None
        yield chunk
    if kept is not None:
        _remember(runtime, key, b"".join(kept), media, outcome)
