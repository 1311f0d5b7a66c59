"""`govlod serve`: settings reach every uvicorn worker process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.helpers import PROJECT, RunningServer


def test_several_workers_each_answer_with_the_same_settings(tmp_path: Path) -> None:
    server = RunningServer(tmp_path / "store", "--workers", "2", "--max-rows", "7", base_iri="http://127.0.0.1:{port}/")
    try:
        for _ in range(6):  # enough requests to reach both workers
            answer = httpx.get(server.url + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
            assert answer.headers["govlod-max-rows"] == "7"
            assert len(answer.json()["results"]["bindings"]) == 7
            assert answer.json()["results"]["bindings"][0]["s"]["value"].startswith(server.url)
        assert server.log.read_text().count("govlod: serving") == 2
    finally:
        server.stop()


def test_the_command_module_does_not_import_the_validation_machinery() -> None:
    # `govlod serve` runs from govlod.cli: pyshacl (and rdflib) load only for validate, build and import.
    probe = "import govlod.cli, sys; print('pyshacl' in sys.modules, 'govlod.validation' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
