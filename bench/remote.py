"""govlod on its embedded store and on remote SPARQL stores (the Oxigraph server from PyPI,
OpenLink Virtuoso from Debian, or any store named by --store-url), side by side, in one run.

    pip install -e '.[test,bench]' && python bench/remote.py --data /tmp/gen/1m

For the data of bench/generate.py (a folder of it, or generated once at --triples):

1. building: `govlod build --skip-validation` into the embedded store and into each remote store
   (the Oxigraph server through its N-Quads endpoint `/store`, Virtuoso through SPARQL Update),
   beside each engine's own bulk loader on the same files
   (`oxigraph load`; Virtuoso's `ld_dir` + `rdf_loader_run`), the peer for loading;
2. SPARQL: the query mix of bench/run.py, median latency of govlod on each store and of each
   engine asked directly (what govlod adds in front of a remote store);
3. dereferencing: distinct IRIs as `/doc/….ttl` and `/doc/….html`, requests/s and p50/p99 of
   every govlod server with the same client and concurrency;
4. replicas (--replicas): `.ttl` requests/s through Debian's nginx in front of one and of two
   govlod replicas over the Oxigraph server.

--store-url URL (with --store-update-url, --store-data-url) adds a store that is already running:
it is built into (its served graphs are replaced) and measured like the others.

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
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from common import PREFIXES, PROJECT, QUERY_MIX, Client, bench_environment, ensure_generated, free_port, start, stop
from scale import (
    CANONICAL_BASE,
    WARM_UP_IRIS,
    Server,
    Walk,
    _govlod,
    document_path,
    environment_facts,
    select_values,
    wait_all_ready,
    walk_with_threads,
    walk_with_wrk,
)

# The engines are started as the tests start them (tests/helpers.py), so both measure the same set-up.
sys.path.insert(0, str(PROJECT))
from tests.helpers import RunningNginx, RunningOxigraph, RunningVirtuoso, virtuoso_missing

HERE = Path(__file__).resolve().parent
UNION_GRAPH = CANONICAL_BASE + "graph/default"  # where govlod keeps the served union on Virtuoso


@dataclass
class Remote:
    """A remote store as the bench uses it: how govlod names it, and how to ask it directly."""

    name: str
    options: list[str]  # `govlod build`/`serve` options
    direct: str  # its SPARQL endpoint, with the dataset govlod gives queries on it
    builds: dict[str, list[str]] = field(default_factory=dict)  # build label -> options, timed in turn


def timed_build(label: str, data: Path, store: Path, extra: Sequence[str], log: Path) -> float:
    shutil.rmtree(store, ignore_errors=True)
    command = _govlod("build", "--data", str(data), "--store", str(store), "--skip-validation", *extra)
    started = time.perf_counter()
    with log.open("w") as out:
        subprocess.run(command, cwd=PROJECT, env=bench_environment(), stdout=out, stderr=subprocess.STDOUT, check=True)
    return report(label, time.perf_counter() - started)


def report(label: str, seconds: float) -> float:
    print(f"  {label:52} {seconds:7.1f} s", flush=True)
    return seconds


def oxigraph_bulk_load(data: Path, work: Path) -> float:
    """`oxigraph load` of the same files into an empty folder: the Oxigraph server's own bulk loader."""
    files = sorted(str(path) for path in data.rglob("*.ttl"))
    started = time.perf_counter()
    command = ["oxigraph", "load", "--location", str(work / "oxigraph-bulk"), "--lenient", "--file", *files]
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    shutil.rmtree(work / "oxigraph-bulk", ignore_errors=True)
    return report("Oxigraph bulk loader (`oxigraph load`)", seconds)


def virtuoso_bulk_load(virtuoso: RunningVirtuoso, data: Path) -> float:
    """Virtuoso's bulk loader on the same files, into a graph of its own, checkpoint included."""
    started = time.perf_counter()
    loaded = virtuoso.isql(f"ld_dir_all('{data}', '*.ttl', 'urn:bench:bulk');\nrdf_loader_run();\ncheckpoint;\n")
    seconds = time.perf_counter() - started
    virtuoso.isql("SPARQL CLEAR GRAPH <urn:bench:bulk>;\nDELETE FROM DB.DBA.load_list;\n")
    if "Error" in loaded:
        raise SystemExit(f"Virtuoso's bulk loader failed: {loaded}")
    return report("Virtuoso bulk loader (`ld_dir_all` + `rdf_loader_run`)", seconds)


def measure_building(
    data: Path, work: Path, remotes: Sequence[Remote], peers: dict[str, Callable[[], float]]
) -> dict[str, Any]:
    print("building (--skip-validation):", flush=True)
    seconds = {"embedded": timed_build("govlod, embedded store", data, work / "store-embedded", [], work / "b.log")}
    for remote in remotes:
        for label, options in remote.builds.items():
            name = f"{remote.name}, {label}"
            seconds[name] = timed_build(f"govlod, {name}", data, work / f"store-{remote.name}", options, work / "b.log")
    for name, measure in peers.items():
        seconds[name] = measure()
    return {"seconds": seconds, "over_embedded": {name: s / seconds["embedded"] for name, s in seconds.items()}}


def wait_until_quiet(limit_s: float = 900, idle_share: float = 0.15) -> float:
    """Wait until the machine is idle (a store compacting after a build takes the cores for
    minutes, which would slow every server measured); the seconds waited."""
    import psutil

    started = time.perf_counter()
    psutil.cpu_percent(interval=None)
    while time.perf_counter() - started < limit_s:
        if psutil.cpu_percent(interval=5) < idle_share * 100:
            break
    waited = time.perf_counter() - started
    print(f"  waited {waited:.0f} s for the machine to be quiet", flush=True)
    return waited


def measure_queries(endpoints: dict[str, str], runs: int) -> list[dict[str, Any]]:
    """Median latency of each query of the mix on every endpoint, taken in turns."""
    client = Client()

    def timed(name: str, query: str, tag: str) -> float:
        return client.get(endpoints[name], f"{query}\n# {tag} {time.time_ns()}")[0]

    for body, _ in QUERY_MIX.values():  # one unmeasured pass
        for name in endpoints:
            timed(name, PREFIXES + body, "warm-up")
    print("SPARQL query mix (median ms):", flush=True)
    rows = []
    for query_name, (body, what) in QUERY_MIX.items():
        query = PREFIXES + body
        timings: dict[str, list[float]] = {name: [] for name in endpoints}
        while len(timings["embedded"]) < runs or (
            sum(map(sum, timings.values())) < 2.0 * len(endpoints) / 2 and len(timings["embedded"]) < 200
        ):
            for name in endpoints:  # in turns, so that a burst of load touches all
                timings[name].append(timed(name, query, str(len(timings[name]))))
        medians = {name: statistics.median(values) * 1000 for name, values in timings.items()}
        rows.append({"query": query_name, "what": what, "median_ms": medians})
        print(f"  {query_name:15} " + "  ".join(f"{n} {m:8.1f}" for n, m in medians.items()), flush=True)
    client.close()
    return rows


def walk(origin: str, paths: Sequence[str], seconds: float, concurrency: int, work: Path) -> Walk:
    if shutil.which("wrk"):
        return walk_with_wrk(origin, paths, True, seconds, concurrency, 2, work)
    return walk_with_threads(origin, paths, True, seconds, concurrency)


def measure_documents(
    origins: dict[str, str], iris: Sequence[str], seconds: float, concurrency: int, work: Path
) -> list[dict[str, Any]]:
    print("dereferencing (requests/s):", flush=True)
    rows = []
    for extension in ("ttl", "html"):
        paths = [p for p in (document_path(i, extension) for i in iris) if p is not None]
        walks = {name: walk(origin, paths, seconds, concurrency, work) for name, origin in origins.items()}
        rows.append({"format": extension, "walks": {name: asdict(w) for name, w in walks.items()}})
        print(
            f"  .{extension:5} " + "  ".join(f"{n} {w.rps:7.0f} ({w.errors} errors)" for n, w in walks.items()),
            flush=True,
        )
    return rows


def measure_replicas(
    store: Path, data: Path, options: list[str], iris: Sequence[str], args: argparse.Namespace, work: Path
) -> dict[str, Any]:
    """`.ttl` requests/s through nginx in front of one and of two replicas over one remote store."""
    print("replicas behind nginx (.ttl requests/s):", flush=True)
    paths = [p for p in (document_path(i, "ttl") for i in iris) if p is not None]
    result: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        replicas = []
        for count in (1, 2):
            while len(replicas) < count:
                port = free_port()
                command = _govlod("serve", "--data", str(data), "--store", str(store), "--port", str(port), *options)
                process = start(command, work / f"replica-{port}.log")
                stack.callback(stop, process)
                origin = f"http://127.0.0.1:{port}"
                replicas.append(Server(f"replica-{port}", process, origin, origin + "/sparql"))
            wait_all_ready(replicas, time.perf_counter(), 600)
            balancer = RunningNginx(work / f"nginx-{count}", [int(r.origin.rsplit(":", 1)[1]) for r in replicas])
            try:
                for path in paths[:WARM_UP_IRIS]:
                    httpx.get(balancer.url.rstrip("/") + path, timeout=60)
                measured = walk(balancer.url.rstrip("/"), paths, args.deref_seconds, args.concurrency, work)
            finally:
                balancer.stop()
            result[f"{count}"] = asdict(measured)
            print(f"  {count} replica(s): {measured.rps:7.0f} req/s, p50 {measured.p50_ms:.1f} ms", flush=True)
    result["two_over_one"] = result["2"]["rps"] / result["1"]["rps"]
    return result


def render(result: dict[str, Any]) -> str:
    build = result["build"]
    lines = [
        f"# govlod on the embedded store and on remote stores, {result['triples']:,} triples",
        "",
        f"{result['environment']['cpus']} CPUs; {result['started_at']}; govlod at {result['environment']['commit']}.",
        "",
        "| build (`--skip-validation`) or bulk load | seconds | / govlod embedded |",
        "|---|---:|---:|",
    ]
    for name, seconds in build["seconds"].items():
        lines.append(f"| {name} | {seconds:.1f} | {build['over_embedded'][name]:.2f} |")
    names = list(result["queries"][0]["median_ms"])
    lines += ["", "| query (median ms) | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for row in result["queries"]:
        lines.append(f"| {row['query']} | " + " | ".join(f"{row['median_ms'][n]:.1f}" for n in names) + " |")
    servers = list(result["documents"][0]["walks"])
    lines += ["", "| document (req/s, p50 ms) | " + " | ".join(servers) + " |", "|---|" + "---:|" * len(servers)]
    for row in result["documents"]:
        cells = [f"{row['walks'][n]['rps']:.0f} ({row['walks'][n]['p50_ms']:.1f})" for n in servers]
        lines.append(f"| `.{row['format']}` | " + " | ".join(cells) + " |")
    if "replicas" in result:
        replicas = result["replicas"]
        lines += [
            "",
            "| through nginx, `.ttl` | req/s | p50 ms |",
            "|---|---:|---:|",
            f"| 1 replica | {replicas['1']['rps']:.0f} | {replicas['1']['p50_ms']:.1f} |",
            f"| 2 replicas | {replicas['2']['rps']:.0f} | {replicas['2']['p50_ms']:.1f} |",
            f"| 2 / 1 | {replicas['two_over_one']:.2f} | |",
        ]
    return "\n".join(lines) + "\n"


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, help="a folder of generated data (default: generate --triples)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--iris", type=int, default=2000)
    parser.add_argument("--deref-seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-virtuoso", action="store_true", help="leave Virtuoso out even where it is installed")
    parser.add_argument("--replicas", action="store_true", help="also measure 1 and 2 replicas behind nginx")
    parser.add_argument("--store-url", help="a running SPARQL store to measure as well (it is built into)")
    parser.add_argument("--store-update-url")
    parser.add_argument("--store-data-url")
    return parser.parse_args(argv)


def start_remotes(
    args: argparse.Namespace, work: Path, data: Path, stack: contextlib.ExitStack
) -> tuple[list[Remote], dict[str, Callable[[], float]]]:
    """The remote stores to measure, started on free loopback ports, and their own bulk loaders."""
    oxigraph = RunningOxigraph(work / "oxigraph", timeout_seconds=600)
    stack.callback(oxigraph.stop)
    remotes = [
        Remote("oxigraph-server", oxigraph.options, oxigraph.url + "query", {"N-Quads to /store": oxigraph.options})
    ]
    peers: dict[str, Callable[[], float]] = {"Oxigraph bulk loader": lambda: oxigraph_bulk_load(data, work)}
    missing = virtuoso_missing()
    if not args.no_virtuoso and missing is None:
        virtuoso = RunningVirtuoso(work / "virtuoso", timeout_seconds=600, dirs_allowed=[data])
        stack.callback(virtuoso.stop)
        direct = f"{virtuoso.url}sparql?default-graph-uri={UNION_GRAPH}"
        remotes.append(Remote("virtuoso", virtuoso.options, direct, {"SPARQL Update": virtuoso.options}))
        peers["Virtuoso bulk loader"] = lambda: virtuoso_bulk_load(virtuoso, data)
    elif missing is not None:
        print(f"Virtuoso left out: {missing}", flush=True)
    if args.store_url:
        options = ["--store-url", args.store_url]
        options += ["--store-update-url", args.store_update_url] if args.store_update_url else []
        options += ["--store-data-url", args.store_data_url] if args.store_data_url else []
        remotes.append(Remote("store-url", options, args.store_url, {"as given": options}))
    return remotes, peers


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_arguments(argv)
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
        remotes, peers = start_remotes(args, work, data, stack)
        result["build"] = measure_building(data, work, remotes, peers)
        servers = {}
        for name, store, extra in [("embedded", work / "store-embedded", [])] + [
            (r.name, work / f"store-{r.name}", r.options) for r in remotes
        ]:
            serve_port = free_port()
            command = _govlod("serve", "--data", str(data), "--store", str(store), "--port", str(serve_port), *extra)
            command += ["--query-timeout", "600", "--max-rows", "1000000"]
            process = start(command, work / f"serve-{name}.log")
            stack.callback(stop, process)
            serve_origin = f"http://127.0.0.1:{serve_port}"
            servers[name] = Server(name, process, serve_origin, serve_origin + "/sparql")
        wait_all_ready(list(servers.values()), time.perf_counter(), 1800)
        result["quiet_wait_s"] = wait_until_quiet()
        result["load_average_measured"] = os.getloadavg()
        endpoints = {f"govlod {name}": server.probe for name, server in servers.items()}
        endpoints |= {f"{r.name} direct": r.direct for r in remotes}
        endpoints["embedded"] = endpoints.pop("govlod embedded")
        result["queries"] = measure_queries(endpoints, args.runs)
        iris = select_values(
            servers["embedded"].probe,
            f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{CANONICAL_BASE}id/")) }} '
            f"LIMIT {args.iris + WARM_UP_IRIS}",
            "s",
        )
        random.Random(args.seed).shuffle(iris)
        origins = {name: server.origin for name, server in servers.items()}
        for iri in iris[:WARM_UP_IRIS]:  # templates and first queries of each kind, not measured
            for origin in origins.values():
                for extension in ("ttl", "html"):
                    path = document_path(iri, extension)
                    if path is not None:
                        httpx.get(origin + path, timeout=60)
        result["documents"] = measure_documents(
            origins, iris[WARM_UP_IRIS:], args.deref_seconds, args.concurrency, work
        )
        for server in servers.values():  # the replicas measure alone
            stop(server.process)
        if args.replicas:
            oxigraph = remotes[0]
            result["replicas"] = measure_replicas(
                work / f"store-{oxigraph.name}", data, oxigraph.options, iris[WARM_UP_IRIS:], args, work
            )
    (args.out / f"remote-{args.triples}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    markdown = render(result)
    (args.out / f"remote-{args.triples}.md").write_text(markdown, encoding="utf-8")
    print()
    print(markdown, end="")


if __name__ == "__main__":
    main()
