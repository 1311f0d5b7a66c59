"""bench/sheets.py: the region it makes from the bundled publishers is one publisher's data, every copy
its own, that imports and exports whole; and the benchmark runs end to end on a small region."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from tests.bench import BENCH, bench_module

sheets = bench_module("sheets")


def test_copies_get_their_own_codes_and_keep_owner_slash_code_names() -> None:
    assert sheets._suffixed("cisa-24", "-3") == "cisa-24-3"
    assert sheets._suffixed("cisa-24;comune-novara", "-3") == "cisa-24-3;comune-novara-3"
    assert sheets._suffixed("cisa-24/presidente", "-3") == "cisa-24-3/presidente"
    assert sheets._suffixed("urn:nir:stato:legge:2000-11-08;328", "-3") == "urn:nir:stato:legge:2000-11-08;328-3"


def test_the_region_imports_and_exports_whole_and_each_copy_is_its_own(tmp_path: Path) -> None:
    sheets.prepare(3, ["csv", "ods"], tmp_path)  # exits when the region does not export whole
    prepared = json.loads((tmp_path / "prepared.json").read_text(encoding="utf-8"))
    once = 661 + 160  # the triples of the two bundled publishers' data
    # Each copy its own triples, but for what copies share: the national laws' descriptions and
    # the same telephone numbers, once per publisher.
    assert 3 * once - 40 < prepared["triples"] <= 3 * once
    with (tmp_path / "sheets-csv" / "posti.csv").open(encoding="utf-8", newline="") as sheet:
        seats = list(csv.DictReader(sheet))
    assert len(seats) == 3 * 34 and len({row["codice"] for row in seats}) == len(seats)
    assert (tmp_path / "govlod.ods").exists()


def test_the_benchmark_writes_its_table(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "sheets.py"), "--copies", "1", "--formats", "csv", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "sheets-1.json").read_text(encoding="utf-8"))
    assert [(c["format"], c["step"]) for c in result["cases"]] == [("csv", "import"), ("csv", "export")]
    assert all(c["govlod_status"] == "ok" and c["library_status"] == "ok" for c in result["cases"])
    assert result["cases"][0]["same_turtle"] is True
    assert "| csv | import |" in (tmp_path / "sheets-1.md").read_text(encoding="utf-8")
