"""The broadcast worker (`bot worker`, started by `bot run`): claims queued deliveries and sends them.

A delivery is claimed by flipping it from ``queued`` to ``sending`` with this worker's claim token in
one statement: on PostgreSQL the candidate rows are locked with ``FOR UPDATE SKIP LOCKED`` (several
workers take disjoint rows without waiting for each other); on SQLite the statement holds the database
write lock, which serialises claims just as safely. Each outcome is committed as soon as it is known,
so a worker killed mid-way leaves only its in-flight rows in ``sending``; after ``lease_seconds`` any
worker puts them back in the queue (they may then be sent twice: at most one batch).

Every send first takes its turn at the platform's rate; with ``REDIS_URL`` the workers of all hosts
share one schedule per bot or app in Redis (bot/broadcasts/rate_limit.py), without it each worker
paces itself: one worker per bot then, or set ``REDIS_URL``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import uuid
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import exists, select, update

from bot.broadcasts import lifecycle
from bot.broadcasts.senders import Content, Outcome, TelegramSender, ZaloSender
from bot.publications.catalogue import by_id as publication_by_id
from bot.settings import Settings
from bot.storage import db
from bot.storage.models import Broadcast, BroadcastDelivery, BroadcastStatus, DeliveryStatus, TicketMessage, utcnow
from bot.subscribers import mark_blocked
from bot.tickets import outbox

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
QUEUES = (BroadcastDelivery, TicketMessage)
Queued = TypeVar("Queued", BroadcastDelivery, TicketMessage)
Q = BroadcastDelivery


def claim(worker_id: str, limit: int, now: datetime, table: type[Queued] = BroadcastDelivery) -> list[Queued]:
    """Claim up to ``limit`` due rows of a queue: broadcast deliveries, or messages about tickets."""
    token = f"{worker_id}:{uuid.uuid4().hex[:8]}"
    candidates = (
        select(table.id)
        .where(table.status == DeliveryStatus.QUEUED, table.next_attempt_at <= now)
        .order_by(table.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite renders nothing and locks the database
        .cte("candidates")
        # Chosen once: as a subquery of the IN, PostgreSQL re-ran it for every row and claimed the whole queue
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    with db.session() as session, session.begin():
        session.execute(
            update(table)
            .where(table.id.in_(select(candidates.c.id)), table.status == DeliveryStatus.QUEUED)
            .values(status=DeliveryStatus.SENDING, claimed_by=token, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    with db.session() as session:
        return list(
            session.execute(
                select(table).where(table.claimed_by == token, table.status == DeliveryStatus.SENDING)
            ).scalars()
        )


def reclaim_stale(lease_seconds: float, now: datetime) -> int:
    """Put back in the queues what a dead worker had claimed."""
    reclaimed, expired = 0, now - timedelta(seconds=lease_seconds)
    with db.session() as session, session.begin():
        for table in QUEUES:
            reclaimed += session.execute(
                update(table)
                .where(table.status == DeliveryStatus.SENDING, table.claimed_at < expired)
                .values(status=DeliveryStatus.QUEUED, claimed_by=None)
                .execution_options(synchronize_session=False)
            ).rowcount
    return reclaimed


def record(row: BroadcastDelivery | TicketMessage, outcome: Outcome) -> None:
    """What became of one send: sent, queued again (429, network) up to MAX_ATTEMPTS, or given up."""
    now = utcnow()
    table = type(row)
    attempts = row.attempts + (0 if outcome.status == "retry" and outcome.retry_after else 1)
    values: dict = {"attempts": attempts, "claimed_by": None, "error": outcome.error or None}
    if outcome.status == "sent":
        values.update(status=DeliveryStatus.SENT, sent_at=now)
        if table is TicketMessage:
            values.update(platform_message_id=outcome.message_id or None)
    elif outcome.status == "retry" and attempts < MAX_ATTEMPTS:
        delay = outcome.retry_after or 2**attempts
        values.update(status=DeliveryStatus.QUEUED, next_attempt_at=now + timedelta(seconds=delay))
    else:
        status = {"blocked": DeliveryStatus.BLOCKED, "skipped": DeliveryStatus.SKIPPED}.get(outcome.status)
        values.update(status=status or DeliveryStatus.FAILED)
    with db.session() as session, session.begin():
        session.execute(
            update(table).where(table.id == row.id).values(**values).execution_options(synchronize_session=False)
        )
    if outcome.status == "blocked":
        mark_blocked(row.channel, row.channel_user_id)


def finish_broadcasts() -> list[int]:
    """Mark done the broadcasts with nothing left to send; return their ids."""
    pending = exists().where(
        Q.broadcast_id == Broadcast.id, Q.status.in_([DeliveryStatus.QUEUED, DeliveryStatus.SENDING])
    )
    with db.session() as session, session.begin():
        ids = list(
            session.execute(select(Broadcast.id).where(Broadcast.status == BroadcastStatus.SENDING, ~pending)).scalars()
        )
        if ids:
            session.execute(
                update(Broadcast).where(Broadcast.id.in_(ids)).values(status=BroadcastStatus.DONE, finished_at=utcnow())
            )
    return ids


@lru_cache(maxsize=256)
def content_of(broadcast_id: int) -> Content:
    with db.session() as session:
        broadcast = session.get(Broadcast, broadcast_id)
    publication = publication_by_id(broadcast.publication_id) if broadcast.publication_id else None
    return Content(broadcast.text, publication, broadcast.photo_file_id)


def summary_text(report: lifecycle.Report) -> str:
    t = report.totals
    return (
        f"Tin #{report.broadcast.id} đã gửi xong: {t.get('sent', 0)}/{report.broadcast.recipients} người nhận được. "
        f"Lỗi: {t.get('failed', 0)}; đã chặn bot hoặc bỏ quan tâm: {t.get('blocked', 0)}; "
        f"ngoài khung nhắn tin miễn phí của Zalo: {t.get('skipped', 0)}; đã hủy: {t.get('cancelled', 0)}."
    )


class Worker:
    def __init__(self, settings: Settings, worker_id: str | None = None) -> None:
        self.settings = settings
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}"
        self.senders: dict = {}
        if settings.telegram_bot_token:
            self.senders["telegram"] = TelegramSender(settings, settings.broadcast_telegram_rate)
        if settings.zalo_enabled:
            self.senders["zalo"] = ZaloSender(settings, settings.broadcast_zalo_rate)
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        logger.info("Broadcast worker %s started (channels: %s)", self.worker_id, ", ".join(self.senders) or "none")
        if not self.settings.redis_url and not self.settings.database_url.startswith("sqlite"):
            logger.warning("REDIS_URL is not set: this worker keeps to the platforms' rates alone, not with others")
        try:
            while not self._stop.is_set():
                if not await self.step():
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._stop.wait(), timeout=self.settings.broadcast_poll_seconds)
        finally:
            for sender in self.senders.values():
                await sender.close()

    async def step(self) -> bool:
        """One round: start due broadcasts, send one batch, close finished ones. False if idle."""
        now = utcnow()
        await asyncio.to_thread(reclaim_stale, self.settings.broadcast_lease_seconds, now)
        await asyncio.to_thread(lifecycle.start_due, now)
        size = self.settings.broadcast_batch
        about_tickets = await asyncio.to_thread(claim, self.worker_id, size, now, TicketMessage)
        if about_tickets:  # first: a person or an officer is waiting for these
            await asyncio.gather(*(self.deliver(m) for m in about_tickets))
        batch = await asyncio.to_thread(claim, self.worker_id, size, now)
        if batch:
            await asyncio.gather(*(self.deliver(d) for d in batch))
        for broadcast_id in await asyncio.to_thread(finish_broadcasts):
            await self.notify_officer(broadcast_id)
        return bool(batch or about_tickets)

    async def deliver(self, row: BroadcastDelivery | TicketMessage) -> None:
        """Send one broadcast delivery or one message about a ticket, and record what happened."""
        sender = self.senders.get(row.channel)
        if sender is None:
            outcome = Outcome("failed", error=f"the {row.channel} gateway is not configured")
        else:
            if isinstance(row, TicketMessage):
                content = outbox.content_of(row)
            else:
                content = await asyncio.to_thread(content_of, row.broadcast_id)
            try:
                outcome = await sender.send(row.channel_user_id, content)
            except Exception as error:  # never lose the row: record and move on
                logger.exception("Sending a %s failed unexpectedly", type(row).__name__)
                outcome = Outcome("retry", error=f"unexpected: {error!r}"[:200])
        await asyncio.to_thread(record, row, outcome)
        if isinstance(row, TicketMessage):
            await asyncio.to_thread(outbox.after_send, row, outcome)

    async def notify_officer(self, broadcast_id: int) -> None:
        report = await asyncio.to_thread(lifecycle.report, broadcast_id)
        if report is None:
            return
        sender = self.senders.get(report.broadcast.created_by_channel)
        logger.info(summary_text(report))
        if sender is not None:
            await sender.send(report.broadcast.created_by_user_id, Content(summary_text(report)))


def run(settings: Settings) -> None:
    worker = Worker(settings)
    loop = asyncio.new_event_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, worker.stop)
    loop.run_until_complete(worker.run())
