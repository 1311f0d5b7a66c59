"""bench/scale.py's pure parts: percentiles, the IRI to path mapping, the OpenRefine batch, the
build report reader and the Markdown report. No server is started and nothing is timed."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from tests.bench import bench_module

scale = bench_module("scale")
TIMES = scale.TIMES


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [float(v) for v in range(1, 101)]
    assert scale.percentile(values, 50) == pytest.approx(50.5)
    assert scale.percentile(values, 99) == pytest.approx(99.01)
    assert scale.percentile(values, 0) == 1.0
    assert scale.percentile(values, 100) == 100.0
    assert scale.percentile([3.0, 1.0, 2.0], 50) == 2.0  # order of the input does not matter
    assert scale.percentile([7.0], 99) == 7.0


def test_percentile_refuses_no_values_and_out_of_range() -> None:
    with pytest.raises(ValueError):
        scale.percentile([], 50)
    with pytest.raises(ValueError):
        scale.percentile([1.0], 101)


def test_dataset_iri_maps_to_identifier_and_document_paths() -> None:
    iri = "https://w3id.org/govlod/id/organization/coordinamento-00042/tavolo-politico"
    assert scale.identifier_path(iri) == "/id/organization/coordinamento-00042/tavolo-politico"
    assert scale.document_path(iri, "ttl") == "/doc/organization/coordinamento-00042/tavolo-politico.ttl"
    assert scale.document_path(iri, "jsonld").endswith("tavolo-politico.jsonld")
    assert scale.document_path(iri, "html").endswith("tavolo-politico.html")


def test_mapping_follows_the_served_base_iri() -> None:
    base = "http://127.0.0.1:8123/"
    assert scale.document_path("http://127.0.0.1:8123/id/person/x/1", "ttl", base) == "/doc/person/x/1.ttl"
    assert scale.identifier_path("https://w3id.org/govlod/id/person/x/1", base) is None


def test_iris_that_no_path_can_carry_are_left_out() -> None:
    for iri in (
        "https://w3id.org/govlod/ontology#Seat",  # not in the identifier space
        "https://w3id.org/govlod/id/",
        "https://w3id.org/govlod/id/organization/x#it",
        "https://w3id.org/govlod/id/organization/x?a=1",
        "https://w3id.org/govlod/id/organization/",
    ):
        assert scale.identifier_path(iri) is None, iri
        assert scale.document_path(iri, "ttl") is None, iri


def test_characters_outside_a_path_are_percent_encoded() -> None:
    assert scale.identifier_path("https://w3id.org/govlod/id/organization/mondovì 1") == (
        "/id/organization/mondov%C3%AC%201"
    )


def test_reconcile_batch_is_what_openrefine_sends() -> None:
    batch = scale.reconcile_batch(["CISA Ovest Ticino", "Tavolo Politico"])
    assert batch == {
        "q0": {"query": "CISA Ovest Ticino", "type_strict": "should"},
        "q1": {"query": "Tavolo Politico", "type_strict": "should"},
    }


def test_build_phases_are_read_from_the_build_report() -> None:
    output = (
        "parsed 58 files, 101234 triples in 1.25 s\n"
        "validated in 12.50 s: conforms\n"
        "loaded 99876 triples in 60 named graphs in 3.75 s into store/builds/x\n"
    )
    assert scale.build_phases(output) == {"parse": 1.25, "validate": 12.5, "load": 3.75}
    streamed = (
        "parsed 58 files in 0.40 s\n"
        "validated in 2.10 s, loading alongside: conforms\n"
        "added 1,234 ORG triples and the provenance of 58 graphs\n"
        "statistics in 0.30 s, dumps in 0.90 s, index of 14,211 resources in 1.10 s\n"
        "built 107,491 triples in 57 named graphs in 4.20 s into store/builds/x\n"
    )
    assert scale.build_phases(streamed) == {
        "parse": 0.4,
        "validate": 2.1,
        "statistics": 0.3,
        "dumps": 0.9,
        "index": 1.1,
        "total": 4.2,
    }
    assert scale.build_phases("something else entirely") == {}


def test_target_is_a_quarter_over_oxigraph_plus_two_milliseconds() -> None:
    assert scale.target_ms(10.0) == pytest.approx(14.5)
    assert scale.target_ms(0.0) == pytest.approx(2.0)


def _walk(rps: float, p50: float) -> dict[str, Any]:
    return {"requests": 2000, "seconds": 2000 / rps, "rps": rps, "p50_ms": p50, "p99_ms": p50 * 3, "errors": 0}


def _result() -> dict[str, Any]:
    step = {"seconds": 1.5, "peak_rss_mb": 210.0, "status": "ok", "quads": 100_000}
    return {
        "triples": 100_000,
        "started_at": "2026-01-01T00:00:00+00:00",
        "environment": {
            "cpus": 2,
            "memory_gb": 23.4,
            "python": "3.11.7",
            "pyoxigraph": "0.5.13",
            "oxigraph": "oxigraph 0.5.13",
            "commit": "abc1234",
        },
        "data": {"folder": "bench/out/data-100000", "files": 55, "mb": 12.3, "seed": 20261122},
        "load": {
            "load_average_before": [0.5, 0.4, 0.3],
            "steps": [
                {**step, "label": "raw bulk_load"},
                {**step, "label": "`govlod validate`", "quads": None, "seconds": 4.0},
                {**step, "label": "`govlod build` (validates)", "status": "exit 1", "quads": None},
                {**step, "label": "`govlod build --skip-validation`", "quads": 200_000},
            ],
            "build_ratio": None,
            "skip_validation_ratio": 1.0,
            "build_phases": {},
            "skip_validation_phases": {"parse": 0.5, "load": 0.9},
        },
        "sparql": {
            "runs": 5,
            "queries": [
                {
                    "query": "lookup",
                    "what": "seats of one table",
                    "govlod_ms": 1.0,
                    "oxigraph_ms": 0.5,
                    "ratio": 2.0,
                    "target_ms": 2.625,
                    "meets_target": True,
                    "rows": [11, 11],
                },
                {
                    "query": "latest",
                    "what": "ORDER BY over all memberships",
                    "govlod_ms": 40.0,
                    "oxigraph_ms": 20.0,
                    "ratio": 2.0,
                    "target_ms": 27.0,
                    "meets_target": False,
                    "rows": [10, 9],
                },
            ],
            "geometric_mean_ratio": 2.0,
            "ready_s": {"govlod": 3.0, "oxigraph": 0.5},
            "rss_mb": {"govlod_server": 100.0, "govlod_tree": 300.0, "oxigraph_tree": 50.0},
        },
        "deref": {
            "distinct_iris": 2000,
            "concurrency": 16,
            "client": "wrk, 2 threads",
            "cases": [
                {
                    "label": "`/id/` → 303",
                    "govlod": _walk(3000.0, 4.0),
                    "trivial": _walk(6000.0, 2.0),
                    "rps_ratio": 0.5,
                    "complete": True,
                }
            ],
        },
        "reconcile": {
            "batch_size": 10,
            "batches": 50,
            "queries": 500,
            "answered": 498,
            "first_batch_ms": 900.0,
            "p50_ms": 120.0,
            "p99_ms": 180.0,
            "rss_mb": {"govlod_server": 150.0, "govlod_tree": 420.0},
        },
    }


def test_markdown_report_has_one_table_per_section() -> None:
    markdown = scale.render_markdown(_result())
    assert markdown.startswith("## govlod at 100,000 triples\n")
    for heading in ("### Loading", "### SPARQL query mix", "### Dereferencing", "### Reconciliation"):
        assert heading in markdown
    assert "| raw bulk_load | 1.50 | 210 | 100,000 | ok |" in markdown
    assert "| `govlod build` (validates) | 1.50 | 210 | — | exit 1 |" in markdown
    # A ratio whose parts did not all succeed is not made up.
    assert "(raw `bulk_load` + `govlod validate`): **—**" in markdown
    assert f"| lookup | seats of one table | 1.0 | 0.5 | 2.00{TIMES} | 2.6 | yes | 11 / 11 |" in markdown
    assert (
        f"| latest | ORDER BY over all memberships | 40.0 | 20.0 | 2.00{TIMES} | 27.0 | **no** | 10 / 9 (differ) |"
        in markdown
    )
    assert "1 of 2 queries meet the target" in markdown
    assert f"| `/id/` → 303 | 3,000 | 4.0 | 12.0 | 6,000 | 2.0 | 6.0 | 0.50{TIMES} | 2,000 | 0 |" in markdown
    assert "| 50 | 900.0 | 120.0 | 180.0 | 498 of 500 | 150 | 420 |" in markdown
    assert "rdflib" not in markdown  # no column for a peer that was not measured


def test_markdown_report_leaves_out_sections_not_run_and_survives_json() -> None:
    result = _result()
    for section in ("load", "deref", "reconcile"):
        del result[section]
    result["sparql"]["queries"][0]["rdflib_ms"] = 12.0
    result["sparql"]["queries"][0]["rows"] = [11, 11, 11]
    markdown = scale.render_markdown(json.loads(json.dumps(result)))  # as read back from the JSON file
    assert "### Loading" not in markdown and "### Dereferencing" not in markdown
    assert "rdflib-endpoint (ms)" in markdown
    assert "| 11 / 11 / 11 | 12.0 |" in markdown
    assert "| 10 / 9 (differ) | — |" in markdown


def test_markdown_table_rows_have_as_many_cells_as_the_header() -> None:
    for line_block in scale.render_markdown(_result()).split("\n\n"):
        rows = [line for line in line_block.splitlines() if line.startswith("|")]
        if rows:
            widths = {row.count(" | ") for row in rows if not row.startswith("|--")}
            assert len(widths) == 1, line_block


def test_reconciliation_quality_is_reported_beside_the_latencies() -> None:
    quality = sys.modules["reconciliation_quality"]
    rows = [
        quality.EvaluationRow("CISA Arona", "PublicBody", "organization/ente-00001-0", (), "exact"),
        quality.EvaluationRow("CISS Arona", "PublicBody", "", (), "absent (acronym of another body: CISA Arona)"),
    ]
    answers = [
        [{"id": "organization/ente-00001-0", "name": "CISA Arona", "score": 100.0, "match": True}],
        [{"id": "organization/ente-00001-0", "name": "CISA Arona", "score": 90.0, "match": True}],
    ]
    figures = {**quality.score(rows, answers), "batches": 1, "p50_ms": 12.0, "p99_ms": 15.0}
    result = _result()
    result["reconcile"]["quality"] = {
        "batch_size": 10,
        "set": "reconciliation-set-100000.csv",
        "runs": {"with type": figures, "without type": figures},
    }
    markdown = scale.render_markdown(json.loads(json.dumps(result)))
    assert "| 50 | 900.0 | 120.0 | 180.0 | 498 of 500 | 150 | 420 |" in markdown  # the latencies stay
    assert "#### Reconciliation quality: reconciliation-set-100000.csv" in markdown
    assert "| with type | 50.0 % (1/2) | 100.0 % (1/1) | 1 |" in markdown
    assert "- `CISS Arona` → `organization/ente-00001-0` (CISA Arona, 90.0); expected no match" in markdown
    for block in markdown.split("\n\n"):
        table = [line for line in block.splitlines() if line.startswith("|") and not line.startswith("|--")]
        assert len({line.count(" | ") for line in table}) <= 1, block
