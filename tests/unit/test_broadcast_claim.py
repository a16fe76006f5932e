"""Workers claim broadcast deliveries a batch at a time, never the same row twice, on SQLite and on the
real PostgreSQL (a schema of its own, dropped afterwards)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import pytest
from sqlalchemy import insert

from bot.broadcasts import lifecycle
from bot.broadcasts.worker import claim
from bot.settings import get_settings
from bot.storage import db
from bot.storage.models import BroadcastDelivery, DeliveryStatus, utcnow
from tests.deployment import temporary_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def queue(request, tmp_path, monkeypatch) -> Iterator[None]:
    """A database of this test's own with one broadcast to 100 people, queued."""
    sqlite = nullcontext(f"sqlite:///{tmp_path / 'bot.db'}")
    with temporary_postgres() if request.param == "postgresql" else sqlite as url:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("PSEUDONYM_KEY", "test-pseudonym-key")
        caches = (get_settings, db.engine, db._sessions)
        for cache in caches:
            cache.cache_clear()
        db.upgrade()
        broadcast = lifecycle.create("Tin thử", created_by_channel="cli", created_by_user_id="test")
        queued = {"broadcast_id": broadcast.id, "channel": "telegram", "attempts": 0, "next_attempt_at": utcnow(),
                  "status": DeliveryStatus.QUEUED}  # fmt: skip
        rows = [{**queued, "channel_user_id": str(i), "user_ref": f"r{i}"} for i in range(100)]
        with db.session() as session, session.begin():
            session.execute(insert(BroadcastDelivery), rows)
        yield
        db.engine().dispose()
        for cache in caches:
            cache.cache_clear()


def test_a_claim_takes_one_batch_in_order(queue):
    first, second = claim("a", 20, utcnow()), claim("b", 20, utcnow())
    assert [int(d.channel_user_id) for d in first] == list(range(20))
    assert [int(d.channel_user_id) for d in second] == list(range(20, 40))


def test_workers_claiming_at_once_take_disjoint_batches(queue):
    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(lambda worker: claim(worker, 20, utcnow()), ["a", "b", "c", "d", "e", "f"]))
    claimed = [d.id for batch in batches for d in batch]
    assert all(len(batch) <= 20 for batch in batches)
    assert len(claimed) == len(set(claimed)) == 100
