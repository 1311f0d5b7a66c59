"""Dumps of a build, written once when it is built: the same triples the SPARQL endpoint answers
(the default graph), and the named graphs as N-Quads; each with its checksum and count."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from govlod.media import BY_NAME

# (file suffix, format name in the media table, gzip-compressed)
DUMP_KINDS: tuple[tuple[str, str, bool], ...] = (
    ("ttl", "turtle", False),
    ("nt.gz", "ntriples", True),
    ("nq.gz", "nquads", True),
    ("jsonld", "jsonld", False),
    ("rdf", "rdfxml", False),
)
GZIP = "application/gzip"
# zlib level 6 (gzip's own default) packs N-Triples nearly as small as 9 at several times the speed.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Dump:
    name: str
    format: str  # name in the media table
    media_type: str  # of the RDF inside
    compressed: bool
    bytes: int
    sha256: str
    triples: int  # statements: triples, or quads for N-Quads

    @property
    def content_type(self) -> str:
        return GZIP if self.compressed else BY_NAME[self.format].content_type

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _write(store: ox.Store, out: IO[bytes] | gzip.GzipFile, format_name: str, prefixes: dict[str, str]) -> int:
    media = BY_NAME[format_name]
    assert media.rdf is not None
    if format_name == "nquads":
        # The named graphs only: the default graph is their union, stored again for speed.
        # (JSON-LD could carry graphs too, but its dump is the default graph, like the others.)
        counted = _Counted(
            quad for graph in store.named_graphs() for quad in store.quads_for_pattern(None, None, None, graph)
        )
        ox.serialize(counted, out, media.rdf)  # type: ignore[arg-type]  # GzipFile is a binary file
        return counted.count
    store.dump(out, media.rdf, from_graph=ox.DefaultGraph(), prefixes=prefixes)  # type: ignore[arg-type]
    return -1


class _Counted:
    """Quads streamed to the serializer, counted on the way."""

    def __init__(self, quads: Iterator[ox.Quad]):
        self._quads = quads
        self.count = 0

    def __iter__(self) -> Iterator[ox.Quad]:
        for quad in self._quads:
            self.count += 1
            yield quad


class _Hashing:
    """A file that computes its SHA-256 while it is written: no second read of a large dump."""

    def __init__(self, raw: IO[bytes]):
        self._raw = raw
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        return self._raw.write(data)

    def flush(self) -> None:
        self._raw.flush()


def write_dumps(store: ox.Store, folder: Path, version: str, triples: int, prefixes: dict[str, str]) -> list[Dump]:
    folder.mkdir(parents=True, exist_ok=True)
    dumps = []
    for suffix, format_name, compressed in DUMP_KINDS:
        name = f"govlod-{version[:12]}.{suffix}"
        path = folder / name
        with path.open("wb") as raw:
            hashing = _Hashing(raw)
            if compressed:
                # mtime=0: the same data always gives the same bytes, hence the same checksum.
                with gzip.GzipFile(
                    filename="", mode="wb", fileobj=hashing, mtime=0, compresslevel=GZIP_LEVEL
                ) as packed:
                    count = _write(store, packed, format_name, prefixes)
            else:
                count = _write(store, hashing, format_name, prefixes)  # type: ignore[arg-type]
        dumps.append(
            Dump(
                name=name,
                format=format_name,
                media_type=BY_NAME[format_name].media_type,
                compressed=compressed,
                bytes=path.stat().st_size,
                sha256=hashing.sha256.hexdigest(),
                triples=triples if count < 0 else count,
            )
        )
    return dumps
