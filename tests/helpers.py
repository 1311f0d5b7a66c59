"""Running the real `govlod` command in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def run_govlod(
    *args: str, cwd: Path = PROJECT, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GOVLOD_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "govlod", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class RunningServer:
    """A real `govlod serve` child process on a free loopback port."""

    def __init__(self, store: Path, *extra: str, base_iri: str | None = None):
        import httpx

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.store = store
        self.store_kind = "embedded"  # or the remote store it serves from
        args = [sys.executable, "-m", "govlod", "serve", "--store", str(store), "--port", str(self.port), *extra]
        if base_iri is not None:
            args += ["--base-iri", base_iri.replace("{port}", str(self.port))]
        self.log = store.parent / f"serve-{self.port}.log"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("GOVLOD_")}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(args, cwd=PROJECT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        import time

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"govlod serve exited: {self.log.read_text()}")
            try:
                if httpx.get(self.url + "health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"govlod serve did not become ready: {self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class RunningOxigraph:
    """The Oxigraph server from PyPI (`oxigraph serve`) on a free loopback port, on a disk folder."""

    def __init__(self, folder: Path, timeout_seconds: int = 30):
        import time

        import httpx

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder.parent / f"oxigraph-{self.port}.log"
        args = ["oxigraph", "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{self.port}"]
        args += ["--timeout-s", str(timeout_seconds)]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {self.log.read_text()}")
            try:
                httpx.get(self.url + "query", params={"query": "ASK {}"}, timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"oxigraph serve did not become ready: {self.log.read_text()}")

    @property
    def options(self) -> list[str]:
        """The `govlod build`/`serve` options that name this store."""
        return [
            "--store-url",
            self.url + "query",
            "--store-update-url",
            self.url + "update",
            "--store-data-url",
            self.url + "store",
        ]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
