"""Publishers' sheets at the size of a region: `govlod import` and `govlod export` against the
spreadsheet libraries' own reading and writing of the same files, in one run.

The sheets are the two bundled publishers exported (every sheet of the model is filled in) and
copied COPIES times with their codes suffixed, as one publisher: 100 copies hold about 82,000
triples and 9,000 rows, 1,250 copies about a million triples. For each format (csv, xlsx, ods):

- `govlod import` of the sheets, against reading every cell of the same file with the library the
  importer uses (csv, openpyxl read-only, odfdo): what reading the file costs at the least;
- `govlod export` of the imported Turtle back to the format, against writing the same rows with
  that library alone (csv, openpyxl write-only, odfdo);
- that importing the export gives the same bytes (the round trip, checked, not timed).

Wall time and peak memory of each command's process tree, as bench/scale.py measures them.

    python bench/sheets.py --copies 100
    python bench/sheets.py --copies 1250 --formats csv,xlsx
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(PROJECT / "server"))


if TYPE_CHECKING:
    from govlod.importing.sheets import Sheet
from scale import Measured, run_measured  # noqa: E402

PUBLISHER = "regione-bench"
BUNDLED = (
    ("provincia-novara", PROJECT / "data" / "provincia-novara" / "coordinamento-enti-gestori.ttl"),
    ("sercop-rhodense", PROJECT / "data" / "sercop-rhodense" / "piano-sociale-di-zona.ttl"),
)
FORMATS = ("csv", "xlsx", "ods")

# Reading and writing every cell with the importer's own libraries, in a process of its own.
RAW_READ = {
    "csv": "import csv,pathlib,sys\n"
    "n=0\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.csv')):\n"
    "    with p.open(encoding='utf-8', newline='') as f:\n"
    "        n+=sum(len(r) for r in csv.reader(f))\n"
    "print(n)",
    "xlsx": "import openpyxl,sys\n"
    "b=openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)\n"
    "print(sum(1 for s in b.worksheets for r in s.iter_rows(values_only=True) for c in r if c is not None))",
    # Elements as stored, not traverse(), which expands the rows and cells the file repeats.
    "ods": "import sys\nfrom odfdo import Document\n"
    "d=Document(sys.argv[1]); n=0\n"
    "for t in d.body.get_tables():\n"
    "    for r in t.get_elements('table:table-row'):\n"
    "        n+=sum(1 for c in r.get_elements('table:table-cell') if c.value is not None)\n"
    "print(n)",
}
RAW_WRITE = {
    "csv": "import csv,json,pathlib,sys\n"
    "rows=json.load(open(sys.argv[1])); out=pathlib.Path(sys.argv[2]); out.mkdir(exist_ok=True)\n"
    "for name,found in rows.items():\n"
    "    with (out/(name+'.csv')).open('w',encoding='utf-8',newline='') as f: csv.writer(f).writerows(found)",
    "xlsx": "import json,sys,openpyxl\n"
    "rows=json.load(open(sys.argv[1])); b=openpyxl.Workbook(write_only=True)\n"
    "for name,found in rows.items():\n"
    "    s=b.create_sheet(name)\n"
    "    for r in found: s.append(r)\n"
    "b.save(sys.argv[2])",
    "ods": "import json,sys\nfrom odfdo import Document, Table\n"
    "rows=json.load(open(sys.argv[1])); d=Document('spreadsheet'); d.body.clear()\n"
    "for name,found in rows.items():\n"
    "    t=Table(name)\n"
    "    for i,r in enumerate(found): t.set_row_values(i, r)\n"
    "    d.body.append(t)\n"
    "d.save(sys.argv[2])",
}


def _suffixed(value: str, suffix: str) -> str:
    """A code, or several separated by ";", made another copy's; owner/code names keep the code."""
    if value.startswith("urn:nir:"):
        return value + suffix
    parts = []
    for item in value.split(";"):
        owner, slash, code = item.partition("/")
        parts.append(f"{owner}{suffix}{slash}{code}" if item else item)
    return ";".join(parts)


def _copied(sheet: Sheet, header: Sequence[str], row: Sequence[str], suffix: str) -> list[str]:
    from govlod.importing.sheets import Reference

    coded = {column for column, allowed in sheet.allowed.items() if isinstance(allowed, Reference)}
    if not sheet.scope:
        coded.add("codice")
    if "urn" in header:  # each copy's laws its own (urn:nir:...;328-1), as each is passed by its copy's Region
        coded.add("urn")
    return [
        _suffixed(cell, suffix) if column in coded and cell else cell for column, cell in zip(header, row, strict=True)
    ]


def region_sheets(copies: int, folder: Path) -> dict[str, list[list[str]]]:
    """The bundled publishers' rows, `copies` times, as one publisher's CSV sheets in `folder`."""
    from govlod.importing.definitions import SHEETS
    from govlod.importing.export import export_data

    ontology = PROJECT / "ontology"
    rows: dict[str, list[list[str]]] = {sheet.name: [list(sheet.columns)] for sheet in SHEETS}
    for publisher, path in BUNDLED:
        exported, _ = export_data([path], publisher, ontology)
        for sheet in SHEETS:
            for copy in range(copies):
                for record in exported.records[sheet.name]:
                    rows[sheet.name].append(_copied(sheet, sheet.columns, record, f"-{copy}"))
    folder.mkdir(parents=True, exist_ok=True)
    for name, found in rows.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(found)
    return rows


def _govlod(*args: str) -> list[str]:
    return [sys.executable, "-m", "govlod", *args]


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def _pairs(work: Path, kind: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """(what, govlod's command, the library's command) for importing and exporting one format."""
    sheets = work / ("sheets-csv" if kind == "csv" else f"govlod.{kind}")
    turtle = work / "imported" / f"{PUBLISHER}.ttl"
    yield (
        "import",
        _govlod("import", str(sheets), "--publisher", PUBLISHER, "--out", str(work / f"again-{kind}")),
        _python(RAW_READ[kind], str(sheets)),
    )
    target = work / ("export-csv" if kind == "csv" else f"export.{kind}")
    raw_target = work / ("raw-csv" if kind == "csv" else f"raw.{kind}")
    yield (
        "export",
        _govlod("export", "--publisher", PUBLISHER, "--data", str(turtle), "--format", kind, "--out", str(target)),
        _python(RAW_WRITE[kind], str(work / "rows.json"), str(raw_target)),
    )


def prepare(copies: int, formats: Sequence[str], work: Path) -> None:
    """The region's sheets, their import, and the workbooks exported from it, in `work`.

    Run in a process of its own: a child forked from a process that holds all this would report
    the parent's memory as its own peak (Linux carries ru_maxrss across fork and exec)."""
    from govlod.importing.command import import_sheets
    from govlod.importing.export import export_data, write

    rows = region_sheets(copies, work / "sheets-csv")
    (work / "rows.json").write_text(json.dumps(rows), encoding="utf-8")
    result = import_sheets([work / "sheets-csv"], PUBLISHER, work / "imported", PROJECT / "ontology")
    if result.problems:
        raise SystemExit(f"the region's sheets do not import: {result.problems[0]}")
    exported, codes = export_data([work / "imported" / f"{PUBLISHER}.ttl"], PUBLISHER, PROJECT / "ontology")
    if exported.missing:
        raise SystemExit("the region's data does not export whole:\n" + "\n".join(exported.summary()))
    for kind in ("xlsx", "ods"):  # the workbooks imported below: the export of the imported data
        if kind in formats:
            write(exported, kind, work / f"govlod.{kind}", codes)
    summary = {"rows": sum(len(found) - 1 for found in rows.values()), "triples": result.triples}
    (work / "prepared.json").write_text(json.dumps(summary), encoding="utf-8")


def measure(copies: int, formats: Sequence[str], work: Path, timeout: float, memory_mb: float) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--prepare",
        str(work),
        "--copies",
        str(copies),
        "--formats",
        ",".join(formats),
    ]
    subprocess.run(command, check=True)
    prepared = json.loads((work / "prepared.json").read_text(encoding="utf-8"))
    turtle = work / "imported" / f"{PUBLISHER}.ttl"
    result: dict[str, Any] = {
        "copies": copies,
        **prepared,
        "load_average_before": os.getloadavg(),
        "cases": [],
    }
    for kind in formats:
        for what, ours, peer in _pairs(work, kind):
            own = run_measured(f"govlod {what} {kind}", ours, work / f"{what}-{kind}.log", timeout, memory_mb)
            raw = run_measured(f"library {what} {kind}", peer, work / f"raw-{what}-{kind}.log", timeout, memory_mb)
            same = None
            if what == "import" and own.ok:
                same = (work / f"again-{kind}" / f"{PUBLISHER}.ttl").read_bytes() == turtle.read_bytes()
            result["cases"].append(_case(kind, what, own, raw, same))
    return result


def _case(kind: str, what: str, own: Measured, raw: Measured, same: bool | None) -> dict[str, Any]:
    return {
        "format": kind,
        "step": what,
        "govlod_s": own.seconds,
        "govlod_peak_mb": own.peak_rss_mb,
        "govlod_status": own.status,
        "library_s": raw.seconds,
        "library_peak_mb": raw.peak_rss_mb,
        "library_status": raw.status,
        "ratio": own.seconds / raw.seconds if raw.seconds else None,
        "same_turtle": same,
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"### Sheets: {result['copies']} copies of the bundled publishers, {result['rows']:,} rows, "
        f"{result['triples']:,} triples",
        "",
        "| format | step | govlod (s) | peak (MB) | library alone (s) | peak (MB) | govlod / library | same Turtle |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for case in result["cases"]:
        same = {True: "yes", False: "NO", None: ""}[case["same_turtle"]]
        lines.append(
            f"| {case['format']} | {case['step']} | {case['govlod_s']:.1f} | {case['govlod_peak_mb']:,.0f} | "
            f"{case['library_s']:.1f} | {case['library_peak_mb']:,.0f} | {case['ratio']:.1f} | {same} |"
        )
    lines += [
        "",
        "The library alone reads every cell of the same file (csv, openpyxl read-only, odfdo), or writes the "
        "same rows without notes, dropdowns or formats; govlod import also checks every row and writes Turtle, "
        "govlod export also reads the Turtle, rebuilds the rows, checks them by importing them, and reads the "
        "written file back before it replaces anything.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--memory-limit-mb", type=float, default=6000)
    parser.add_argument("--prepare", type=Path, metavar="WORK", help=argparse.SUPPRESS)
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s): {', '.join(unknown)}")
    if args.prepare:
        prepare(args.copies, formats, args.prepare)
        return
    work = Path(tempfile.mkdtemp(prefix="govlod-sheets-"))
    print(f"work folder: {work}", flush=True)
    try:
        result = measure(args.copies, formats, work, args.timeout, args.memory_limit_mb)
    finally:
        if not os.environ.get("GOVLOD_BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"sheets-{args.copies}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
