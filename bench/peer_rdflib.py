"""The peer: rdflib-endpoint serving the same generated files from rdflib's in-memory graph.

python bench/peer_rdflib.py DATA_DIR PORT
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import rdflib
import uvicorn
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    data, port = Path(sys.argv[1]), int(sys.argv[2])
    started = time.perf_counter()
    graph = rdflib.Graph()
    for path in sorted(data.glob("*.ttl")):
        graph.parse(path, format="turtle")
    print(f"rdflib loaded {len(graph)} triples in {time.perf_counter() - started:.1f} s", flush=True)
    app = SparqlEndpoint(graph=graph, path="/sparql", public_url=f"http://127.0.0.1:{port}/sparql")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
