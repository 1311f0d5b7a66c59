"""Loading a staged build into a remote store, then switching the store to it.

A batch of the build goes to the store as one document (its named graphs under their staged
names and its default graph under the staged default's name), so that a blank node shared by a
named graph and the default graph stays one node, as in the embedded store. The store's data
endpoint takes N-Quads as they are (the Oxigraph server's `/store`: its own fast path); any other
SPARQL 1.1 store takes them as `INSERT DATA` requests of bounded size (servers limit a request's
body: 128 MB for the Oxigraph server). A blank node is one node only within one request, so the
quads with blank nodes of a batch all go in one request of their own, an `INSERT { } WHERE { }`
(Virtuoso refuses blank nodes in `INSERT DATA`; every engine takes them in a template).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from govlod.loading import Part
from govlod.settings import Settings
from govlod.staging import StagedBatch, Staging
from govlod.stores.remote import layout
from govlod.stores.remote.connection import Connection

CHUNK_QUADS = 50_000  # quads serialised at a time into the request body
UPDATE_QUADS = 200_000  # quads without blank nodes per INSERT DATA request: about 40 MB of text
READ_BYTES = 1 << 20


class _PartReader(io.RawIOBase):
    """The bytes of one part of a staged file, read as a file of their own."""

    def __init__(self, part: Part):
        self._handle = part.path.open("rb")
        self._handle.seek(part.start)
        self._left = part.end - part.start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = min(len(buffer), self._left, READ_BYTES)
        if size <= 0:
            return 0
        data = self._handle.read(size)
        buffer[: len(data)] = data
        self._left -= len(data)
        return len(data)

    def close(self) -> None:
        self._handle.close()
        super().close()


def _read(part: Part, format: ox.RdfFormat) -> Iterator[ox.Quad]:
    """The quads of a part, blank-node labels kept (they name the same nodes in other parts)."""
    reader = _PartReader(part)
    try:
        yield from ox.parse(io.BufferedReader(reader, READ_BYTES), format)
    finally:
        reader.close()


def staged_quads(batch: StagedBatch, build_id: str, base_iri: str) -> Iterator[ox.Quad]:
    """A batch's quads under the staged names of their graphs."""
    renamed: dict[str, ox.NamedNode] = {}
    for quad in _read(batch.named, ox.RdfFormat.N_QUADS):
        graph = quad.graph_name
        assert isinstance(graph, ox.NamedNode)  # the staged named graphs are all named
        target = renamed.get(graph.value)
        if target is None:
            target = renamed[graph.value] = layout.staged_name(graph.value, build_id, base_iri)
        yield ox.Quad(quad.subject, quad.predicate, quad.object, target)
    default = layout.staged_default(build_id, base_iri)
    for part in (batch.sources, batch.added):
        for quad in _read(part, ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, default)


def _chunks(quads: Iterable[ox.Quad]) -> Iterator[list[ox.Quad]]:
    pending = iter(quads)
    while chunk := list(itertools.islice(pending, CHUNK_QUADS)):
        yield chunk


def nquads_body(quads: Iterable[ox.Quad]) -> Iterator[bytes]:
    for chunk in _chunks(quads):
        yield ox.serialize(chunk, format=ox.RdfFormat.N_QUADS) or b""


def insert_data_body(quads: Iterable[ox.Quad], template: bool = False) -> Iterator[bytes]:
    """`INSERT DATA { GRAPH <g> { ... } ... }` with the quads, a GRAPH block per run of one graph;
    `INSERT { ... } WHERE { }` for a template."""
    yield b"INSERT {\n" if template else b"INSERT DATA {\n"
    for chunk in _chunks(quads):
        for graph, run in itertools.groupby(chunk, key=lambda q: q.graph_name):
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in run]
            named = not isinstance(graph, ox.DefaultGraph)
            yield f"GRAPH {graph} {{\n".encode() if named else b""
            yield ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            yield b"}\n" if named else b""
    yield b"} WHERE { }\n" if template else b"}\n"


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def insert_data_requests(quads: Iterable[ox.Quad]) -> Iterator[str]:
    """INSERT DATA requests of at most UPDATE_QUADS quads without blank nodes each, then one with
    every quad that has a blank node, so that each blank node stays one node."""
    with_blank_nodes: list[ox.Quad] = []
    ground: list[ox.Quad] = []
    for quad in quads:
        if _has_blank_node(quad):
            with_blank_nodes.append(quad)
            continue
        ground.append(quad)
        if len(ground) >= UPDATE_QUADS:
            yield b"".join(insert_data_body(ground)).decode()
            ground = []
    if ground:
        yield b"".join(insert_data_body(ground)).decode()
    if with_blank_nodes:
        yield b"".join(insert_data_body(with_blank_nodes, template=True)).decode()


def load_staged(settings: Settings, staging: Staging, build_id: str) -> None:
    """Every batch of the build into its staged graphs, after dropping what failed builds left.

    Run in a process of its own while the build validates in another.
    """
    connection = Connection(settings)
    try:
        layout.drop_staged(connection, settings.base_iri)
        for batch in staging.batches:
            quads = staged_quads(batch, build_id, settings.base_iri)
            if connection.endpoints.data is not None:
                connection.post_quads(nquads_body(quads))
            else:
                for request in insert_data_requests(quads):
                    connection.update(request)
    finally:
        connection.close()


def switch(settings: Settings, build_id: str, graphs: Iterable[str]) -> None:
    """Serve the staged build: one update request, atomic where the store runs it as one transaction."""
    connection = Connection(settings)
    try:
        served = layout.named_graphs(connection)
        connection.update(layout.switch_update(build_id, settings.base_iri, graphs, served, connection.engine))
    finally:
        connection.close()


def discard(settings: Settings) -> None:
    """Drop a build's staged graphs: it failed validation or stopped half-way."""
    connection = Connection(settings)
    try:
        layout.drop_staged(connection, settings.base_iri)
    finally:
        connection.close()
