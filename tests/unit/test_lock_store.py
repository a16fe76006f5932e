"""Rasa's conversation locks, on the real Redis and in the process."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from bot.services import free_port
from bot.storage.lock_store import SettingsLockStore
from tests.deployment import REDIS


@pytest.mark.parametrize("url", [REDIS, ""], ids=["redis", "in-process"])
def test_a_message_behind_a_dead_process_goes_ahead_when_its_ticket_expires(url):
    dead, alive = SettingsLockStore(redis_url=url), SettingsLockStore(redis_url=url)
    if not url:
        alive = dead  # in the process: one store
    conversation = f"lock-{uuid.uuid4().hex}"
    dead.issue_ticket(conversation, 2)  # taken by a process that then died

    async def wait() -> float:
        started = time.monotonic()
        async with alive.lock(conversation, lock_lifetime=2, wait_time_in_seconds=0.2):
            return time.monotonic() - started

    waited = asyncio.run(asyncio.wait_for(wait(), timeout=20))  # Rasa 3.6 alone waits forever here
    assert 1.5 < waited < 4


def test_messages_of_one_conversation_wait_for_each_other_on_redis():
    first, second = SettingsLockStore(redis_url=REDIS), SettingsLockStore(redis_url=REDIS)
    conversation = f"lock-{uuid.uuid4().hex}"
    order: list[str] = []

    async def handle(store: SettingsLockStore, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock(conversation, lock_lifetime=10, wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(0.3)
            order.append(f"{name} out")

    async def both() -> None:
        await asyncio.gather(handle(first, "a", 0), handle(second, "b", 0.1))

    asyncio.run(both())
    assert order == ["a in", "a out", "b in", "b out"]


def test_without_redis_the_locks_stay_in_the_process(caplog):
    store = SettingsLockStore(redis_url=f"redis://127.0.0.1:{free_port()}/1")  # nobody listens there

    async def handle() -> None:
        async with store.lock("someone", lock_lifetime=5):
            pass

    asyncio.run(handle())
    assert "using local locks meanwhile" in caplog.text
