"""The figures behind rewards at the periodic review ("Khen thưởng"): for each border-post area and each officer,
what they achieved in a period. One function feeds the dashboard page, its CSV and the report (page and PDF).

Who is who: officers are the ``bot officer`` accounts (their areas and post) and the dashboard accounts that
may act (officers and admins; their areas and post), named ``telegram:<id>``, ``zalo:<id>`` or
``dashboard:<username>`` in broadcasts and answers. An area belongs to the post most of its officers name
(bot/campaigns/figures.py), else to the post of a dashboard account covering it. No areas means every area.

Each row has:
- ``subscribers``: active subscribers of its areas who had subscribed by the end of the period;
- ``broadcasts``, ``deliveries``, ``delivery_rate``: broadcasts started in the period by the officer (by the
  post's officers), the messages delivered and delivered / attempted (cancelled ones aside);
- ``tickets_answered``, ``ticket_answer_p50_hours``: questions answered in the period by the officer (in the
  post's name) and the median hours from the question to the answer (bot/tickets/figures.py);
- ``quiz_attempts``, ``quiz_per_subscriber``: contest attempts begun in the period by people of its areas,
  and per subscriber;
- ``trainings_completed``, ``training``: officers' training sets finished in the period (which, when, score);
- ``campaign_started``, ``campaign_subscribed`` (posts only): people brought by the post's campaigns (QR codes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.areas import name_of, split_areas
from bot.broadcasts.officers import posts_by_area
from bot.campaigns.figures import campaign_figures
from bot.quizzes.results import training_summary
from bot.roles import OFFICER_ROLES
from bot.storage.models import (
    Broadcast,
    BroadcastDelivery,
    DashboardUser,
    DeliveryStatus,
    Officer,
    Quiz,
    QuizAttempt,
    Subscriber,
    SubscriberStatus,
    Ticket,
)
from bot.tickets.figures import percentile, ticket_figures

if TYPE_CHECKING:
    from bot.metrics.figures import Period

EVERY_AREA = "mọi khu vực"


@dataclass(frozen=True)
class Person:
    """An officer as the figures see them: who acts (``actor``), their name, post and areas (empty: every area)."""

    actor: str
    name: str
    post: str | None
    areas: tuple[str, ...]
    officer_id: int | None = None


def _people(connection: Connection) -> list[Person]:
    officers = [
        Person(f"{o.channel}:{o.channel_user_id}", o.name or f"{o.channel}:{o.channel_user_id}", o.post,
               tuple(split_areas(o.areas)), o.id)
        for o in connection.execute(select(Officer).order_by(Officer.id))
    ]  # fmt: skip
    accounts = [
        Person(f"dashboard:{u.username}", u.username, u.post, tuple(split_areas(u.areas)))
        for u in connection.execute(
            select(DashboardUser).where(DashboardUser.role.in_(OFFICER_ROLES)).order_by(DashboardUser.username)
        )
    ]
    return officers + accounts


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _area_names(keys: Iterable[str]) -> str:
    keys = list(keys)
    if not keys:
        return EVERY_AREA
    return ", ".join(name_of(key, key) for key in keys)


def rewards_figures(connection: Connection, period: Period) -> dict[str, Any]:
    """``posts`` (one row per border post named by an officer or account, by name) and ``officers`` (one row per
    officer, posts' order then name), with the keys of the module's docstring."""
    people = _people(connection)
    post_of_area = posts_by_area(connection)
    for person in people:
        for area in person.areas:
            if person.post:
                post_of_area.setdefault(area, person.post)
    post_names = sorted({p.post for p in people if p.post} | set(post_of_area.values()))
    post_areas = {post: tuple(sorted(a for a, named in post_of_area.items() if named == post)) for post in post_names}

    subscribers = dict(
        connection.execute(
            select(Subscriber.area, func.count())
            .where(Subscriber.status == SubscriberStatus.ACTIVE, Subscriber.consent_at < period.end)
            .group_by(Subscriber.area)
        ).all()
    )
    attempts = dict(
        connection.execute(
            select(QuizAttempt.area, func.count())
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .where(Quiz.track == "residents", period.where(QuizAttempt.started_at))
            .group_by(QuizAttempt.area)
        ).all()
    )
    broadcasts = _broadcasts(connection, period)
    waits: dict[str, list[float]] = defaultdict(list)
    for actor, opened_at, answered_at in connection.execute(
        select(Ticket.answered_by, Ticket.opened_at, Ticket.answered_at).where(
            period.where(Ticket.answered_at), Ticket.opened_at.is_not(None)
        )
    ):
        waits[actor].append((answered_at - opened_at).total_seconds() / 3600)
    tickets_by_post = {row["name"]: row for row in ticket_figures(connection, period)["by_post"]}
    trainings = [t for t in training_summary(period, connection) if t["completed"]]
    campaigns = {row["name"]: row for row in campaign_figures(connection, period)["by_post"]}

    def reach(keys: tuple[str, ...]) -> dict[str, Any]:
        """Subscribers and contest attempts of these areas (none: every area)."""
        people_there = sum(n for area, n in subscribers.items() if not keys or area in keys)
        played = sum(n for area, n in attempts.items() if not keys or area in keys)
        return {"areas": _area_names(keys), "subscribers": people_there, "quiz_attempts": played,
                "quiz_per_subscriber": _rate(played, people_there)}  # fmt: skip

    def sent(actors: Iterable[str]) -> dict[str, Any]:
        count, delivered, attempted = (sum(broadcasts[a][i] for a in actors if a in broadcasts) for i in range(3))
        return {"broadcasts": count, "deliveries": delivered, "delivery_rate": _rate(delivered, attempted)}

    def trained(rows: list[dict[str, Any]]) -> dict[str, Any]:
        done = (f"{t['set']} ({t['finished_at']}, {t['score']}/{t['of']})" for t in rows)
        return {"trainings_completed": len(rows), "training": "; ".join(done)}

    officers = []
    for person in people:
        answered = waits.get(person.actor, [])
        p50 = percentile(answered, 0.5)
        officers.append({
            "name": person.name, "actor": person.actor, "post": person.post or "", **reach(person.areas),
            **sent([person.actor]), "tickets_answered": len(answered),
            "ticket_answer_p50_hours": None if p50 is None else round(p50, 1),
            **trained([t for t in trainings if person.officer_id is not None and t["officer_id"] == person.officer_id]),
        })  # fmt: skip
    posts = []
    for post in post_names:
        answered_row = tickets_by_post.get(post, {})
        brought = campaigns.get(post, {})
        posts.append({
            "post": post, **reach(post_areas[post]), **sent([p.actor for p in people if p.post == post]),
            "tickets_answered": answered_row.get("tickets_answered", 0),
            "ticket_answer_p50_hours": answered_row.get("ticket_answer_p50_hours"),
            **trained([t for t in trainings if t["post"] == post]),
            "campaign_started": brought.get("started", 0), "campaign_subscribed": brought.get("subscribed", 0),
        })  # fmt: skip
    order = {post: i for i, post in enumerate(post_names)}
    officers.sort(key=lambda row: (order.get(row["post"], len(order)), row["name"]))
    return {"posts": posts, "officers": officers}


def _broadcasts(connection: Connection, period: Period) -> dict[str, list[int]]:
    """{actor: [broadcasts started in the period, delivered, attempted (not cancelled)]}."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = connection.execute(
        select(Broadcast.id, Broadcast.created_by_channel, Broadcast.created_by_user_id).where(
            period.where(Broadcast.started_at)
        )
    ).all()
    actor_of = {bid: f"{channel}:{user}" for bid, channel, user in rows}
    for actor in actor_of.values():
        found[actor][0] += 1
    deliveries = connection.execute(
        select(BroadcastDelivery.broadcast_id, BroadcastDelivery.status, func.count())
        .where(BroadcastDelivery.broadcast_id.in_(list(actor_of)))
        .group_by(BroadcastDelivery.broadcast_id, BroadcastDelivery.status)
    ).all()
    for bid, status, count in deliveries:
        if status != DeliveryStatus.CANCELLED:
            found[actor_of[bid]][2] += count
        if status == DeliveryStatus.SENT:
            found[actor_of[bid]][1] += count
    return found


def quiz_totals(connection: Connection, period: Period) -> dict[str, int]:
    """For `bot stats --json`: contest attempts begun in the period (``quiz_participants``) and officers'
    training sets finished in it (``trainings_completed``)."""
    by_track = dict(
        connection.execute(
            select(Quiz.track, func.count())
            .select_from(QuizAttempt)
            .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
            .where(period.where(QuizAttempt.started_at))
            .group_by(Quiz.track)
        ).all()
    )
    completed = connection.execute(
        select(func.count())
        .select_from(QuizAttempt)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(Quiz.track == "officers", period.where(QuizAttempt.finished_at))
    ).scalar_one()
    return {"quiz_participants": by_track.get("residents", 0), "trainings_completed": completed}
