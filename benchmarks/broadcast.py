"""Broadcast delivery rate: 10,000 recipients through the real worker process and the Telegram Bot API
stand-in, on SQLite and on PostgreSQL, in one run.

    .venv/bin/python -m benchmarks.broadcast [--recipients 10000] [--skip-paced]

- paced: the configured limit (30 messages/s, Telegram's overall limit); reports the achieved rate as
  a fraction of it;
- unpaced: the limit lifted; reports the raw sending throughput of the worker;
- baseline: the same stand-in driven directly by python-telegram-bot, without database or worker, to
  show what the machine and the stand-in allow.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import insert
from telegram import Bot

from bot.processes import Service, service_env
from bot.settings import PROJECT_ROOT, load_settings
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Subscriber
from tests.deployment import drop_schema, postgres_schema
from tests.standins.telegram import TelegramStandIn

RESULTS = PROJECT_ROOT / "benchmarks" / "results"


def seed(url: str, count: int) -> None:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = [
        {"channel": "telegram", "channel_user_id": str(2_000_000 + i), "status": "active", "area": "ly_son",
         "topics": "an_toan", "created_at": now, "last_seen_at": now}
        for i in range(count)
    ]  # fmt: skip
    with make_engine(url).begin() as connection:
        for start in range(0, count, 2000):
            connection.execute(insert(Subscriber.__table__), rows[start : start + 2000])


def run_worker(database_url: str, recipients: int, rate: float) -> dict:
    standin = TelegramStandIn()
    api = standin.start()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-broadcast-"))
    overrides = {
        "BOT_VAR_DIR": str(var_dir), "DATABASE_URL": database_url, "TELEGRAM_BOT_TOKEN": "1:BENCH",
        "TELEGRAM_API_URL": api, "BROADCAST_TELEGRAM_RATE": str(rate), "BROADCAST_POLL_SECONDS": "0.1",
    }  # fmt: skip
    settings = load_settings({**os.environ, **overrides})
    upgrade(database_url)
    seed(database_url, recipients)
    worker = Service("worker", [sys.executable, "-m", "bot", "worker"], service_env(settings))
    worker.start(var_dir / "logs")
    try:
        marker = f"bench-{uuid.uuid4().hex[:6]}"
        env = {**os.environ, **settings.as_env()}
        created = service_create(env, marker)
        deadline = time.monotonic() + recipients / max(rate, 1) * 3 + 300
        while len(standin.delivered()) < recipients and time.monotonic() < deadline:
            time.sleep(0.2)
        sent = [c.at for c in standin.delivered()]
    finally:
        worker.stop()
        standin.stop()
    elapsed = max(sent) - min(sent) if len(sent) > 1 else float("nan")
    achieved = (len(sent) - 1) / elapsed if elapsed else float("nan")
    return {"broadcast": created, "recipients": recipients, "delivered": len(sent),
            "seconds": round(elapsed, 1), "messages_per_second": round(achieved, 1)}  # fmt: skip


def service_create(env: dict[str, str], marker: str) -> int:
    """Queue the broadcast through the command line, as an operator would."""
    output = subprocess.run(
        [sys.executable, "-m", "bot", "broadcast", "send", "--text", f"Tin thử tải {marker}", "--area", "ly_son"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return int(output.split()[-1])


async def baseline(recipients: int) -> dict:
    """python-telegram-bot alone against the stand-in: the ceiling the worker is measured against."""
    standin = TelegramStandIn()
    api = standin.start()
    bot = Bot("1:BENCH", base_url=api)
    semaphore = asyncio.Semaphore(50)

    async def one(chat: int) -> None:
        async with semaphore:
            await bot.send_message(chat, "baseline")

    started = time.monotonic()
    await asyncio.gather(*(one(3_000_000 + i) for i in range(recipients)))
    elapsed = time.monotonic() - started
    await bot.shutdown()
    standin.stop()
    return {
        "recipients": recipients,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(recipients / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--skip-paced", action="store_true", help="only the unpaced runs (the paced one takes ~6 min)")
    args = parser.parse_args()
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "recipients": args.recipients}
    results["baseline_ptb_direct"] = asyncio.run(baseline(args.recipients))
    sqlite_dir = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
    results["sqlite_unpaced"] = run_worker(f"sqlite:///{sqlite_dir / 'a.db'}", args.recipients, 0)
    url, schema = postgres_schema()
    try:
        results["postgresql_unpaced"] = run_worker(url, args.recipients, 0)
    finally:
        drop_schema(schema)
    if not args.skip_paced:
        paced = run_worker(f"sqlite:///{sqlite_dir / 'b.db'}", args.recipients, args.rate)
        paced["fraction_of_limit"] = round(paced["messages_per_second"] / args.rate, 3)
        results["sqlite_paced"] = paced
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"broadcast-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))
    print(f"Full results: {out.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
