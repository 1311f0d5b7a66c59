"""How many SPARQL queries a server process takes on at once: past the cap, 503 with Retry-After.

Queries beyond the running processes wait in a queue within their time limit; a cap on running
plus waiting queries keeps a burst from piling up work that would time out anyway, and tells the
client when to come back instead of holding its connection. Answers from the cache never count.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

from govlod.sparql.protocol import ProtocolError


class Admission:
    def __init__(self, limit: int, retry_after: int):
        self.limit = limit
        self.retry_after = retry_after  # seconds, said to the client refused
        self.active = 0

    def enter(self) -> None:
        """Count one more query in, or refuse it with a 503."""
        if self.active >= self.limit:
            raise ProtocolError(
                503,
                f"the server is answering {self.active} queries, the most it takes at once; "
                f"try again in {self.retry_after} s",
                {"Retry-After": str(self.retry_after)},
            )
        self.active += 1

    def leave(self) -> None:
        self.active -= 1

    @contextmanager
    def admitted(self) -> Iterator[None]:
        self.enter()
        try:
            yield
        finally:
            self.leave()

    async def hold_while(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        """Pass a streamed answer on, keeping its place (already entered) until it ends or the client goes."""
        try:
            async for chunk in chunks:
                yield chunk
        finally:
            self.leave()
