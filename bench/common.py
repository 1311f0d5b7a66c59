"""What the benchmarks share: the SPARQL query mix, the generated data, servers on loopback ports
and a low-overhead HTTP client.

Imported by `bench/run.py` and `bench/scale.py` as a sibling module (they run as scripts, so their
folder is on `sys.path`). It depends on no govlod internals, so that refactoring the server
cannot break the benchmarks that measure it.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
GENERATOR = HERE / "generate.py"
# What the generator reads besides its own code: the names of Italy's Comuni.
GENERATOR_INPUTS = (GENERATOR, PROJECT / "server" / "govlod" / "importing" / "territorial.csv")
GENERATOR_SEED = 20261122  # generate.py's default: the data every published figure was measured on

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

_PROLOGUE = re.compile(r"^\s*(?:PREFIX\s+[\w.-]*:\s*<[^>]*>\s*|BASE\s+<[^>]*>\s*)*", re.IGNORECASE)


def returns_graph(query: str) -> bool:
    """Whether a query of the mix is CONSTRUCT or DESCRIBE (its first word after the prologue)."""
    rest = _PROLOGUE.sub("", query, count=1)
    return rest.split(None, 1)[0].upper() in {"CONSTRUCT", "DESCRIBE"} if rest.strip() else False


def accept_for(query: str) -> str:
    return "text/turtle" if returns_graph(query) else "application/sparql-results+json"


def answer_size(body: bytes, query: str) -> int:
    """Rows of a SELECT, triples of a CONSTRUCT, 1 for an ASK: to check two servers agree."""
    if returns_graph(query):
        return len(list(ox.parse(body, format=ox.RdfFormat.TURTLE)))
    parsed = json.loads(body)
    return 1 if "boolean" in parsed else len(parsed["results"]["bindings"])


def ensure_generated(folder: Path, triples: int, seed: int = GENERATOR_SEED) -> bool:
    """Generate about `triples` triples into `folder` unless the same generator already did; True if it ran.

    A marker beside the folder records the size, the seed and a digest of generate.py and of the
    list of Comuni it reads: the output is deterministic, so equal markers mean equal files and a
    10M run need not regenerate.
    """
    marker = folder.with_name(folder.name + ".json")
    digest = hashlib.sha256()
    for path in GENERATOR_INPUTS:
        digest.update(path.read_bytes())
    wanted = {"triples": triples, "seed": seed, "generator": digest.hexdigest()}
    if folder.is_dir() and marker.is_file() and json.loads(marker.read_text()) == wanted:
        return False
    marker.unlink(missing_ok=True)  # a half-written folder must not pass for a complete one
    subprocess.run(
        [sys.executable, str(GENERATOR), "--triples", str(triples), "--out", str(folder), "--seed", str(seed)],
        check=True,
    )
    marker.write_text(json.dumps(wanted))
    return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    """Wait until a SPARQL endpoint answers `ASK {}`; exits if the server dies or takes too long."""
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


def bench_environment() -> dict[str, str]:
    """The environment without GOVLOD_* variables, so that a developer's settings do not leak in."""
    return {k: v for k, v in os.environ.items() if not k.startswith("GOVLOD_")}


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:
        return subprocess.Popen(args, cwd=PROJECT, env=bench_environment(), stdout=handle, stderr=subprocess.STDOUT)


def _descendants(pid: int) -> list[int]:
    """Pids of a process's children, grandchildren...: read from /proc, so psutil is not needed."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The parent pid is the second field after the command name, which may hold spaces.
            fields = entry.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.parent.name))
    found: list[int] = []
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def stop(process: subprocess.Popen[bytes], grace: float = 30) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds; then any descendant left behind (query
    processes of a server that did not shut down cleanly) is killed by its pid."""
    descendants = _descendants(process.pid) if process.poll() is None else []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)
    for pid in descendants:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


class Client:
    """A keep-alive HTTP/1.1 client with almost no overhead of its own, so that latencies are the servers'."""

    def __init__(self) -> None:
        self._connections: dict[str, http.client.HTTPConnection] = {}

    def get(self, url: str, query: str) -> tuple[float, bytes]:
        parts = urlsplit(url)
        fixed = f"{parts.query}&" if parts.query else ""  # parameters of the endpoint's own (a dataset)
        target = f"{parts.path}?{fixed}{urlencode({'query': query})}"
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


def repeat(minimum: int, measure: Callable[[int], float]) -> list[float]:
    """At least `minimum` timings, more for fast queries (up to one second or 200 runs): stable medians."""
    timings: list[float] = []
    while len(timings) < minimum or (sum(timings) < 1.0 and len(timings) < 200):
        timings.append(measure(len(timings)))
    return timings


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating linearly between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is not between 0 and 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def interrupt_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that `finally` blocks stop every server this run started."""

    def handle(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handle)
