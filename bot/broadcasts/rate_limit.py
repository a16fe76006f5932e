"""Pacing broadcasts to a platform's rate, in one process or shared by every worker through Redis.

A platform's limit is per bot (Telegram: about 30 messages a second per bot token) or per app (Zalo),
however many workers send for it. Without ``REDIS_URL`` each worker paces itself (``Pacer``): right
for ``bot run``'s one worker on SQLite. With it, every worker takes its turn from one schedule in
Redis (``SharedPacer``, the generic cell rate algorithm): a key per platform account holds the
theoretical time of the next send, and one atomic script gives the caller the next free slot and moves
the key on by one interval. Slots come from Redis's clock, so the hosts' clocks need not agree; each
process keeps at most one slot reserved at a time, so the schedule never runs far ahead. A 429 pushes
the shared schedule back by its ``retry_after``: every worker pauses, not only the one that was told.

If Redis stops answering, the worker paces itself meanwhile (several workers may then exceed the
platform's rate together; its 429s are honoured and the messages re-queued) and tries Redis again
after a few seconds, as the lock store does (bot/rasa/lock_store.py).
"""

from __future__ import annotations

import asyncio
import time

from aiolimiter import AsyncLimiter
from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from bot.storage.redis_outage import UNAVAILABLE, RedisOutage

KEY_PREFIX = "trolybiendao:rate:"

# KEYS: the account's next free slot (ms of Redis's clock, as text). ARGV: the interval between two
# sends in ms. Returns how long the caller waits for its slot, in ms (as text: Lua numbers would be
# truncated to integers). The key expires a second after the schedule runs dry.
TAKE_SLOT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local next_slot = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.3f', next_slot), 'PX', math.ceil(next_slot - now) + 1000)
return string.format('%.3f', slot - now)
"""
# KEYS as above; ARGV: the pause in ms. Nobody's slot comes before the pause ends.
PAUSE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local until_ms = now + tonumber(ARGV[1])
if until_ms > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], string.format('%.3f', until_ms), 'PX', math.ceil(until_ms - now) + 1000)
end
return 1
"""


class Pacer:
    """A steady rate in this process (no bursts; 0 or less: no limit) that a 429 can pause."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self._limiter = AsyncLimiter(1, 1 / per_second) if per_second > 0 else None
        self._paused_until = 0.0

    async def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def wait(self) -> None:
        """Returns when the next message may go."""
        while (delay := self._paused_until - time.monotonic()) > 0:
            await asyncio.sleep(delay)
        if self._limiter is not None:
            await self._limiter.acquire()

    async def close(self) -> None:
        """Nothing to release in the process."""


class SharedPacer(Pacer):
    """The rate of one platform account, shared through Redis by every process that uses ``key``."""

    def __init__(self, redis_url: str, key: str, per_second: float) -> None:
        super().__init__(per_second)
        self.key = key
        self.redis = Redis.from_url(redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self._take_slot = self.redis.register_script(TAKE_SLOT)
        self._pause = self.redis.register_script(PAUSE)
        self._interval_ms = 1000 / per_second
        self._turn = asyncio.Lock()  # one slot reserved at a time by this process
        self._outage = RedisOutage(f"Redis (shared rate of {key})", "pacing alone")

    async def pause(self, seconds: float) -> None:
        await super().pause(seconds)
        await self._redis(self._pause, seconds * 1000)

    async def wait(self) -> None:
        async with self._turn:
            while (delay := self._paused_until - time.monotonic()) > 0:
                await asyncio.sleep(delay)
            wait_ms = await self._redis(self._take_slot, self._interval_ms)
            if wait_ms is None:
                await super().wait()
            else:
                await asyncio.sleep(float(wait_ms) / 1000)

    async def _redis(self, script: AsyncScript, milliseconds: float) -> bytes | int | None:
        """Runs a script on the key; None while Redis is not answering (tried again after a few seconds)."""
        result = await self._outage.call(lambda: script(keys=[self.key], args=[f"{milliseconds:.3f}"]))
        return None if result is UNAVAILABLE else result

    async def close(self) -> None:
        await self.redis.close()


def pacer(redis_url: str, channel: str, account: str, per_second: float, key_prefix: str = KEY_PREFIX) -> Pacer:
    """The pacer of one platform account (a Telegram bot, a Zalo app): shared through Redis if there is one."""
    if redis_url and per_second > 0:
        return SharedPacer(redis_url, f"{key_prefix}{channel}:{account}", per_second)
    return Pacer(per_second)
