"""The store folder: immutable builds of an on-disk Oxigraph store and an atomic `current` pointer.

Layout of a store folder:

    current -> builds/<id>          symbolic link, replaced atomically by each successful build
    builds/<id>/oxigraph/            the RocksDB store, never written after the build
    builds/<id>/build.json           what was built: version, base IRI, counts, source files
    builds/<id>.partial/             a build in progress; left behind only by an interrupted build

Readers open `current` read-only and re-open when it points elsewhere, so a running server
keeps answering from the previous build until the new one is complete.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from govlod.sources import os_reason

BUILDS = "builds"
CURRENT = "current"
KEEP_BUILDS = 3  # the current build and two older ones a slow reader may still have open
RECORD = "build.json"  # inside a build folder
ENGINE = "oxigraph"  # the Oxigraph store inside a build folder


@dataclass(frozen=True)
class BuildInfo:
    """What build.json records about one build."""

    version: str
    base_iri: str
    built_at: str
    triples: int
    quads: int
    graphs: dict[str, int] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    dumps: list[dict[str, Any]] = field(default_factory=list)
    statistics: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> BuildInfo:
        return cls(**json.loads(text))


class NoStore(Exception):
    """The store folder has no complete build yet."""


def read_record(build: Path) -> BuildInfo:
    """What a build folder's record says about it."""
    return BuildInfo.from_json((build / RECORD).read_text(encoding="utf-8"))


def engine_path(build: Path) -> Path:
    """The Oxigraph store of a build folder."""
    return build / ENGINE


class BuildInProgress(Exception):
    """Another process is building into the same store folder."""


class StoreWriteError(Exception):
    """A file of a build could not be written: a full disk, a file-size limit, no permission."""

    def __init__(self, path: str, reason: str):
        super().__init__(path, reason)  # both in args: the error crosses from the loader's process
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return f"{self.reason} while writing {self.path}"


# RocksDB names the file it failed on inside its message: "While appending to file: /…/000012.sst: …"
_FILE_IN_MESSAGE = re.compile(r"file: (/[^:]+)")


def write_error(path: Path, error: OSError) -> StoreWriteError:
    """The error naming the file that could not be written: the one the OS or RocksDB names, else `path`."""
    named = _FILE_IN_MESSAGE.search(str(error))
    where = error.filename or (named.group(1) if named else None) or path
    return StoreWriteError(str(where), os_reason(error))


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Name `path` in a failure to write it: Oxigraph's and zlib's errors say nothing of the file."""
    try:
        yield
    except OSError as error:
        raise write_error(path, error) from error


class StoreFolder:
    def __init__(self, root: Path):
        self.root = root
        self._link = str(root / CURRENT)  # a plain string: pathlib costs more than the readlink

    @property
    def current_link(self) -> Path:
        return self.root / CURRENT

    def current_build(self) -> Path:
        """The folder of the build `current` points to."""
        target = self.current_link
        if not target.is_symlink() or not (target / RECORD).is_file():
            raise self.no_store()
        return self.build_path(os.readlink(target).rsplit("/", 1)[-1])

    def build_path(self, build_id: str) -> Path:
        return self.root / BUILDS / build_id

    def no_store(self) -> NoStore:
        return NoStore(f"no store built in {self.root} yet: run 'govlod build'")

    def current_id(self) -> str | None:
        """The id of the current build, cheap enough to check on every request."""
        try:
            return os.readlink(self._link).rsplit("/", 1)[-1]
        except OSError:
            return None

    def info(self) -> BuildInfo:
        return read_record(self.current_build())

    def info_of(self, build_id: str) -> BuildInfo:
        """The record of one build; NoStore when it is not there."""
        try:
            return read_record(self.build_path(build_id))
        except FileNotFoundError as error:  # `current` names a build that is not there
            raise self.no_store() from error

    def open_read_only(self) -> tuple[ox.Store, BuildInfo, str]:
        build = self.current_build()
        return ox.Store.read_only(str(engine_path(build))), read_record(build), build.name

    @contextlib.contextmanager
    def build_lock(self) -> Iterator[None]:
        """Hold the folder's build lock: two builds at once would race for `current`."""
        lock = self.root / ".build.lock"
        with writing(lock):
            self.root.mkdir(parents=True, exist_ok=True)
            handle = lock.open("w")
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                raise BuildInProgress(f"another build is running in {self.root}") from error
            yield

    def new_build_folder(self, build_id: str) -> Path:
        """A fresh folder for a build; leftovers of interrupted builds are removed first."""
        builds = self.root / BUILDS
        with writing(builds):
            builds.mkdir(parents=True, exist_ok=True)
        for stale in builds.glob("*.partial"):
            shutil.rmtree(stale, ignore_errors=True)
        # The switch writes in the store folder itself: a folder that does not let it fails now,
        # not after the whole build.
        _check_writable(self.root)
        partial = builds / f"{build_id}.partial"
        with writing(partial):
            partial.mkdir()
        return partial

    def publish(self, partial: Path, info: BuildInfo, switch: Callable[[], None] | None = None) -> Path:
        """Complete a build: write its record, give it its final name, point `current` at it.

        `switch`, when given, switches a remote store to the build once its folder is complete
        (servers find the build's files by the name the store gives them) and before `current`.
        """
        with writing(partial / RECORD):
            (partial / RECORD).write_text(info.to_json(), encoding="utf-8")
        final = partial.with_name(partial.name.removesuffix(".partial"))
        if final.exists():
            shutil.rmtree(final)
        partial.rename(final)
        if switch is not None:
            try:
                switch()
            except BaseException:
                shutil.rmtree(final, ignore_errors=True)
                raise
        try:
            self._point_current_at(final)
        except BaseException:
            # A complete build that `current` never named goes; unless a remote store switched to
            # it: its servers find the build's files here.
            if switch is None and self.current_id() != final.name:
                shutil.rmtree(final, ignore_errors=True)
            raise
        self._prune(keep=final.name)
        return final

    def _point_current_at(self, build: Path) -> None:
        staging = self.root / f"{CURRENT}.new"  # left behind only by a build killed right here
        with writing(staging):
            if staging.is_symlink() or staging.exists():
                staging.unlink()
            staging.symlink_to(Path(BUILDS) / build.name)
            os.replace(staging, self.current_link)  # atomic on POSIX: readers see old or new, never none

    def _prune(self, keep: str) -> None:
        builds = self.root / BUILDS
        complete = sorted(
            (p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".partial")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in complete[KEEP_BUILDS:]:
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)


def _check_writable(folder: Path) -> None:
    """StoreWriteError unless a file can be created in `folder`."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise StoreWriteError(str(folder), os_reason(error)) from error
