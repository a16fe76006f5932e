"""Rasa's lock store (one message of a conversation at a time), configured from ``REDIS_URL``.

Without ``REDIS_URL`` the locks live in the Rasa process (enough for one replica). With it, they
live in Redis, shared by every replica. If Redis becomes unreachable, the store keeps answering with
process-local locks and goes back to Redis as soon as it answers again: the load balancer sends each
conversation to the same replica, so local locks still keep a conversation's messages in order,
and a Redis outage never costs a reply.

Rasa 3.6's own Redis lock store was replaced after measuring it (README, "Load test"): it makes seven
blocking round trips to Redis per message, each a read-modify-write that another replica can
interleave with, and it cost a third of a replica's throughput. Here a message takes a ticket and
learns whether it is first in one atomic script, and gives the ticket back in another; both are
awaited without blocking the server. Tickets are served in the order they were taken; a ticket
expires after the lock lifetime (``lock_lifetime`` in endpoints.yml, else ``TICKET_LOCK_LIFETIME``), so a
message behind one whose Rasa process died goes ahead once that ticket expires (Rasa 3.6 kept waiting
until the request timed out).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig
from redis.asyncio import Redis

from bot.settings import get_settings
from bot.storage.redis_outage import UNAVAILABLE, RedisOutage

WAIT_POLL_SECONDS = 0.05
KEY_PREFIX = "trolybiendao:lock:"

# KEYS: the conversation's queue of tickets (a sorted set scored by expiry, in ms of Redis's clock)
# and its ticket counter. ARGV: lifetime in ms, the caller's ticket ("" for a new one).
# Returns {ticket, 1 if the caller may go ahead}. Expired tickets leave the queue; a caller whose own
# ticket expired goes ahead too (everything before it has expired as well).
TAKE_TURN = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local ticket = ARGV[2]
if ticket == '' then
  ticket = tostring(redis.call('INCR', KEYS[2]))
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ticket)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
local first = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
local mine = redis.call('ZSCORE', KEYS[1], ticket)
if first == ticket or not mine then
  return {ticket, 1}
end
return {ticket, 0}
"""
# KEYS as above; ARGV: the ticket. The keys go when the queue is empty.
GIVE_BACK = """
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
end
return 1
"""


@dataclass
class _LocalLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class SettingsLockStore(LockStore):
    """Options of ``lock_store`` in endpoints.yml (Rasa hands them over as ``endpoint_config``): ``url``, the
    Redis URL (default ``REDIS_URL``), and ``lock_lifetime`` in seconds (default ``TICKET_LOCK_LIFETIME``)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, redis_url: str | None = None) -> None:
        super().__init__()
        settings = get_settings()
        config = endpoint_config or EndpointConfig()
        url = (config.url or settings.redis_url) if redis_url is None else redis_url
        self.lock_lifetime = float(config.kwargs.get("lock_lifetime") or settings.lock_lifetime_seconds)
        self.redis = Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0) if url else None
        self._take_turn = self.redis.register_script(TAKE_TURN) if self.redis else None
        self._give_back = self.redis.register_script(GIVE_BACK) if self.redis else None
        self._outage = RedisOutage("Redis lock store", "using local locks")
        self._local: dict[str, _LocalLock] = {}

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float | None = None, wait_time_in_seconds: float = 1.0
    ) -> AsyncIterator[TicketLock]:
        """Waits for the conversation's earlier messages, then holds the lock until the block ends. Rasa
        gives no lifetime: the store's own (not Rasa's ``LOCK_LIFETIME``, read once when Rasa loads)."""
        lock_lifetime = lock_lifetime or self.lock_lifetime
        ticket = await self.take_ticket(conversation_id, lock_lifetime)
        if ticket is None:
            async with self._local_lock(conversation_id):
                yield TicketLock(conversation_id)
            return
        try:
            if await self._wait_for_turn(conversation_id, ticket, lock_lifetime):
                yield TicketLock(conversation_id)
            else:  # Redis went away while this message waited
                async with self._local_lock(conversation_id):
                    yield TicketLock(conversation_id)
        finally:
            await self._redis(self._give_back, conversation_id, [ticket])

    async def take_ticket(self, conversation_id: str, lock_lifetime: float) -> str | None:
        """A place in the conversation's queue on Redis; None without a usable Redis."""
        answer = await self._redis(self._take_turn, conversation_id, [_ms(lock_lifetime), ""])
        return answer[0].decode() if answer else None

    async def _wait_for_turn(self, conversation_id: str, ticket: str, lock_lifetime: float) -> bool:
        while True:
            answer = await self._redis(self._take_turn, conversation_id, [_ms(lock_lifetime), ticket])
            if answer is None:
                return False
            if answer[1] == 1:
                return True
            await asyncio.sleep(WAIT_POLL_SECONDS)

    async def _redis(self, script: Any, conversation_id: str, args: list[Any]) -> Any:
        """Runs a script on the conversation's keys; None if Redis is not configured or not answering
        (then it is tried again after a few seconds)."""
        if script is None:
            return None
        key = KEY_PREFIX + conversation_id
        result = await self._outage.call(lambda: script(keys=[key, key + ":next"], args=args))
        return None if result is UNAVAILABLE else result

    @asynccontextmanager
    async def _local_lock(self, conversation_id: str) -> AsyncIterator[None]:
        """A lock of this process (asyncio's locks serve waiters in order)."""
        local = self._local.setdefault(conversation_id, _LocalLock())
        local.users += 1
        try:
            async with local.lock:
                yield
        finally:
            local.users -= 1
            if not local.users:
                del self._local[conversation_id]


def _ms(seconds: float) -> int:
    return max(int(seconds * 1000), 1)
