"""The raw limit of loading: pyoxigraph's own `Store.bulk_load` of each generated file, in order,
into a fresh on-disk store, and nothing else (no validation, no named graphs, no dumps).

python bench/raw_load.py DATA_DIR STORE_DIR

Run by bench/scale.py in a child process of its own, so that its wall time and peak memory are
measured like those of `govlod build`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox


def main() -> None:
    data, target = Path(sys.argv[1]), Path(sys.argv[2])
    if target.exists():
        raise SystemExit(f"{target} exists: the raw load needs a fresh store")
    store = ox.Store(str(target))
    for path in sorted(data.glob("*.ttl")):
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
    store.flush()


if __name__ == "__main__":
    main()
