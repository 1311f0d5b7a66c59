"""Answers to repeated identical queries, keyed by dataset version, query, dataset and format."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable


class AnswerCache:
    """A least-recently-used cache bounded by the bytes it holds.

    The dataset version is part of every key, so a new build never serves an old answer;
    entries of old builds simply age out.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        # One answer may use at most an eighth of the cache, so a few big answers cannot flush it.
        self.max_entry_bytes = max_bytes // 8
        self._entries: OrderedDict[Hashable, tuple[bytes, str]] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> tuple[bytes, str] | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: Hashable, body: bytes, content_type: str) -> None:
        if len(body) > self.max_entry_bytes or key in self._entries:
            return
        self._entries[key] = (body, content_type)
        self._bytes += len(body)
        while self._bytes > self.max_bytes:
            _, (evicted, _) = self._entries.popitem(last=False)
            self._bytes -= len(evicted)
