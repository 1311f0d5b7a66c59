"""`govlod validate` and `govlod build` given bad input: one line per problem, naming the file (and
the line where there is one), exit 2, never a traceback; and a build that fails leaves the store
serving the build it served before, with nothing half-written beside it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.faults import (
    SECRET,
    Served,
    billion_laughs,
    limit_file_size,
    limit_memory,
    listener,
    remote_jsonld_context,
    unprivileged,
    xxe_local_file,
    xxe_remote,
)
from tests.helpers import PROJECT, run_govlod


def _write_bad_files(folder: Path) -> dict[str, str]:
    """One data file per kind of bad input; what `govlod` must say of each (its whole line, or the
    start of it where the rest is the parser's own wording)."""
    folder.mkdir()
    files: dict[str, bytes] = {
        "binary.ttl": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",  # a NUL on line 3
        "empty.ttl": b"",
        "latin1.ttl": '@prefix ex: <http://example.org/> .\nex:a ex:b "caffè" .\n'.encode("latin-1"),
        "prefix.ttl": b"@prefix ex: <http://example.org/> .\nex:a ex:b foo:c .\n",
        "syntax.ttl": b'@prefix ex: <http://example.org/> .\n\nex:a ex:b "x" ;\n  ex:c .\n',
        "unreadable.ttl": b'@prefix ex: <http://example.org/> .\nex:a ex:b "x" .\n',
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "unreadable.ttl").chmod(0o000)
    return {
        "binary.ttl": f"{folder}/binary.ttl:3: binary data, not an RDF text file",
        "empty.ttl": f"{folder}/empty.ttl: empty file: it holds no RDF",
        "latin1.ttl": f"{folder}/latin1.ttl:2: not UTF-8 encoded",
        "prefix.ttl": f"{folder}/prefix.ttl:2:11: unknown prefix foo: (no @prefix declares it)",
        "syntax.ttl": f"{folder}/syntax.ttl:4:8: syntax error: ",
        "unreadable.ttl": f"{folder}/unreadable.ttl: cannot read: permission denied",
    }


def _assert_one_line_each(stderr: str, expected: dict[str, str]) -> None:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == len(expected), stderr
    for line, start in zip(lines, expected.values(), strict=True):
        assert line.startswith(start), f"{line!r} should start with {start!r}"


def test_validate_names_every_bad_file_with_its_line_once(tmp_path: Path) -> None:
    expected = _write_bad_files(tmp_path / "data")
    result = run_govlod("validate", str(tmp_path / "data"), preexec=unprivileged())
    assert result.returncode == 2
    _assert_one_line_each(result.stderr, expected)


def test_build_names_every_bad_file_once_and_the_store_keeps_serving(tmp_path: Path, previous_store: Path) -> None:
    expected = _write_bad_files(tmp_path / "data")
    before = Served.of(previous_store)
    result = run_govlod(
        "build", "--data", str(tmp_path / "data"), "--store", str(previous_store), preexec=unprivileged()
    )
    assert result.returncode == 2
    _assert_one_line_each(result.stderr, expected)
    assert Served.of(previous_store) == before


@pytest.mark.parametrize("command", ["validate", "build"])
def test_xml_entities_and_remote_json_ld_contexts_are_refused_never_read_nor_fetched(
    command: str, tmp_path: Path, previous_store: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    before = Served.of(previous_store)
    with listener() as fetched:
        (data / "laughs.rdf").write_text(billion_laughs(), encoding="utf-8")
        (data / "remote.jsonld").write_text(remote_jsonld_context(fetched.port), encoding="utf-8")
        (data / "xxe-file.rdf").write_text(xxe_local_file(secret), encoding="utf-8")
        (data / "xxe-remote.rdf").write_text(xxe_remote(fetched.port), encoding="utf-8")
        arguments = [str(data)] if command == "validate" else ["--data", str(data), "--store", str(previous_store)]
        # Should the billion laughs ever be expanded, the command runs out of memory, not the machine.
        result = run_govlod(command, *arguments, preexec=limit_memory, timeout=120)
        assert not fetched.connected(), "an entity or a context was fetched"
    refused = "XML with a DOCTYPE is refused, as its entities could read files or expand without limit"
    context = f"the JSON-LD context http://127.0.0.1:{fetched.port}/context.jsonld is never fetched"
    expected = {
        "laughs.rdf": f"{data}/laughs.rdf:2: {refused}",
        "remote.jsonld": f"{data}/remote.jsonld:2: {context}",
        "xxe-file.rdf": f"{data}/xxe-file.rdf:2: {refused}",
        "xxe-remote.rdf": f"{data}/xxe-remote.rdf:2: {refused}",
    }
    assert result.returncode == 2
    _assert_one_line_each(result.stderr, expected)
    assert SECRET not in result.stdout + result.stderr
    assert Served.of(previous_store) == before


def test_a_missing_data_folder_is_named_and_the_store_keeps_serving(tmp_path: Path, previous_store: Path) -> None:
    before = Served.of(previous_store)
    result = run_govlod("build", "--data", str(tmp_path / "nowhere"), "--store", str(previous_store))
    assert result.returncode == 2
    assert result.stderr == f"{tmp_path / 'nowhere'}: no such file or folder\n"
    assert Served.of(previous_store) == before


def test_a_data_folder_that_cannot_be_read_is_an_error_not_a_silent_gap(tmp_path: Path, previous_store: Path) -> None:
    data = tmp_path / "data"
    hidden = data / "provincia-novara"
    shutil.copytree(PROJECT / "data" / "provincia-novara", hidden)
    shutil.copy(PROJECT / "data" / "catalog.ttl", data / "catalog.ttl")
    hidden.chmod(0o000)
    before = Served.of(previous_store)
    try:
        result = run_govlod("build", "--data", str(data), "--store", str(previous_store), preexec=unprivileged())
    finally:
        hidden.chmod(0o755)
    assert result.returncode == 2, result.stdout
    assert result.stderr == f"{hidden}: cannot read the folder: permission denied\n"
    assert Served.of(previous_store) == before


def test_a_store_folder_without_write_permission_is_refused_before_building(previous_store: Path) -> None:
    before = Served.of(previous_store)
    previous_store.chmod(0o555)
    try:
        result = run_govlod("build", "--store", str(previous_store), preexec=unprivileged())
    finally:
        previous_store.chmod(0o755)
    assert result.returncode == 2
    assert result.stderr == f"govlod: permission denied while writing {previous_store}; the store was not changed\n"
    assert "parsed" not in result.stdout  # refused before any work, not after the whole build
    assert Served.of(previous_store) == before


def test_a_full_disk_names_the_file_and_leaves_no_half_written_build(previous_store: Path) -> None:
    before = Served.of(previous_store)
    # The bundled data stages about half a megabyte: no file may grow past 64 kB.
    result = run_govlod("build", "--store", str(previous_store), preexec=limit_file_size(64 * 2**10))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    written = re.escape(str(previous_store / "builds")) + r"/[^/ ]+\.partial/staging/\w+\.n[tq]"
    assert re.fullmatch(
        rf"govlod: file too large \([^)]*\) while writing {written}; the store was not changed\n", result.stderr
    ), result.stderr
    assert Served.of(previous_store) == before  # and the half-written build is gone


def test_a_home_without_shapes_is_named(tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "ontology", tmp_path / "ontology")
    result = run_govlod("validate", str(PROJECT / "data"), env={"GOVLOD_HOME": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr == f"{tmp_path / 'shapes'}: cannot read the shapes folder: no such file or folder\n"
