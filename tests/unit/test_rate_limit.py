"""The broadcast workers' rate, shared through the real Redis (keys of their own, removed afterwards)
and in the process."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import pytest
from redis import Redis

from bot.broadcasts.rate_limit import Pacer, SharedPacer, pacer
from bot.processes import free_port
from tests.deployment import REDIS


@pytest.fixture
def prefix() -> Iterator[str]:
    prefix = f"test:rate:{uuid.uuid4().hex[:8]}:"
    yield prefix
    redis = Redis.from_url(REDIS)
    for key in redis.scan_iter(f"{prefix}*"):
        redis.delete(key)
    redis.close()


async def grant_times(pacers: list[Pacer], each: int) -> list[float]:
    """Every pacer (a worker) sends ``each`` messages, all waiting at once; when each one may go."""
    times: list[float] = []

    async def send(worker: Pacer) -> None:
        await worker.wait()
        times.append(time.monotonic())

    try:
        await asyncio.gather(*(send(worker) for worker in pacers for _ in range(each)))
    finally:
        for worker in pacers:
            await worker.close()
    return sorted(times)


def most_in_any_window(times: list[float], seconds: float) -> int:
    return max(sum(1 for t in times[i:] if t - start < seconds) for i, start in enumerate(times))


def test_two_workers_on_one_bot_keep_to_its_rate_together(prefix):
    async def run() -> list[float]:
        workers = [pacer(REDIS, "telegram", "42", 50, key_prefix=prefix) for _ in range(2)]
        assert all(isinstance(w, SharedPacer) for w in workers)
        return await grant_times(workers, 40)

    times = asyncio.run(run())
    assert times[-1] - times[0] >= 79 / 50 * 0.95  # each alone would have taken 0.8 s
    assert most_in_any_window(times, 0.5) <= 25 + 2  # steady, no bursts


def test_different_bots_do_not_wait_for_each_other(prefix):
    async def run() -> list[float]:
        return await grant_times([pacer(REDIS, "telegram", bot, 50, key_prefix=prefix) for bot in ("1", "2")], 20)

    times = asyncio.run(run())
    assert times[-1] - times[0] < 19 / 50 + 0.25


def test_a_429_told_to_one_worker_pauses_the_others(prefix):
    async def run() -> float:
        told, other = (pacer(REDIS, "zalo", "app", 50, key_prefix=prefix) for _ in range(2))
        await told.pause(0.6)
        started = time.monotonic()
        await other.wait()
        waited = time.monotonic() - started
        await told.close()
        await other.close()
        return waited

    assert 0.5 < asyncio.run(run()) < 1.0


def test_the_schedule_leaves_nothing_behind_in_redis(prefix):
    async def run() -> None:
        await grant_times([pacer(REDIS, "telegram", "7", 100, key_prefix=prefix)], 5)

    asyncio.run(run())
    redis = Redis.from_url(REDIS)
    assert 0 < redis.pttl(f"{prefix}telegram:7") <= 1100
    redis.close()


def test_without_redis_a_worker_paces_itself(caplog):
    async def run() -> list[float]:
        nobody = f"redis://127.0.0.1:{free_port()}/5"  # nobody listens there
        return await grant_times([pacer(nobody, "telegram", "42", 50)], 20)

    times = asyncio.run(run())
    assert "pacing alone meanwhile" in caplog.text
    assert times[-1] - times[0] >= 19 / 50 * 0.95 and most_in_any_window(times, 0.2) <= 10 + 2


@pytest.mark.parametrize(("redis_url", "rate"), [("", 30), (REDIS, 0)], ids=["no-redis", "no-limit"])
def test_a_pacer_in_the_process_when_nothing_is_shared(redis_url, rate):
    worker = pacer(redis_url, "telegram", "42", rate)
    assert type(worker) is Pacer
    if not rate:
        times = asyncio.run(grant_times([worker], 200))
        assert times[-1] - times[0] < 0.1
