"""Latency through the REST channel with N concurrent senders, and the Rasa server's resident memory.

Closed loop: each sender sends its next message when it has the reply, after a pause (a person reading
and typing) or with no pause at all (a saturated server: the throughput limit). A sender holds
conversations of ``CONVERSATION_LENGTH`` messages, then starts over as a new person, as fishermen ask
a few questions each rather than hundreds.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from pathlib import Path

import httpx

CONVERSATION_LENGTH = 5


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def load(webhook: str, texts: list[str], senders: int, per_sender: int, pause: float = 0.0) -> dict:
    """``senders`` people each send ``per_sender`` messages, waiting about ``pause`` seconds after each
    reply (uniformly 0.5 to 1.5 times it, after a random start within the first pause)."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=senders + 5)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def sender(index: int) -> None:
            nonlocal errors
            rng = random.Random(index)  # people neither start nor type in lockstep
            await asyncio.sleep(rng.uniform(0, pause))
            for i in range(per_sender):
                if i % CONVERSATION_LENGTH == 0:
                    name = f"load-{uuid.uuid4().hex}"
                text = texts[(index * per_sender + i) % len(texts)]
                start = time.perf_counter()
                try:
                    response = await client.post(webhook, json={"sender": name, "message": text})
                    if response.status_code != 200 or not response.json():
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - start)
                if pause:
                    await asyncio.sleep(rng.uniform(0.5 * pause, 1.5 * pause))

        started = time.perf_counter()
        await asyncio.gather(*(sender(i) for i in range(senders)))
        elapsed = time.perf_counter() - started
    return {
        "senders": senders,
        "pause_s": pause,
        "messages": len(latencies),
        "errors": errors,
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1),
        "messages_per_second": round(len(latencies) / elapsed, 1),
    }


def resident_memory_mb(pid: int) -> dict:
    """Current and peak resident memory of a process, from /proc (Linux)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = round(int(value.split()[0]) / 1024)
    return {"rss_mb": fields.get("VmRSS"), "peak_rss_mb": fields.get("VmHWM")}
