"""Dashboard speed with a year of outreach: 1,000,000 logged interactions (plus publication sends,
subscriptions and 200,000 broadcast deliveries), on SQLite and on PostgreSQL, in one run.

    .venv/bin/python -m benchmarks.dashboard [--interactions 1000000] [--repeat 5]

The real web app is started on the seeded database, an admin account is made with `bot user add`, and
every dashboard page (and its CSV) is fetched over HTTP, logged in, for three date ranges: the default
(last 30 days), a quarter, and the whole year. Reported: the median and the worst time per page.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import insert

from bot.areas import areas as coastal_areas
from bot.knowledge.base import knowledge
from bot.metrics import rollups
from bot.processes import Service, free_port, launched, web_service
from bot.publications.catalogue import catalogue
from bot.settings import PROJECT_ROOT, load_settings
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Broadcast, BroadcastDelivery, PublicationSend, SubscriptionEvent
from tests.deployment import drop_schema, postgres_schema

RESULTS = PROJECT_ROOT / "benchmarks" / "results"
PAGES = [
    "/dashboard", "/dashboard?by=week", "/dashboard?by=month", "/dashboard?format=csv", "/dashboard/series",
    "/dashboard/topics", "/dashboard/topics?format=csv", "/dashboard/unanswered", "/dashboard/unanswered?format=csv",
    "/dashboard/channels", "/dashboard/channels?format=csv", "/dashboard/publications", "/dashboard/broadcasts",
    "/dashboard/broadcasts?format=csv", "/dashboard/report", "/dashboard/report?format=pdf", "/dashboard/users",
]  # fmt: skip
DAYS = 365
BATCH = 20_000


def seed(url: str, interactions: int, rng: random.Random) -> None:
    """A year of plausible traffic ending now: people write in short sessions (1 to 6 messages a few
    minutes apart), 15% of messages go unanswered. Written through ``rollups.record`` as the bot does."""
    end = datetime.now(timezone.utc).replace(tzinfo=None)
    start = end - timedelta(days=DAYS)
    entries = knowledge().entries
    areas = [a.key for a in coastal_areas()] + [None]
    people = interactions // 20
    unanswered = [f"cau hoi chua co {n} ve {rng.choice(['tau', 'luoi', 'bien', 'dao', 'ca'])}" for n in range(5000)]
    channels = ["telegram", "zalo", "webchat"]

    def when() -> datetime:
        return start + timedelta(seconds=rng.randrange(DAYS * 86400))

    def session() -> list[dict]:
        person = rng.randrange(people)
        at = when()
        rows = []
        for _ in range(rng.randint(1, 6)):
            entry = rng.choice(entries) if rng.random() >= 0.15 else None
            rows.append({
                "at": at, "channel": channels[person % 3], "user_ref": f"u{person:07d}",
                "area": areas[person % len(areas)],
                "text": entry.title if entry else rng.choice(unanswered), "intent": entry.intent if entry else None,
                "confidence": rng.random(), "outcome": "answered" if entry else "not_understood",
                "detail": "knowledge" if entry else "dont_know", "entry_id": entry.id if entry else None,
                "topic": entry.topic if entry else None, "replies": 1, "response_ms": rng.randrange(8, 400),
            })  # fmt: skip
            at += timedelta(seconds=rng.randrange(20, 300))
        return rows

    engine = make_engine(url)
    written = 0
    while written < interactions:
        batch: list[dict] = []
        while len(batch) < BATCH:
            batch.extend(session())
        batch = batch[: interactions - written]
        with engine.begin() as connection:
            rollups.record(connection, batch)
        written += len(batch)
    with engine.begin() as connection:
        publications = [p.id for p in catalogue()]
        connection.execute(insert(PublicationSend), [
            {"publication_id": rng.choice(publications), "channel": rng.choice(channels),
             "user_ref": f"u{rng.randrange(people):07d}", "sent_at": when()} for _ in range(interactions // 50)
        ])  # fmt: skip
        connection.execute(insert(SubscriptionEvent), [
            {"at": when(), "channel": rng.choice(channels), "user_ref": f"u{rng.randrange(people):07d}",
             "area": rng.choice(areas), "kind": rng.choice(["subscribed", "subscribed", "unsubscribed"])}
            for _ in range(interactions // 50)
        ])  # fmt: skip
        for number in range(100):
            started = when()
            broadcast = connection.execute(
                insert(Broadcast).values(text=f"Tin thử {number}", status="done", created_at=started,
                                         started_at=started, created_by_channel="cli", created_by_user_id="bench",
                                         recipients=2000)
            ).inserted_primary_key[0]  # fmt: skip
            connection.execute(insert(BroadcastDelivery), [
                {"broadcast_id": broadcast, "channel": "telegram", "channel_user_id": str(n), "user_ref": f"u{n:07d}",
                 "area": rng.choice(areas), "status": rng.choice(["sent"] * 18 + ["failed", "blocked"]),
                 "next_attempt_at": started, "sent_at": started} for n in range(2000)
            ])  # fmt: skip


def ranges() -> dict[str, str]:
    today = (datetime.now(timezone.utc) + timedelta(hours=7)).date()
    return {
        "default (30 days)": "",
        "quarter": f"since={today - timedelta(days=90)}&until={today}",
        "whole year": f"since={today - timedelta(days=DAYS)}&until={today}",
    }


def log_in(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """A browser-like client (cookies kept), logged in through the login form."""
    session = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = session.open(f"{base}/login", timeout=10).read().decode()
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    form = urllib.parse.urlencode({"csrf": csrf, "username": username, "password": password}).encode()
    with session.open(f"{base}/login", data=form, timeout=10) as response:
        if not response.url.endswith("/dashboard"):
            raise RuntimeError("could not log in to the dashboard")
    return session


def time_pages(base: str, session: urllib.request.OpenerDirector, repeat: int) -> dict:
    results = {}
    for label, query in ranges().items():
        for page in PAGES:
            url = f"{base}{page}{'&' if '?' in page else '?'}{query}" if query else f"{base}{page}"
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                with session.open(url, timeout=60) as response:  # raises on an error status
                    response.read()
                times.append(time.perf_counter() - started)
            results[f"{label} {page}"] = {"median_ms": round(1000 * statistics.median(times)),
                                          "max_ms": round(1000 * max(times))}  # fmt: skip
    return results


def measure(url: str, interactions: int, repeat: int) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    overrides = {"BOT_VAR_DIR": str(var_dir), "DATABASE_URL": url, "WEB_PORT": str(free_port())}
    settings = load_settings({**os.environ, **overrides})
    upgrade(url)
    started = time.monotonic()
    seed(url, interactions, random.Random(7))
    seeded = time.monotonic() - started
    if url.startswith("postgresql"):  # what autovacuum does to a live database: statistics, visibility map
        with make_engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    env = {**os.environ, **settings.as_env()}
    subprocess.run([sys.executable, "-m", "bot", "user", "add", "bench", "--role", "admin"], input="bench-password\n",
                   env=env, text=True, check=True, capture_output=True)  # fmt: skip
    services: list[Service] = [web_service(settings)]
    with launched(services, var_dir / "logs"):
        base = f"http://127.0.0.1:{settings.web_port}"
        session = log_in(base, "bench", "bench-password")
        pages = time_pages(base, session, repeat)
    worst = max(pages.items(), key=lambda item: item[1]["max_ms"])
    return {"seed_seconds": round(seeded), "pages": pages, "slowest_page": worst[0], "slowest_ms": worst[1]["max_ms"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "interactions": args.interactions}
    sqlite_dir = Path(tempfile.mkdtemp(prefix="bench-dashboard-sqlite-"))
    results["sqlite"] = measure(f"sqlite:///{sqlite_dir / 'bot.db'}", args.interactions, args.repeat)
    url, schema = postgres_schema()
    try:
        results["postgresql"] = measure(url, args.interactions, args.repeat)
    finally:
        drop_schema(schema)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"dashboard-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    for backend in ("sqlite", "postgresql"):
        print(f"\n{backend}: seeded in {results[backend]['seed_seconds']} s; slowest "
              f"{results[backend]['slowest_page']} = {results[backend]['slowest_ms']} ms")  # fmt: skip
        for page, timing in results[backend]["pages"].items():
            print(f"  {timing['median_ms']:>6} ms median {timing['max_ms']:>6} ms max  {page}")
    print(f"Full results: {out.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
