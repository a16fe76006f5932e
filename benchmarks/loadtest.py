"""`make loadtest`: simulated people holding conversations through the REST channel and through the
Telegram gateway, against the production set-up (PostgreSQL, Redis locks, RabbitMQ events) with one Rasa
server and one action server, and with two of each behind HAProxy (as the production tests run them:
tests/deployment.py), in the same run.

    .venv/bin/python -m benchmarks.loadtest [--users 50] [--messages 20]

Per deployment, three phases, each with ``--users`` people at once:
- REST, paced: each person reads the reply and types the next question in 1.5 to 4.5 s (3 s on
  average; on a phone at sea it takes longer);
- REST, saturated: no pause at all, the throughput limit of the deployment;
- Telegram, paced: the same people through the real gateway (long polling) and the local Bot API
  stand-in.
A message is lost when it gets no reply within 30 s (REST: an error status or an empty reply). The
load generator runs on the same 2 cores as the servers; its own CPU time is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.latency import load, percentile
from benchmarks.questions import load_questions
from bot.processes import core_services, free_port, gateway_services, launched
from bot.settings import PROJECT_ROOT, load_settings
from bot.storage.db import upgrade
from bot.training import train
from tests.deployment import RABBITMQ, REDIS, rasa_behind_haproxy, temporary_postgres, temporary_rabbitmq_queue
from tests.standins.telegram import TelegramStandIn

RESULTS = PROJECT_ROOT / "benchmarks" / "results"
QUESTIONS = PROJECT_ROOT / "tests" / "data" / "dev_questions.yml"
REPLY_TIMEOUT = 30.0
THINK_SECONDS = 3.0
CHAT_IDS = itertools.count(7_000_000)


async def telegram_load(standin: TelegramStandIn, texts: list[str], users: int, per_user: int, pause: float) -> dict:
    latencies: list[float] = []
    lost = 0

    async def person(index: int) -> None:
        nonlocal lost
        rng = random.Random(index)
        chat = next(CHAT_IDS)
        await asyncio.sleep(rng.uniform(0, pause))
        for i in range(per_user):
            before = standin.sent_count(chat)
            started = time.perf_counter()
            standin.push_text(chat, texts[(index * per_user + i) % len(texts)])
            while standin.sent_count(chat) == before and time.perf_counter() - started < REPLY_TIMEOUT:
                await asyncio.sleep(0.005)
            if standin.sent_count(chat) == before:
                lost += 1
            else:
                latencies.append(time.perf_counter() - started)
            await asyncio.sleep(rng.uniform(0.5 * pause, 1.5 * pause))

    started = time.perf_counter()
    await asyncio.gather(*(person(i) for i in range(users)))
    elapsed = time.perf_counter() - started
    return {
        "senders": users, "pause_s": pause, "messages": users * per_user, "errors": lost,
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1) if latencies else None,
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1) if latencies else None,
        "messages_per_second": round(len(latencies) / elapsed, 1),
    }  # fmt: skip


def deployment(model: Path, replicas: int, users: int, messages: int, texts: list[str]) -> dict:
    standin = TelegramStandIn()
    api = standin.start()
    var_dir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    with temporary_postgres() as database, temporary_rabbitmq_queue("loadtest") as queue:
        overrides = {
            "BOT_VAR_DIR": str(var_dir), "DATABASE_URL": database, "TRACKER_DATABASE_URL": "", "REDIS_URL": REDIS,
            "RABBITMQ_URL": RABBITMQ, "RABBITMQ_QUEUE": queue, "RASA_PORT": str(free_port()),
            "ACTIONS_PORT": str(free_port()), "TELEGRAM_BOT_TOKEN": "123456:LOAD", "TELEGRAM_API_URL": api,
            "PSEUDONYM_KEY": "load",
        }  # fmt: skip
        settings = load_settings({**os.environ, **overrides})
        upgrade(database)
        core = rasa_behind_haproxy(settings, model) if replicas == 2 else core_services(settings, model)
        services = [*core, *gateway_services(settings)]
        try:
            with launched(services, var_dir / "logs"):
                time.sleep(3)  # the gateway's first getUpdates
                url = settings.rest_webhook_url
                asyncio.run(load(url, texts, 10, 5))  # warm-up: models loaded, connections open
                generator_before = resource.getrusage(resource.RUSAGE_SELF)
                result = {
                    "replicas": replicas,
                    "rest_paced": asyncio.run(load(url, texts, users, messages, pause=THINK_SECONDS)),
                    "rest_saturated": asyncio.run(load(url, texts, users, messages)),
                    "telegram_paced": asyncio.run(
                        telegram_load(standin, texts, users, messages // 2, pause=THINK_SECONDS)
                    ),
                }
                generator = resource.getrusage(resource.RUSAGE_SELF)
                result["load_generator_cpu_s"] = round(
                    generator.ru_utime + generator.ru_stime - generator_before.ru_utime - generator_before.ru_stime, 1
                )
        finally:
            standin.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20, help="messages per person in the REST phases")
    parser.add_argument("--replicas", type=int, nargs="+", choices=[1, 2], default=[1, 2],
                        help="1: one Rasa server, no proxy; 2: two behind HAProxy")  # fmt: skip
    args = parser.parse_args()
    model = train()
    texts = [q.text for q in load_questions(QUESTIONS)]
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "users": args.users}
    for replicas in args.replicas:
        results[f"replicas_{replicas}"] = deployment(model, replicas, args.users, args.messages, texts)
    if 1 in args.replicas and len(args.replicas) > 1:
        one = results["replicas_1"]["rest_saturated"]["messages_per_second"]
        results["speed_up"] = {
            f"replicas_{n}": round(results[f"replicas_{n}"]["rest_saturated"]["messages_per_second"] / one, 2)
            for n in args.replicas if n != 1
        }  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"loadtest-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    print("| replicas | phase | people | messages | lost | p50 ms | p95 ms | p99 ms | messages/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for replicas in args.replicas:
        for phase in ("rest_paced", "rest_saturated", "telegram_paced"):
            r = results[f"replicas_{replicas}"][phase]
            print(f"| {replicas} | {phase} | {r['senders']} | {r['messages']} | {r['errors']} | {r['p50_ms']} | "
                  f"{r['p95_ms']} | {r['p99_ms']} | {r['messages_per_second']} |")  # fmt: skip
    print(f"speed-up (saturated REST): {results.get('speed_up')}")
    print(f"Full results: {out.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
