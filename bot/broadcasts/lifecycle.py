"""Broadcasts as data: create, target, queue, cancel and report. Used by the CLI, the chat composer
and the worker; every function is one transaction.

Targeting happens when a broadcast starts (not when it is written): the recipients are the active
subscribers at that moment who match every given criterion (any of the areas, any of the topics, the
channel). Zalo subscribers who have not written within Zalo's free-messaging window are recorded as
``skipped`` instead of being sent a message Zalo would refuse or bill.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, insert, literal, or_, select, update

from bot.areas import UnknownArea, resolve
from bot.channels.types import CHANNELS
from bot.publications.catalogue import by_id as publication_by_id
from bot.storage import db
from bot.storage.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastStatus,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
    utcnow,
)
from bot.subscribers import TOPICS, pseudonym
from bot.vietnam_time import parse_typed

MAX_TEXT_CHARS = 3000


class BroadcastError(ValueError):
    """The broadcast cannot be made as asked; the message says why, for the officer."""


def parse_local_time(text: str) -> datetime:
    """ "2026-12-01 07:30" in Vietnam time -> naive UTC."""
    try:
        return parse_typed(text)
    except ValueError as error:
        raise BroadcastError(str(error)) from error


def resolve_areas(names: list[str]) -> list[str]:
    try:
        return resolve(names)
    except UnknownArea as error:
        raise BroadcastError(str(error)) from error


def validate(text: str, publication_id: str | None, topics: list[str], channel: str | None) -> None:
    if not text.strip():
        raise BroadcastError("nội dung tin không được để trống")
    if len(text) > MAX_TEXT_CHARS:
        raise BroadcastError(f"nội dung tin dài quá {MAX_TEXT_CHARS} ký tự")
    if publication_id and publication_by_id(publication_id) is None:
        raise BroadcastError(f"không có tài liệu {publication_id!r}")
    if unknown := [t for t in topics if t not in TOPICS]:
        raise BroadcastError(f"chủ đề không có: {', '.join(unknown)}; có: {', '.join(TOPICS)}")
    if channel and channel not in ("telegram", "zalo"):
        raise BroadcastError("kênh phải là telegram hoặc zalo")


def create(
    text: str,
    *,
    created_by_channel: str,
    created_by_user_id: str,
    publication_id: str | None = None,
    areas: list[str] = (),  # type: ignore[assignment]
    topics: list[str] = (),  # type: ignore[assignment]
    channel: str | None = None,
    at: datetime | None = None,
) -> Broadcast:
    """A broadcast ready to go (at ``at``, UTC, or now)."""
    area_keys = resolve_areas(list(areas))
    validate(text, publication_id, list(topics), channel)
    with db.session() as session, session.begin():
        broadcast = Broadcast(
            text=text.strip(), publication_id=publication_id or None, target_areas=",".join(area_keys),
            target_topics=",".join(dict.fromkeys(topics)), target_channel=channel or None,
            status=BroadcastStatus.SCHEDULED, scheduled_at=at or utcnow(),
            created_by_channel=created_by_channel, created_by_user_id=created_by_user_id,
        )  # fmt: skip
        session.add(broadcast)
    return broadcast


def _matches(broadcast: Broadcast):  # type: ignore[no-untyped-def]
    """SQL condition: the active subscribers this broadcast is for."""
    conditions = [Subscriber.status == SubscriberStatus.ACTIVE]
    if broadcast.target_channel:
        conditions.append(Subscriber.channel == broadcast.target_channel)
    if broadcast.target_areas:
        conditions.append(Subscriber.area.in_(broadcast.target_areas.split(",")))
    if broadcast.target_topics:
        wrapped = literal(",") + Subscriber.topics + literal(",")
        conditions.append(or_(*(wrapped.like(f"%,{t},%") for t in broadcast.target_topics.split(","))))
    return and_(*conditions)


def _zalo_window_start(now: datetime) -> datetime:
    return now - timedelta(hours=CHANNELS["zalo"].free_reply_hours or 0)


def _outside_window(now: datetime):  # type: ignore[no-untyped-def]
    return and_(Subscriber.channel == "zalo", Subscriber.last_seen_at < _zalo_window_start(now))


def count_recipients(broadcast: Broadcast) -> tuple[int, int]:
    """(people it will reach, Zalo subscribers it cannot reach now: outside the free-messaging window)."""
    outside = _outside_window(utcnow())
    with db.session() as session:
        count = func.count().filter(~outside), func.count().filter(outside)
        reachable, unreachable = session.execute(
            select(*count).select_from(Subscriber).where(_matches(broadcast))
        ).one()
    return reachable, unreachable


def start_due(now: datetime | None = None) -> list[int]:
    """Turn every broadcast whose time has come into queued deliveries; return their ids."""
    now = now or utcnow()
    started = []
    with db.session() as session:
        due = session.execute(
            select(Broadcast.id).where(Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.scheduled_at <= now)
        ).scalars()
        due_ids = list(due)
    for broadcast_id in due_ids:
        if _start(broadcast_id, now):
            started.append(broadcast_id)
    return started


def _start(broadcast_id: int, now: datetime) -> bool:
    with db.session() as session, session.begin():
        claimed = session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.SCHEDULED)
            .values(status=BroadcastStatus.SENDING, started_at=now)
        ).rowcount
        if not claimed:
            return False  # another worker started it
        broadcast = session.get(Broadcast, broadcast_id)
        people = session.execute(
            select(Subscriber.channel, Subscriber.channel_user_id, Subscriber.area, Subscriber.last_seen_at)
            .where(_matches(broadcast))
            .order_by(Subscriber.id)
        ).all()
        window_start = _zalo_window_start(now)
        rows = [
            {
                "broadcast_id": broadcast_id, "channel": channel, "channel_user_id": user_id,
                "user_ref": pseudonym(channel, user_id), "area": area, "attempts": 0, "next_attempt_at": now,
                **({"status": DeliveryStatus.SKIPPED, "error": "outside Zalo's free messaging window"}
                   if channel == "zalo" and last_seen < window_start else {"status": DeliveryStatus.QUEUED}),
            }
            for channel, user_id, area, last_seen in people
        ]  # fmt: skip
        for chunk in range(0, len(rows), 1000):
            session.execute(insert(BroadcastDelivery), rows[chunk : chunk + 1000])
        broadcast.recipients = len(rows)
    return True


def cancel(broadcast_id: int) -> bool:
    """Stop a broadcast: whatever is not sent yet will not be."""
    with db.session() as session, session.begin():
        changed = session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status.in_(
                [BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING]))
            .values(status=BroadcastStatus.CANCELLED, finished_at=utcnow())
        ).rowcount  # fmt: skip
        session.execute(
            update(BroadcastDelivery)
            .where(BroadcastDelivery.broadcast_id == broadcast_id, BroadcastDelivery.status == DeliveryStatus.QUEUED)
            .values(status=DeliveryStatus.CANCELLED)
        )
    return changed > 0


@dataclass(frozen=True)
class Report:
    broadcast: Broadcast
    totals: dict[str, int]
    by_channel: dict[str, dict[str, int]]
    by_area: dict[str, dict[str, int]]

    @property
    def finished(self) -> bool:
        return self.totals.get(DeliveryStatus.QUEUED, 0) + self.totals.get(DeliveryStatus.SENDING, 0) == 0

    def as_dict(self) -> dict:
        b = self.broadcast
        return {
            "id": b.id, "status": b.status, "text": b.text, "publication": b.publication_id,
            "target": {"areas": [a for a in b.target_areas.split(",") if a],
                       "topics": [t for t in b.target_topics.split(",") if t], "channel": b.target_channel},
            "scheduled_at_utc": b.scheduled_at.isoformat() if b.scheduled_at else None,
            "recipients": b.recipients, "counts": self.totals, "by_channel": self.by_channel, "by_area": self.by_area,
        }  # fmt: skip


def report(broadcast_id: int) -> Report | None:
    with db.session() as session:
        broadcast = session.get(Broadcast, broadcast_id)
        if broadcast is None:
            return None
        rows = session.execute(
            select(BroadcastDelivery.channel, BroadcastDelivery.area, BroadcastDelivery.status, func.count())
            .where(BroadcastDelivery.broadcast_id == broadcast_id)
            .group_by(BroadcastDelivery.channel, BroadcastDelivery.area, BroadcastDelivery.status)
        ).all()
    totals: Counter = Counter()
    by_channel: dict[str, Counter] = {}
    by_area: dict[str, Counter] = {}
    for channel, area, status, count in rows:
        totals[status] += count
        by_channel.setdefault(channel, Counter())[status] += count
        by_area.setdefault(area or "–", Counter())[status] += count
    return Report(broadcast, dict(totals), {k: dict(v) for k, v in by_channel.items()},
                  {k: dict(v) for k, v in by_area.items()})  # fmt: skip


def recent(limit: int = 10, created_by: tuple[str, str] | None = None) -> list[Broadcast]:
    with db.session() as session:
        query = select(Broadcast).where(Broadcast.status != BroadcastStatus.DRAFT)
        if created_by:
            query = query.where(
                Broadcast.created_by_channel == created_by[0], Broadcast.created_by_user_id == created_by[1]
            )
        return list(session.execute(query.order_by(Broadcast.id.desc()).limit(limit)).scalars())
