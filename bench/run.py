"""govlod side by side with rdflib-endpoint on the same generated data, through HTTP, in one run.

    pip install -e '.[bench]' && python bench/run.py --triples 1000000

Prints, for each query of the mix, the median latency of govlod on first (uncached) execution,
of govlod answering from its cache, of rdflib-endpoint, and their ratio; the geometric mean of
the ratios; govlod's HTTP overhead over calling pyoxigraph directly; and `ASK {}` throughput
against a trivial FastAPI endpoint on the same uvicorn, measured with wrk.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pyoxigraph as ox

from govlod.sparql.inspect import query_form

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
PREFIXES = """PREFIX gl: <https://w3id.org/govlod/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
# name -> (query, what it exercises)
QUERY_MIX: dict[str, tuple[str, str]] = {
    "lookup": (
        "SELECT ?seat ?role WHERE { ?seat org:postIn "
        "<https://w3id.org/govlod/id/organization/coordinamento-00042/tavolo-politico> ; org:role ?role }",
        "seats of one table",
    ),
    "ask": ("ASK { ?s org:postIn ?t }", "ASK over one pattern"),
    "group-1": ("SELECT ?role (COUNT(?m) AS ?n) WHERE { ?m org:role ?role } GROUP BY ?role", "one-pattern GROUP BY"),
    "group-2": (
        "SELECT ?kind (COUNT(?m) AS ?n) WHERE { ?m org:organization ?t . ?t org:classification ?kind } GROUP BY ?kind",
        "two-pattern GROUP BY",
    ),
    "join-path": (
        "SELECT ?person ?body WHERE { ?m org:member ?person ; gl:holdsSeat ?seat . ?seat gl:represents ?body ; "
        "org:postIn ?t . ?t org:classification "
        "<https://w3id.org/govlod/id/concept/governance-body-kind/tavolo-politico> } LIMIT 1000",
        "five-pattern join, 1,000 rows",
    ),
    "active-2020": (
        "SELECT (COUNT(?m) AS ?n) WHERE { ?m org:memberDuring ?i . ?i time:hasBeginning/time:inXSDDate ?b . "
        "OPTIONAL { ?i time:hasEnd/time:inXSDDate ?e } "
        'FILTER (?b <= "2020-01-01"^^xsd:date && (!BOUND(?e) || ?e >= "2020-01-01"^^xsd:date)) }',
        "memberships active on a date",
    ),
    "label-search": (
        'SELECT ?b ?l WHERE { ?b a gl:PublicBody ; rdfs:label ?l FILTER (CONTAINS(LCASE(?l), "novara")) } LIMIT 50',
        "text filter on labels",
    ),
    "latest": (
        "SELECT ?m ?b WHERE { ?m org:memberDuring/time:hasBeginning/time:inXSDDate ?b } ORDER BY DESC(?b) LIMIT 10",
        "ORDER BY over all memberships",
    ),
    "distinct": ("SELECT (COUNT(DISTINCT ?body) AS ?n) WHERE { ?seat gl:represents ?body }", "COUNT DISTINCT"),
    "repeat-holders": (
        "SELECT ?p (COUNT(?m) AS ?n) WHERE { ?m org:member ?p } GROUP BY ?p HAVING (COUNT(?m) > 2) LIMIT 100",
        "GROUP BY with HAVING",
    ),
    "construct": (
        "CONSTRUCT { ?c org:hasUnit ?u . ?u rdfs:label ?l } WHERE { ?c a gl:Coordination ; org:hasUnit ?u . "
        "?u rdfs:label ?l }",
        "CONSTRUCT, about 2,200 triples",
    ),
}
SIMPLE = ("lookup", "ask")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited with {process.returncode}")
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=5)
            return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not become ready in {seconds:.0f} s")


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GOVLOD_")}
    with log.open("wb") as handle:
        return subprocess.Popen(args, cwd=PROJECT, env=environment, stdout=handle, stderr=subprocess.STDOUT)


def accept_for(query: str) -> str:
    return "text/turtle" if query_form(query).returns_graph else "application/sparql-results+json"


class Client:
    """A keep-alive HTTP/1.1 client with almost no overhead of its own, so that latencies are the servers'."""

    def __init__(self) -> None:
        self._connections: dict[str, http.client.HTTPConnection] = {}

    def get(self, url: str, query: str) -> tuple[float, bytes]:
        parts = urlsplit(url)
        target = f"{parts.path}?{urlencode({'query': query})}"
        headers = {"Accept": accept_for(query)}  # computed before the clock starts
        for attempt in (1, 2):
            connection = self._connections.get(parts.netloc)
            if connection is None:
                connection = self._connections[parts.netloc] = http.client.HTTPConnection(parts.netloc, timeout=900)
            try:
                started = time.perf_counter()
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - started
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once, untimed.
                connection.close()
                del self._connections[parts.netloc]
                if attempt == 2:
                    raise
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}: {body[:300]!r}")
        return elapsed, body

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()


def timed_get(client: Client, url: str, query: str) -> tuple[float, bytes]:
    return client.get(url, query)


def repeat(minimum: int, measure: Callable[[int], float]) -> list[float]:
    """At least `minimum` timings, more for fast queries (up to one second or 200 runs): stable medians."""
    timings: list[float] = []
    while len(timings) < minimum or (sum(timings) < 1.0 and len(timings) < 200):
        timings.append(measure(len(timings)))
    return timings


def answer_size(body: bytes, query: str) -> int:
    if accept_for(query) == "text/turtle":
        return len(list(ox.parse(body, format=ox.RdfFormat.TURTLE)))
    parsed = json.loads(body)
    return 1 if "boolean" in parsed else len(parsed["results"]["bindings"])


def direct_latency(store: ox.Store, query: str, runs: int) -> float:
    """pyoxigraph called in-process on the store the server queries, answer serialised to the
    same format: the floor for the HTTP latency."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = store.query(query)
        if isinstance(result, ox.QueryTriples):
            ox.serialize(result, format=ox.RdfFormat.TURTLE)
        else:
            result.serialize(format=ox.QueryResultsFormat.JSON)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def memory_copy(path: Path) -> ox.Store:
    """What a query process holds: the default graph of the build, in memory."""
    memory = ox.Store()
    memory.bulk_extend(ox.Store.read_only(str(path)).quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return memory


def wrk(url: str, seconds: int) -> float:
    output = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not match:
        raise SystemExit(f"cannot read wrk's output:\n{output}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="least runs per query and server (median reported)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    args = parser.parse_args()

    data, store_dir = args.out / "data", args.out / "store"
    marker = args.out / "generated.json"
    if not marker.exists() or json.loads(marker.read_text())["triples"] != args.triples:
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--triples", str(args.triples), "--out", str(data)], check=True
        )
        marker.write_text(json.dumps({"triples": args.triples}))
        shutil.rmtree(store_dir, ignore_errors=True)

    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "govlod", "build", "--data", str(data), "--store", str(store_dir), "--skip-validation"],
        cwd=PROJECT,
        check=True,
    )
    govlod_load = time.perf_counter() - started

    ports = {"govlod": free_port(), "rdflib": free_port(), "trivial": free_port()}
    urls = {name: f"http://127.0.0.1:{port}/sparql" for name, port in ports.items()}
    servers = {
        "govlod": start(
            [
                sys.executable,
                "-m",
                "govlod",
                "serve",
                "--data",
                str(data),
                "--store",
                str(store_dir),
                "--port",
                str(ports["govlod"]),
                "--query-timeout",
                "600",
                "--max-rows",
                "1000000",
            ],
            args.out / "govlod.log",
        ),
        "rdflib": start(
            [sys.executable, str(HERE / "peer_rdflib.py"), str(data), str(ports["rdflib"])], args.out / "rdflib.log"
        ),
        "trivial": start(
            [sys.executable, str(HERE / "trivial_app.py"), str(ports["trivial"])], args.out / "trivial.log"
        ),
    }
    try:
        started = time.perf_counter()
        for name in ("govlod", "trivial", "rdflib"):
            wait_ready(urls[name], servers[name], seconds=900)
        rdflib_log = (args.out / "rdflib.log").read_text()
        rdflib_load = float(re.search(r"in ([\d.]+) s", rdflib_log).group(1))  # type: ignore[union-attr]
        direct_store = memory_copy(store_dir / "current" / "oxigraph")

        rows = []
        client = Client()
        # One unmeasured pass warms both servers' storage (RocksDB block cache, Python imports);
        # "first execution" below means first for govlod's answer cache, not a cold disk.
        for body, _ in QUERY_MIX.values():
            for name in ("govlod", "rdflib"):
                timed_get(client, urls[name], f"{PREFIXES}{body}\n# warm-up {time.time_ns()}")
        for name, (body, what) in QUERY_MIX.items():
            query = PREFIXES + body
            uncached = repeat(
                args.runs, lambda i, q=query: timed_get(client, urls["govlod"], f"{q}\n# run {i} {time.time_ns()}")[0]
            )
            timed_get(client, urls["govlod"], query)
            cached = repeat(args.runs, lambda i, q=query: timed_get(client, urls["govlod"], q)[0])
            peer_times = repeat(args.runs, lambda i, q=query: timed_get(client, urls["rdflib"], q)[0])
            _, peer_body = timed_get(client, urls["rdflib"], query)
            _, own_body = timed_get(client, urls["govlod"], query)
            sizes = (answer_size(own_body, query), answer_size(peer_body, query))
            row = {
                "query": name,
                "what": what,
                "govlod_ms": statistics.median(uncached) * 1000,
                "govlod_cached_ms": statistics.median(cached) * 1000,
                "rdflib_ms": statistics.median(peer_times) * 1000,
                "direct_ms": direct_latency(direct_store, query, max(args.runs, 20)) * 1000,
                "rows": sizes,
            }
            row["ratio"] = row["rdflib_ms"] / row["govlod_ms"]
            rows.append(row)
            print(
                f"{name:15} govlod {row['govlod_ms']:9.1f} ms  cached {row['govlod_cached_ms']:6.1f} ms  "
                f"rdflib-endpoint {row['rdflib_ms']:10.1f} ms  x{row['ratio']:7.1f}  rows {sizes}",
                flush=True,
            )

        client.close()
        ask_url = urls["govlod"] + "?query=ASK%20%7B%7D"
        httpx.get(ask_url)  # warm the cache: identical repeated queries are what ASK {} probes
        govlod_rps = wrk(ask_url, args.wrk_seconds)
        trivial_rps = wrk(urls["trivial"] + "?query=ASK%20%7B%7D", args.wrk_seconds)
    finally:
        for process in servers.values():
            process.send_signal(signal.SIGTERM)
        for process in servers.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    geometric = math.exp(statistics.mean(math.log(r["ratio"]) for r in rows))
    overhead = {r["query"]: r["govlod_ms"] - r["direct_ms"] for r in rows if r["query"] in SIMPLE}
    summary = {
        "triples": args.triples,
        "runs": args.runs,
        "govlod_build_s": govlod_load,
        "rdflib_load_s": rdflib_load,
        "queries": rows,
        "geometric_mean_ratio": geometric,
        "slowest_ratio": min(r["ratio"] for r in rows),
        "http_overhead_ms": overhead,
        "ask_rps": {"govlod": govlod_rps, "trivial_fastapi": trivial_rps, "ratio": govlod_rps / trivial_rps},
    }
    (args.out / "results.json").write_text(json.dumps(summary, indent=2))
    print()
    print("| query | what | govlod, first run (ms) | govlod, cached (ms) | rdflib-endpoint (ms) | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['query']} | {r['what']} | {r['govlod_ms']:.1f} | {r['govlod_cached_ms']:.1f} | {r['rdflib_ms']:.1f} | {r['ratio']:.1f}x |"
        )
    print()
    print(f"geometric mean of the ratios: {geometric:.1f}x; lowest ratio: {summary['slowest_ratio']:.1f}x")
    print("HTTP overhead over pyoxigraph called directly: " + ", ".join(f"{k} {v:.2f} ms" for k, v in overhead.items()))
    print(
        f"ASK {{}} throughput: govlod {govlod_rps:.0f} req/s, trivial FastAPI {trivial_rps:.0f} req/s "
        f"({govlod_rps / trivial_rps:.2f} of it)"
    )
    print(f"load: govlod build {govlod_load:.1f} s (parse + Oxigraph bulk load), rdflib parse {rdflib_load:.1f} s")


if __name__ == "__main__":
    main()
