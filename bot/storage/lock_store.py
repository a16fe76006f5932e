"""Rasa's lock store (one message of a conversation at a time), configured from ``REDIS_URL``.

Without ``REDIS_URL`` the locks live in the Rasa process (enough for one replica). With it, they
live in Redis, shared by every replica. If Redis becomes unreachable, the store keeps answering with
process-local locks and goes back to Redis as soon as it answers again: the load balancer sends each
conversation to the same replica, so local locks still keep a conversation's messages in order,
and a Redis outage never costs a reply.

It also fixes a wait in Rasa 3.6's ticket lock: a message waiting behind one whose Rasa process died
waits for the dead ticket to expire, but its own ticket, issued at about the same time with the same
lifetime, expires too; Rasa then waits forever for a ticket that no longer exists (until the request
times out). Here a waiter whose ticket has expired goes ahead: every ticket before it has expired too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url

from bot.settings import get_settings

logger = logging.getLogger(__name__)
RETRY_REDIS_AFTER_SECONDS = 5.0
T = TypeVar("T")


def redis_store(url: str, socket_timeout: float = 2.0) -> RedisLockStore:
    """Rasa's Redis lock store on ``redis://[:password@]host[:port][/db]`` (``rediss://`` for TLS)."""
    parsed = make_url(url)
    return RedisLockStore(
        host=parsed.host or "localhost",
        port=parsed.port or 6379,
        db=int(parsed.database or 1),
        username=parsed.username or None,
        password=parsed.password or None,
        use_ssl=parsed.drivername == "rediss",
        key_prefix="trolybiendao",
        socket_timeout=socket_timeout,
    )


class SettingsLockStore(LockStore):
    def __init__(self, endpoint_config: Any = None, redis_url: str | None = None) -> None:
        super().__init__()
        url = get_settings().redis_url if redis_url is None else redis_url
        self.local = InMemoryLockStore()
        self.redis = redis_store(url) if url else None
        self._redis_down_since: float | None = None

    def _use(self, call: Callable[[LockStore], T]) -> T:
        if self.redis is not None:
            down = self._redis_down_since
            if down is None or time.monotonic() - down > RETRY_REDIS_AFTER_SECONDS:
                try:
                    result = call(self.redis)
                except RedisError as error:
                    if down is None:
                        logger.warning("Redis lock store unreachable (%s): using local locks meanwhile", error)
                    self._redis_down_since = time.monotonic()
                else:
                    if down is not None:
                        logger.warning("Redis lock store is back")
                    self._redis_down_since = None
                    return result
        return call(self.local)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None:  # nobody holds or waits for it any more
                return self.create_lock(conversation_id)
            lock.remove_expired_tickets()
            if not lock.is_locked(ticket) or ticket not in (t.number for t in lock.tickets):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return self._use(lambda store: store.get_lock(conversation_id))

    def delete_lock(self, conversation_id: str) -> None:
        self._use(lambda store: store.delete_lock(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        self._use(lambda store: store.save_lock(lock))
