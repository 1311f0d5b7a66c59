"""A bounded load test of `govlod serve` on loopback: a realistic mix of requests at a fixed number
of concurrent users for a fixed time, with percentiles per kind of request and the server's memory.

    pip install -e '.[bench]' && python bench/load.py [--data DIR] [--seconds 60] [--users 64] [--json FILE]

Starts `govlod serve` on a free 127.0.0.1 port over a fresh store of the data (the bundled data
unless --data, e.g. bench/generate.py's output), with a short --query-timeout and a cap on
concurrent queries (GOVLOD_MAX_CONCURRENT_QUERIES); or measures the server at --url. The resources
it asks for come from that server: its sitemap (the /id/ and /doc/ paths), SPARQL (the IRIs of
tables and bodies, labels and their types) and its reconciliation manifest (the types).

The users (locust, FastHttpUser) send, with no pause, a weighted mix of named kinds (MIX): SPARQL
SELECTs on the data's own IRIs, /id/ followed through its 303, /doc/ in every format, the home and
list pages, search (HTML and JSON), reconciliation batches of 10 as OpenRefine POSTs them; one
more user sends deliberately slow queries, which the time limit must stop. Counted, per kind, from
when every user runs until the end: requests, req/s, p50 and p99 of the answers, and:
- intended 503s: a refusal with Retry-After (the cap; the user waits as told), or a query the
  time limit stopped (the slow ones, and any other that an overloaded machine kept past it);
- errors: every other status outside 2xx/3xx, or no answer. Any error: exit status 1.
Resident memory of the server's process tree (psutil) at the start and end of that window, sampled
every second between: flat or not is judged on the medians of the first and last 10 s.

Why locust's library API, not `locust --headless --csv`: one process and no locustfile or CSV to
pass data through; its `request` event gives each response (status, Retry-After) and its time as a
float, so intended 503s are told from errors and percentiles are exact, where locust's own stats
round times to whole milliseconds (to 2 significant digits above 100 ms).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlencode, urlsplit
from xml.sax.saxutils import unescape

import gevent
import psutil
from gevent.event import Event
from locust import FastHttpUser, constant, task
from locust.env import Environment

from common import PREFIXES, PROJECT, bench_environment, free_port, stop

MB = 1024 * 1024
JSON_RESULTS = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
SLOW = "sparql slow (to stop)"
BATCH = 10  # queries per reconciliation batch, as in bench/scale.py
SLOW_PAUSE_S = 3.0  # between slow queries: each holds a query process until the time limit
MAX_BACKOFF_S = 5.0  # most a refused user waits, whatever Retry-After says
FLAT_PCT = 10.0  # growth of resident memory over the run still called flat
MEDIAN_SPAN = 10  # seconds of memory samples at each end whose median is compared
SAMPLE = 2000  # most resources (paths, IRIs) drawn from the server to request
LOC = re.compile(r"<loc>([^<]+)</loc>")
WORD = re.compile(r"[^\W\d_]{4,}")
BROWSE = ("tables", "collaborations", "provinces", "bodies", "seats", "laws")
DOC_WEIGHTS = {"ttl": 6, "jsonld": 4, "rdf": 2, "nt": 2, "html": 8}  # linked-data clients, then browsers
ID_ACCEPTS = ("text/turtle", "application/ld+json", "text/html")

SEATS_OF_TABLE = "SELECT ?seat ?label ?role WHERE {{ ?seat org:postIn <{iri}> ; org:role ?role . OPTIONAL {{ ?seat rdfs:label ?label }} }}"
SEATS_FOR_BODY = "SELECT ?seat ?table ?name WHERE {{ ?seat gl:represents <{iri}> ; org:postIn ?table . OPTIONAL {{ ?table rdfs:label ?name }} }}"
LABEL_FILTER = 'SELECT ?s ?label WHERE {{ ?s a org:Organization ; rdfs:label ?label FILTER (CONTAINS(LCASE(STR(?label)), "{word}")) }} LIMIT 50'
SEATS_BY_ROLE = "SELECT ?role (COUNT(?seat) AS ?n) WHERE { ?seat org:postIn ?table ; org:role ?role } GROUP BY ?role ORDER BY DESC(?n)"
# Cross joins of the whole default graph: no store answers them within a short time limit.
SLOW_QUERIES = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }",
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } GROUP BY ?p",
)


@dataclass(frozen=True)
class Plan:
    """What the users ask for, all taken from the server's own data."""

    paths: list[str]  # resource paths: /id/{path}, /doc/{path}.{ext}
    tables: list[str]  # IRIs of organisations with seats
    bodies: list[str]  # IRIs of bodies that seats represent
    words: list[str]  # words of labels, for search and label filters
    entities: list[tuple[str, str]]  # (label, type) for reconciliation


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None = None


def sparql_get(query: str) -> Call:
    return Call("GET", "/sparql?" + urlencode({"query": PREFIXES + query}), {"Accept": JSON_RESULTS})


def reconcile_batch(plan: Plan, rng: random.Random) -> Call:
    """A batch as OpenRefine POSTs it: form field `queries`, q0..q9, each with its column's type;
    some names lower-cased, as spreadsheets write them."""
    batch = {}
    for i, (label, kind) in enumerate(rng.sample(plan.entities, min(BATCH, len(plan.entities)))):
        name = label.lower() if rng.random() < 0.3 else label
        batch[f"q{i}"] = {"query": name, "type": kind, "type_strict": "should"}
    return Call("POST", "/reconcile", {"Content-Type": FORM}, urlencode({"queries": json.dumps(batch)}))


Builder = Callable[[Plan, random.Random], Call]


def document(extension: str) -> Builder:
    """A resource's document in one format, named by its extension (no negotiation)."""
    return lambda plan, rng: Call("GET", f"/doc/{rng.choice(plan.paths)}.{extension}", {})


# kind -> (weight, request): what the users send, in what proportions.
MIX: dict[str, tuple[int, Builder]] = {
    "sparql seats of a table": (5, lambda p, r: sparql_get(SEATS_OF_TABLE.format(iri=r.choice(p.tables)))),
    "sparql seats for a body": (4, lambda p, r: sparql_get(SEATS_FOR_BODY.format(iri=r.choice(p.bodies)))),
    "sparql label filter": (3, lambda p, r: sparql_get(LABEL_FILTER.format(word=r.choice(p.words)))),
    "sparql seats by role": (2, lambda p, r: sparql_get(SEATS_BY_ROLE)),
    "id -> 303 -> doc": (10, lambda p, r: Call("GET", f"/id/{r.choice(p.paths)}", {"Accept": r.choice(ID_ACCEPTS)})),
    **{f"doc .{ext}": (weight, document(ext)) for ext, weight in DOC_WEIGHTS.items()},
    "home": (3, lambda p, r: Call("GET", "/", {"Accept": "text/html"})),
    "browse": (4, lambda p, r: Call("GET", f"/browse/{r.choice(BROWSE)}", {"Accept": "text/html"})),
    "search html": (
        4,
        lambda p, r: Call("GET", "/search?" + urlencode({"q": r.choice(p.words)}), {"Accept": "text/html"}),
    ),
    "search json": (
        4,
        lambda p, r: Call("GET", "/search?" + urlencode({"q": r.choice(p.words), "format": "json"}), {}),
    ),
    "reconcile batch of 10": (2, reconcile_batch),
}
KINDS = [*MIX, SLOW]


def slow_query(rng: random.Random) -> Call:
    # POSTed (the protocol's other way in) with a unique comment: never answered from a cache.
    query = f"{rng.choice(SLOW_QUERIES)}\n# {time.time_ns()}"
    return Call("POST", "/sparql", {"Content-Type": FORM, "Accept": JSON_RESULTS}, urlencode({"query": query}))


class Window:
    """The measured time: from when every user runs until the end. Requests are counted when they end in it."""

    def __init__(self) -> None:
        self.opened = Event()
        self.started = self.ended = 0.0

    def open(self, **_: Any) -> None:
        self.started = time.monotonic()
        self.opened.set()

    def close(self) -> None:
        self.ended = time.monotonic()

    @property
    def is_open(self) -> bool:
        return self.opened.is_set() and not self.ended


WINDOW = Window()


STOPPED = "limit and was stopped"  # what the endpoint says of a query its time limit stopped


def classify(kind: str, status: int, retry_after: bool, answer: str = "") -> str:
    """ok (2xx, 3xx), refused or stopped (the intended 503s), or error."""
    if 200 <= status < 400:
        return "ok"
    if status == 503 and retry_after:
        return "refused"  # the concurrency cap: come back after Retry-After
    if status == 503 and (kind == SLOW or STOPPED in answer):
        # The time limit, which the slow queries are there to reach; on an overloaded machine a
        # light query can reach it too, and is counted under its own kind.
        return "stopped"
    return "error"


@dataclass
class Counts:
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("ok", "refused", "stopped", "error"), 0))
    times_ms: list[float] = field(default_factory=list)  # of answers and stopped queries, not of refusals


class Tally:
    """Listens to locust's `request` event: one line per response, by kind and outcome."""

    def __init__(self) -> None:
        self.kinds = {kind: Counts() for kind in KINDS}
        self.errors: list[dict[str, Any]] = []  # the first few, with the exact request

    def record(self, name: str, response_time: float, response: Any, context: dict[str, Any], **_: Any) -> None:
        if not WINDOW.is_open:
            return
        status = int(getattr(response, "status_code", 0) or 0)  # 0: no answer (connection error)
        headers = getattr(response, "headers", None) or {}
        answer = getattr(response, "text", None) or ""
        outcome = classify(name, status, "retry-after" in headers, answer if status == 503 else "")
        counts = self.kinds[name]
        counts.outcomes[outcome] += 1
        if outcome in ("ok", "stopped"):
            counts.times_ms.append(response_time)
        if outcome == "error" and len(self.errors) < 20:
            body = (answer or str(getattr(response, "error", "")))[:300]
            self.errors.append(
                {"kind": name, "status": status, **context["call"], "answer": body, "after_ms": round(response_time)}
            )


class Client(FastHttpUser):
    abstract = True  # what both kinds of user share; locust runs only the two below
    wait_time = constant(0)  # closed loop: the next request as soon as the last is answered

    def on_start(self) -> None:
        self.rng = random.Random()

    def send(self, kind: str, call: Call) -> None:
        response = self.client.request(
            call.method, call.path, name=kind, headers=call.headers, data=call.body, context={"call": vars(call)}
        )
        retry = response.headers.get("retry-after") if response.headers else None
        if response.status_code == 503 and retry is not None:
            with contextlib.suppress(ValueError):  # Retry-After may be a date: then go on
                gevent.sleep(min(float(str(retry)), MAX_BACKOFF_S))


class Visitor(Client):
    plan: ClassVar[Plan]

    def on_start(self) -> None:
        super().on_start()
        self.pending: list[str] = []
        self.rounded = False

    @task
    def visit(self) -> None:
        # The first request after the window opens starts a round of every kind: none is missed in short runs.
        if not self.rounded and WINDOW.is_open:
            self.pending, self.rounded = self.rng.sample(list(MIX), len(MIX)), True
        kind = self.pending.pop() if self.pending else self.rng.choices(list(MIX), [w for w, _ in MIX.values()])[0]
        self.send(kind, MIX[kind][1](self.plan, self.rng))


class SlowQuerier(Client):
    fixed_count = 1  # one at a time: more would hold every query process until the time limit
    wait_time = constant(SLOW_PAUSE_S)

    @task
    def query(self) -> None:
        WINDOW.opened.wait()  # so that the first one ends inside the window, however short
        self.send(SLOW, slow_query(self.rng))


def fetch(url: str) -> bytes:
    """GET with the standard library: httpx would load trio, which fails under gevent's patched `select`."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": JSON_RESULTS}), timeout=120) as answer:
        body: bytes = answer.read()
        return body


def health_ready(url: str) -> bool:
    try:
        return bool(json.loads(fetch(f"{url}/health")).get("queries_ready", True))
    except OSError:  # not listening yet, or 503 (urllib's HTTPError is an OSError)
        return False


def discover(url: str, rng: random.Random) -> Plan:
    """Resources to request, from the server itself: its sitemap, SPARQL and reconciliation manifest."""

    def select(query: str) -> list[dict[str, str]]:
        rows = json.loads(fetch(f"{url}/sparql?" + urlencode({"query": PREFIXES + query})))["results"]["bindings"]
        return [{name: cell["value"] for name, cell in row.items()} for row in rows]

    files = [unescape(loc) for loc in LOC.findall(fetch(f"{url}/sitemap.xml").decode()) if "/resources-" in loc]
    locs = LOC.findall(gzip.decompress(fetch(files[0])).decode()) if files else []
    # A page's URL is {root}doc/{path}.html; the path goes back into /id/ and /doc/ as it was.
    paths = [
        quote(unescape(loc).split("/doc/", 1)[1].removesuffix(".html"), safe="/%:@!$&'()*+,;=-._~") for loc in locs
    ]
    types = " ".join(f"<{t['id']}>" for t in json.loads(fetch(f"{url}/reconcile"))["defaultTypes"])
    labelled = select(
        f"SELECT ?s ?type ?label WHERE {{ VALUES ?type {{ {types} }} ?s a ?type ; rdfs:label ?label }} LIMIT 20000"
    )
    plan = Plan(
        paths=rng.sample(paths, min(SAMPLE, len(paths))),
        tables=[row["t"] for row in select(f"SELECT DISTINCT ?t WHERE {{ ?s org:postIn ?t }} LIMIT {SAMPLE}")],
        bodies=[row["b"] for row in select(f"SELECT DISTINCT ?b WHERE {{ ?s gl:represents ?b }} LIMIT {SAMPLE}")],
        words=sorted({w.lower() for row in labelled for w in WORD.findall(row["label"])}),
        entities=sorted({(row["label"], row["type"]) for row in labelled}),
    )
    empty = [name for name, values in vars(plan).items() if not values]
    if empty:
        raise SystemExit(f"{url}: found no {', '.join(empty)} to request")
    return plan


def tree_rss_mb(pid: int) -> float | None:
    """Resident memory of a process and all its descendants (query processes), in MB."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return None
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.Error):  # a query process may be replaced meanwhile
            total += process.memory_info().rss
    return total / MB


def listening_pid(url: str) -> int | None:
    """The top process listening on the URL's port (for --url), if this user may see it."""
    port = urlsplit(url).port
    try:
        pids = {c.pid for c in psutil.net_connections("tcp") if c.status == "LISTEN" and c.laddr.port == port and c.pid}
        return next((p for p in pids if psutil.Process(p).ppid() not in pids), None)
    except psutil.Error:
        return None


@contextlib.contextmanager
def served(data: Path, query_timeout: float, max_queries: int) -> Iterator[tuple[str, int, Path]]:
    """`govlod serve` on a free loopback port over a fresh store of `data`: its URL, pid and log.

    Not tests/helpers.py's RunningServer: the cap is set through GOVLOD_MAX_CONCURRENT_QUERIES, which
    its clean environment drops, and its readiness check uses httpx, which fails under gevent (see
    `fetch`). Stopped as the other benchmarks stop servers, query processes included."""
    with tempfile.TemporaryDirectory(prefix="govlod-load-") as work:
        port, log = free_port(), Path(work) / "serve.log"
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "govlod", "serve", "--data", str(data), "--store", f"{work}/store"]
        command += ["--port", str(port), "--query-timeout", f"{query_timeout:g}"]
        environment = {**bench_environment(), "GOVLOD_MAX_CONCURRENT_QUERIES": str(max_queries)}
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=PROJECT, env=environment, stdout=out, stderr=subprocess.STDOUT)
        try:
            # The store is built first (generated data takes a while); then SPARQL within the short
            # time limit needs the query processes up, which /health says.
            deadline = time.monotonic() + 1800
            while not health_ready(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"govlod serve did not become ready: {log.read_text()[-3000:]}")
                time.sleep(0.2)
            yield url, process.pid, log
        finally:
            stop(process)


def said_while_serving(log: Path) -> list[str]:
    """What the server logged after it started serving: at its log level (warning), errors and warnings."""
    lines = log.read_text(errors="replace").splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("govlod: serving")), 0)
    return lines[start : start + 200]


def memory_report(samples: list[float]) -> dict[str, Any] | None:
    """RSS at the start and end, and whether it stayed flat: judged on the medians of the first and
    last MEDIAN_SPAN samples, because a query process stopped at the time limit is replaced and the
    new one loads its memory copy, so that one reading at each end may catch a swing of hundreds of MB."""
    if len(samples) < 2:
        return None
    head, tail = statistics.median(samples[:MEDIAN_SPAN]), statistics.median(samples[-MEDIAN_SPAN:])
    growth_pct = 100 * (tail - head) / head
    return {
        "start_mb": samples[0],
        "end_mb": samples[-1],
        "peak_mb": max(samples),
        "start_median_mb": head,
        "end_median_mb": tail,
        "growth_mb": tail - head,
        "growth_pct": growth_pct,
        "flat": growth_pct <= FLAT_PCT,
        "samples_mb": [round(mb, 1) for mb in samples],  # one a second
    }


def percentile(values: list[float], q: int) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(url: str, pid: int | None, seconds: float, users: int, spawn_rate: float) -> dict[str, Any]:
    """The load test proper against a running server: the report, as written to --json."""
    plan = discover(url, random.Random(20261124))
    Visitor.plan = plan
    tally = Tally()
    environment = Environment(user_classes=[Visitor, SlowQuerier], host=url)
    environment.events.request.add_listener(tally.record)
    environment.events.spawning_complete.add_listener(WINDOW.open)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=spawn_rate)
    if not WINDOW.opened.wait(timeout=users / spawn_rate + 60):
        raise SystemExit("the users did not all start")
    samples: list[float] = []  # the server's RSS each second, from the window's start

    def sample() -> None:
        while pid and (rss := tree_rss_mb(pid)) is not None:
            samples.append(rss)
            gevent.sleep(1)

    sampler = gevent.spawn(sample)
    gevent.sleep(seconds)
    WINDOW.close()
    sampler.kill()
    if pid and (rss := tree_rss_mb(pid)) is not None:
        samples.append(rss)
    runner.quit()
    window = WINDOW.ended - WINDOW.started

    kinds: dict[str, dict[str, Any]] = {}
    for kind, counts in tally.kinds.items():
        count = sum(counts.outcomes.values())
        kinds[kind] = {
            "count": count,
            "rps": count / window,
            "p50_ms": percentile(counts.times_ms, 50),
            "p99_ms": percentile(counts.times_ms, 99),
            "refused": counts.outcomes["refused"],
            "stopped": counts.outcomes["stopped"],
            "errors": counts.outcomes["error"],
        }
    total = sum(k["count"] for k in kinds.values())
    errors = sum(k["errors"] for k in kinds.values())
    exceptions = [{"count": e["count"], "msg": e["msg"]} for e in runner.exceptions.values()]
    return {
        "url": url,
        "seconds": window,
        "users": users,
        "spawn_rate": spawn_rate,
        "resources": {name: len(values) for name, values in vars(plan).items()},
        "total": {"requests": total, "rps": total / window},
        "kinds": kinds,
        "intended_503": {
            "refused_retry_after": sum(k["refused"] for k in kinds.values()),
            "stopped_by_time_limit": sum(k["stopped"] for k in kinds.values()),
        },
        "errors": errors,
        "error_examples": tally.errors,
        "client_exceptions": exceptions,  # raised in this script's users: a bug here, not in the server
        "client_cpu_above_90": runner.cpu_warning_emitted,  # locust itself was short of CPU
        "memory": memory_report(samples),
        "passed": errors == 0 and not exceptions,
    }


def show(report: dict[str, Any]) -> None:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    print(f"\n{report['users']} users for {report['seconds']:.1f} s against {report['url']}")
    print(
        f"{'kind':26} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'503 cap':>7} {'503 stop':>8} {'errors':>6}"
    )
    for kind, k in report["kinds"].items():
        print(
            f"{kind:26} {k['count']:7d} {k['rps']:8.1f} {ms(k['p50_ms']):>8} {ms(k['p99_ms']):>8} "
            f"{k['refused']:7d} {k['stopped']:8d} {k['errors']:6d}"
        )
    intended = report["intended_503"]
    print(f"total: {report['total']['requests']} requests, {report['total']['rps']:.1f} req/s")
    print(
        f"intended 503s: {intended['refused_retry_after']} refused (Retry-After), {intended['stopped_by_time_limit']} stopped"
    )
    print(f"errors (other than intended 503s): {report['errors']}")
    for example in report["error_examples"]:
        print(f"  {example}")
    for exception in report["client_exceptions"]:
        print(f"  client exception x{exception['count']}: {exception['msg']}")
    if report.get("server_log"):
        print(f"the server logged {len(report['server_log'])} lines while serving; the first:")
        print("\n".join(f"  {line}" for line in report["server_log"][:40]))
    memory = report["memory"]
    if memory:
        verdict = "flat" if memory["flat"] else f"NOT flat (over {FLAT_PCT:g} %)"
        print(
            f"server RSS (process tree): {memory['start_mb']:.0f} MB at start, {memory['end_mb']:.0f} MB at end, "
            f"peak {memory['peak_mb']:.0f} MB; median of the first {MEDIAN_SPAN} s {memory['start_median_mb']:.0f} MB, "
            f"of the last {memory['end_median_mb']:.0f} MB: {memory['growth_mb']:+.1f} MB ({memory['growth_pct']:+.1f} %), {verdict}"
        )
    else:
        print("server RSS: not measured (no process found for the server)")
    if report["client_cpu_above_90"]:
        print("note: locust's own CPU went above 90 %: the figures may be the client's limit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="measured time, once every user runs")
    parser.add_argument("--users", type=int, default=64, help="concurrent users (one of them sends slow queries)")
    parser.add_argument("--spawn-rate", type=float, help="users started per second (default: all in one second)")
    parser.add_argument("--data", type=Path, default=PROJECT / "data", help="data folder to serve (default: bundled)")
    parser.add_argument("--url", help="measure a server already running there instead (its own settings apply)")
    parser.add_argument("--query-timeout", type=float, default=2, help="the server's SPARQL time limit, seconds")
    parser.add_argument("--max-queries", type=int, default=16, help="the server's cap on concurrent queries")
    parser.add_argument("--json", type=Path, help="write the report there as JSON")
    args = parser.parse_args()
    if args.users < 2:
        parser.error("--users must be at least 2: one sends slow queries")
    spawn_rate = args.spawn_rate or float(args.users)

    if args.url:
        url = args.url.rstrip("/")
        report = measure(url, listening_pid(url), args.seconds, args.users, spawn_rate)
    else:
        print(f"starting govlod serve on {args.data} (building its store first)", flush=True)
        with served(args.data.resolve(), args.query_timeout, args.max_queries) as (url, pid, log):
            report = measure(url, pid, args.seconds, args.users, spawn_rate)
            report["server_log"] = said_while_serving(log)
        report |= {"data": str(args.data), "query_timeout_s": args.query_timeout, "max_queries": args.max_queries}
    show(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    sys.exit(0 if report["passed"] else 1)


if __name__ == "__main__":
    main()
