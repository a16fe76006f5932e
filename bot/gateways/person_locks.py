"""One lock per person while they have messages in flight, so that each person's messages are answered in
order while other people's run in parallel; a person with nothing in flight holds no memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class PersonLocks:
    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}  # person -> (lock, messages holding or waiting)

    def __len__(self) -> int:
        return len(self._locks)

    @asynccontextmanager
    async def hold(self, person: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(person, (asyncio.Lock(), 0))
        self._locks[person] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[person]
            if users <= 1:
                del self._locks[person]
            else:
                self._locks[person] = (lock, users - 1)
