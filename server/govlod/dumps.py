"""Dumps of a build, written once when it is built: the same triples the SPARQL endpoint answers
(the default graph), and the named graphs as N-Quads; each with its checksum and count."""

from __future__ import annotations

import hashlib
import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govlod.media import BY_NAME
from govlod.store import writing

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
GZIP_WBITS = 16 + zlib.MAX_WBITS  # a gzip header and trailer around the deflate stream
CHUNK = 4 * 2**20


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


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _gzip(plain: Path, packed: Path) -> str:
    """Compress `plain` into `packed` (gzip, no timestamp: the same data gives the same bytes);
    the SHA-256 of what was written. zlib and hashlib release the GIL, so dumps compress side by side."""
    deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, GZIP_WBITS)
    digest = hashlib.sha256()
    with plain.open("rb") as source, packed.open("wb") as target:
        while chunk := source.read(CHUNK):
            data = deflate.compress(chunk)
            digest.update(data)
            target.write(data)
        data = deflate.flush()
        digest.update(data)
        target.write(data)
    return digest.hexdigest()


def _write(
    default_graph: ox.Store, named_quads: Path, path: Path, kind: tuple[str, str, bool], prefixes: dict[str, str]
) -> str:
    """Write one dump at `path`; its SHA-256."""
    _, format_name, compressed = kind
    if format_name == "nquads":
        # The named graphs only: the default graph is their union, stored again for speed.
        # (JSON-LD could carry graphs too, but its dump is the default graph, like the others.)
        return _gzip(named_quads, path)
    media = BY_NAME[format_name]
    assert media.rdf is not None
    plain = path.with_name(path.name + ".plain") if compressed else path
    # Oxigraph writes straight to the file, without the GIL: the dumps are written side by side.
    default_graph.dump(str(plain), media.rdf, from_graph=ox.DefaultGraph(), prefixes=prefixes)
    if not compressed:
        return _digest(path)
    try:
        return _gzip(plain, path)
    finally:
        plain.unlink()


def write_dumps(
    default_graph: ox.Store,
    named_quads: Path,
    folder: Path,
    version: str,
    counts: tuple[int, int],
    prefixes: dict[str, str],
) -> list[Dump]:
    """Every dump of a build, written in parallel: the default graph from `default_graph` (a store
    holding it, ideally in memory, where Oxigraph reads several times faster than from disk), the
    named graphs from the N-Quads file that holds them. `counts` is (triples, quads in named graphs)."""
    with writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
    triples, quads = counts

    def one(kind: tuple[str, str, bool]) -> Dump:
        suffix, format_name, compressed = kind
        name = f"govlod-{version[:12]}.{suffix}"
        path = folder / name
        with writing(path):
            sha256 = _write(default_graph, named_quads, path, kind, prefixes)
        return Dump(
            name=name,
            format=format_name,
            media_type=BY_NAME[format_name].media_type,
            compressed=compressed,
            bytes=path.stat().st_size,
            sha256=sha256,
            triples=quads if format_name == "nquads" else triples,
        )

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(one, DUMP_KINDS))
