"""Faults lose nothing: a `govlod build` killed (SIGKILL) at any moment leaves the previous build
serving, nothing it started keeps running, and the next build succeeds and clears what was left;
two builds at once, data that does not conform, a loader that dies: the store is not changed.

The builds are real `govlod build` processes on generated data (100k triples), killed while they
are in the phase under test: each phase is recognised by the line the build prints when the one
before ends and by the files it creates in the store folder.
"""

from __future__ import annotations

import functools
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults import Served
from tests.helpers import PROJECT, run_govlod

PATIENCE = 120.0  # seconds before a wait for the build gives up (a hung build, not a slow one)
ORPHAN_PATIENCE = 30.0  # seconds a process of a killed build may take to die (it takes milliseconds)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data big enough (100k triples, a build of several seconds) for a kill to land inside each phase."""
    out = tmp_path_factory.mktemp("generated") / "data"
    done = subprocess.run(
        [sys.executable, "bench/generate.py", "--triples", "100000", "--out", str(out)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def _ended(pid: int, started: int) -> bool:
    """Whether the process `pid` that started at `started` is dead: gone, a zombie (dead, not yet
    reaped by whoever inherited it), or its pid now another process's."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return True
    return fields[0] == "Z" or int(fields[19]) != started


def _children(pid: int) -> dict[int, int]:
    """The processes `pid` started, each with its start time."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found[int(stat.parent.name)] = int(fields[19])
    return found


def _wait_until(done: Callable[[], bool], what: str, seconds: float = PATIENCE) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.005)


class RunningBuild:
    """A real `govlod build` whose output is read as it is printed, to stop it at a chosen moment."""

    def __init__(self, store: Path, data: Path | None = None):
        self.store = store
        arguments = [sys.executable, "-m", "govlod", "build", "--store", str(store)]
        if data is not None:
            arguments += ["--data", str(data)]
        environment = {k: v for k, v in os.environ.items() if not k.startswith("GOVLOD_")}
        environment["PYTHONUNBUFFERED"] = "1"  # each line reaches the test as the build prints it
        self.process = subprocess.Popen(
            arguments, cwd=PROJECT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        self.children: dict[int, int] = {}
        # A thread reads the output, so that waiting for a line can give up on a build that hangs.
        self._arriving: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._arriving.put(line)
        self._arriving.put(None)  # the end: the build and every process holding its output are gone

    def _next_line(self, deadline: float) -> str | None:
        try:
            line = self._arriving.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            pytest.fail(f"the build printed nothing for {PATIENCE:.0f} s: {''.join(self.lines)}")
        if line is not None:
            self.lines.append(line)
        return line

    def wait_for_line(self, start: str) -> None:
        deadline = time.monotonic() + PATIENCE
        while (line := self._next_line(deadline)) is not None:
            if line.startswith(start):
                return
        pytest.fail(f"the build ended before printing {start!r}: {''.join(self.lines)}")

    def wait_for_file(self, pattern: str) -> None:
        """Until a file matching `pattern` (a glob under the store folder) exists."""

        def exists() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"the build ended before {pattern} appeared: {''.join(self.lines)}")
            return any(self.store.glob(pattern))

        _wait_until(exists, pattern)

    def output(self) -> str:
        """Everything the build printed, once it and every process it started have ended."""
        deadline = time.monotonic() + PATIENCE
        while self._next_line(deadline) is not None:
            pass
        return "".join(self.lines)

    def kill(self) -> str:
        """SIGKILL the build; what it printed. Fails if anything it started is still running after it:
        a loader left writing into the folder the next build removes."""
        self.children = _children(self.process.pid)
        self.process.kill()
        assert self.process.wait(timeout=PATIENCE) == -signal.SIGKILL
        for pid, started in self.children.items():
            ended = functools.partial(_ended, pid, started)
            _wait_until(ended, f"process {pid}, started by the killed build, to end", seconds=ORPHAN_PATIENCE)
        return self.output()

    def stop_everything(self) -> None:
        """Kill the build and what it started, if still running (the test failed half-way)."""
        if self.process.poll() is None:
            self.children = _children(self.process.pid)
            self.process.kill()
            self.process.wait()
        for pid, started in self.children.items():
            if not _ended(pid, started):
                os.kill(pid, signal.SIGKILL)
        self._reader.join(timeout=PATIENCE)
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture
def start_build() -> Iterator[Callable[..., RunningBuild]]:
    """Starts RunningBuilds; any still running when the test ends (it failed) is killed."""
    started: list[RunningBuild] = []

    def start(store: Path, data: Path | None = None) -> RunningBuild:
        started.append(RunningBuild(store, data))
        return started[-1]

    yield start
    for build in started:
        build.stop_everything()


def _next_build_succeeds_and_clears_leftovers(store: Path, before: Served) -> None:
    result = run_govlod("build", "--store", str(store), "--skip-validation")
    assert result.returncode == 0, result.stderr
    after = Served.of(store)
    assert after.current != before.current
    assert not list((store / "builds").glob("*.partial")), "the killed build's folder is removed"
    assert not (store / "current.new").is_symlink()


# (line printed when the phase begins, or None; a file the phase creates; the line that ends it)
PHASES = {
    "parsing": (None, "builds/*.partial/staging/named.nq", "parsed "),
    "validating and loading": ("parsed ", "builds/*.partial/oxigraph/*", "loaded "),
    "writing dumps and index": ("loaded ", "builds/*.partial/dumps/*", "statistics in "),
}


@pytest.mark.parametrize("phase", PHASES)
def test_a_build_killed_leaves_the_previous_build_serving(
    phase: str, previous_store: Path, generated: Path, start_build: Callable[..., RunningBuild]
) -> None:
    begins, creates, ends = PHASES[phase]
    before = Served.of(previous_store)
    build = start_build(previous_store, generated)
    if begins is not None:
        build.wait_for_line(begins)
    build.wait_for_file(creates)
    printed = build.kill()
    assert ends not in printed, f"the kill landed after {phase}: {printed}"
    assert list((previous_store / "builds").glob("*.partial")), "the kill landed inside the build"
    served = Served.of(previous_store)  # its builds: the previous ones and the killed build's folder
    assert (served.current, served.triples) == (before.current, before.triples)
    _next_build_succeeds_and_clears_leftovers(previous_store, before)


def test_a_build_killed_around_the_switch_leaves_a_complete_build_serving(
    previous_store: Path, generated: Path, start_build: Callable[..., RunningBuild]
) -> None:
    before = Served.of(previous_store)
    build = start_build(previous_store, generated)
    build.wait_for_line("statistics in ")  # what is left: the record, the rename, the switch
    build.kill()
    # The kill lands just before, during or just after the switch: `current` names the previous
    # build or the new one, never a half-built one, and whichever it is answers with all its triples.
    served = Served.of(previous_store)
    if served.current != before.current:
        assert served.current is not None and not served.current.endswith(".partial")
        assert served.triples > before.triples  # the generated data, not the bundled
    _next_build_succeeds_and_clears_leftovers(previous_store, served)


def test_a_second_build_into_the_same_store_is_refused_and_the_first_completes(
    previous_store: Path, start_build: Callable[..., RunningBuild]
) -> None:
    before = Served.of(previous_store)
    first = start_build(previous_store)
    first.wait_for_line("parsed ")  # it holds the store's build lock
    first.process.send_signal(signal.SIGSTOP)  # and keeps it until it is continued
    try:
        second = run_govlod("build", "--store", str(previous_store))
    finally:
        first.process.send_signal(signal.SIGCONT)
    assert second.returncode == 2
    assert second.stderr == f"govlod: another build is running in {previous_store}: the store was not changed\n"
    assert first.process.wait(timeout=PATIENCE) == 0, first.output()
    assert Served.of(previous_store).current != before.current


def test_a_build_of_data_that_does_not_conform_changes_nothing(previous_store: Path) -> None:
    before = Served.of(previous_store)
    case = PROJECT / "tests" / "validation_cases" / "seat-without-role.ttl"
    result = run_govlod("build", "--store", str(previous_store), "--data", str(PROJECT / "data"), "--data", str(case))
    assert result.returncode == 1
    assert result.stderr.endswith("the store was not changed\n")
    assert Served.of(previous_store) == before  # no new build, nothing half-built left


def test_a_loader_that_dies_is_reported_and_changes_nothing(
    previous_store: Path, generated: Path, start_build: Callable[..., RunningBuild]
) -> None:
    before = Served.of(previous_store)
    build = start_build(previous_store, generated)
    build.wait_for_line("parsed ")
    build.wait_for_file("builds/*.partial/oxigraph/*")
    loaders = [
        pid for pid in _children(build.process.pid) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(loaders) == 1
    os.kill(loaders[0], signal.SIGKILL)  # as the kernel's OOM killer would
    assert build.process.wait(timeout=PATIENCE) == 2
    output = build.output()
    assert output.endswith(
        "govlod: the process loading the store stopped (killed, or out of memory?); the store was not changed\n"
    ), output
    assert Served.of(previous_store) == before
