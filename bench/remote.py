"""govlod on its embedded store and on a remote SPARQL store (the Oxigraph server), side by side.

    pip install -e '.[test,bench]' && python bench/remote.py --data /tmp/gen/1m

For the data of bench/generate.py (a folder of it, or generated once at --triples), in one run:

1. building: `govlod build --skip-validation` into the embedded store, and into a fresh Oxigraph
   server through SPARQL Update (`INSERT DATA`) and through its N-Quads data endpoint (`/store`);
2. SPARQL: the query mix of bench/run.py, median latency of govlod on the embedded store, govlod on
   the Oxigraph server, and the Oxigraph server asked directly (what govlod adds on a remote store);
3. dereferencing: distinct IRIs as `/doc/….ttl` and `/doc/….html`, requests/s and p50/p99 of
   both govlod servers with the same client and concurrency.

Writes OUT/remote-SIZE.json and OUT/remote-SIZE.md. Every server listens on 127.0.0.1 only and
is stopped at the end, also on errors.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from common import PREFIXES, PROJECT, QUERY_MIX, Client, bench_environment, ensure_generated, free_port, start, stop
from scale import (
    CANONICAL_BASE,
    WARM_UP_IRIS,
    Server,
    _govlod,
    alternate,
    document_path,
    environment_facts,
    select_values,
    wait_all_ready,
    walk_with_threads,
    walk_with_wrk,
)

HERE = Path(__file__).resolve().parent


def oxigraph_options(origin: str, data_endpoint: bool) -> list[str]:
    options = ["--store-url", f"{origin}/query", "--store-update-url", f"{origin}/update"]
    return options + (["--store-data-url", f"{origin}/store"] if data_endpoint else [])


def timed_build(label: str, data: Path, store: Path, extra: Sequence[str], log: Path) -> float:
    shutil.rmtree(store, ignore_errors=True)
    command = _govlod("build", "--data", str(data), "--store", str(store), "--skip-validation", *extra)
    started = time.perf_counter()
    with log.open("w") as out:
        subprocess.run(command, cwd=PROJECT, env=bench_environment(), stdout=out, stderr=subprocess.STDOUT, check=True)
    seconds = time.perf_counter() - started
    print(f"  {label:44} {seconds:7.1f} s", flush=True)
    return seconds


def measure_building(data: Path, work: Path, origin: str) -> dict[str, Any]:
    print("building (--skip-validation):", flush=True)
    embedded = timed_build("embedded store", data, work / "store-embedded", [], work / "build-embedded.log")
    update = timed_build(
        "Oxigraph server, INSERT DATA", data, work / "store-remote", oxigraph_options(origin, False), work / "b1.log"
    )
    endpoint = timed_build(
        "Oxigraph server, N-Quads to /store",
        data,
        work / "store-remote",
        oxigraph_options(origin, True),
        work / "b2.log",
    )
    return {
        "embedded_s": embedded,
        "remote_update_s": update,
        "remote_data_endpoint_s": endpoint,
        "update_ratio": update / embedded,
        "data_endpoint_ratio": endpoint / embedded,
    }


def measure_queries(endpoints: dict[str, str], runs: int) -> list[dict[str, Any]]:
    client = Client()

    def timed(name: str, query: str, tag: str) -> float:
        return client.get(endpoints[name], f"{query}\n# {tag} {time.time_ns()}")[0]

    for body, _ in QUERY_MIX.values():  # one unmeasured pass
        for name in endpoints:
            timed(name, PREFIXES + body, "warm-up")
    print("SPARQL query mix (median ms):", flush=True)
    rows = []
    for name, (body, what) in QUERY_MIX.items():
        query = PREFIXES + body
        embedded, remote = alternate(
            runs, lambda i, q=query: timed("embedded", q, f"{i}"), lambda i, q=query: timed("remote", q, f"{i}")
        )
        direct = [timed("oxigraph", query, f"direct {i}") for i in range(len(remote))]
        row = {
            "query": name,
            "what": what,
            "embedded_ms": statistics.median(embedded) * 1000,
            "remote_ms": statistics.median(remote) * 1000,
            "oxigraph_direct_ms": statistics.median(direct) * 1000,
        }
        row["remote_over_embedded"] = row["remote_ms"] / row["embedded_ms"]
        row["remote_over_direct"] = row["remote_ms"] / row["oxigraph_direct_ms"]
        rows.append(row)
        print(
            f"  {name:15} embedded {row['embedded_ms']:8.1f}  remote {row['remote_ms']:8.1f}  "
            f"oxigraph direct {row['oxigraph_direct_ms']:8.1f}",
            flush=True,
        )
    client.close()
    return rows


def measure_documents(
    origins: dict[str, str], iris: Sequence[str], seconds: float, concurrency: int, work: Path
) -> list[dict[str, Any]]:
    print("dereferencing (requests/s):", flush=True)
    rows = []
    for extension in ("ttl", "html"):
        paths = [p for p in (document_path(i, extension) for i in iris) if p is not None]
        walks = {}
        for name, origin in origins.items():
            if shutil.which("wrk"):
                walks[name] = walk_with_wrk(origin, paths, True, seconds, concurrency, 2, work)
            else:
                walks[name] = walk_with_threads(origin, paths, True, seconds, concurrency)
        row = {"format": extension, **{name: asdict(walk) for name, walk in walks.items()}}
        row["remote_over_embedded"] = walks["remote"].rps / walks["embedded"].rps
        rows.append(row)
        print(
            f"  .{extension:5} embedded {walks['embedded'].rps:7.0f}  remote {walks['remote'].rps:7.0f}  "
            f"x{row['remote_over_embedded']:.2f}  errors {walks['embedded'].errors}/{walks['remote'].errors}",
            flush=True,
        )
    return rows


def render(result: dict[str, Any]) -> str:
    build = result["build"]
    lines = [
        f"# govlod on the embedded store and on the Oxigraph server, {result['triples']:,} triples",
        "",
        f"{result['environment']['cpus']} CPUs; {result['started_at']}; govlod at {result['environment']['commit']}.",
        "",
        "| build (`--skip-validation`) | seconds | / embedded |",
        "|---|---:|---:|",
        f"| embedded store | {build['embedded_s']:.1f} | 1.00 |",
        f"| Oxigraph server, `INSERT DATA` | {build['remote_update_s']:.1f} | {build['update_ratio']:.2f} |",
        f"| Oxigraph server, N-Quads to `/store` | {build['remote_data_endpoint_s']:.1f} | "
        f"{build['data_endpoint_ratio']:.2f} |",
        "",
        "| query | embedded ms | remote ms | Oxigraph direct ms | remote / embedded | remote / direct |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["queries"]:
        lines.append(
            f"| {row['query']} | {row['embedded_ms']:.1f} | {row['remote_ms']:.1f} | {row['oxigraph_direct_ms']:.1f} "
            f"| {row['remote_over_embedded']:.2f} | {row['remote_over_direct']:.2f} |"
        )
    lines += ["", "| document | embedded req/s | remote req/s | remote / embedded | p50 ms (embedded / remote) |"]
    lines.append("|---|---:|---:|---:|---:|")
    for row in result["documents"]:
        embedded, remote = row["embedded"], row["remote"]
        lines.append(
            f"| `.{row['format']}` | {embedded['rps']:.0f} | {remote['rps']:.0f} | {row['remote_over_embedded']:.2f} "
            f"| {embedded['p50_ms']:.1f} / {remote['p50_ms']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, help="a folder of generated data (default: generate --triples)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--iris", type=int, default=2000)
    parser.add_argument("--deref-seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    work = (args.out / f"remote-{args.triples}").resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    data = args.data.resolve() if args.data else (args.out / f"data-{args.triples}").resolve()
    if args.data is None:
        ensure_generated(data, args.triples)
    result: dict[str, Any] = {
        "triples": args.triples,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "environment": environment_facts(),
        "load_average_before": os.getloadavg(),
    }
    with contextlib.ExitStack() as stack:
        port = free_port()
        engine = start(
            [
                "oxigraph",
                "serve",
                "--location",
                str(work / "oxigraph"),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                "600",
            ],
            work / "oxigraph.log",
        )
        stack.callback(stop, engine)
        origin = f"http://127.0.0.1:{port}"
        wait_all_ready([Server("oxigraph", engine, origin, origin + "/query")], time.perf_counter(), 60)
        result["build"] = measure_building(data, work, origin)
        servers = {}
        for name, store, extra in (
            ("embedded", work / "store-embedded", []),
            ("remote", work / "store-remote", oxigraph_options(origin, True)),
        ):
            serve_port = free_port()
            command = _govlod("serve", "--data", str(data), "--store", str(store), "--port", str(serve_port), *extra)
            command += ["--query-timeout", "600", "--max-rows", "1000000"]
            process = start(command, work / f"serve-{name}.log")
            stack.callback(stop, process)
            serve_origin = f"http://127.0.0.1:{serve_port}"
            servers[name] = Server(name, process, serve_origin, serve_origin + "/sparql")
        wait_all_ready(list(servers.values()), time.perf_counter(), 1800)
        endpoints = {name: server.probe for name, server in servers.items()}
        endpoints["oxigraph"] = origin + "/query"
        result["queries"] = measure_queries(endpoints, args.runs)
        iris = select_values(
            endpoints["embedded"],
            f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{CANONICAL_BASE}id/")) }} '
            f"LIMIT {args.iris + WARM_UP_IRIS}",
            "s",
        )
        random.Random(args.seed).shuffle(iris)
        origins = {name: server.origin for name, server in servers.items()}
        for iri in iris[:WARM_UP_IRIS]:  # templates and first queries of each kind, not measured
            for name in origins:
                for extension in ("ttl", "html"):
                    path = document_path(iri, extension)
                    if path is not None:
                        httpx.get(origins[name] + path, timeout=60)
        result["documents"] = measure_documents(
            origins, iris[WARM_UP_IRIS:], args.deref_seconds, args.concurrency, work
        )
    (args.out / f"remote-{args.triples}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    markdown = render(result)
    (args.out / f"remote-{args.triples}.md").write_text(markdown, encoding="utf-8")
    print()
    print(markdown, end="")


if __name__ == "__main__":
    main()
