"""The outreach figures, for one date range. The dashboard, its CSV exports, the periodic report and
`bot stats` all call these functions, so they cannot disagree.

Dates are Vietnam dates (UTC+7), both ends included; the database stores UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, cast, func, literal_column, select
from sqlalchemy.engine import Connection, Engine

from bot.areas import by_key
from bot.knowledge.base import knowledge
from bot.publications.catalogue import by_id as publication_by_id
from bot.storage import db
from bot.storage.models import (
    Broadcast,
    BroadcastDelivery,
    DeliveryStatus,
    Interaction,
    PublicationSend,
    SubscriptionEvent,
)
from bot.text import folded_terms

VIETNAM = timedelta(hours=7)
LOG = Interaction


@dataclass(frozen=True)
class Period:
    since: date
    until: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.since, datetime.min.time()) - VIETNAM

    @property
    def end(self) -> datetime:
        return datetime.combine(self.until + timedelta(days=1), datetime.min.time()) - VIETNAM

    def where(self, column: Any) -> Any:
        return and_(column >= self.start, column < self.end)

    @classmethod
    def parse(cls, since: str | None, until: str | None, default_days: int = 30) -> Period:
        """From "YYYY-MM-DD" strings; missing ends mean the last ``default_days`` days up to today."""
        today = (datetime.utcnow() + VIETNAM).date()
        end = date.fromisoformat(until) if until else today
        start = date.fromisoformat(since) if since else end - timedelta(days=default_days - 1)
        if start > end:
            raise ValueError("the start date is after the end date")
        return cls(start, end)


class Figures:
    """The figures of one database (the application's, unless told otherwise)."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.engine = engine or db.engine()

    @staticmethod
    def _median(connection: Connection, period: Period) -> int | None:
        where = and_(period.where(LOG.at), LOG.response_ms.isnot(None))
        if connection.dialect.name == "postgresql":
            value = connection.execute(
                select(func.percentile_disc(0.5).within_group(LOG.response_ms)).where(where)
            ).scalar_one()
            return round(value) if value is not None else None
        count = connection.execute(select(func.count()).where(where)).scalar_one()
        if not count:
            return None
        return connection.execute(
            select(LOG.response_ms).where(where).order_by(LOG.response_ms).limit(1).offset((count - 1) // 2)
        ).scalar_one()

    def overview(self, period: Period) -> dict[str, Any]:
        with self.engine.connect() as connection:
            users, messages_in, messages_out, answered = connection.execute(
                select(
                    func.count(func.distinct(LOG.user_ref)), func.count(), func.coalesce(func.sum(LOG.replies), 0),
                    func.coalesce(func.sum(case((LOG.outcome == "answered", 1), else_=0)), 0),
                ).where(period.where(LOG.at))
            ).one()  # fmt: skip
            active = {}
            for days in (7, 30):
                window = Period(period.until - timedelta(days=days - 1), period.until)
                active[days] = connection.execute(
                    select(func.count(func.distinct(LOG.user_ref))).where(window.where(LOG.at))
                ).scalar_one()
            new_subscribers = connection.execute(
                select(func.count()).where(period.where(SubscriptionEvent.at), SubscriptionEvent.kind == "subscribed")
            ).scalar_one()
            publications = connection.execute(
                select(func.count()).where(period.where(PublicationSend.sent_at))
            ).scalar_one()
            deliveries = dict(
                connection.execute(
                    select(BroadcastDelivery.status, func.count())
                    .join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
                    .where(period.where(Broadcast.started_at))
                    .group_by(BroadcastDelivery.status)
                ).all()
            )
            broadcasts = connection.execute(select(func.count()).where(period.where(Broadcast.started_at))).scalar_one()
            median = self._median(connection, period)
        attempted = sum(n for s, n in deliveries.items() if s != DeliveryStatus.CANCELLED)
        delivered = deliveries.get(DeliveryStatus.SENT, 0)
        fallbacks = messages_in - answered
        return {
            "since": period.since.isoformat(), "until": period.until.isoformat(),
            "users": users, "messages_in": messages_in, "messages_out": int(messages_out),
            "answered": int(answered), "fallbacks": int(fallbacks),
            "answered_rate": round(answered / messages_in, 3) if messages_in else None,
            "fallback_rate": round(fallbacks / messages_in, 3) if messages_in else None,
            "median_response_ms": median, "active_users_7d": active[7], "active_users_30d": active[30],
            "new_subscribers": new_subscribers, "publications_sent": publications, "broadcasts": broadcasts,
            "broadcast_deliveries": delivered,
            "broadcast_delivery_rate": round(delivered / attempted, 3) if attempted else None,
        }  # fmt: skip

    def _breakdown(self, period: Period, column: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(
                    column, func.count(func.distinct(LOG.user_ref)), func.count(),
                    func.coalesce(func.sum(case((LOG.outcome == "answered", 1), else_=0)), 0),
                ).where(period.where(LOG.at)).group_by(column).order_by(func.count().desc())
            ).all()  # fmt: skip
        return [
            {"key": key or "–", "users": users, "messages_in": count, "answered": int(answered),
             "fallbacks": count - int(answered)}
            for key, users, count, answered in rows
        ]  # fmt: skip

    def by_channel(self, period: Period) -> list[dict[str, Any]]:
        return self._breakdown(period, LOG.channel)

    def by_area(self, period: Period) -> list[dict[str, Any]]:
        rows = self._breakdown(period, LOG.area)
        for row in rows:
            area = by_key(row["key"])
            row["name"] = area.name if area else "không rõ (web chat, chưa chọn)"
        return rows

    def stats(self, period: Period) -> dict[str, Any]:
        """What `bot stats --json` prints."""
        figures = self.overview(period)
        keys = ("since", "until", "users", "messages_in", "messages_out", "answered", "fallbacks", "publications_sent",
                "broadcast_deliveries")  # fmt: skip
        result = {k: figures[k] for k in keys}
        result["by_channel"] = {r["key"]: {k: v for k, v in r.items() if k != "key"} for r in self.by_channel(period)}
        result["by_area"] = {
            r["key"]: {k: v for k, v in r.items() if k not in ("key", "name")} for r in self.by_area(period)
        }
        return result

    @staticmethod
    def _bucket(connection: Connection, granularity: str) -> Any:
        """The Vietnam-time day, week (its Monday) or month (its first day) of an interaction."""
        if connection.dialect.name == "postgresql":
            return cast(func.date_trunc(granularity, LOG.at + literal_column("interval '7 hours'")), Date)
        shifted = func.datetime(LOG.at, "+7 hours")
        if granularity == "day":
            return func.date(shifted)
        if granularity == "week":  # the Monday of the week
            return func.date(shifted, "weekday 0", "-6 days")
        return func.strftime("%Y-%m-01", shifted)

    def series(self, period: Period, granularity: str = "day") -> list[dict[str, Any]]:
        if granularity not in ("day", "week", "month"):
            raise ValueError("granularity must be day, week or month")
        with self.engine.connect() as connection:
            bucket = self._bucket(connection, granularity).label("bucket")
            rows = connection.execute(
                select(
                    bucket, func.count(), func.count(func.distinct(LOG.user_ref)),
                    func.coalesce(func.sum(case((LOG.outcome == "answered", 1), else_=0)), 0),
                ).where(period.where(LOG.at)).group_by(bucket).order_by(bucket)
            ).all()  # fmt: skip
        return [
            {"period": str(b), "messages_in": n, "users": u, "answered": int(a), "fallbacks": n - int(a)}
            for b, n, u, a in rows
        ]

    def top_topics(self, period: Period, limit: int = 20) -> list[dict[str, Any]]:
        kb = knowledge()
        with self.engine.connect() as connection:
            topics = connection.execute(
                select(LOG.topic, func.count()).where(period.where(LOG.at), LOG.topic.isnot(None))
                .group_by(LOG.topic).order_by(func.count().desc()).limit(limit)
            ).all()  # fmt: skip
            entries = connection.execute(
                select(LOG.entry_id, func.count()).where(period.where(LOG.at), LOG.entry_id.isnot(None))
                .group_by(LOG.entry_id).order_by(func.count().desc()).limit(limit)
            ).all()  # fmt: skip
        return [{"kind": "topic", "key": t, "title": kb.topics.get(t, t), "count": n} for t, n in topics] + [
            {"kind": "question", "key": e, "title": (kb.by_id(e).title if kb.by_id(e) else e), "count": n}
            for e, n in entries
        ]

    def unanswered(self, period: Period, limit: int = 200) -> list[dict[str, Any]]:
        """Questions the bot could not answer, grouped by their words (diacritics and case aside)."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(LOG.text, LOG.detail, func.count(), func.max(LOG.at))
                .where(period.where(LOG.at), LOG.outcome == "fallback")
                .group_by(LOG.text, LOG.detail)
                .order_by(func.count().desc())
                .limit(limit * 5)
            ).all()
        groups: dict[str, dict[str, Any]] = {}
        for question, detail, count, last in rows:
            key = " ".join(folded_terms(question))
            group = groups.setdefault(key, {"question": question, "detail": detail, "count": 0, "last": last})
            group["count"] += count
            group["last"] = max(group["last"], last)
        ordered = sorted(groups.values(), key=lambda g: (-g["count"], g["question"]))[:limit]
        for group in ordered:
            group["last"] = (group["last"] + VIETNAM).strftime("%Y-%m-%d %H:%M")
        return ordered

    def publications(self, period: Period) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(PublicationSend.publication_id, PublicationSend.channel, func.count())
                .where(period.where(PublicationSend.sent_at))
                .group_by(PublicationSend.publication_id, PublicationSend.channel)
            ).all()
        totals: dict[str, dict[str, Any]] = {}
        for publication_id, channel, count in rows:
            publication = publication_by_id(publication_id)
            row = totals.setdefault(publication_id, {"publication": publication_id,
                                                     "title": publication.title if publication else publication_id,
                                                     "sends": 0, "telegram": 0, "zalo": 0, "webchat": 0})  # fmt: skip
            row["sends"] += count
            row[channel] = row.get(channel, 0) + count
        return sorted(totals.values(), key=lambda r: -r["sends"])

    def broadcasts(self, period: Period) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(Broadcast.id, Broadcast.text, Broadcast.started_at, Broadcast.status, Broadcast.recipients,
                       BroadcastDelivery.area, BroadcastDelivery.status, func.count())
                .join(BroadcastDelivery, BroadcastDelivery.broadcast_id == Broadcast.id)
                .where(period.where(Broadcast.started_at))
                .group_by(Broadcast.id, Broadcast.text, Broadcast.started_at, Broadcast.status, Broadcast.recipients,
                          BroadcastDelivery.area, BroadcastDelivery.status)
                .order_by(Broadcast.id.desc())
            ).all()  # fmt: skip
        result: dict[int, dict[str, Any]] = {}
        for bid, body, started, status, recipients, area, delivery, count in rows:
            started_local = (started + VIETNAM).strftime("%Y-%m-%d %H:%M")
            row = result.setdefault(bid, {"id": bid, "text": body, "started": started_local, "status": status,
                                          "recipients": recipients, "sent": 0, "failed": 0, "blocked": 0, "skipped": 0,
                                          "areas": {}})  # fmt: skip
            if delivery in ("sent", "failed", "blocked", "skipped"):
                row[delivery] += count
            area_row = row["areas"].setdefault(area or "–", {"sent": 0, "total": 0})
            area_row["total"] += count
            area_row["sent"] += count if delivery == "sent" else 0
        return list(result.values())

    def report(self, period: Period) -> dict[str, Any]:
        """Everything a periodic report needs."""
        return {"overview": self.overview(period), "by_channel": self.by_channel(period),
                "by_area": self.by_area(period), "top": self.top_topics(period, 10),
                "publications": self.publications(period), "broadcasts": self.broadcasts(period),
                "unanswered": self.unanswered(period, 15)}  # fmt: skip


def reporting_period(kind: str, anchor: date | None = None) -> Period:
    """The last complete week, month or quarter before ``anchor`` (default: today, Vietnam time)."""
    today = anchor or (datetime.utcnow() + VIETNAM).date()
    if kind == "week":
        end = today - timedelta(days=today.weekday() + 1)
        return Period(end - timedelta(days=6), end)
    if kind == "month":
        end = today.replace(day=1) - timedelta(days=1)
        return Period(end.replace(day=1), end)
    if kind == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        end = today.replace(month=first_month, day=1) - timedelta(days=1)
        return Period(end.replace(month=3 * ((end.month - 1) // 3) + 1, day=1), end)
    raise ValueError("period must be week, month or quarter")


def as_rows(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flatten nested values for CSV."""
    return [{k: (v if not isinstance(v, dict) else "; ".join(f"{a}: {b}" for a, b in v.items())) for k, v in i.items()}
            for i in items]  # fmt: skip
