"""The memory-copy policy: one budget for the whole server, however many processes share it."""

from __future__ import annotations

import pytest

from govlod.sparql.memory import (
    MEMORY_COPY_BYTES_PER_TRIPLE,
    SERVER_RESIDENT_BYTES,
    TRIPLE_COPIES_BUDGET,
    keeps_memory_copy,
    memory_copy_limit,
)

GB = 1024**3


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
