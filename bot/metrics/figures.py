"""The outreach figures, for one date range. The dashboard, its CSV exports, the periodic report and
`bot stats` all call these functions, so they cannot disagree.

Dates are Vietnam dates (UTC+7), both ends included; the database stores UTC. Counts of messages,
people, outcomes and response times come from the daily totals (bot/metrics/rollups.py); the
unanswered questions, publications, subscriptions, broadcasts, tickets (questions passed on to officers,
bot/tickets/figures.py) and the people campaigns brought (bot/campaigns/figures.py) from their own rows.

Every message has one outcome (bot/metrics/outcomes.py): ``answered``, ``choices`` (offered choices),
``declined`` (out of scope) or ``not_understood``; ``fallbacks`` = choices + not understood, as before.
The response time is what people wait (``median_response_ms``, measured by the gateways and the web
app); messages sent straight to Rasa's REST API have Rasa's own time (``median_rasa_ms``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, cast, func, select
from sqlalchemy.engine import Connection, Engine

from bot.areas import by_key
from bot.campaigns.figures import campaign_figures
from bot.knowledge.base import knowledge
from bot.metrics.outcomes import CHOICES, DECLINED, NOT_UNDERSTOOD, OUTCOMES
from bot.metrics.rewards import quiz_totals, rewards_figures
from bot.metrics.rollups import RASA, WAIT
from bot.publications.catalogue import by_id as publication_by_id
from bot.storage import db
from bot.storage.models import (
    Broadcast,
    BroadcastDelivery,
    DailyAnswer,
    DailyResponseTime,
    DailyTraffic,
    DailyUser,
    DeliveryStatus,
    Interaction,
    PublicationSend,
    SubscriptionEvent,
)
from bot.tickets.figures import SUMMARY_KEYS as TICKET_KEYS
from bot.tickets.figures import ticket_figures
from bot.vietnam_time import day_start, shown
from bot.vietnam_time import today as vietnam_today
from bot.vietnamese import folded_terms

LOG = Interaction
# The messages of each outcome, as columns of a query over DailyTraffic.
BY_OUTCOME = [
    func.coalesce(func.sum(case((DailyTraffic.outcome == outcome, DailyTraffic.messages), else_=0)), 0)
    for outcome in OUTCOMES
]


def _outcomes(counts: Iterable[Any]) -> dict[str, int]:
    """{outcome: messages} and ``fallbacks``, from the values of the ``BY_OUTCOME`` columns."""
    result = {outcome: int(n) for outcome, n in zip(OUTCOMES, counts, strict=True)}
    return result | {"fallbacks": result[CHOICES] + result[NOT_UNDERSTOOD]}


@dataclass(frozen=True)
class Period:
    since: date
    until: date

    @property
    def start(self) -> datetime:
        return day_start(self.since)

    @property
    def end(self) -> datetime:
        return day_start(self.until + timedelta(days=1))

    def where(self, column: Any) -> Any:
        """For a UTC time column."""
        return and_(column >= self.start, column < self.end)

    def days(self, column: Any) -> Any:
        """For a Vietnam date column of the daily totals."""
        return and_(column >= self.since, column <= self.until)

    @classmethod
    def parse(cls, since: str | None, until: str | None, default_days: int = 30) -> Period:
        """From "YYYY-MM-DD" strings; missing ends mean the last ``default_days`` days up to today."""
        today = vietnam_today()
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
    def _median(connection: Connection, period: Period, measured: str) -> int | None:
        """The lower median of the response times measured one way (exact: the daily totals count each
        millisecond value)."""
        counts = connection.execute(
            select(DailyResponseTime.response_ms, func.sum(DailyResponseTime.messages))
            .where(period.days(DailyResponseTime.day), DailyResponseTime.measured == measured)
            .group_by(DailyResponseTime.response_ms)
            .order_by(DailyResponseTime.response_ms)
        ).all()
        middle = (sum(n for _, n in counts) - 1) // 2
        for milliseconds, n in counts:
            if middle < n:
                return milliseconds
            middle -= n
        return None

    @staticmethod
    def _people(connection: Connection, period: Period, by: Any = None) -> Any:
        """Distinct people in the period (by a column or expression of ``DailyUser``: {value: people}).
        Counted over a DISTINCT subquery: on PostgreSQL twice as fast as COUNT(DISTINCT)."""
        if by is None:
            people = select(DailyUser.user_ref).where(period.days(DailyUser.day)).distinct().subquery()
            return connection.execute(select(func.count()).select_from(people)).scalar_one()
        people = select(by.label("key"), DailyUser.user_ref).where(period.days(DailyUser.day)).distinct().subquery()
        rows = connection.execute(select(people.c.key, func.count()).group_by(people.c.key)).all()
        return {str(key) if key is not None else None: n for key, n in rows}

    def overview(self, period: Period) -> dict[str, Any]:
        with self.engine.connect() as connection:
            messages_in, messages_out, *counts = connection.execute(
                select(
                    func.coalesce(func.sum(DailyTraffic.messages), 0),
                    func.coalesce(func.sum(DailyTraffic.replies), 0),
                    *BY_OUTCOME,
                ).where(period.days(DailyTraffic.day))
            ).one()
            users = self._people(connection, period)
            active = {
                days: self._people(connection, Period(period.until - timedelta(days=days - 1), period.until))
                for days in (7, 30)
            }
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
            median_wait, median_rasa = self._median(connection, period, WAIT), self._median(connection, period, RASA)
            tickets = ticket_figures(connection, period)
        messages_in, messages_out, outcomes = int(messages_in), int(messages_out), _outcomes(counts)
        attempted = sum(n for s, n in deliveries.items() if s != DeliveryStatus.CANCELLED)
        delivered = deliveries.get(DeliveryStatus.SENT, 0)
        rates = {
            f"{'fallback' if key == 'fallbacks' else key}_rate": round(n / messages_in, 3) if messages_in else None
            for key, n in outcomes.items()
        }
        return {
            "since": period.since.isoformat(), "until": period.until.isoformat(),
            "users": users, "messages_in": messages_in, "messages_out": messages_out, **outcomes, **rates,
            "median_response_ms": median_wait, "median_rasa_ms": median_rasa,
            "active_users_7d": active[7], "active_users_30d": active[30],
            "new_subscribers": new_subscribers, "publications_sent": publications, "broadcasts": broadcasts,
            "broadcast_deliveries": delivered,
            "broadcast_delivery_rate": round(delivered / attempted, 3) if attempted else None,
            **{key: tickets[key] for key in TICKET_KEYS},
        }  # fmt: skip

    def _breakdown(self, period: Period, column: str) -> list[dict[str, Any]]:
        """Messages, people and outcomes by channel or by area."""
        with self.engine.connect() as connection:
            traffic = connection.execute(
                select(DailyTraffic.__table__.c[column], func.sum(DailyTraffic.messages), *BY_OUTCOME)
                .where(period.days(DailyTraffic.day)).group_by(DailyTraffic.__table__.c[column])
            ).all()  # fmt: skip
            people = self._people(connection, period, DailyUser.__table__.c[column])
        rows = [
            {"key": key or "–", "users": people.get(key, 0), "messages_in": int(count), **_outcomes(counts)}
            for key, count, *counts in traffic
        ]
        return sorted(rows, key=lambda r: (-r["messages_in"], r["key"]))

    def by_channel(self, period: Period) -> list[dict[str, Any]]:
        return self._breakdown(period, "channel")

    def by_area(self, period: Period) -> list[dict[str, Any]]:
        rows = self._breakdown(period, "area")
        for row in rows:
            area = by_key(row["key"])
            row["name"] = area.name if area else "không rõ (web chat, chưa chọn)"
        return rows

    def stats(self, period: Period) -> dict[str, Any]:
        """What `bot stats --json` prints."""
        figures = self.overview(period)
        keys = ("since", "until", "users", "messages_in", "messages_out", *OUTCOMES, "fallbacks", "median_response_ms",
                "median_rasa_ms", "publications_sent", "broadcast_deliveries", *TICKET_KEYS)  # fmt: skip
        result = {k: figures[k] for k in keys}
        result["by_channel"] = {r["key"]: {k: v for k, v in r.items() if k != "key"} for r in self.by_channel(period)}
        result["by_area"] = {
            r["key"]: {k: v for k, v in r.items() if k not in ("key", "name")} for r in self.by_area(period)
        }
        result.update(self.quizzes(period))
        tickets = self.tickets(period)
        for part in ("by_area", "by_post"):
            result[f"tickets_{part}"] = {r["key"]: {k: v for k, v in r.items() if k not in ("key", "name")}
                                         for r in tickets[part]}  # fmt: skip
        campaigns = self.campaigns(period)
        result["campaigns"] = {
            **{k: v for k, v in campaigns.items() if not k.startswith("by_")},
            "by_campaign": {r["code"]: {k: v for k, v in r.items() if k != "code"} for r in campaigns["by_campaign"]},
            "by_post": {r["name"]: {k: v for k, v in r.items() if k != "name"} for r in campaigns["by_post"]},
        }
        return result

    def rewards(self, period: Period) -> dict[str, Any]:
        """For rewards at the review: ``posts`` and ``officers`` rows (bot/metrics/rewards.py)."""
        with self.engine.connect() as connection:
            return rewards_figures(connection, period)

    def quizzes(self, period: Period) -> dict[str, int]:
        """``quiz_participants`` (contest attempts begun in the period) and ``trainings_completed``."""
        with self.engine.connect() as connection:
            return quiz_totals(connection, period)

    def tickets(self, period: Period) -> dict[str, Any]:
        """Tickets opened and answered, and the hours to answer, with ``by_area`` and ``by_post`` rows."""
        with self.engine.connect() as connection:
            return ticket_figures(connection, period)

    def campaigns(self, period: Period) -> dict[str, Any]:
        """People brought by the QR codes of printed matter: started, subscribed, asked, played (bot/campaigns/)."""
        with self.engine.connect() as connection:
            return campaign_figures(connection, period)

    @staticmethod
    def _bucket(connection: Connection, day: Any, granularity: str) -> Any:
        """The day, week (its Monday) or month (its first day) of a Vietnam date column."""
        if connection.dialect.name == "postgresql":
            return cast(func.date_trunc(granularity, day), Date)
        if granularity == "day":
            return day
        if granularity == "week":  # the Monday of the week
            return func.date(day, "weekday 0", "-6 days")
        return func.strftime("%Y-%m-01", day)

    def series(self, period: Period, granularity: str = "day") -> list[dict[str, Any]]:
        if granularity not in ("day", "week", "month"):
            raise ValueError("granularity must be day, week or month")
        with self.engine.connect() as connection:
            bucket = self._bucket(connection, DailyTraffic.day, granularity).label("bucket")
            traffic = connection.execute(
                select(bucket, func.sum(DailyTraffic.messages), *BY_OUTCOME)
                .where(period.days(DailyTraffic.day)).group_by(bucket).order_by(bucket)
            ).all()  # fmt: skip
            people = self._people(connection, period, self._bucket(connection, DailyUser.day, granularity))
        return [
            {"period": str(b), "messages_in": int(n), "users": people.get(str(b), 0), **_outcomes(counts)}
            for b, n, *counts in traffic
        ]

    def top_topics(self, period: Period, limit: int = 20) -> list[dict[str, Any]]:
        kb = knowledge()
        total = func.sum(DailyAnswer.messages)
        with self.engine.connect() as connection:
            topics = connection.execute(
                select(DailyAnswer.topic, total).where(period.days(DailyAnswer.day))
                .group_by(DailyAnswer.topic).order_by(total.desc(), DailyAnswer.topic).limit(limit)
            ).all()  # fmt: skip
            entries = connection.execute(
                select(DailyAnswer.entry_id, total).where(period.days(DailyAnswer.day))
                .group_by(DailyAnswer.entry_id).order_by(total.desc(), DailyAnswer.entry_id).limit(limit)
            ).all()  # fmt: skip
        return [{"kind": "topic", "key": t, "title": kb.topics.get(t, t), "count": int(n)} for t, n in topics] + [
            {"kind": "question", "key": e, "title": (kb.by_id(e).title if kb.by_id(e) else e), "count": int(n)}
            for e, n in entries
        ]

    def unanswered(self, period: Period, limit: int = 200) -> list[dict[str, Any]]:
        """Questions the bot did not answer (offered choices, declined, not understood), grouped by their
        words (diacritics and case aside); ``detail`` says which."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(LOG.text, LOG.detail, func.count(), func.max(LOG.at))
                .where(period.where(LOG.at), LOG.outcome.in_((CHOICES, DECLINED, NOT_UNDERSTOOD)))
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
            group["last"] = shown(group["last"])
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
            broadcasts = connection.execute(
                select(Broadcast.id, Broadcast.text, Broadcast.started_at, Broadcast.status, Broadcast.recipients)
                .where(period.where(Broadcast.started_at))
                .order_by(Broadcast.id.desc())
            ).all()
            counts = connection.execute(
                select(BroadcastDelivery.broadcast_id, BroadcastDelivery.status, BroadcastDelivery.area, func.count())
                .where(BroadcastDelivery.broadcast_id.in_([b.id for b in broadcasts]))
                .group_by(BroadcastDelivery.broadcast_id, BroadcastDelivery.status, BroadcastDelivery.area)
            ).all()
        result = {
            bid: {"id": bid, "text": body, "started": shown(started), "status": status,
                  "recipients": recipients, "sent": 0, "failed": 0, "blocked": 0, "skipped": 0, "areas": {}}
            for bid, body, started, status, recipients in broadcasts
        }  # fmt: skip
        for bid, delivery, area, count in counts:
            row = result[bid]
            if delivery in ("sent", "failed", "blocked", "skipped"):
                row[delivery] += count
            area_row = row["areas"].setdefault(area or "–", {"sent": 0, "total": 0})
            area_row["total"] += count
            area_row["sent"] += count if delivery == "sent" else 0
        return [row for row in result.values() if row["areas"]]

    def report(self, period: Period) -> dict[str, Any]:
        """Everything a periodic report needs (the parts are read side by side)."""
        parts: dict[str, Callable[[], Any]] = {
            "overview": lambda: self.overview(period), "by_channel": lambda: self.by_channel(period),
            "by_area": lambda: self.by_area(period), "top": lambda: self.top_topics(period, 10),
            "publications": lambda: self.publications(period), "broadcasts": lambda: self.broadcasts(period),
            "unanswered": lambda: self.unanswered(period, 15), "tickets": lambda: self.tickets(period),
            "rewards": lambda: self.rewards(period),
            "campaigns": lambda: self.campaigns(period),
        }  # fmt: skip
        return side_by_side(parts)


def side_by_side(parts: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run independent queries at the same time (each on its own connection); their results by name."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(part) for name, part in parts.items()}
    return {name: future.result() for name, future in futures.items()}


def reporting_period(kind: str, anchor: date | None = None) -> Period:
    """The last complete week, month or quarter before ``anchor`` (default: today, Vietnam time)."""
    today = anchor or vietnam_today()
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
