"""OpenRefine 3.6 (Debian's package), as regional systems use it to link their registries to govlod:
a CSV of names becomes a project, whose name column is reconciled against govlod's `/reconcile`
with the identifier columns as properties, once type by type and once against no particular type.

OpenRefine must never match a name to a wrong entity, must match exactly the names the service
itself calls a match, and must match at least as many as it did when the floors below were set.
Its requests to the service pass through a loopback relay that records them, so that their shape
is checked too. Every address OpenRefine is given is a loopback one, and its server fetches nothing
of its own accord (the notice of new versions is fetched by its web page, which is not opened here).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.clients.openrefine import (
    ALL_ROWS,
    Cell,
    OpenRefineClient,
    Property,
    Recorded,
    RunningOpenRefine,
    openrefine_missing,
    recording_relay,
    rows_where,
    standard_service_config,
)
from tests.helpers import PROJECT, RunningServer

MISSING = openrefine_missing()
if MISSING is not None:
    pytest.skip(MISSING, allow_module_level=True)

# Candidates and matches come from the build's release index, whatever store serves the triples:
# one kind of store is enough, and spares starting the others.
pytestmark = pytest.mark.parametrize("server", ["embedded"], indirect=True)

GL = "https://w3id.org/govlod/ontology#"
EVALUATION = PROJECT / "bench" / "reconciliation" / "bundled.csv"
NAME_COLUMN = "query"
TYPE_COLUMN = "type"
# Columns whose values go with each query as properties; a property the service does not know
# must be ignored by it, not fail the batch.
PROPERTY_COLUMNS = ("partitaIVA", "codiceFiscale", "ipaCode", "istatCode", "withinTerritoryOf")
OPENREFINE_BATCH = 10  # StandardReconConfig.getBatchSize in OpenRefine 3.6
GUESS_SAMPLES = 10  # GuessTypesOfColumnCommand asks about this many distinct values...
GUESS_LIMIT = 3  # ...with this many candidates each

# Rows of the evaluation set that OpenRefine matched to their expected entity, when the floors were
# last measured; better scoring may raise them, never lower them.
MATCHED_WITH_TYPE_AT_LEAST = 65
MATCHED_WITHOUT_TYPE_AT_LEAST = 65

FLOORS = {"with type": MATCHED_WITH_TYPE_AT_LEAST, "without type": MATCHED_WITHOUT_TYPE_AT_LEAST}
RUNS = list(FLOORS)


@dataclass(frozen=True)
class Case:
    """One row of the evaluation set."""

    query: str
    type: str  # a local name of the vocabulary: PublicBody, Coordination...
    expected: str  # an entity id, empty when no entity must be matched
    properties: tuple[tuple[str, str], ...]  # (column, value) of the non-empty property columns
    variation: str


@dataclass(frozen=True)
class Run:
    """One reconciliation of the whole name column, and what OpenRefine asked of the service for it."""

    typed: bool
    cells: list[Cell | None]  # the name cell of each row, in the order of the CSV
    requests: list[Recorded]


@dataclass(frozen=True)
class Runs:
    guessed_types: list[dict[str, Any]]
    guess_requests: list[Recorded]
    by_name: dict[str, Run]


def _cases() -> list[Case]:
    with EVALUATION.open(newline="", encoding="utf-8") as file:
        return [
            Case(
                query=row[NAME_COLUMN],
                type=row[TYPE_COLUMN],
                expected=row["expected"],
                properties=tuple((c, row[c]) for c in PROPERTY_COLUMNS if row[c]),
                variation=row["variation"],
            )
            for row in csv.DictReader(file)
        ]


CASES = _cases()


def _service_query(case: Case, typed: bool) -> dict[str, Any]:
    """The query OpenRefine builds for a row (StandardReconConfig.ReconQuery): `type_strict` only with
    a type, `properties` only when some are given, and no `limit` while the dialog's is 0."""
    query: dict[str, Any] = {"query": case.query}
    if typed:
        query |= {"type": GL + case.type, "type_strict": "should"}
    if case.properties:
        query["properties"] = [{"pid": GL + column, "v": value} for column, value in case.properties]
    return query


def _canonical(query: dict[str, Any]) -> str:
    return json.dumps(query, sort_keys=True, ensure_ascii=False)


def _matched_id(cell: Cell | None) -> str | None:
    """The entity OpenRefine matched the cell to, if any."""
    recon = cell.recon if cell is not None else None
    if recon is None or recon.judgment != "matched" or recon.match is None:
        return None
    return recon.match.id


def _describe(case: Case) -> str:
    given = "".join(f", {column}={value}" for column, value in case.properties)
    return f"{case.query!r} ({case.type}{given}; {case.variation})"


@pytest.fixture(scope="module")
def openrefine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningOpenRefine]:
    running = RunningOpenRefine(tmp_path_factory.mktemp("openrefine"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def manifest(server: RunningServer) -> dict[str, Any]:
    answer = httpx.get(server.url + "reconcile")
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


@pytest.fixture(scope="module")
def runs(server: RunningServer, openrefine: RunningOpenRefine, manifest: dict[str, Any]) -> Runs:
    """The evaluation set as one OpenRefine project, reconciled as a person does it in the dialog.

    With types: a text facet on the type column selects one type's rows, which are reconciled
    against that type; then the next type. Without: every row against no particular type, which
    replaces the first results (they are read before)."""
    types = {t["id"]: t for t in manifest["defaultTypes"]}
    properties = [Property(column, GL + column, column) for column in PROPERTY_COLUMNS]
    client = OpenRefineClient(openrefine.url)
    try:
        with recording_relay(server.url) as (relay, recorder):
            service = relay + "reconcile"
            project = client.create_project("govlod reconciliation", EVALUATION)
            # Opening the dialog on a column makes OpenRefine guess its type from the service first.
            guessed = client.guess_types(project, NAME_COLUMN, service)
            guess_requests = recorder.take()

            for kind in sorted({case.type for case in CASES}):
                config = standard_service_config(service, manifest, types[GL + kind], properties)
                client.reconcile(project, NAME_COLUMN, config, rows_where(TYPE_COLUMN, kind))
                client.wait_for_processes(project)
            typed = Run(True, [row.get(NAME_COLUMN) for row in client.rows(project)], recorder.take())

            config = standard_service_config(service, manifest, None, properties)
            client.reconcile(project, NAME_COLUMN, config, ALL_ROWS)
            client.wait_for_processes(project)
            untyped = Run(False, [row.get(NAME_COLUMN) for row in client.rows(project)], recorder.take())
    finally:
        client.close()
    return Runs(guessed, guess_requests, {"with type": typed, "without type": untyped})


def _service_answers(
    server: RunningServer, queries: Sequence[dict[str, Any]], batch: int
) -> list[list[dict[str, Any]]]:
    """govlod's own candidates for each query, asked directly in 0.2 batches."""
    answers: list[list[dict[str, Any]]] = []
    for start in range(0, len(queries), batch):
        chunk = {f"q{n}": q for n, q in enumerate(queries[start : start + batch])}
        answer = httpx.post(server.url + "reconcile", data={"queries": json.dumps(chunk)}, timeout=60)
        answer.raise_for_status()
        body = answer.json()
        answers += [body[key]["result"] for key in chunk]
    return answers


def _queries_sent(requests: Sequence[Recorded]) -> list[dict[str, Any]]:
    return [q for r in requests for q in json.loads(r.form["queries"][0]).values()]


def test_openrefine_guesses_the_type_from_the_service(runs: Runs) -> None:
    """The dialog's first offer is the type of most of the column's names: Ente pubblico."""
    assert runs.guessed_types, "OpenRefine guessed no type"
    assert runs.guessed_types[0]["id"] == GL + "PublicBody", runs.guessed_types
    [request] = runs.guess_requests
    assert (request.method, request.path, request.status) == ("POST", "/reconcile", 200)
    assert set(request.form) == {"queries"}
    samples = list(dict.fromkeys(case.query.strip() for case in CASES))[:GUESS_SAMPLES]
    sent = json.loads(request.form["queries"][0])
    assert sorted(sent.values(), key=_canonical) == sorted(
        ({"query": s, "limit": GUESS_LIMIT} for s in samples), key=_canonical
    )


@pytest.mark.parametrize("run", RUNS)
def test_openrefine_sends_form_batches_of_its_queries(runs: Runs, run: str) -> None:
    """Reconciling, OpenRefine's server only POSTs form-encoded `queries=` to the service's root, at
    most 10 distinct queries at a time, each as `_service_query` builds it; the service answers all."""
    result = runs.by_name[run]
    assert result.requests, "OpenRefine sent nothing to the service"
    for request in result.requests:
        assert (request.method, request.path) == ("POST", "/reconcile"), request
        assert request.content_type.startswith("application/x-www-form-urlencoded"), request
        assert set(request.form) == {"queries"} and len(request.form["queries"]) == 1, request
        assert request.status == 200, request
        batch = json.loads(request.form["queries"][0])
        assert list(batch) == [f"q{n}" for n in range(len(batch))]
        assert 1 <= len(batch) <= OPENREFINE_BATCH
    sent = [_canonical(q) for q in _queries_sent(result.requests)]
    assert len(sent) == len(set(sent)), "OpenRefine asked about one query twice"
    assert set(sent) == {_canonical(_service_query(case, result.typed)) for case in CASES}


@pytest.mark.parametrize("run", RUNS)
def test_no_name_is_matched_to_a_wrong_entity(runs: Runs, run: str) -> None:
    """A wrong match links a regional record to another body: worse than no match, which a person
    then resolves. Absent and ambiguous names, and names whose identifier disagrees, stay unmatched."""
    wrong = [
        f"{_describe(case)} -> {matched}, expected {case.expected or 'no match'}"
        for case, cell in zip(CASES, runs.by_name[run].cells, strict=True)
        if (matched := _matched_id(cell)) is not None and matched != case.expected
    ]
    assert not wrong, f"{len(wrong)} wrong matches {run}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("run", RUNS)
def test_openrefine_matches_what_the_service_calls_a_match(
    server: RunningServer, manifest: dict[str, Any], runs: Runs, run: str
) -> None:
    """A cell is matched exactly when govlod's top candidate for the same query has `match: true`, to
    that candidate; no person judged any cell, so every match is OpenRefine's auto-match. An unmatched
    cell keeps the service's candidates in the service's order (OpenRefine's page is only sent the
    candidates of unmatched cells)."""
    result = runs.by_name[run]
    answers = _service_answers(server, [_service_query(c, result.typed) for c in CASES], manifest["batchSize"])
    differences = []
    for case, cell, candidates in zip(CASES, result.cells, answers, strict=True):
        if cell is None or cell.recon is None:
            differences.append(f"{_describe(case)}: OpenRefine left it unreconciled")
            continue
        recon = cell.recon
        top = candidates[0] if candidates else None
        service_match = top["id"] if top is not None and top["match"] else None
        openrefine_match = _matched_id(cell)
        if openrefine_match != service_match:
            differences.append(f"{_describe(case)}: OpenRefine matched {openrefine_match}, the service {service_match}")
        elif recon.judgment == "none" and [c.id for c in recon.candidates] != [c["id"] for c in candidates]:
            kept, given = [c.id for c in recon.candidates], [c["id"] for c in candidates]
            differences.append(f"{_describe(case)}: OpenRefine kept candidates {kept}, the service gave {given}")
    assert not differences, f"{run}:\n" + "\n".join(differences)


@pytest.mark.parametrize("run", RUNS)
def test_enough_names_are_matched(runs: Runs, run: str) -> None:
    outcomes = [(case, _matched_id(cell)) for case, cell in zip(CASES, runs.by_name[run].cells, strict=True)]
    matched = sum(1 for case, got in outcomes if case.expected and got == case.expected)
    missed = [_describe(case) for case, got in outcomes if case.expected and got != case.expected]
    floor = FLOORS[run]
    assert matched >= floor, f"{matched} matched {run}, fewer than {floor}; missed:\n" + "\n".join(missed)


def test_the_evaluation_set_is_read_as_uploaded(runs: Runs) -> None:
    """OpenRefine's project holds the CSV's rows in order, accented names intact."""
    for run in runs.by_name.values():
        assert [cell.value if cell else None for cell in run.cells] == [case.query for case in CASES]
