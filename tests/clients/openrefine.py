"""OpenRefine 3.6 (Debian's `openrefine`) as a running program, driven through the HTTP commands its
own web page calls, and a loopback relay that records what OpenRefine's server asks of a
reconciliation service.

Debian's launcher (`/usr/bin/openrefine`, a shell script that runs `/usr/share/openrefine/refine`)
reads `/etc/openrefine/refine.ini` first and then its options: `-p` port, `-i` interface to bind,
`-H` the Host header it accepts, `-d` workspace, `-m` heap (both -Xms and -Xmx) and `-x name=value`,
one Java system property. `refine.headless=true` keeps OpenRefine from opening a browser window.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.helpers import free_port, wait_until_ready

LAUNCHERS = ("openrefine", "refine")  # Debian's name, and the name in OpenRefine's own tarball
STARTUP_SECONDS = 120
STOP_GRACE_SECONDS = 20  # OpenRefine saves its workspace on SIGTERM before it exits
PROCESS_SECONDS = 120  # for one long-running operation, such as reconciling a column


def launcher() -> str | None:
    for name in LAUNCHERS:
        found = shutil.which(name)
        if found is not None:
            return found
    return None


def openrefine_missing() -> str | None:
    """Why OpenRefine cannot run here, or None."""
    if launcher() is None:
        return "OpenRefine is not installed (Debian's openrefine: `apt-get install -y openrefine`)"
    return None


class RunningOpenRefine:
    """OpenRefine on a free loopback port, with its workspace and HOME in `folder`, so that nothing of
    the user's is read or written. It runs in a process group of its own: the launcher is a shell
    that starts Java as a child, and stopping the shell alone would leave Java running."""

    def __init__(self, folder: Path, memory: str = "1024M"):
        program = launcher()
        if program is None:
            raise RuntimeError(openrefine_missing())
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        home, self.workspace = folder / "home", folder / "workspace"
        home.mkdir(parents=True, exist_ok=True)
        self.workspace.mkdir(parents=True, exist_ok=True)
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("REFINE_", "JAVA_OPTIONS", "JAVA_TOOL_OPTIONS"))
        }
        # The launcher puts Jython's cache under $HOME; Java takes user.home from the password
        # database instead, and the launcher passes JAVA_OPTIONS to Java as one option.
        environment.update(HOME=str(home), JAVA_OPTIONS=f"-Duser.home={home}")
        args = [program, "-p", str(self.port), "-i", "127.0.0.1", "-H", "127.0.0.1", "-d", str(self.workspace)]
        args += ["-m", memory, "-x", "refine.headless=true"]
        self.log = folder / "openrefine.log"
        with self.log.open("w") as log:
            self.process: subprocess.Popen[bytes] = subprocess.Popen(
                args, cwd=folder, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            wait_until_ready(
                self.process, "OpenRefine", self.log, self.url + "command/core/get-version", STARTUP_SECONDS, self.stop
            )
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """SIGTERM to the whole group, then SIGKILL to what is left after the grace period."""
        group = self.process.pid  # a new session: its leader's id is the group's
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while time.monotonic() < deadline and _group_alive(group):
            self.process.poll()  # reaps the launcher, so that it does not linger as a zombie
            time.sleep(0.2)
        if _group_alive(group):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        self.process.wait()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


# --- what OpenRefine's web page sends -----------------------------------------------------------

# The options of the CSV import page as it first shows them (SeparatorBasedParserUI.getOptions):
# first line as the header, quotes processed, blank cells stored as nulls, and no guessing of cell
# types, which would turn an ISTAT code such as "003106" into the number 3106.
CSV_OPTIONS: dict[str, Any] = {
    "encoding": "UTF-8",
    "separator": ",",
    "ignoreLines": -1,
    "headerLines": 1,
    "skipDataLines": 0,
    "limit": -1,
    "storeBlankRows": True,
    "guessCellValueTypes": False,
    "processQuotes": True,
    "quoteCharacter": '"',
    "storeBlankCellsAsNulls": True,
    "includeFileSources": False,
    "includeArchiveFileName": False,
    "trimStrings": False,
    "disableAutoPreview": False,
}

ALL_ROWS: dict[str, Any] = {"facets": [], "mode": "row-based"}


def rows_where(column: str, value: str) -> dict[str, Any]:
    """An engine whose one text facet on `column` selects `value`, as a click in the facet leaves it."""
    facet = {
        "type": "list",
        "name": column,
        "columnName": column,
        "expression": "value",
        "omitBlank": False,
        "omitError": False,
        "selection": [{"v": {"v": value, "l": value}}],
        "selectBlank": False,
        "selectError": False,
        "invert": False,
    }
    return {"facets": [facet], "mode": "row-based"}


@dataclass(frozen=True)
class Property:
    """A column whose values go with each query as a property of the service's."""

    column: str
    id: str
    name: str


def standard_service_config(
    service: str,
    manifest: dict[str, Any],
    type_: dict[str, str] | None,
    properties: Sequence[Property] = (),
    auto_match: bool = True,
    limit: int = 0,
) -> dict[str, Any]:
    """The config the "Reconcile" dialog posts for a standard service (ReconStandardServicePanel.start):
    `type` null is "Reconcile against no particular type", and `limit` 0 leaves the number of
    candidates to the service."""
    return {
        "mode": "standard-service",
        "service": service,
        "identifierSpace": manifest["identifierSpace"],
        "schemaSpace": manifest["schemaSpace"],
        "type": None if type_ is None else {"id": type_["id"], "name": type_["name"]},
        "autoMatch": auto_match,
        "columnDetails": [{"column": p.column, "property": {"id": p.id, "name": p.name}} for p in properties],
        "limit": limit,
    }


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    score: float
    types: tuple[str, ...]


@dataclass(frozen=True)
class Recon:
    """A cell's reconciliation as OpenRefine's page receives it."""

    judgment: str  # "none", "matched" or "new"
    service: str | None
    match: Candidate | None
    candidates: tuple[Candidate, ...]  # only sent while the judgment is "none"


@dataclass(frozen=True)
class Cell:
    value: Any
    recon: Recon | None


def _candidate(raw: dict[str, Any]) -> Candidate:
    return Candidate(str(raw["id"]), str(raw["name"]), float(raw["score"]), tuple(raw.get("types") or ()))


def _recon(raw: dict[str, Any]) -> Recon:
    match = raw.get("m")
    return Recon(
        judgment=str(raw["j"]),
        service=raw.get("service"),
        match=None if match is None else _candidate(match),
        candidates=tuple(_candidate(c) for c in raw.get("c") or ()),
    )


class OpenRefineClient:
    """The HTTP commands of OpenRefine's web page, each as the page calls it."""

    def __init__(self, url: str, timeout: float = 60):
        self.http = httpx.Client(base_url=url, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def csrf_token(self) -> str:
        """Commands that change a project want a fresh token from this one."""
        answer = self.http.get("/command/core/get-csrf-token")
        answer.raise_for_status()
        token: str = answer.json()["token"]
        return token

    def create_project(self, name: str, csv: Path) -> int:
        """A project from an uploaded CSV file; its id, which the answer's redirect names."""
        params = {"csrf_token": self.csrf_token()}  # read from the URL: the body is the file
        fields = {"project-name": name, "format": "text/line-based/*sv", "options": json.dumps(CSV_OPTIONS)}
        answer = self.http.post(
            "/command/core/create-project-from-upload",
            params=params,
            data=fields,
            files={"project-file": (csv.name, csv.read_bytes(), "text/csv")},
        )
        location = answer.headers.get("location", "")
        if answer.status_code != 302 or "project=" not in location:
            raise RuntimeError(f"OpenRefine did not create the project: {answer.status_code} {answer.text[:2000]}")
        return int(dict(parse_qsl(urlsplit(location).query))["project"])

    def columns(self, project: int) -> dict[str, int]:
        """Each column's cell index, by name."""
        answer = self.http.get("/command/core/get-models", params={"project": project})
        answer.raise_for_status()
        return {c["name"]: int(c["cellIndex"]) for c in answer.json()["columnModel"]["columns"]}

    def guess_types(self, project: int, column: str, service: str) -> list[dict[str, Any]]:
        """The types the "Reconcile" dialog offers first: OpenRefine's server asks the service about
        the first values of the column and ranks the types of what comes back."""
        answer = self.http.post(
            "/command/core/guess-types-of-column",
            params={"project": project},
            data={"columnName": column, "service": service, "csrf_token": self.csrf_token()},
        )
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        if body.get("code") != "ok":
            raise RuntimeError(f"OpenRefine could not guess types: {body}")
        types: list[dict[str, Any]] = body["types"]
        return types

    def reconcile(self, project: int, column: str, config: dict[str, Any], engine: dict[str, Any]) -> None:
        """Start reconciling the column's rows that `engine` selects; it goes on in the background."""
        answer = self.http.post(
            "/command/core/reconcile",
            params={"project": project},
            data={
                "columnName": column,
                "config": json.dumps(config),
                "engine": json.dumps(engine),
                "csrf_token": self.csrf_token(),
            },
        )
        answer.raise_for_status()
        if answer.json().get("code") not in ("ok", "pending"):
            raise RuntimeError(f"OpenRefine refused to reconcile: {answer.text[:2000]}")

    def wait_for_processes(self, project: int, seconds: float = PROCESS_SECONDS) -> None:
        """Until the project has no long-running process left; errors it reports are raised."""
        deadline = time.monotonic() + seconds
        while True:
            answer = self.http.get("/command/core/get-processes", params={"project": project})
            answer.raise_for_status()
            state = answer.json()
            if state.get("exceptions"):
                raise RuntimeError(f"OpenRefine's process failed: {state['exceptions']}")
            if not state["processes"]:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"OpenRefine's processes did not finish in {seconds}s: {state['processes']}")
            time.sleep(0.2)

    def rows(self, project: int, limit: int = 10_000) -> list[dict[str, Cell]]:
        """Every row, as cells by column name, with each reconciled cell's recon from the answer's pool."""
        names = {index: name for name, index in self.columns(project).items()}
        answer = self.http.get("/command/core/get-rows", params={"project": project, "start": 0, "limit": limit})
        answer.raise_for_status()
        body = answer.json()
        recons = body.get("pool", {}).get("recons", {})
        rows: list[dict[str, Cell]] = []
        for row in sorted(body["rows"], key=lambda r: int(r["i"])):
            cells: dict[str, Cell] = {}
            for index, raw in enumerate(row["cells"]):
                if index in names and raw is not None:
                    recon = recons.get(raw["r"]) if "r" in raw else None
                    cells[names[index]] = Cell(raw.get("v"), None if recon is None else _recon(recon))
            rows.append(cells)
        return rows


# --- what OpenRefine's server asks of the service ----------------------------------------------


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # with its query string
    content_type: str
    form: dict[str, list[str]]  # the body's fields, when it is form-encoded
    user_agent: str
    status: int  # the service's answer; 502 when the relay could not reach it


@dataclass
class Recorder:
    """Every request seen, in order; shared by the relay's threads."""

    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: Recorded) -> None:
        with self.lock:
            self.requests.append(request)

    def take(self) -> list[Recorded]:
        """The requests seen since the last call."""
        with self.lock:
            taken, self.requests = self.requests, []
        return taken


def _relay_handler(target: str, recorder: Recorder, client: httpx.Client) -> type[BaseHTTPRequestHandler]:
    class Relay(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as OpenRefine's pooled client expects

        def _relay(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            content_type = self.headers.get("Content-Type", "")
            form: dict[str, list[str]] = {}
            if content_type.startswith("application/x-www-form-urlencoded"):
                for name, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
                    form.setdefault(name, []).append(value)
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            try:
                answer = client.request(self.command, target + self.path, content=body, headers=headers)
                status, kind, content = answer.status_code, answer.headers.get("content-type", ""), answer.content
            except httpx.HTTPError as error:  # recorded and answered, so that the test sees it
                status, kind, content = 502, "text/plain", f"relay: {error!r}".encode()
            agent = self.headers.get("User-Agent", "")
            recorder.add(Recorded(self.command, self.path, content_type, form, agent, status))
            self.send_response(status)
            self.send_header("Content-Type", kind or "application/octet-stream")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = _relay

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the recorder keeps what matters; stderr stays quiet

    return Relay


@contextlib.contextmanager
def recording_relay(target: str) -> Iterator[tuple[str, Recorder]]:
    """A loopback HTTP relay to `target`, a server's root URL: the relay's own root URL, and the
    recorder of the requests it passed on."""
    recorder = Recorder()
    with httpx.Client(timeout=60) as client:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _relay_handler(target.rstrip("/"), recorder, client))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="reconcile-relay", daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/", recorder
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
