"""Two `govlod serve` replicas over one remote store behind nginx from Debian: a replica stopped
abruptly and a new build published under a steady stream of requests lose none of them."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.helpers import NGINX, PROJECT, RunningNginx, RunningOxigraph, RunningServer, run_govlod

PATHS = [
    "health",
    "doc/organization/coordinamento-enti-gestori-novara/tavolo-politico.ttl",
    "doc/organization/coordinamento-enti-gestori-novara/tavolo-politico.html",
    "sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
    "search?q=tavolo",
    "",
]

pytestmark = pytest.mark.skipif(
    not Path(NGINX).is_file(), reason="nginx is not installed (.ci/run installs Debian's nginx-light)"
)


class Traffic:
    """A steady stream of mixed requests through the balancer, counting what failed."""

    def __init__(self, origin: str):
        self.origin = origin
        self.statuses: Counter[int | str] = Counter()
        self.builds: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)
        self._thread.start()

    def _run(self) -> None:
        with httpx.Client(timeout=10) as client:
            for path in itertools.cycle(PATHS):
                if self._stop.is_set():
                    return
                try:
                    response = client.get(self.origin + path)
                except httpx.HTTPError as error:
                    self.statuses[type(error).__name__] += 1
                    continue
                self.statuses[response.status_code] += 1
                if path == "health" and response.status_code == 200:
                    self.builds.append(response.json()["build"])

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def failed(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 200)


def _serves(origin: str, build: str) -> bool:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if httpx.get(origin + "health").json().get("build") == build:
            return True
        time.sleep(0.2)
    return False


def test_a_stopped_replica_and_a_new_build_lose_no_request_behind_nginx(tmp_path: Path) -> None:
    remote = RunningOxigraph(tmp_path / "oxigraph")
    store = tmp_path / "store"
    replicas: list[RunningServer] = []
    balancer = None
    try:
        assert run_govlod("build", "--store", str(store), *remote.options).returncode == 0
        replicas = [RunningServer(store, *remote.options) for _ in range(2)]
        balancer = RunningNginx(tmp_path / "nginx", [replica.port for replica in replicas])
        origin = balancer.url
        first = httpx.get(origin + "health").json()["build"]

        traffic = Traffic(origin)
        time.sleep(2)
        replicas[0].process.kill()  # abruptly: no graceful shutdown
        replicas[0].process.wait()
        time.sleep(1)
        published = run_govlod(
            "build", "--store", str(store), *remote.options, "--data", str(PROJECT / "data/provincia-novara")
        )
        assert published.returncode == 0, published.stderr
        time.sleep(3)
        traffic.stop()

        served = httpx.get(origin + "health").json()["build"]
        assert served != first
        assert traffic.failed == 0, traffic.statuses
        assert sum(traffic.statuses.values()) > 50
        assert traffic.builds[0] == first and traffic.builds[-1] == served
        # nginx did send requests to the stopped replica, and answered them from the other one.
        assert f"127.0.0.1:{replicas[0].port}" in balancer.error_log.read_text()
        print(f"requests through nginx: {dict(traffic.statuses)}")
        # The replica stopped abruptly comes back and serves the new build at once.
        replicas[0] = RunningServer(store, *remote.options)
        assert _serves(replicas[0].url, served) and _serves(replicas[1].url, served)
    finally:
        if balancer is not None:
            balancer.stop()
        for replica in replicas:
            replica.stop()
        remote.stop()
