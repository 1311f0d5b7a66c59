"""govlod at one scale, side by side with the raw engine and a trivial endpoint, in one run.

    pip install -e '.[bench]' && python bench/scale.py --triples 100000

For the data of bench/generate.py at the chosen size (generated once, then reused), measures:

1. loading: pyoxigraph's own `Store.bulk_load` of each file (the raw limit), `govlod validate`,
   `govlod build` (which validates) and `govlod build --skip-validation`, each in a child process:
   wall time, peak resident memory of its process tree, and build / (raw load + validation);
2. SPARQL: the query mix of bench/run.py, median latency of `govlod serve` against the Oxigraph
   server (`oxigraph serve-read-only`) on the same store, every run uncached; per query whether
   govlod meets its target, at most 1.25 x Oxigraph + 2 ms (optionally rdflib-endpoint too);
3. dereferencing: thousands of distinct IRIs of the store, `/id/...` (303) and `/doc/...` as
   Turtle, JSON-LD and HTML, plus one IRI repeated (cached): requests/s, p50 and p99 with a fixed
   number of concurrent connections (wrk walking a list of paths, or Python threads without wrk),
   against a trivial FastAPI endpoint on the same uvicorn measured the same way;
4. reconciliation: batches of 10 names from the store's labels POSTed to `/reconcile` as
   OpenRefine sends them: latency p50 and p99, and the server's memory afterwards; then the
   quality of the answers on an evaluation set derived from the data (bench/reconciliation_set.py,
   written to OUT/reconciliation-set-SIZE.csv): precision and recall of auto-matches and of the
   top candidate, with and without a type (bench/reconciliation_quality.py).

Writes OUT/scale-SIZE.json and OUT/scale-SIZE.md (OUT is bench/out unless --out) and prints the
Markdown. Every server listens on 127.0.0.1 only and is stopped at the end, also on errors.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import math
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import httpx
import pyoxigraph as ox

from common import (
    GENERATOR_SEED,
    PREFIXES,
    PROJECT,
    QUERY_MIX,
    Client,
    answer_size,
    bench_environment,
    ensure_generated,
    free_port,
    interrupt_on_sigterm,
    percentile,
    repeat,
    start,
    stop,
)
from reconciliation_quality import evaluate, load_rows
from reconciliation_quality import render_markdown as render_quality
from reconciliation_set import ensure_set

if TYPE_CHECKING:
    import psutil

HERE = Path(__file__).resolve().parent
SIZES = (100_000, 1_000_000, 10_000_000)
RDFLIB_MAX_TRIPLES = 1_000_000  # rdflib-endpoint holds everything in Python objects: 10M does not fit
CANONICAL_BASE = "https://w3id.org/govlod/"  # served as is: the script never passes --base-iri
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TARGET_FACTOR = 1.25  # govlod's SPARQL target: at most this times the Oxigraph server...
TARGET_SLACK_MS = 2.0  # ...plus this, the price of the HTTP stack, process hop and cache lookup
SAMPLE_SECONDS = 0.2  # how often a measured command's memory is sampled
DOCUMENT_EXTENSIONS = ("ttl", "jsonld", "html")
WARM_UP_IRIS = 20  # drawn beside the measured IRIs, never among them: they would be cached
MB = 1024 * 1024
TIMES = "\u00d7"  # the multiplication sign, as the README writes its ratios


# --- pure parts (tested in tests/bench/test_scale.py) -------------------------------------------


def identifier_path(iri: str, base: str = CANONICAL_BASE) -> str | None:
    """The request path that dereferences `iri` on a server whose base IRI is `base`: `/id/{path}`.

    None for IRIs outside the identifier space and for those the route cannot carry as a path
    (a fragment, a query, a trailing slash).
    """
    space = base + "id/"
    if not iri.startswith(space):
        return None
    local = iri[len(space) :]
    if not local or local.endswith("/") or "#" in local or "?" in local:
        return None
    # Percent-encode what a path cannot hold as is; the server decodes it back to the same IRI.
    return "/id/" + quote(local, safe="/-._~!$&'()*+,;=:@")


def document_path(iri: str, extension: str, base: str = CANONICAL_BASE) -> str | None:
    """The path of the document about `iri` in one format: `/doc/{path}.{extension}`, as the 303 names it."""
    identifier = identifier_path(iri, base)
    return None if identifier is None else f"/doc/{identifier.removeprefix('/id/')}.{extension}"


def target_ms(oxigraph_ms: float) -> float:
    return TARGET_FACTOR * oxigraph_ms + TARGET_SLACK_MS


def reconcile_batch(names: Sequence[str]) -> dict[str, dict[str, str]]:
    """A batch of queries as OpenRefine sends it in `queries=`: q0, q1..., no type, type_strict should."""
    return {f"q{i}": {"query": name, "type_strict": "should"} for i, name in enumerate(names)}


def build_phases(output: str) -> dict[str, float]:
    """The phase timings `govlod build` prints (parse, validate, load, statistics, dumps, index, total),
    read leniently: a phase whose line is missing or changed wording is left out, never guessed."""
    patterns = {
        "parse": r"parsed .* in ([\d.]+) s",
        "validate": r"validated in ([\d.]+) s",
        "load": r"loaded .* in ([\d.]+) s",
        "statistics": r"statistics in ([\d.]+) s",
        "dumps": r"dumps in ([\d.]+) s",
        "index": r"index of .* in ([\d.]+) s",
        "total": r"built .* in ([\d.]+) s",
    }
    phases = {}
    for phase, pattern in patterns.items():
        found = re.search(pattern, output)
        if found:
            phases[phase] = float(found.group(1))
    return phases


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}{TIMES}"


def _table(header: Sequence[str], align: str, rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table; `align` has one letter a column: l (left) or r (right)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if a == "l" else "---:" for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _load_average(section: Mapping[str, Any]) -> str:
    load = section.get("load_average_before")
    return f" Load average of the machine before this section: {load[0]:.2f}." if load else ""


def _render_loading(load: Mapping[str, Any]) -> list[str]:
    rows = [
        [
            step["label"],
            _number(step["seconds"], 2),
            _number(step["peak_rss_mb"], 0),
            _count(step.get("quads")),
            step["status"],
        ]
        for step in load["steps"]
    ]
    lines = ["### Loading", ""]
    lines += _table(["step", "wall time (s)", "peak RSS (MB)", "quads written", "outcome"], "lrrrl", rows)
    lines.append("")
    lines.append(
        f"- `govlod build` / (raw `bulk_load` + `govlod validate`): **{_ratio(load.get('build_ratio'))}**; "
        f"`govlod build --skip-validation` / raw `bulk_load`: {_ratio(load.get('skip_validation_ratio'))}."
    )
    for key, label in (("build_phases", "`govlod build`"), ("skip_validation_phases", "`--skip-validation`")):
        phases = load.get(key) or {}
        if phases:
            lines.append(
                f"- {label}, its own report: "
                + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items())
            )
    lines.append(
        "- Wall time of each child process, start-up included; peak RSS of its process tree sampled every "
        f"{SAMPLE_SECONDS} s (at least the highest single-process high-water mark)." + _load_average(load)
    )
    return [*lines, ""]


def _render_sparql(sparql: Mapping[str, Any]) -> list[str]:
    with_rdflib = any(row.get("rdflib_ms") is not None for row in sparql["queries"])
    header = [
        "query",
        "what",
        "govlod (ms)",
        "Oxigraph server (ms)",
        "govlod / Oxigraph",
        "target (ms)",
        "meets target",
        "rows (govlod / Oxigraph)",
    ]
    align = "llrrrrll"
    if with_rdflib:
        header[-1] = "rows (govlod / Oxigraph / rdflib)"
        header.append("rdflib-endpoint (ms)")
        align += "r"
    rows = []
    for row in sparql["queries"]:
        cells = [
            row["query"],
            row["what"],
            _number(row["govlod_ms"]),
            _number(row["oxigraph_ms"]),
            _ratio(row["ratio"]),
            _number(row["target_ms"]),
            "yes" if row["meets_target"] else "**no**",
            " / ".join(_count(n) for n in row["rows"]) + ("" if len(set(row["rows"])) == 1 else " (differ)"),
        ]
        if with_rdflib:
            cells.append(_number(row.get("rdflib_ms")))
        rows.append(cells)
    met = sum(1 for row in sparql["queries"] if row["meets_target"])
    memory = sparql.get("rss_mb", {})
    lines = ["### SPARQL query mix: govlod and the Oxigraph server on the same store", ""]
    lines += _table(header, align, rows)
    lines += [
        "",
        f"- {met} of {len(rows)} queries meet the target (govlod ≤ {TARGET_FACTOR} {TIMES} Oxigraph + "
        f"{TARGET_SLACK_MS:g} ms); geometric mean of govlod / Oxigraph: {_ratio(sparql.get('geometric_mean_ratio'))}.",
        f"- Medians of at least {sparql['runs']} runs a query and server, alternating the servers; each run "
        "carries a unique comment, so govlod's answer cache never answers. "
        f"Ready after start: govlod {_number(sparql.get('ready_s', {}).get('govlod'))} s, "
        f"Oxigraph {_number(sparql.get('ready_s', {}).get('oxigraph'))} s.",
        f"- Memory after the mix: govlod {_number(memory.get('govlod_tree'), 0)} MB with its query processes "
        f"({_number(memory.get('govlod_server'), 0)} MB the web process), Oxigraph "
        f"{_number(memory.get('oxigraph_tree'), 0)} MB." + _load_average(sparql),
    ]
    return [*lines, ""]


def _render_dereferencing(deref: Mapping[str, Any]) -> list[str]:
    rows = []
    for case in deref["cases"]:
        own, trivial = case["govlod"], case["trivial"]
        rows.append(
            [
                case["label"],
                _number(own["rps"], 0),
                _number(own["p50_ms"]),
                _number(own["p99_ms"]),
                _number(trivial["rps"], 0),
                _number(trivial["p50_ms"]),
                _number(trivial["p99_ms"]),
                _ratio(case["rps_ratio"]),
                _count(own["requests"]) + ("" if case.get("complete", True) else " (time limit)"),
                _count(own["errors"]),
            ]
        )
    lines = [
        f"### Dereferencing: {deref['distinct_iris']:,} distinct IRIs, {deref['concurrency']} concurrent "
        f"connections ({deref['client']})",
        "",
    ]
    lines += _table(
        [
            "case",
            "govlod req/s",
            "p50 (ms)",
            "p99 (ms)",
            "trivial req/s",
            "trivial p50 (ms)",
            "trivial p99 (ms)",
            "govlod / trivial (req/s)",
            "requests",
            "errors",
        ],
        "lrrrrrrrrr",
        rows,
    )
    lines += [
        "",
        "- Distinct cases request each IRI once (no two connections share one), so no answer comes from "
        "govlod's document cache; repeated cases ask for one IRI for a fixed time, cache included. "
        "The trivial endpoint answers the same paths with a constant (303 for `/id/`) on the same uvicorn."
        + _load_average(deref),
    ]
    return [*lines, ""]


def _render_reconciliation(reconcile: Mapping[str, Any]) -> list[str]:
    memory = reconcile.get("rss_mb", {})
    row = [
        _count(reconcile["batches"]),
        _number(reconcile.get("first_batch_ms")),
        _number(reconcile.get("p50_ms")),
        _number(reconcile.get("p99_ms")),
        f"{reconcile['answered']:,} of {reconcile['queries']:,}",
        _number(memory.get("govlod_server"), 0),
        _number(memory.get("govlod_tree"), 0),
    ]
    lines = [f"### Reconciliation: batches of {reconcile['batch_size']} names POSTed to /reconcile", ""]
    lines += _table(
        [
            "batches",
            "first batch (ms)",
            "p50 (ms)",
            "p99 (ms)",
            "queries with a candidate",
            "RSS after, web process (MB)",
            "RSS after, with query processes (MB)",
        ],
        "rrrrrrr",
        [row],
    )
    lines += [
        "",
        "- Names drawn from the store's `rdfs:label` values, shuffled with a fixed seed; the first batch "
        "(not in p50/p99) also opens the build's finding aid." + _load_average(reconcile),
    ]
    quality = reconcile.get("quality")
    if quality:
        title = f"Reconciliation quality: {quality.get('set', 'evaluation set')}"
        lines += ["", *render_quality(quality, title, level=4).rstrip("\n").split("\n")]
    return [*lines, ""]


def _render_search(search: Mapping[str, Any]) -> list[str]:
    row = [
        _count(search["queries"]),
        _number(search.get("first_query_ms")),
        _number(search.get("p50_ms")),
        _number(search.get("p99_ms")),
        f"{search['with_results']:,} of {search['queries']:,}",
    ]
    lines = ["### Search: one query at a time to /search (JSON)", ""]
    lines += _table(["queries", "first (ms)", "p50 (ms)", "p99 (ms)", "queries with a result"], "rrrrr", [row])
    lines += [
        "",
        "- Queries made from the store's `rdfs:label` values, shuffled with a fixed seed: whole names, "
        "the first half of a name, its last two words, and names with a letter left out." + _load_average(search),
    ]
    return [*lines, ""]


def render_markdown(result: Mapping[str, Any]) -> str:
    """The report of one run as Markdown: a heading, the setting, then one table per section run."""
    env, data = result["environment"], result["data"]
    lines = [
        f"## govlod at {result['triples']:,} triples",
        "",
        f"{env['cpus']} CPUs, {env['memory_gb']:.0f} GB of memory; Python {env['python']}, pyoxigraph "
        f"{env['pyoxigraph']}, {env['oxigraph']}; govlod at {env['commit']}; {result['started_at']}.",
        f"Data: {data['files']:,} Turtle files, {data['mb']:,.1f} MB"
        + (
            f", from bench/generate.py (seed {data['seed']})."
            if data.get("seed") is not None
            else f" in {data['folder']}."
        ),
        "",
    ]
    renderers: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
        "load": _render_loading,
        "sparql": _render_sparql,
        "deref": _render_dereferencing,
        "search": _render_search,
        "reconcile": _render_reconciliation,
    }
    for section, render in renderers.items():
        if section in result:
            lines += render(result[section])
    return "\n".join(lines).rstrip("\n") + "\n"


# --- processes and their memory -----------------------------------------------------------------


def _high_water_mark(pid: int) -> int:
    """A process's own peak RSS in bytes (VmHWM, Linux), which catches peaks between two samples."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree(pid: int) -> list[psutil.Process]:
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def tree_memory(pid: int) -> tuple[int, int]:
    """(RSS of the process alone, RSS of it and all its descendants), in bytes."""
    import psutil

    own = total = 0
    for process in _tree(pid):
        with contextlib.suppress(psutil.Error):
            rss: int = process.memory_info().rss
            total += rss
            if process.pid == pid:
                own = rss
    return own, total


def _kill_tree(pid: int) -> None:
    import psutil

    for process in reversed(_tree(pid)):
        with contextlib.suppress(psutil.Error):
            process.kill()


@dataclass
class Measured:
    label: str
    command: list[str]
    seconds: float
    peak_rss_mb: float
    status: str  # "ok", "exit N", or why it was stopped
    log: str
    quads: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class _Watcher(threading.Thread):
    """Samples a process tree's memory every SAMPLE_SECONDS while the main thread waits for it, and
    stops the tree when it outlives `timeout` or outgrows `limit` bytes."""

    def __init__(self, pid: int, timeout: float, limit: float):
        super().__init__(daemon=True)
        self.pid, self.timeout, self.limit = pid, timeout, limit
        self.peak = 0
        self.stopped_because: str | None = None
        self._done = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self._done.wait(SAMPLE_SECONDS):
            _, total = tree_memory(self.pid)
            marks = max((_high_water_mark(p.pid) for p in _tree(self.pid)), default=0)
            self.peak = max(self.peak, total, marks)
            if time.monotonic() - started > self.timeout:
                self.stopped_because = f"stopped after {self.timeout:,.0f} s"
            elif total > self.limit:
                self.stopped_because = f"stopped at {self.limit / MB:,.0f} MB"
            if self.stopped_because and not self._done.is_set():
                _kill_tree(self.pid)
                return

    def finish(self) -> None:
        self._done.set()
        self.join()


def run_measured(label: str, command: list[str], log: Path, timeout: float, memory_limit_mb: float) -> Measured:
    """Run `command` from the project root: its wall time and the peak RSS of its process tree.

    The main thread blocks in wait4, so the wall time is exact and the kernel reports the largest
    single-process peak (ru_maxrss); a watcher thread adds the sampled sum over the tree and stops
    the command past `timeout` or `memory_limit_mb` (a 10M validation could take the whole machine).
    """
    with log.open("wb") as handle:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=PROJECT, env=bench_environment(), stdout=handle, stderr=subprocess.STDOUT
        )
        watcher = _Watcher(process.pid, timeout, memory_limit_mb * MB)
        watcher.start()
        try:
            _, wait_status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(wait_status)  # reaped here, not by Popen
        finally:
            watcher.finish()
            if process.returncode is None:  # interrupted: leave nothing running
                _kill_tree(process.pid)
                process.wait()
    peak = max(watcher.peak, usage.ru_maxrss * 1024)  # ru_maxrss is in kilobytes on Linux
    status = watcher.stopped_because or ("ok" if process.returncode == 0 else f"exit {process.returncode}")
    print(f"  {label}: {seconds:.2f} s, peak {peak / MB:,.0f} MB, {status}", flush=True)
    return Measured(label, command, seconds, peak / MB, status, str(log))


# --- 1. loading -----------------------------------------------------------------------------------


def _govlod(*args: str) -> list[str]:
    return [sys.executable, "-m", "govlod", *args]


def _built_counts(store: Path) -> dict[str, int]:
    info = json.loads((store / "current" / "build.json").read_text())
    return {"triples": int(info["triples"]), "quads": int(info["quads"])}


def measure_loading(data: Path, store: Path, work: Path, timeout: float, memory_limit_mb: float) -> dict[str, Any]:
    """The four ways of loading, one after the other; leaves the --skip-validation build in `store`."""
    section: dict[str, Any] = {"load_average_before": os.getloadavg()}
    raw_store, checked_store = work / "raw-oxigraph", work / "store-validated"
    for folder in (raw_store, checked_store, store):
        shutil.rmtree(folder, ignore_errors=True)
    print("loading:", flush=True)

    raw = run_measured(
        "raw Store.bulk_load",
        [sys.executable, str(HERE / "raw_load.py"), str(data), str(raw_store)],
        work / "raw-load.log",
        timeout,
        memory_limit_mb,
    )
    if raw.ok:
        counted = ox.Store.read_only(str(raw_store))
        raw.quads = len(counted)
        del counted  # let RocksDB go before the folder does
    shutil.rmtree(raw_store, ignore_errors=True)

    validate = run_measured(
        "govlod validate",
        _govlod("validate", str(data), "--lang", "en"),
        work / "validate.log",
        timeout,
        memory_limit_mb,
    )
    checked = run_measured(
        "govlod build",
        _govlod("build", "--data", str(data), "--store", str(checked_store)),
        work / "build.log",
        timeout,
        memory_limit_mb,
    )
    if checked.ok:
        checked.quads = _built_counts(checked_store)["quads"]
    shutil.rmtree(checked_store, ignore_errors=True)  # at 10M, two stores at once would crowd the disk

    fast = run_measured(
        "govlod build --skip-validation",
        _govlod("build", "--data", str(data), "--store", str(store), "--skip-validation"),
        work / "build-skip-validation.log",
        timeout,
        memory_limit_mb,
    )
    if not fast.ok:
        raise SystemExit(f"govlod build --skip-validation failed ({fast.status}); see {fast.log}")
    counts = _built_counts(store)
    fast.quads = counts["quads"]

    labels = {
        raw.label: "pyoxigraph `Store.bulk_load` of each file (raw limit)",
        validate.label: "`govlod validate`",
        checked.label: "`govlod build` (validates)",
        fast.label: "`govlod build --skip-validation`",
    }
    steps = [raw, validate, checked, fast]
    section["steps"] = [{**asdict(step), "label": labels[step.label], "step": step.label} for step in steps]
    section["build_ratio"] = (
        checked.seconds / (raw.seconds + validate.seconds) if raw.ok and validate.ok and checked.ok else None
    )
    section["skip_validation_ratio"] = fast.seconds / raw.seconds if raw.ok else None
    section["build_phases"] = build_phases(Path(checked.log).read_text(errors="replace"))
    section["skip_validation_phases"] = build_phases(Path(fast.log).read_text(errors="replace"))
    section["triples_loaded"] = counts["triples"]
    return section


# --- servers --------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    origin: str  # http://127.0.0.1:PORT
    probe: str  # a SPARQL endpoint answering ASK {} once the server is ready
    ready_s: float = 0.0


def start_servers(
    names: Sequence[str], data: Path, store: Path, logs: Path, stack: contextlib.ExitStack
) -> dict[str, Server]:
    """Start the named servers at once on free loopback ports, each stopped when `stack` closes."""
    commands: dict[str, tuple[list[str], str]] = {
        "govlod": (
            # The default base IRI: the store's IRIs stay https://w3id.org/govlod/id/..., served under /id/ here.
            _govlod(
                "serve",
                "--data",
                str(data),
                "--store",
                str(store),
                "--port",
                "{port}",
                "--query-timeout",
                "600",
                "--max-rows",
                "1000000",
            ),
            "/sparql",
        ),
        "oxigraph": (
            [
                "oxigraph",
                "serve-read-only",
                "--location",
                str(store / "current" / "oxigraph"),
                "--bind",
                "127.0.0.1:{port}",
            ],
            "/query",
        ),
        "trivial": ([sys.executable, str(HERE / "trivial_app.py"), "{port}"], "/sparql"),
        "rdflib": ([sys.executable, str(HERE / "peer_rdflib.py"), str(data), "{port}"], "/sparql"),
    }
    servers = {}
    started = time.perf_counter()
    for name in names:
        command, probe = commands[name]
        port = free_port()
        process = start([part.replace("{port}", str(port)) for part in command], logs / f"{name}.log")
        stack.callback(stop, process)
        origin = f"http://127.0.0.1:{port}"
        servers[name] = Server(name, process, origin, origin + probe)
    wait_all_ready(list(servers.values()), started, seconds=1800)
    return servers


def wait_all_ready(servers: Sequence[Server], started: float, seconds: float) -> None:
    """Poll every server in turn until each answers `ASK {}`, so that each one's time to ready is
    its own and not that of the slower ones waited for before it."""
    waiting = list(servers)
    deadline = time.monotonic() + seconds
    while waiting:
        if time.monotonic() > deadline:
            raise SystemExit(f"not ready after {seconds:.0f} s: {', '.join(s.name for s in waiting)}")
        for server in list(waiting):
            if server.process.poll() is not None:
                raise SystemExit(f"{server.name} exited with {server.process.returncode}: see its log")
            try:
                httpx.get(server.probe, params={"query": "ASK {}"}, timeout=2)
            except httpx.HTTPError:
                continue
            server.ready_s = time.perf_counter() - started
            waiting.remove(server)
        if waiting:
            time.sleep(0.1)


def select_values(endpoint: str, query: str, variable: str) -> list[str]:
    """One variable of a SELECT's rows, asked of a SPARQL endpoint over HTTP."""
    response = httpx.get(
        endpoint, params={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=600
    )
    response.raise_for_status()
    return [row[variable]["value"] for row in response.json()["results"]["bindings"] if variable in row]


# --- 2. SPARQL ------------------------------------------------------------------------------------


def alternate(
    minimum: int, first: Callable[[int], float], second: Callable[[int], float]
) -> tuple[list[float], list[float]]:
    """Timings of two servers taken in turns, so that a burst of load on the machine touches both;
    at least `minimum` each, more for fast queries (up to two seconds in all or 200 pairs)."""
    ones: list[float] = []
    twos: list[float] = []
    while len(ones) < minimum or (sum(ones) + sum(twos) < 2.0 and len(ones) < 200):
        ones.append(first(len(ones)))
        twos.append(second(len(twos)))
    return ones, twos


def measure_sparql(servers: Mapping[str, Server], runs: int) -> dict[str, Any]:
    section: dict[str, Any] = {"load_average_before": os.getloadavg(), "runs": runs}
    endpoints = {name: servers[name].probe for name in ("govlod", "oxigraph", "rdflib") if name in servers}
    client = Client()

    def timed(name: str, query: str, tag: str) -> float:
        # The unique comment keeps govlod's cache out; Oxigraph gets the same text, so both parse as much.
        return client.get(endpoints[name], f"{query}\n# {tag} {time.time_ns()}")[0]

    print("SPARQL query mix:", flush=True)
    # One unmeasured pass: RocksDB's block cache, lazy imports and the query processes' first run.
    for body, _ in QUERY_MIX.values():
        for name in endpoints:
            timed(name, PREFIXES + body, "warm-up")
    rows = []
    for name, (body, what) in QUERY_MIX.items():
        query = PREFIXES + body

        def on_govlod(i: int, q: str = query) -> float:
            return timed("govlod", q, f"run {i}")

        def on_oxigraph(i: int, q: str = query) -> float:
            return timed("oxigraph", q, f"run {i}")

        def on_rdflib(i: int, q: str = query) -> float:
            return timed("rdflib", q, f"run {i}")

        own, peer = alternate(runs, on_govlod, on_oxigraph)
        row: dict[str, Any] = {
            "query": name,
            "what": what,
            "govlod_ms": statistics.median(own) * 1000,
            "oxigraph_ms": statistics.median(peer) * 1000,
            "runs": len(own),
        }
        row["ratio"] = row["govlod_ms"] / row["oxigraph_ms"]
        row["target_ms"] = target_ms(row["oxigraph_ms"])
        row["meets_target"] = row["govlod_ms"] <= row["target_ms"]
        sizes = [answer_size(client.get(endpoints[n], query)[1], query) for n in ("govlod", "oxigraph")]
        if "rdflib" in endpoints:
            row["rdflib_ms"] = statistics.median(repeat(runs, on_rdflib)) * 1000
            sizes.append(answer_size(client.get(endpoints["rdflib"], query)[1], query))
        row["rows"] = sizes
        rows.append(row)
        print(
            f"  {name:15} govlod {row['govlod_ms']:8.1f} ms  oxigraph {row['oxigraph_ms']:8.1f} ms  "
            f"x{row['ratio']:5.2f}  {'meets' if row['meets_target'] else 'MISSES'} target  rows {sizes}",
            flush=True,
        )
    client.close()
    section["queries"] = rows
    section["geometric_mean_ratio"] = math.exp(statistics.mean(math.log(r["ratio"]) for r in rows))
    section["ready_s"] = {name: servers[name].ready_s for name in endpoints}
    govlod_server, govlod_tree = tree_memory(servers["govlod"].process.pid)
    section["rss_mb"] = {
        "govlod_server": govlod_server / MB,
        "govlod_tree": govlod_tree / MB,
        "oxigraph_tree": tree_memory(servers["oxigraph"].process.pid)[1] / MB,
    }
    return section


# --- 3. dereferencing -----------------------------------------------------------------------------


@dataclass
class Walk:
    """Requests over a list of paths with fixed concurrency: throughput and latency."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # HTTP 4xx/5xx, socket errors and timeouts


def walk_with_wrk(
    origin: str, paths: Sequence[str], once: bool, seconds: float, concurrency: int, threads: int, work: Path
) -> Walk:
    """wrk running bench/walk.lua: each thread walks its own share of `paths`, once or for `seconds`."""
    listing = work / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{max(concurrency, threads)}",
        f"-d{max(1, math.ceil(seconds))}s",
        "--timeout",
        "60s",  # wrk's default (2 s) would drop slow answers from the latency figures
        "-s",
        str(HERE / "walk.lua"),
        origin,
        "--",
        str(listing),
        str(threads),
        "once" if once else "cycle",
    ]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=True).stdout
    line = next((line for line in output.splitlines() if line.startswith("SCALE-RESULT ")), None)
    if line is None:
        raise SystemExit(f"cannot read wrk's output:\n{output}")
    found = json.loads(line.removeprefix("SCALE-RESULT "))
    # wrk reports the whole -d as its duration even when the walk ended early: the script's own span.
    span = (found["walk_us"] if once else found["duration_us"]) / 1e6
    return Walk(
        requests=found["requests"],
        seconds=span,
        rps=found["requests"] / span,
        p50_ms=found["p50_us"] / 1000,
        p99_ms=found["p99_us"] / 1000,
        errors=found["status_errors"] + found["socket_errors"] + found["timeouts"],
    )


def walk_with_threads(origin: str, paths: Sequence[str], once: bool, seconds: float, concurrency: int) -> Walk:
    """Without wrk: `concurrency` threads, one keep-alive connection each, sharing one walk of `paths`.
    The client then costs CPU of its own on the same machine, so throughput ratios understate govlod."""
    netloc = urlsplit(origin).netloc
    turns = itertools.count()  # next() on a count is atomic under the GIL: each path goes to one thread
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(netloc, timeout=60)
        own: list[float] = []
        failed = 0
        try:
            while time.monotonic() < deadline:
                turn = next(turns)
                if once and turn >= len(paths):
                    break
                started = time.perf_counter()
                try:
                    connection.request("GET", paths[turn % len(paths)])
                    response = connection.getresponse()
                    response.read()
                except (http.client.HTTPException, OSError):
                    failed += 1
                    connection.close()
                    connection = http.client.HTTPConnection(netloc, timeout=60)
                    continue
                own.append(time.perf_counter() - started)
                failed += response.status >= 400
        finally:
            connection.close()
            with lock:
                latencies.extend(own)
                errors[0] += failed

    workers = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    return Walk(
        requests=len(latencies),
        seconds=elapsed,
        rps=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 50) * 1000 if latencies else math.nan,
        p99_ms=percentile(latencies, 99) * 1000 if latencies else math.nan,
        errors=errors[0],
    )


def _check_status(origin: str, path: str, expected: int) -> None:
    """One untimed request that must answer `expected`: a wrong mapping would measure 404 pages."""
    status = httpx.get(origin + path, timeout=120, follow_redirects=False).status_code
    if status != expected:
        raise SystemExit(f"{origin}{path} answered {status}, not {expected}: check the IRI to path mapping")


def measure_dereferencing(
    servers: Mapping[str, Server],
    iris: Sequence[str],
    warm_up: Sequence[str],
    client: str,
    concurrency: int,
    threads: int,
    seconds: float,
    repeat_seconds: float,
    work: Path,
) -> dict[str, Any]:
    section: dict[str, Any] = {
        "load_average_before": os.getloadavg(),
        "distinct_iris": len(iris),
        "concurrency": concurrency,
        "client": f"wrk, {threads} threads" if client == "wrk" else "Python threads",
    }

    def walk(origin: str, paths: Sequence[str], once: bool, limit_s: float) -> Walk:
        if client == "wrk":
            return walk_with_wrk(origin, paths, once, limit_s, concurrency, threads, work)
        return walk_with_threads(origin, paths, once, limit_s, concurrency)

    def paths(extension: str | None, chosen: Sequence[str]) -> list[str]:
        mapped = (identifier_path(i) if extension is None else document_path(i, extension) for i in chosen)
        return [path for path in mapped if path is not None]

    govlod, trivial = servers["govlod"].origin, servers["trivial"].origin
    print("dereferencing:", flush=True)
    # Warm-up on IRIs that are not measured: template compilation, first queries of each kind.
    for extension in (None, *DOCUMENT_EXTENSIONS):
        for path in paths(extension, warm_up):
            _check_status(govlod, path, 303 if extension is None else 200)
    _check_status(trivial, paths(None, iris[:1])[0], 303)
    # The trivial endpoint has no cache, so it cycles through the same paths for a fixed time:
    # walking 2,000 paths once at its speed would last a fraction of a second, too short to trust.
    baseline = {
        "id": walk(trivial, paths(None, iris), False, min(5.0, seconds)),
        "doc": walk(trivial, paths("ttl", iris), False, min(5.0, seconds)),
    }
    # Each format's own cache entry is keyed by IRI and format, so one list of IRIs serves every case.
    cases: list[tuple[str, str, list[str], bool, float]] = [
        ("`/id/` → 303", "id", paths(None, iris), True, seconds),
        *((f"`/doc/….{ext}`", "doc", paths(ext, iris), True, seconds) for ext in DOCUMENT_EXTENSIONS),
        ("`/doc/….ttl`, one IRI repeated", "doc", paths("ttl", iris[:1]), False, repeat_seconds),
        ("`/doc/….html`, one IRI repeated", "doc", paths("html", iris[:1]), False, repeat_seconds),
    ]
    results = []
    for label, kind, case_paths, once, limit_s in cases:
        if not once:  # the repeated IRI: its first answer fills the cache, untimed
            _check_status(govlod, case_paths[0], 200)
        own = walk(govlod, case_paths, once, limit_s)
        ceiling = baseline[kind]
        results.append(
            {
                "label": label,
                "govlod": asdict(own),
                "trivial": asdict(ceiling),
                "rps_ratio": own.rps / ceiling.rps,
                "complete": not once or own.requests >= len(case_paths),
            }
        )
        print(
            f"  {label:34} {own.rps:8.0f} req/s  p50 {own.p50_ms:7.1f} ms  p99 {own.p99_ms:7.1f} ms  "
            f"trivial {ceiling.rps:6.0f} req/s  errors {own.errors}",
            flush=True,
        )
    section["cases"] = results
    return section


# --- 4. reconciliation ----------------------------------------------------------------------------


def search_queries(names: Sequence[str], rng: random.Random) -> list[str]:
    """What people type: whole names, the start of a name, a name's last two words, and a misspelt word."""
    queries = []
    for number, name in enumerate(names):
        words = name.split()
        kind = number % 4
        if kind == 1 and len(name) > 6:
            name = name[: max(3, len(name) // 2)]
        elif kind == 2 and len(words) > 2:
            name = " ".join(words[-2:])
        elif kind == 3 and len(words[0]) > 4:
            cut = rng.randrange(1, len(words[0]) - 1)
            name = " ".join([words[0][:cut] + words[0][cut + 1 :], *words[1:]])  # a letter left out
        queries.append(name)
    return queries


def measure_search(server: Server, queries: Sequence[str], seconds: float) -> dict[str, Any]:
    """Latency of /search (JSON) one query at a time, as a person typing would send them."""
    section: dict[str, Any] = {"load_average_before": os.getloadavg()}
    print("search:", flush=True)
    timings: list[float] = []
    found = 0
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=server.origin, timeout=600) as client:
        for index, query in enumerate(queries):
            started = time.perf_counter()
            response = client.get("/search", params={"q": query, "format": "json"})
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            if index == 0:
                section["first_query_ms"] = elapsed * 1000
                continue
            timings.append(elapsed)
            found += bool(response.json()["results"])
            if time.monotonic() > deadline:
                break
    section.update(
        queries=len(timings),
        with_results=found,
        p50_ms=percentile(timings, 50) * 1000 if timings else None,
        p99_ms=percentile(timings, 99) * 1000 if timings else None,
    )
    print(f"  {len(timings)} queries: p50 {section['p50_ms']:.1f} ms, p99 {section['p99_ms']:.1f} ms", flush=True)
    return section


def measure_reconciliation(
    server: Server, names: Sequence[str], batches: int, batch_size: int, seconds: float
) -> dict[str, Any]:
    section: dict[str, Any] = {"load_average_before": os.getloadavg(), "batch_size": batch_size}
    print("reconciliation:", flush=True)
    # Enough names for every batch, cycling when the store has fewer distinct labels.
    pool = list(itertools.islice(itertools.cycle(names), (batches + 1) * batch_size))
    timings: list[float] = []
    answered = asked = 0
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=server.origin, timeout=600) as client:
        for index in range(batches + 1):
            batch = reconcile_batch(pool[index * batch_size : (index + 1) * batch_size])
            form = {"queries": json.dumps(batch, ensure_ascii=False)}
            started = time.perf_counter()
            response = client.post("/reconcile", data=form)
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            answers = response.json()
            if index == 0:
                section["first_batch_ms"] = elapsed * 1000
                continue
            timings.append(elapsed)
            asked += len(batch)
            answered += sum(1 for key in batch if answers.get(key, {}).get("result"))
            if time.monotonic() > deadline:
                break
    section.update(
        batches=len(timings),
        queries=asked,
        answered=answered,
        p50_ms=percentile(timings, 50) * 1000 if timings else None,
        p99_ms=percentile(timings, 99) * 1000 if timings else None,
    )
    own, total = tree_memory(server.process.pid)
    section["rss_mb"] = {
        "govlod_server": own / MB,
        "govlod_tree": total / MB,
        "govlod_server_peak": _high_water_mark(server.process.pid) / MB,
    }
    print(
        f"  {len(timings)} batches: first {section['first_batch_ms']:.1f} ms, p50 {_number(section['p50_ms'])} ms, "
        f"p99 {_number(section['p99_ms'])} ms",
        flush=True,
    )
    return section


# --- the run --------------------------------------------------------------------------------------


def environment_facts() -> dict[str, Any]:
    import psutil

    def output(*command: str) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, cwd=PROJECT, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "unknown"

    commit = output("git", "rev-parse", "--short", "HEAD") or "unknown"
    if output("git", "status", "--porcelain", "--", "server"):
        commit += " with uncommitted changes in server/"
    return {
        "cpus": os.cpu_count(),
        "memory_gb": psutil.virtual_memory().total / 1024**3,
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__,
        "oxigraph": output("oxigraph", "--version") or "oxigraph not found",
        "commit": commit,
    }


def data_facts(data: Path, seed: int | None) -> dict[str, Any]:
    files = sorted(data.glob("*.ttl"))
    return {
        "folder": str(data),
        "files": len(files),
        "mb": sum(f.stat().st_size for f in files) / MB,
        "seed": seed,
    }


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    import psutil

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, choices=SIZES, default=SIZES[0], help="size of the generated data")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="folder for data, stores and reports")
    parser.add_argument("--data", type=Path, help="use this generated folder instead of generating OUT/data-SIZE")
    parser.add_argument(
        "--sections",
        default="load,sparql,deref,search,reconcile",
        help="comma-separated subset of load,sparql,deref,search,reconcile (without load, an existing store is reused)",
    )
    parser.add_argument("--with-rdflib", action="store_true", help="also measure rdflib-endpoint (up to 1M triples)")
    parser.add_argument("--runs", type=int, default=5, help="least runs per query and server (median reported)")
    parser.add_argument("--iris", type=int, default=2000, help="distinct IRIs to dereference")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent connections when dereferencing")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto", help="load generator")
    parser.add_argument("--deref-seconds", type=float, default=120, help="longest walk of the distinct IRIs")
    parser.add_argument("--repeat-seconds", type=float, default=10, help="duration of the repeated-IRI cases")
    parser.add_argument("--reconcile-batches", type=int, default=50)
    parser.add_argument("--reconcile-seconds", type=float, default=300, help="stop sending batches after this")
    parser.add_argument(
        "--reconcile-set-size", type=int, default=500, help="rows of the evaluation set of reconciliation (0: none)"
    )
    parser.add_argument("--load-timeout", type=float, default=4 * 3600, help="stop a loading step after this")
    parser.add_argument(
        "--memory-limit-mb",
        type=float,
        default=0.8 * psutil.virtual_memory().total / MB,
        help="stop a loading step whose process tree grows past this (default: 80%% of the memory)",
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the shuffles of IRIs and names")
    args = parser.parse_args(argv)
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(args.sections) - {"load", "sparql", "deref", "search", "reconcile"}
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if args.with_rdflib and args.triples > RDFLIB_MAX_TRIPLES:
        parser.error(f"--with-rdflib only up to {RDFLIB_MAX_TRIPLES:,} triples")
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    elif args.client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install -y wrk), or use --client python")
    return args


@contextlib.contextmanager
def _report(result: dict[str, Any], json_path: Path, markdown_path: Path) -> Iterator[Callable[[], None]]:
    """A `save` that writes both reports; called after each section, so a late failure keeps the rest."""

    def save() -> None:
        json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        markdown_path.write_text(render_markdown(result))

    try:
        yield save
    finally:
        save()


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_arguments(argv)
    interrupt_on_sigterm()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    size = args.triples
    work = out / f"scale-{size}"
    work.mkdir(exist_ok=True)
    store = out / f"store-{size}"
    if args.data is not None:
        data = args.data.resolve()
    else:
        data = (out / f"data-{size}").resolve()
        if ensure_generated(data, size):
            shutil.rmtree(store, ignore_errors=True)  # built from other files

    result: dict[str, Any] = {
        "triples": size,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "environment": environment_facts(),
        "data": data_facts(data, GENERATOR_SEED if args.data is None else None),
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    with _report(result, out / f"scale-{size}.json", out / f"scale-{size}.md") as save:
        if "load" in args.sections:
            result["load"] = measure_loading(data, store.resolve(), work, args.load_timeout, args.memory_limit_mb)
            save()
        elif not (store / "current" / "build.json").is_file():
            print("building the store (not measured)", flush=True)
            subprocess.run(
                _govlod("build", "--data", str(data), "--store", str(store.resolve()), "--skip-validation"),
                cwd=PROJECT,
                env=bench_environment(),
                check=True,
            )

        wanted = {
            "govlod": bool({"sparql", "deref", "search", "reconcile"} & set(args.sections)),
            "oxigraph": "sparql" in args.sections,
            "trivial": "deref" in args.sections,
            "rdflib": "sparql" in args.sections and args.with_rdflib,
        }
        with contextlib.ExitStack() as stack:
            servers = start_servers(
                [name for name, needed in wanted.items() if needed], data, store.resolve(), work, stack
            )
            if "sparql" in args.sections:
                result["sparql"] = measure_sparql(servers, args.runs)
                save()
            rng = random.Random(args.seed)
            if "deref" in args.sections:
                iris = select_values(
                    servers["govlod"].probe,
                    "SELECT DISTINCT ?s WHERE { ?s ?p ?o "
                    f'FILTER(STRSTARTS(STR(?s), "{CANONICAL_BASE}id/")) }} LIMIT {args.iris + WARM_UP_IRIS}',
                    "s",
                )
                iris = [iri for iri in iris if identifier_path(iri) is not None]
                rng.shuffle(iris)
                result["deref"] = measure_dereferencing(
                    servers,
                    iris[WARM_UP_IRIS:],
                    iris[:WARM_UP_IRIS],
                    args.client,
                    args.concurrency,
                    args.wrk_threads,
                    args.deref_seconds,
                    args.repeat_seconds,
                    work,
                )
                save()
            names: list[str] = []
            if {"search", "reconcile"} & set(args.sections):
                names = select_values(
                    servers["govlod"].probe,
                    f"SELECT DISTINCT ?l WHERE {{ ?s <{RDFS_LABEL}> ?l "
                    f'FILTER(STRSTARTS(STR(?s), "{CANONICAL_BASE}id/")) }} LIMIT 5000',
                    "l",
                )
                rng.shuffle(names)
            if "search" in args.sections:
                result["search"] = measure_search(servers["govlod"], search_queries(names, rng), args.reconcile_seconds)
                save()
            if "reconcile" in args.sections:
                result["reconcile"] = measure_reconciliation(
                    servers["govlod"], names, args.reconcile_batches, 10, args.reconcile_seconds
                )
                if args.reconcile_set_size:
                    save()
                    print("reconciliation quality:", flush=True)
                    evaluation_set = ensure_set(data, out / f"reconciliation-set-{size}.csv", args.reconcile_set_size)
                    quality = evaluate(servers["govlod"].origin, load_rows(evaluation_set))
                    quality["set"] = evaluation_set.name
                    result["reconcile"]["quality"] = quality
    print()
    print(render_markdown(result), end="")


if __name__ == "__main__":
    main()
