"""bench/load.py end to end for a few seconds on the bundled data: every kind of request is sent
and counted, and the server answers none of them with an error. Nothing is timed.

Run as a child process, as it is meant to run: locust monkey-patches the standard library with
gevent when imported, which must not happen inside the test session.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import PROJECT

KINDS = {
    "sparql seats of a table",
    "sparql seats for a body",
    "sparql label filter",
    "sparql seats by role",
    "sparql slow (to stop)",
    "id -> 303 -> doc",
    "doc .ttl",
    "doc .jsonld",
    "doc .rdf",
    "doc .nt",
    "doc .html",
    "home",
    "browse",
    "search html",
    "search json",
    "reconcile batch of 10",
}

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("locust") is None, reason="locust is not installed (pip install -e '.[bench]')"
)


def test_a_short_run_sends_every_kind_and_meets_no_error(tmp_path: Path) -> None:
    report_path = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, "bench/load.py", "--seconds", "4", "--users", "4", "--json", str(report_path)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(report_path.read_text())
    kinds = report["kinds"]
    assert set(kinds) == KINDS
    assert {kind for kind, counts in kinds.items() if counts["count"] == 0} == set()
    assert report["errors"] == 0 and report["error_examples"] == []
    assert report["client_exceptions"] == []
    assert all(counts["errors"] == 0 for counts in kinds.values())
    assert report["total"]["requests"] == sum(counts["count"] for counts in kinds.values())
    # The slow queries run into the time limit: their 503s are intended, never errors.
    slow = kinds["sparql slow (to stop)"]
    assert report["intended_503"]["stopped_by_time_limit"] == slow["stopped"]
    assert slow["stopped"] + slow["refused"] >= 1
    for counts in kinds.values():  # percentiles of what was answered, in order
        if counts["p50_ms"] is not None:
            assert counts["p50_ms"] <= counts["p99_ms"]
    assert report["memory"]["start_mb"] > 0 and report["memory"]["end_mb"] > 0
    assert "total:" in done.stdout and "intended 503s" in done.stdout
