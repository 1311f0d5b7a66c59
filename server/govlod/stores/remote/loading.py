"""Loading a staged build into a remote store, then switching the store to it.

A batch of the build goes to the store as one document (its named graphs under their staged
names and its default graph under the staged default's name), so that a blank node shared by a
named graph and the default graph stays one node, as in the embedded store. The store's data
endpoint takes N-Quads as they are (the Oxigraph server's `/store`: its own fast path); any other
SPARQL 1.1 store takes them as `INSERT DATA` requests of bounded size (engines limit a request:
128 MB for the Oxigraph server, 10 MB of text for Virtuoso). A blank node is one node only within
one request, so every quad of a group of connected blank nodes goes in the same request, an
`INSERT { } WHERE { }` (Virtuoso refuses blank nodes in `INSERT DATA`; every engine takes them
in a template).
"""

from __future__ import annotations

import io
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

import pyoxigraph as ox

from govlod.loading import Part
from govlod.settings import Settings
from govlod.staging import StagedBatch, Staging
from govlod.stores.remote import layout
from govlod.stores.remote.connection import Connection
from govlod.stores.remote.engines import STANDARD, Engine

NQUADS_CHUNK = 50_000  # quads serialised at a time into an N-Quads body
CHUNK_QUADS = 5_000  # quads serialised at a time into an update request
# Triples in one GRAPH block: Virtuoso's SPARQL parser runs out of stack at about 5,000.
BLOCK_TRIPLES = 1_000
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


def _chunks(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    pending = iter(quads)
    while chunk := list(itertools.islice(pending, size)):
        yield chunk


def nquads_body(quads: Iterable[ox.Quad]) -> Iterator[bytes]:
    for chunk in _chunks(quads, NQUADS_CHUNK):
        yield ox.serialize(chunk, format=ox.RdfFormat.N_QUADS) or b""


def _graph_blocks(quads: Sequence[ox.Quad]) -> bytes:
    """`GRAPH <g> { ... }` blocks of the quads, one per run of one graph of at most BLOCK_TRIPLES."""
    blocks = []
    for graph, run in itertools.groupby(quads, key=lambda q: q.graph_name):
        named = not isinstance(graph, ox.DefaultGraph)
        pending = iter(run)
        while block := [ox.Triple(q.subject, q.predicate, q.object) for q in itertools.islice(pending, BLOCK_TRIPLES)]:
            text = ox.serialize(block, format=ox.RdfFormat.N_TRIPLES) or b""
            blocks.append(b"GRAPH %s {\n%s}\n" % (str(graph).encode(), text) if named else text)
    return b"".join(blocks)


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _blank_node_groups(quads: Sequence[ox.Quad], piece_quads: int) -> Iterator[list[ox.Quad]]:
    """The quads with blank nodes, in groups that share no blank node with one another, the
    groups in pieces of about `piece_quads` quads (a group is never split)."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while (up := parent.get(label, label)) != label:
            parent[label] = parent.get(up, up)  # halve the path as it is walked
            label = up
        return label

    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode) and isinstance(quad.object, ox.BlankNode):
            one, other = root(quad.subject.value), root(quad.object.value)
            if one != other:
                parent[one] = other
    groups: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in quads:
        node = quad.subject if isinstance(quad.subject, ox.BlankNode) else quad.object
        assert isinstance(node, ox.BlankNode)  # only quads with a blank node are grouped
        groups[root(node.value)].append(quad)
    piece: list[ox.Quad] = []
    for group in groups.values():
        piece += group
        if len(piece) >= piece_quads:
            yield piece
            piece = []
    if piece:
        yield piece


def _packed(
    pieces: Iterable[Sequence[ox.Quad]], max_bytes: int, template: bool, max_quads: int | None = None
) -> Iterator[str]:
    """Requests of whole pieces, each at most `max_bytes` of text and `max_quads` quads, unless one
    piece alone is more."""
    opening, closing = (b"INSERT {\n", b"} WHERE { }\n") if template else (b"INSERT DATA {\n", b"}\n")
    blocks: list[bytes] = []
    size = quads = 0
    for piece in pieces:
        block = _graph_blocks(piece)
        if blocks and (size + len(block) > max_bytes or (max_quads is not None and quads + len(piece) > max_quads)):
            yield b"".join([opening, *blocks, closing]).decode()
            blocks, size, quads = [], 0, 0
        blocks.append(block)
        size += len(block)
        quads += len(piece)
    if blocks:
        yield b"".join([opening, *blocks, closing]).decode()


def insert_data_requests(
    quads: Iterable[ox.Quad], engine: Engine = STANDARD, max_bytes: int | None = None
) -> Iterator[str]:
    """`INSERT DATA` requests of the quads without blank nodes, then `INSERT { } WHERE { }` requests
    of those with blank nodes, every quad of a blank node in the same request (on an engine whose
    templates take one graph, every quad of a blank node in one graph); none longer than the
    engine's limits (unless a single group of blank nodes is)."""
    max_bytes = max_bytes or engine.update_bytes
    template_quads = engine.template_quads
    with_blank_nodes: list[ox.Quad] = []

    def ground() -> Iterator[ox.Quad]:
        for quad in quads:
            if _has_blank_node(quad):
                with_blank_nodes.append(quad)
            else:
                yield quad

    yield from _packed(_chunks(ground(), CHUNK_QUADS), max_bytes, template=False)
    # Each graph's apart, on an engine whose templates take blank nodes in one graph only.
    apart = (
        [with_blank_nodes]
        if engine.template_graphs
        else [list(run) for _, run in itertools.groupby(sorted(with_blank_nodes, key=_graph_of), _graph_of)]
    )
    piece_quads = min(CHUNK_QUADS, template_quads or CHUNK_QUADS)
    for quads_apart in apart:
        pieces = _blank_node_groups(quads_apart, piece_quads)
        yield from _packed(pieces, max_bytes, template=True, max_quads=template_quads)


def _graph_of(quad: ox.Quad) -> str:
    return str(quad.graph_name)


def load_staged(settings: Settings, staging: Staging, build_id: str) -> None:
    """Every batch of the build into its staged graphs, after dropping what failed builds left.

    Run in a process of its own while the build validates in another.
    """
    connection = Connection(settings)
    try:
        layout.drop_staged(connection, settings.base_iri)
        layout.record_staging(connection, build_id, settings.base_iri, staging.graphs)
        for batch in staging.batches:
            quads = staged_quads(batch, build_id, settings.base_iri)
            if connection.endpoints.data is not None:
                connection.post_quads(nquads_body(quads))
            else:
                for request in insert_data_requests(quads, connection.engine):
                    connection.update(request)
    finally:
        connection.close()


def switch(settings: Settings, build_id: str, graphs: Iterable[str]) -> None:
    """Serve the staged build: one update request, atomic where the store runs it as one transaction."""
    connection = Connection(settings)
    try:
        served = layout.served_graphs(connection, settings.base_iri)
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
