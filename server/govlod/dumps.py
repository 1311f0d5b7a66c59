"""Dumps of a build, written once when it is built: the same triples the SPARQL endpoint answers
(the default graph), and the named graphs as N-Quads; each with its checksum and count."""

from __future__ import annotations

import gzip
import hashlib
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
        quads = [
            q for q in store.quads_for_pattern(None, None, None, None) if not isinstance(q.graph_name, ox.DefaultGraph)
        ]
        ox.serialize(quads, out, media.rdf)  # type: ignore[arg-type]  # GzipFile is a binary file
        return len(quads)
    store.dump(out, media.rdf, from_graph=ox.DefaultGraph(), prefixes=prefixes)  # type: ignore[arg-type]
    return -1


def write_dumps(store: ox.Store, folder: Path, version: str, triples: int, prefixes: dict[str, str]) -> list[Dump]:
    folder.mkdir(parents=True, exist_ok=True)
    dumps = []
    for suffix, format_name, compressed in DUMP_KINDS:
        name = f"govlod-{version[:12]}.{suffix}"
        path = folder / name
        with path.open("wb") as raw:
            if compressed:
                # mtime=0: the same data always gives the same bytes, hence the same checksum.
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
                    count = _write(store, packed, format_name, prefixes)
            else:
                count = _write(store, raw, format_name, prefixes)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        dumps.append(
            Dump(
                name=name,
                format=format_name,
                media_type=BY_NAME[format_name].media_type,
                compressed=compressed,
                bytes=path.stat().st_size,
                sha256=digest,
                triples=triples if count < 0 else count,
            )
        )
    return dumps
