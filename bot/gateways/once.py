"""Each platform update handled once, however many gateway replicas receive it.

Telegram sends a webhook update again when it got no answer, and HAProxy sends a request again when its
gateway closed the connection without answering (deploy/haproxy/haproxy.cfg): the copy may reach the
other replica. Each update's key is taken before the update is handled; a key already taken means a
copy, which is dropped. With ``REDIS_URL`` the keys live in Redis, shared by every replica (a day);
without it (``bot run``'s one gateway), or while Redis is not answering, in the process (the last
10,000), and Redis is tried again after a few seconds, as the shared rate does
(bot/broadcasts/rate_limit.py).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from redis.asyncio import Redis

from bot.storage.redis_outage import UNAVAILABLE, RedisOutage

KEEP_SECONDS = 24 * 3600  # Telegram gives up on an update well within a day
REMEMBERED = 10_000


class HandledOnce:
    def __init__(self, redis_url: str, key_prefix: str) -> None:
        self.key_prefix = key_prefix
        self.redis = Redis.from_url(redis_url, socket_timeout=2.0, socket_connect_timeout=2.0) if redis_url else None
        self._taken: OrderedDict[str, None] = OrderedDict()
        self._outage = RedisOutage("Redis (Telegram updates already handled)", "this process only")
        # One update at a time, first come first served: updates go on to be handled in the order they came,
        # so a chat's messages reach the gateway's per-person lock in order.
        self._turn = asyncio.Lock()

    async def first_time(self, key: str) -> bool:
        """True the first time ``key`` is given (the caller handles the update), False for every copy."""
        if key in self._taken:
            return False
        self._taken[key] = None
        while len(self._taken) > REMEMBERED:
            self._taken.popitem(last=False)
        async with self._turn:
            return await self._take_shared(key)

    async def _take_shared(self, key: str) -> bool:
        if self.redis is None:
            return True
        redis = self.redis
        taken = await self._outage.call(lambda: redis.set(self.key_prefix + key, 1, nx=True, ex=KEEP_SECONDS))
        return taken is UNAVAILABLE or bool(taken)
