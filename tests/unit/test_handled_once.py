"""Platform updates handled once: by two gateway replicas on the real Redis, by one in the process, and by
one while Redis does not answer."""

from __future__ import annotations

import asyncio
import uuid

from bot.gateways.once import HandledOnce
from bot.processes import free_port
from tests.deployment import REDIS


def _prefix() -> str:
    return f"test-once-{uuid.uuid4().hex}:"


def test_a_copy_on_the_other_replica_is_dropped():
    async def run() -> list[bool]:
        prefix = _prefix()
        first, second = HandledOnce(REDIS, prefix), HandledOnce(REDIS, prefix)
        return [await first.first_time("41"), await second.first_time("41"), await second.first_time("42")]

    assert asyncio.run(run()) == [True, False, True]


def test_without_redis_a_copy_on_the_same_gateway_is_dropped():
    async def run() -> list[bool]:
        once = HandledOnce("", _prefix())
        return [await once.first_time("7"), await once.first_time("7"), await once.first_time("8")]

    assert asyncio.run(run()) == [True, False, True]


def test_redis_not_answering_costs_no_update():
    async def run() -> list[bool]:
        once = HandledOnce(f"redis://127.0.0.1:{free_port()}/0", _prefix())  # nobody listens there
        return [await once.first_time("1"), await once.first_time("2"), await once.first_time("1")]

    assert asyncio.run(run()) == [True, True, False]
