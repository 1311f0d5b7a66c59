"""The memory-copy policy: one budget for the whole server, however many processes share it."""

from __future__ import annotations

from pathlib import Path

import pytest

from govlod.sparql.memory import (
    MEMORY_COPY_BYTES_PER_TRIPLE,
    QUERY_PROCESSES_RESIDENT_BUDGET,
    RETAINED_HEADROOM,
    SERVER_RESIDENT_BYTES,
    TRIPLE_COPIES_BUDGET,
    keeps_memory_copy,
    memory_copy_limit,
    resident_bytes,
    resident_limit,
)
from govlod.sparql.worker import LoadedBuild
from govlod.store import StoreFolder
from tests.sparql.warming import first_build

GB = 1024**3
MB = 1024**2


def test_a_configured_limit_is_taken_as_is() -> None:
    assert memory_copy_limit(7_000_000, workers=4, processes=4) == 7_000_000
    assert not keeps_memory_copy(1, memory_copy_limit(0, workers=1, processes=1))  # 0 turns copies off


def test_the_default_budget_is_shared_among_every_query_process() -> None:
    one_worker = memory_copy_limit(None, workers=1, processes=2)
    two_workers = memory_copy_limit(None, workers=2, processes=2)
    assert one_worker == TRIPLE_COPIES_BUDGET // 2
    assert two_workers == one_worker // 2


@pytest.mark.parametrize(("workers", "processes"), [(1, 1), (1, 2), (2, 2), (4, 2), (8, 8)])
def test_default_copies_of_all_processes_fit_the_budget(workers: int, processes: int) -> None:
    limit = memory_copy_limit(None, workers, processes)
    assert limit * workers * processes <= TRIPLE_COPIES_BUDGET


def test_two_workers_with_two_processes_each_stay_under_one_and_a_half_gigabytes() -> None:
    # The figures of govlod.sparql.memory, measured: the server without copies, plus four copies.
    copies = 4 * memory_copy_limit(None, workers=2, processes=2) * MEMORY_COPY_BYTES_PER_TRIPLE
    assert SERVER_RESIDENT_BYTES + copies < 1.5 * GB


@pytest.mark.parametrize("triples", [1_000_000, 10_000_000])
@pytest.mark.parametrize(("workers", "processes"), [(1, 1), (1, 2), (2, 2)])
def test_large_stores_are_never_copied_by_default(triples: int, workers: int, processes: int) -> None:
    assert not keeps_memory_copy(triples, memory_copy_limit(None, workers, processes))


def test_a_store_of_the_dataset_s_real_size_is_copied_by_every_process() -> None:
    # The bundled data is a few thousand triples; a whole region's would be tens of thousands.
    assert keeps_memory_copy(150_000, memory_copy_limit(None, workers=2, processes=2))


def test_the_limit_is_inclusive() -> None:
    assert keeps_memory_copy(500, 500)
    assert not keeps_memory_copy(501, 500)


def test_the_query_processes_share_what_the_rest_of_the_server_leaves_of_one_and_a_half_gigabytes() -> None:
    # The rest: master 70 MB, two workers of 70 MB with 64 MB of answer cache each, tracker 15 MB.
    assert 4 * resident_limit(workers=2, processes=2) + 360 * MB <= 1.5 * GB
    assert resident_limit(workers=1, processes=2) == QUERY_PROCESSES_RESIDENT_BUDGET // 2


def test_a_process_outgrows_its_share_only_with_what_queries_leave_behind(tmp_path: Path) -> None:
    first_build(tmp_path / "store")
    build = LoadedBuild(StoreFolder(tmp_path / "store").current_build(), memory_limit=10**6, resident_limit=1)
    assert build.memory is not None  # the copy counts as the build, not against the limit
    assert not build.outgrown()
    kept = b"\x01" * (RETAINED_HEADROOM + 32 * MB)  # memory still in use after a "query"
    assert build.outgrown()
    del kept
    assert not build.outgrown()  # freed memory goes back to the system: no need for a new process


def test_without_a_resident_limit_a_process_is_never_replaced(tmp_path: Path) -> None:
    first_build(tmp_path / "store")
    build = LoadedBuild(StoreFolder(tmp_path / "store").current_build(), memory_limit=0)
    kept = b"\x01" * (RETAINED_HEADROOM + 32 * MB)
    assert resident_bytes() > len(kept)
    assert not build.outgrown()
