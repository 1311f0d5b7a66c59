"""How well `/reconcile` finds what registries name: precision and recall on an evaluation set.

    python bench/reconciliation_quality.py --set bench/reconciliation/bundled.csv --data data
    python bench/reconciliation_quality.py --set SET.csv --origin http://127.0.0.1:8000

An evaluation set is a CSV file with the columns `query,type,expected,partitaIVA,codiceFiscale,
ipaCode,istatCode,withinTerritoryOf,variation`: a name as a registry writes it, the local name of
its type in the vocabulary, the id of the entity it names as the service returns it (empty when
the name is not in the data, or when the information given cannot tell which entity it is), the
values of the properties a registry may give, and what the query does to the name.
`bench/reconciliation/bundled.csv` is written by hand for the bundled data;
`bench/reconciliation_set.py` derives sets from generated data.

The queries are POSTed as OpenRefine sends them (protocol 0.2: a form with `queries=`, up to ten
named queries, `type_strict` "should", no limit), once with each row's type and once without a
type. For each run, two readings of the answers:

- auto-match: the candidate marked `match: true`, which OpenRefine accepts without asking. Precision
  counts every auto-match, those on names that must not be matched included; recall is over the
  rows that name an entity.
- top candidate: the first candidate, which a person reviewing would see first. Precision is over
  the rows that name an entity and got a candidate: a name absent from the data gets some
  candidate by design, and is reported apart (absent rows given a candidate).

Also the latency of each batch (p50, p99), after one batch sent unmeasured to open the finding aid.
Given `--data`, the store is built with `govlod build --skip-validation` and served by `govlod serve`
on a free loopback port, stopped at the end. Prints a Markdown report and writes it as JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from common import (
    PROJECT,
    bench_environment,
    free_port,
    interrupt_on_sigterm,
    percentile,
    start,
    stop,
    wait_ready,
)

HERE = Path(__file__).resolve().parent
PROPERTY_COLUMNS = ("partitaIVA", "codiceFiscale", "ipaCode", "istatCode", "withinTerritoryOf")
COLUMNS = ("query", "type", "expected", *PROPERTY_COLUMNS, "variation")
RUNS = ("with type", "without type")
POST_SPACE = "post/"  # ids of seats and posts: `post/coordinamento-00017/tavolo-tecnico/direttore-2`
READY_SECONDS = 1800  # a 10M store takes minutes to open its finding aid


@dataclass(frozen=True)
class EvaluationRow:
    """One query of an evaluation set and the entity it must find ("" for none)."""

    query: str
    type: str
    expected: str
    properties: tuple[tuple[str, str], ...] = ()  # (pid, value) of the property columns given
    variation: str = ""

    def openrefine_query(self, with_type: bool) -> dict[str, Any]:
        """The query as OpenRefine sends it in a 0.2 batch."""
        query: dict[str, Any] = {"query": self.query}
        if with_type and self.type:
            query["type"] = self.type
        query["type_strict"] = "should"
        if self.properties:
            query["properties"] = [{"pid": pid, "v": value} for pid, value in self.properties]
        return query


def load_rows(path: Path) -> list[EvaluationRow]:
    """The rows of an evaluation set; refuses a file whose columns are not the set's."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: the columns must be {','.join(COLUMNS)}, not {reader.fieldnames}")
        return [
            EvaluationRow(
                query=row["query"],
                type=row["type"],
                expected=row["expected"],
                properties=tuple((pid, row[pid]) for pid in PROPERTY_COLUMNS if row[pid]),
                variation=row["variation"],
            )
            for row in reader
        ]


def write_rows(path: Path, rows: Sequence[EvaluationRow]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            given = dict(row.properties)
            writer.writerow(
                [row.query, row.type, row.expected, *(given.get(pid, "") for pid in PROPERTY_COLUMNS), row.variation]
            )


# --- scoring the answers (pure: tested without a server) -----------------------------------------


def _batches(rows: Sequence[EvaluationRow], size: int) -> Iterator[Sequence[EvaluationRow]]:
    for begin in range(0, len(rows), size):
        yield rows[begin : begin + size]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _groups(variation: str) -> list[str]:
    """What a row's query does, each thing without its particulars: "typo; province given (name in
    3 provinces)" counts as "typo" and as "province given"."""
    return [clause.split(" (", 1)[0].strip() for clause in variation.split(";") if clause.strip()] or ["unspecified"]


def score(rows: Sequence[EvaluationRow], answers: Sequence[Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """Auto-match and top-candidate figures of one run: `answers` holds each row's candidates in
    the order the service gave them."""
    named = [row for row in rows if row.expected]
    auto: dict[str, Any] = {"correct": 0, "wrong": 0, "missed": 0, "wrong_matches": [], "misses": []}
    top: dict[str, Any] = {"correct": 0, "wrong": 0, "missed": 0, "wrong_matches": [], "misses": []}
    top["absent_with_candidate"] = 0
    posts_first: list[dict[str, Any]] = []
    by_variation: dict[str, dict[str, int]] = {}
    for row, candidates in zip(rows, answers, strict=True):
        matched = next((c for c in candidates if c.get("match")), None)
        first = candidates[0] if candidates else None
        auto_right = matched.get("id") == row.expected if matched is not None else not row.expected
        top_right = first.get("id") == row.expected if first is not None else not row.expected
        for group in _groups(row.variation):
            tally = by_variation.setdefault(group, {"rows": 0, "auto_correct": 0, "top_correct": 0})
            tally["rows"] += 1
            tally["auto_correct"] += auto_right  # nothing matched where nothing must be is right
            tally["top_correct"] += top_right
        if matched is not None and auto_right:
            auto["correct"] += 1
        elif matched is not None:  # another entity, or any entity where none must be matched
            auto["wrong"] += 1
            auto["wrong_matches"].append(_case(row, matched))
        elif row.expected:
            auto["missed"] += 1
            auto["misses"].append(_case(row, first))
        if not row.expected:
            top["absent_with_candidate"] += first is not None
            continue
        if first is None:
            top["missed"] += 1
            top["misses"].append(_case(row, None))
        elif top_right:
            top["correct"] += 1
        else:
            top["wrong"] += 1
            top["wrong_matches"].append(_case(row, first))
            # Seats and posts bear the names of bodies and tables ("Direttore di CISA 24"): one
            # ranked above the body asked for is what a query without a type must not do.
            if str(first.get("id", "")).startswith(POST_SPACE) and not row.expected.startswith(POST_SPACE):
                posts_first.append(_case(row, first))
    for figures in (auto, top):
        decided = figures["correct"] + figures["wrong"]
        figures["precision"] = _ratio(figures["correct"], decided)
        figures["recall"] = _ratio(figures["correct"], len(named))
    return {
        "rows": len(rows),
        "named": len(named),
        "absent": len(rows) - len(named),
        "auto": auto,
        "top": top,
        "posts_first": posts_first,
        "by_variation": dict(sorted(by_variation.items())),
    }


def _case(row: EvaluationRow, candidate: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a wrong answer or a miss was: the query, what came back and what was expected."""
    case: dict[str, Any] = {"query": row.query, "type": row.type, "expected": row.expected, "variation": row.variation}
    if row.properties:
        case["properties"] = dict(row.properties)
    if candidate is not None:
        case.update(got=candidate.get("id"), got_name=candidate.get("name"), score=candidate.get("score"))
    return case


# --- asking the service ---------------------------------------------------------------------------


def _ask(client: httpx.Client, batch: Sequence[EvaluationRow], with_type: bool) -> tuple[float, list[Any]]:
    queries = {f"q{i}": row.openrefine_query(with_type) for i, row in enumerate(batch)}
    form = {"queries": json.dumps(queries, ensure_ascii=False)}
    started = time.perf_counter()
    response = client.post("/reconcile", data=form)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"/reconcile answered {response.status_code}: {response.text[:300]}")
    answers = response.json()
    return elapsed, [answers.get(key, {}).get("result", []) for key in queries]


def evaluate(origin: str, rows: Sequence[EvaluationRow], batch_size: int = 10) -> dict[str, Any]:
    """Ask `origin + "/reconcile"` every row, in batches of `batch_size`, with and without a type;
    the figures of each run (see `score`) with the latency of its batches."""
    if not rows:
        raise ValueError("an evaluation set without rows")
    result: dict[str, Any] = {
        "origin": origin,
        "batch_size": batch_size,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": {},
    }
    with httpx.Client(base_url=origin, timeout=600) as client:
        _ask(client, rows[:batch_size], True)  # unmeasured: opens the finding aid, warms the caches
        for run in RUNS:
            timings: list[float] = []
            answers: list[Any] = []
            for batch in _batches(rows, batch_size):
                elapsed, candidates = _ask(client, batch, run == "with type")
                timings.append(elapsed)
                answers += candidates
            figures = score(rows, answers)
            figures.update(
                batches=len(timings),
                p50_ms=percentile(timings, 50) * 1000,
                p99_ms=percentile(timings, 99) * 1000,
            )
            result["runs"][run] = figures
    return result


# --- the report -------------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str:
    return "—" if not whole else f"{100 * part / whole:.1f} % ({part}/{whole})"


def render_markdown(result: Mapping[str, Any], title: str = "Reconciliation quality", level: int = 3) -> str:
    """The figures of `evaluate` as Markdown under a heading of `level`: a table of the two runs,
    right answers by variation, and every wrong auto-match."""
    runs: Mapping[str, Any] = result["runs"]
    first = next(iter(runs.values()))
    lines = [
        f"{'#' * level} {title}",
        "",
        f"{first['rows']} queries ({first['named']} naming an entity, {first['absent']} to be left unmatched), "
        f"batches of {result['batch_size']}; {result.get('measured_at', '')}.",
        "",
        "| run | auto-match precision | auto-match recall | wrong auto-matches | top precision | top recall "
        "| wrong tops | absent rows given a candidate | p50 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run, figures in runs.items():
        auto, top = figures["auto"], figures["top"]
        lines.append(
            f"| {run} | {_percent(auto['correct'], auto['correct'] + auto['wrong'])} "
            f"| {_percent(auto['correct'], figures['named'])} | {auto['wrong']} "
            f"| {_percent(top['correct'], top['correct'] + top['wrong'])} "
            f"| {_percent(top['correct'], figures['named'])} | {top['wrong']} "
            f"| {top['absent_with_candidate']} of {figures['absent']} "
            f"| {figures['p50_ms']:.1f} | {figures['p99_ms']:.1f} |"
        )
    lines += ["", "Right answers by variation (auto-match right: the entity, or nothing where nothing must be):", ""]
    lines += [
        "| variation | rows | " + " | ".join(f"auto-match right, {run} | top right, {run}" for run in runs) + " |"
    ]
    lines += ["|---|---:|" + "---:|---:|" * len(runs)]
    for group, tally in first["by_variation"].items():
        cells = []
        for figures in runs.values():
            own = figures["by_variation"][group]
            cells += [str(own["auto_correct"]), str(own["top_correct"])]
        lines.append(f"| {group} | {tally['rows']} | " + " | ".join(cells) + " |")
    for run, figures in runs.items():
        wrong = figures["auto"]["wrong_matches"]
        if wrong:
            lines += ["", f"Wrong auto-matches, {run}:", ""]
            lines += [
                f"- `{case['query']}`{_given(case)} → `{case['got']}` ({case['got_name']}, {case['score']}); "
                f"expected {('`' + case['expected'] + '`') if case['expected'] else 'no match'} ({case['variation']})"
                for case in wrong
            ]
        posts = figures["posts_first"]
        if posts:
            lines += ["", f"A seat or post came first where a body or table was expected, {run}: {len(posts)}", ""]
            lines += [f"- `{case['query']}` → `{case['got']}` ({case['got_name']})" for case in posts[:20]]
    return "\n".join(lines) + "\n"


def _given(case: Mapping[str, Any]) -> str:
    given = case.get("properties")
    return " [" + ", ".join(f"{pid}={value}" for pid, value in given.items()) + "]" if given else ""


# --- the command ------------------------------------------------------------------------------------


def _govlod(*args: str) -> list[str]:
    return [sys.executable, "-m", "govlod", *args]


def build_and_evaluate(data: Path, store: Path, rows: Sequence[EvaluationRow], batch_size: int) -> dict[str, Any]:
    """Build `data` into `store`, serve it on a free loopback port and evaluate `rows`; the server
    is stopped whatever happens."""
    store.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {data} into {store}", flush=True)
    subprocess.run(
        _govlod("build", "--data", str(data), "--store", str(store), "--skip-validation"),
        cwd=PROJECT,
        env=bench_environment(),
        check=True,
    )
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    process = start(
        _govlod("serve", "--data", str(data), "--store", str(store), "--port", str(port)),
        store.parent / f"{store.name}-serve.log",
    )
    try:
        wait_ready(origin + "/sparql", process, READY_SECONDS)
        return evaluate(origin, rows, batch_size)
    finally:
        stop(process)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, required=True, help="the evaluation set (CSV)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--origin", help="a running govlod, e.g. http://127.0.0.1:8000")
    where.add_argument("--data", type=Path, help="data folder to build and serve for the evaluation")
    parser.add_argument("--store", type=Path, help="where --data is built (kept); default: a temporary folder")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--out", type=Path, help="the JSON report (default: bench/out/quality-SET.json)")
    args = parser.parse_args(argv)
    interrupt_on_sigterm()
    rows = load_rows(args.set)
    if args.origin:
        result = evaluate(args.origin.rstrip("/"), rows, args.batch_size)
    elif args.store:
        result = build_and_evaluate(args.data.resolve(), args.store.resolve(), rows, args.batch_size)
    else:
        scratch = Path(tempfile.mkdtemp(prefix="govlod-quality-"))
        try:
            result = build_and_evaluate(args.data.resolve(), scratch / "store", rows, args.batch_size)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    result["set"] = str(args.set)
    result["data"] = str(args.data) if args.data else None
    out = args.out or HERE / "out" / f"quality-{args.set.stem}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(render_markdown(result, f"Reconciliation quality: {args.set.name}"), end="")
    print(f"\n(JSON: {out})")


if __name__ == "__main__":
    main()
