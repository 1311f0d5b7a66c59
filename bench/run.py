"""govlod side by side with rdflib-endpoint on the same generated data, through HTTP, in one run.

    pip install -e '.[bench]' && python bench/run.py --triples 1000000

Prints, for each query of the mix, the median latency of govlod on first (uncached) execution,
of govlod answering from its cache, of rdflib-endpoint, and their ratio; the geometric mean of
the ratios; govlod's HTTP overhead over calling pyoxigraph directly; and `ASK {}` throughput
against a trivial FastAPI endpoint on the same uvicorn, measured with wrk.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

from common import (
    PREFIXES,
    PROJECT,
    QUERY_MIX,
    Client,
    answer_size,
    ensure_generated,
    free_port,
    repeat,
    start,
    stop,
    wait_ready,
)

HERE = Path(__file__).resolve().parent
SIMPLE = ("lookup", "ask")


def timed_get(client: Client, url: str, query: str) -> tuple[float, bytes]:
    return client.get(url, query)


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
    if ensure_generated(data, args.triples):
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
            stop(process)

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
