"""Faults and hostile input for the command-line tests: XML that attacks its parser; `govlod` run
the way a user without special rights runs it, so that file permissions apply to it even when the
tests run as root (as they do in CI's Debian container), or under a limit on file sizes, as on a
full disk; and what a store folder serves, to compare before and after a build that failed."""

from __future__ import annotations

import ctypes
import functools
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from govlod.store import StoreFolder

ID_SPACE = "https://w3id.org/govlod/id/organization/"
SECRET = "SECRET-d41d8cd98f00b204"  # what an external entity would copy into the data
RDF_XML = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="{about}">
    <rdfs:label>{label}</rdfs:label>
  </rdf:Description>
</rdf:RDF>
"""


def _xml_with_entities(declarations: list[str], label: str) -> str:
    """RDF/XML whose DOCTYPE starts on line 2 and whose one label uses the entities declared."""
    subset = "\n".join(f"  {d}" for d in declarations)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE rdf:RDF [\n{subset}\n]>\n' + RDF_XML.format(
        about=ID_SPACE + "xml-test", label=label
    )


def xxe_local_file(secret_file: Path) -> str:
    """An external entity that copies a local file into a literal."""
    return _xml_with_entities([f'<!ENTITY secret SYSTEM "file://{secret_file}">'], "&secret;")


def xxe_remote(port: int) -> str:
    """An external entity fetched from an address on this machine."""
    return _xml_with_entities([f'<!ENTITY remote SYSTEM "http://127.0.0.1:{port}/secret">'], "&remote;")


def billion_laughs() -> str:
    """Ten nested entities of ten references each: a billion "lol", 3 GB from a file under 1 kB."""
    declarations = ['<!ENTITY lol0 "lol">']
    declarations += [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    return _xml_with_entities(declarations, "&lol9;")


def remote_jsonld_context(port: int) -> str:
    """JSON-LD whose context is to be fetched from an address on this machine (line 2)."""
    document = {"@context": f"http://127.0.0.1:{port}/context.jsonld", "@id": ID_SPACE + "jsonld-test", "name": "x"}
    return json.dumps(document, indent=2) + "\n"


class Listener:
    """A TCP port on 127.0.0.1 that tells whether anything connected to it.

    The kernel completes a connection into the backlog without accept(), so a fetch, however
    short-lived, is still waiting there when the command has finished.
    """

    def __init__(self, server: socket.socket):
        self.server = server
        self.port: int = server.getsockname()[1]

    def connected(self) -> bool:
        try:
            self.server.accept()[0].close()
        except BlockingIOError:
            return False
        return True


@contextmanager
def listener() -> Iterator[Listener]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.setblocking(False)
        yield Listener(server)


MEMORY_LIMIT = 2 * 2**30  # address space for commands given hostile XML: an expansion fails, not the machine


def limit_memory() -> None:
    """preexec_fn: a regression that expands the billion laughs dies of MemoryError within seconds."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def limit_file_size(limit: int) -> Callable[[], None]:
    """preexec_fn: no file grows past `limit` bytes, as on a full disk; a write past it fails with
    EFBIG. SIGXFSZ, which would kill the process at once, is ignored, and an ignored signal stays
    ignored across exec: the command sees the error and must report it."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


PR_CAPBSET_DROP = 24  # prctl(2)
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2  # what lets root read and write any file


def _drop_file_permission_override() -> None:
    """preexec_fn: the child (still root, owner of the test's files) is checked against file modes.

    Dropped from the bounding set, the two capabilities are not given back by exec.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _honours_file_modes(preexec: Callable[[], None]) -> bool:
    """Whether a child started with `preexec` runs Python, reads a plain file and is refused one of mode 000."""
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        readable, unreadable = Path(folder, "readable"), Path(folder, "unreadable")
        readable.write_text("x")
        unreadable.write_text("x")
        os.chmod(readable, 0o644)
        os.chmod(unreadable, 0o000)
        probe = f"open({str(readable)!r}).read()\ntry:\n open({str(unreadable)!r})\nexcept PermissionError:\n print('refused')"
        try:
            done = subprocess.run(
                [sys.executable, "-c", probe], preexec_fn=preexec, capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.SubprocessError):
            return False
        return done.returncode == 0 and done.stdout.strip() == "refused"


@functools.cache
def _file_modes_can_apply() -> bool:
    return os.geteuid() != 0 or _honours_file_modes(_drop_file_permission_override)


def unprivileged() -> Callable[[], None] | None:
    """preexec_fn for a child that file modes apply to (None when the tests do not run as root); the
    test is skipped when there is no way to start one.

    Not `user="nobody"`: the interpreter and pytest's temporary folders are often in folders only
    root may enter (/root/.pyenv, /tmp/pytest-of-root), and a child that cannot start tests nothing.
    """
    if not _file_modes_can_apply():
        pytest.skip("running as root without CAP_SETPCAP: CAP_DAC_OVERRIDE cannot be dropped for the child")
    return _drop_file_permission_override if os.geteuid() == 0 else None


@dataclass(frozen=True)
class Served:
    """What a store folder serves, to compare before and after a build that failed."""

    current: str | None
    builds: list[str]
    triples: int

    @classmethod
    def of(cls, store: Path) -> Served:
        folder = StoreFolder(store)
        reader, info, _ = folder.open_read_only()  # the build `current` names opens read-only
        answer = reader.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(answer, ox.QuerySolutions)
        assert int(next(iter(answer))[0].value) == info.triples, "it answers with every triple it recorded"
        return cls(folder.current_id(), sorted(p.name for p in (store / "builds").iterdir()), info.triples)
