"""Rasa's conversation locks, on the real Redis and in the process."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from bot.processes import free_port
from bot.rasa.lock_store import SettingsLockStore
from tests.deployment import REDIS


def test_a_message_behind_a_dead_process_goes_ahead_when_its_ticket_expires():
    dead, alive = SettingsLockStore(redis_url=REDIS), SettingsLockStore(redis_url=REDIS)
    conversation = f"lock-{uuid.uuid4().hex}"

    async def wait() -> float:
        assert await dead.take_ticket(conversation, 2)  # taken by a process that then died
        started = time.monotonic()
        async with alive.lock(conversation, lock_lifetime=2):
            return time.monotonic() - started

    waited = asyncio.run(asyncio.wait_for(wait(), timeout=20))  # Rasa 3.6 alone waits forever here
    assert 1.5 < waited < 4


@pytest.mark.parametrize("url", [REDIS, ""], ids=["redis", "in-process"])
def test_messages_of_one_conversation_are_served_one_at_a_time_in_order(url):
    # Two replicas (two stores) on Redis; one store in the process.
    stores = [SettingsLockStore(redis_url=url), SettingsLockStore(redis_url=url)]
    conversation = f"lock-{uuid.uuid4().hex}"
    order: list[int] = []
    inside = 0

    async def handle(index: int) -> None:
        nonlocal inside
        await asyncio.sleep(0.02 * index)  # messages arrive in this order
        async with stores[index % 2 if url else 0].lock(conversation, lock_lifetime=10):
            inside += 1
            assert inside == 1
            order.append(index)
            await asyncio.sleep(0.01)
            inside -= 1

    async def all_of_them() -> None:
        for store in stores:  # connections made before the clock starts: arrival order is what is tested
            async with store.lock(f"warm-{uuid.uuid4().hex}", lock_lifetime=10):
                pass
        await asyncio.gather(*(handle(i) for i in range(30)))

    asyncio.run(all_of_them())
    assert order == list(range(30))


def test_other_conversations_do_not_wait():
    store = SettingsLockStore(redis_url=REDIS)

    async def both() -> float:
        async with store.lock(f"lock-{uuid.uuid4().hex}", lock_lifetime=10):
            started = time.monotonic()
            async with store.lock(f"lock-{uuid.uuid4().hex}", lock_lifetime=10):
                return time.monotonic() - started

    assert asyncio.run(both()) < 0.5


def test_without_redis_the_locks_stay_in_the_process(caplog):
    store = SettingsLockStore(redis_url=f"redis://127.0.0.1:{free_port()}/1")  # nobody listens there

    async def handle() -> None:
        async with store.lock("someone", lock_lifetime=5):
            pass

    asyncio.run(handle())
    assert "using local locks meanwhile" in caplog.text
