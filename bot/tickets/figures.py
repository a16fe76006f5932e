"""Tickets in the periodic review: how many were opened and answered in a period, and how long people waited.

A ticket counts as opened in the period its person said yes (``opened_at``), as answered in the period the
answer was given (``answered_at``), whatever happened in between; drafts and tickets closed without an answer
have no answer time. The hours from ``opened_at`` to ``answered_at`` of the tickets answered in the period give
the median (p50) and the 90th percentile (p90), interpolated between the two nearest waits (as a spreadsheet's
PERCENTILE does): the median of 1, 2, 4 and 10 hours is 3. By area and by the border post that answered
(``answered_by_post``; "Bộ đội Biên phòng tỉnh" when the answer named none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.areas import name_of
from bot.storage.models import Ticket

if TYPE_CHECKING:
    from bot.metrics.figures import Period

PROVINCE_POST = "Bộ đội Biên phòng tỉnh"
NO_AREA = "không rõ khu vực"
SUMMARY_KEYS = ("tickets", "tickets_answered", "ticket_answer_p50_hours", "ticket_answer_p90_hours")


def percentile(values: Iterable[float], fraction: float) -> float | None:
    """The ``fraction`` percentile (0.5: the median), linear between the nearest ranks; None without values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = fraction * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _answered(waits: list[float]) -> dict[str, Any]:
    p50, p90 = percentile(waits, 0.5), percentile(waits, 0.9)
    return {"tickets_answered": len(waits),
            "ticket_answer_p50_hours": None if p50 is None else round(p50, 1),
            "ticket_answer_p90_hours": None if p90 is None else round(p90, 1)}  # fmt: skip


def ticket_figures(connection: Connection, period: Period) -> dict[str, Any]:
    """The ``SUMMARY_KEYS`` for the period, with ``by_area`` and ``by_post`` rows (``key``, ``name`` and the
    same keys; a border post has no ``tickets``: a ticket has one only once answered), busiest first."""
    opened = dict(
        connection.execute(
            select(Ticket.area, func.count()).where(period.where(Ticket.opened_at)).group_by(Ticket.area)
        ).all()
    )
    answered = connection.execute(
        select(Ticket.area, Ticket.answered_by_post, Ticket.opened_at, Ticket.answered_at).where(
            period.where(Ticket.answered_at), Ticket.opened_at.is_not(None)
        )
    ).all()
    waits: list[float] = []
    by_area: dict[str | None, list[float]] = defaultdict(list)
    by_post: dict[str, list[float]] = defaultdict(list)
    for area, post, opened_at, answered_at in answered:
        hours = (answered_at - opened_at).total_seconds() / 3600
        waits.append(hours)
        by_area[area].append(hours)
        by_post[post or PROVINCE_POST].append(hours)
    areas = [
        {"key": area or "–", "name": name_of(area, NO_AREA), "tickets": opened.get(area, 0), **_answered(by_area[area])}
        for area in set(opened) | set(by_area)
    ]
    posts = [{"key": post, "name": post, **_answered(hours)} for post, hours in by_post.items()]
    busiest = lambda row: (-row.get("tickets", 0), -row["tickets_answered"], row["name"])  # noqa: E731
    return {"tickets": sum(opened.values()), **_answered(waits), "by_area": sorted(areas, key=busiest),
            "by_post": sorted(posts, key=busiest)}  # fmt: skip
