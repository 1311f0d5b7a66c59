"""When a query process keeps the default graph in memory: one budget for the whole server.

Oxigraph's memory store answers joins several times faster than RocksDB, but each query process
needs a copy of its own (pages inherited by fork would not stay shared: the memory store updates
reference counts as it reads), so the cost of a copy is multiplied by workers x query processes.
A limit per process that ignored the multiplication (5M triples) let a store of a million triples
take four copies of 400 MB with two workers of two processes each: 2.0 GB idle, 2.6 GB while
loading, 18 s before /health answered. So, unless a limit is configured, the copies of all the
query processes together hold at most TRIPLE_COPIES_BUDGET triples.

Figures measured with pyoxigraph 0.5.13 on the data of bench/generate.py (resident memory): a copy
adds 80 MB at 150k triples, 122 MB at 250k, 222 MB at 500k and 398 MB at 1M (while it loads,
about 50 MB more), and loads in about 1.2 s, 2 s, 4 s and 9 s. A server of two workers with two
query processes each and no copy holds about 410 MB idle (master 70, workers 70 and 66, query
processes 46 to 48 with the store open, the multiprocessing resource tracker 15); the answer
caches add up to 64 MB per worker under load.
"""

from __future__ import annotations

import ctypes
import os

MB = 1024 * 1024
# Resident bytes per triple of a copy of the size the default leads to with two workers of two
# processes (80 MB at 150k triples); larger copies cost a little less per triple.
MEMORY_COPY_BYTES_PER_TRIPLE = 560

# The server without copies: master, two workers and four query processes, idle.
SERVER_RESIDENT_BYTES = 410 * MB

# Triples held in memory copies by all the query processes of one server together when no limit
# is configured. Two workers of two processes each copy stores of up to 150k triples; measured on
# a store of 148,549: 632 MB idle, 764 MB under load, 1.18 GB at the peak of a rebuild (the new
# build's copies load beside the old ones until the switch). One worker of two copies up to 300k.
# The dataset itself, a few thousand triples per publisher, is always copied.
TRIPLE_COPIES_BUDGET = 600_000


def memory_copy_limit(configured: int | None, workers: int, processes: int) -> int:
    """Most triples a store may have for each query process to copy its default graph.

    The configured limit when there is one (`--memory-copy-triples`, 0 turns copies off), else
    the server's budget shared among all its query processes.
    """
    if configured is not None:
        return configured
    return TRIPLE_COPIES_BUDGET // (max(workers, 1) * max(processes, 1))


def keeps_memory_copy(triples: int, limit: int) -> bool:
    """Whether a query process copies the default graph of a build of `triples` into memory."""
    return limit > 0 and triples <= limit


# What the query processes of one server may keep resident together between queries: 1.5 GB less
# the rest of a server of two workers with full answer caches (about 360 MB). Over a store of 10M
# triples read from RocksDB, a query process holds 47 MB once open and 200 to 320 MB after heavy
# queries (RocksDB's block caches, 160 MB at most, and index blocks, plus what the allocator keeps).
# Between queries a process past its share is replaced; during them nothing bounds it: four heavy
# queries at once peaked at 1.44 GB for the whole server.
QUERY_PROCESSES_RESIDENT_BUDGET = 1100 * MB

# A process is never replaced for what its build holds (its copy), only for this much more.
RETAINED_HEADROOM = 64 * MB


def resident_limit(workers: int, processes: int) -> int:
    """Resident bytes past which a query process, between queries, gives way to a fresh one."""
    return QUERY_PROCESSES_RESIDENT_BUDGET // (max(workers, 1) * max(processes, 1))


def resident_bytes() -> int:
    """This process's resident memory, in bytes (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def give_back_freed_memory() -> None:
    """Return the heap pages freed by past queries to the system: glibc keeps them otherwise."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


_LIBC = ctypes.CDLL(None)  # the C library the process already uses (glibc on Linux)
