"""Trying again after a brief outage: pauses of 0.5, 1, 2, 4, 4... seconds until a deadline."""

from __future__ import annotations

import asyncio
import time


class Backoff:
    def __init__(self, seconds: float, first_pause: float = 0.5, longest_pause: float = 4.0) -> None:
        self._give_up_at = time.monotonic() + seconds
        self._longest = longest_pause
        self.pause = first_pause  # the next pause, for the log line that announces it

    def exhausted(self) -> bool:
        """True when the next pause would end after the deadline: time to give up."""
        return time.monotonic() + self.pause > self._give_up_at

    async def sleep(self) -> None:
        await asyncio.sleep(self.pause)
        self.pause = min(self.pause * 2, self._longest)
