"""Running the real `govlod` command in a child process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from govlod.settings import Settings

PROJECT = Path(__file__).resolve().parents[1]


def run_govlod(
    *args: str,
    cwd: Path = PROJECT,
    env: dict[str, str] | None = None,
    timeout: float = 300,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The real `govlod` command in a child process; `preexec` runs in the child before it starts
    (dropping a permission, setting a resource limit)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GOVLOD_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "govlod", *args],
        cwd=cwd,
        env=environment,
        preexec_fn=preexec,
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


def wait_until_ready(
    process: subprocess.Popen[bytes], name: str, log: Path, url: str, seconds: float, stop: Callable[[], None]
) -> None:
    """Until `url` answers 200; if the process exits or time runs out, stopped and an error with its log."""
    import time

    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop()
    raise RuntimeError(f"{name} did not become ready: {log.read_text()}")


def stop_process(process: subprocess.Popen[bytes], grace: float) -> None:
    """Terminate, and kill what does not stop within `grace` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class RunningServer:
    """A real `govlod serve` child process on a free loopback port."""

    def __init__(self, store: Path, *extra: str, base_iri: str | None = None):

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
        wait_until_ready(self.process, "govlod serve", self.log, self.url + "health", 120, self.stop)

    def stop(self) -> None:
        stop_process(self.process, 15)


class RunningOxigraph:
    """The Oxigraph server from PyPI (`oxigraph serve`) on a free loopback port, on a disk folder."""

    def __init__(self, folder: Path, timeout_seconds: int = 30):

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder.parent / f"oxigraph-{self.port}.log"
        args = ["oxigraph", "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{self.port}"]
        args += ["--timeout-s", str(timeout_seconds)]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        wait_until_ready(self.process, "oxigraph serve", self.log, self.url + "query?query=ASK%7B%7D", 60, self.stop)

    def settings(self) -> Settings:
        return Settings(
            home=PROJECT,
            store_url=self.url + "query",
            store_update_url=self.url + "update",
            store_data_url=self.url + "store",
        )

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
        stop_process(self.process, 15)


VIRTUOSO_INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = {dirs}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
; A build switches in with one transaction: the default limit (50 MB of log) stops it near 1M triples.
TransactionAfterImageLimit = 1500000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
Charset = UTF-8

[SPARQL]
; Debian's default cuts every answer at 10,000 rows; govlod applies its own row limit.
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = {timeout_seconds}
MaxQueryCostEstimationTime = 0
"""


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot run here, or None."""
    import shutil

    for program in ("virtuoso-t", "isql-vt"):
        if shutil.which(program) is None:
            return f"{program} is not installed (Debian's virtuoso-opensource; .ci/run installs it)"
    return None


class RunningVirtuoso:
    """OpenLink Virtuoso from Debian's virtuoso-opensource, on free loopback ports, on a disk folder,
    with SPARQL Update allowed to its anonymous SPARQL user (loopback only)."""

    def __init__(self, folder: Path, timeout_seconds: int = 30, dirs_allowed: Sequence[Path] = ()):

        folder.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        ini = folder / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(
                folder=folder,
                dirs=", ".join(str(d) for d in (folder, *dirs_allowed)),
                sql_port=self.sql_port,
                http_port=self.port,
                timeout_seconds=timeout_seconds,
            )
        )
        self.log = folder / "virtuoso-out.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                ["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=folder, stdout=log, stderr=subprocess.STDOUT
            )
        wait_until_ready(self.process, "virtuoso-t", self.log, self.url + "sparql?query=ASK%7B%7D", 120, self.stop)
        granted = self.isql("GRANT SPARQL_UPDATE TO \"SPARQL\";\nDB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);\n")
        if "Error" in granted and "already have role" not in granted:  # a folder started before
            self.stop()
            raise RuntimeError(f"isql-vt could not grant SPARQL Update: {granted}")

    def isql(self, script: str, timeout: float = 3600) -> str:
        """Run SQL statements as the database administrator; what isql printed."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            input=script,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return (
            done.stdout + done.stderr + ("" if done.returncode == 0 else f"\nError: isql-vt exited {done.returncode}")
        )

    def settings(self) -> Settings:
        return Settings(home=PROJECT, store_url=self.url + "sparql")

    @property
    def options(self) -> list[str]:
        """The `govlod build`/`serve` options that name this store: queries and updates at /sparql."""
        return ["--store-url", self.url + "sparql"]

    def stop(self) -> None:
        stop_process(self.process, 30)


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class RunningNginx:
    """nginx from Debian as a load balancer on a free loopback port in front of local upstreams,
    retrying a request on the next upstream when one fails, as docs/scaling.md advises."""

    def __init__(self, folder: Path, upstreams: list[int]):

        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.error_log = folder / "error.log"
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;" for p in upstreams)
        config = folder / "nginx.conf"
        config.write_text(
            f"""daemon off;
pid {folder}/nginx.pid;
error_log {self.error_log};
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
  upstream govlod {{
{servers}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      proxy_pass http://govlod;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
    }}
  }}
}}
"""
        )
        log = folder / "nginx.log"
        with log.open("w") as out:
            self.process = subprocess.Popen([NGINX, "-c", str(config), "-p", str(folder)], stdout=out, stderr=out)
        wait_until_ready(self.process, "nginx", log, self.url + "health", 10, self.stop)

    def stop(self) -> None:
        stop_process(self.process, 10)
