"""The benchmark's data generator: deterministic, and its output passes `govlod validate`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.bench import bench_module
from tests.helpers import run_govlod

generate_module = bench_module("generate")


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_same_arguments_give_the_same_files(tmp_path: Path) -> None:
    generate_module.generate(4000, tmp_path / "a")
    generate_module.generate(4000, tmp_path / "b")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    generate_module.generate(4000, tmp_path / "c", seed=1)
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_generated_data_passes_govlod_validate(tmp_path: Path) -> None:
    generate_module.generate(4000, tmp_path / "data")
    result = run_govlod("validate", str(tmp_path / "data"), "--lang", "en")
    assert result.returncode == 0, result.stdout[-3000:]
    triples = int(result.stdout.split(" triples")[0].rsplit(" ", 1)[1])
    assert triples > 3000
