"""Per-person flood control: a token bucket each, so one person flooding never slows anyone else."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


@dataclass
class FloodGuard:
    """Allows ``burst`` messages at once and ``rate`` per second after that, per person."""

    rate: float = 1.0
    burst: int = 5
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _checks: int = 0

    def check(self, person: str) -> str:
        """'ok' to process, 'warn' for the first refused message (tell the person), 'drop' after that."""
        now = time.monotonic()
        self._checks += 1
        if self._checks % 1000 == 0:  # forget people whose bucket has refilled: memory stays bounded
            full = self.burst / self.rate
            self._buckets = {p: b for p, b in self._buckets.items() if now - b.updated < full}
        bucket = self._buckets.get(person) or _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        self._buckets[person] = bucket
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return "ok"
        if bucket.warned:
            return "drop"
        bucket.warned = True
        return "warn"
