"""Vietnam time (UTC+7, no daylight saving), the one place it is defined. The database stores naive UTC;
people read and type Vietnam time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

OFFSET = timedelta(hours=7)


def to_vietnam(moment: datetime) -> datetime:
    """A stored (naive UTC) time as Vietnam wall-clock time."""
    return moment + OFFSET


def from_vietnam(moment: datetime) -> datetime:
    """A Vietnam wall-clock time as naive UTC, for storage and comparison."""
    return moment - OFFSET


def vietnam_day(moment: datetime) -> date:
    """The Vietnam date of a stored UTC time."""
    return to_vietnam(moment).date()


def today() -> date:
    return vietnam_day(datetime.utcnow())


def day_start(day: date) -> datetime:
    """The naive UTC time at which a Vietnam date begins."""
    return from_vietnam(datetime.combine(day, datetime.min.time()))


def shown(moment: datetime | None, layout: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time for people to read, in Vietnam time ("–" when there is none)."""
    return to_vietnam(moment).strftime(layout) if moment else "–"


TYPED = "%Y-%m-%d %H:%M"


def parse_typed(text: str) -> datetime:
    """A time people type, "2026-12-01 07:30" in Vietnam time, as naive UTC. ValueError says the expected form."""
    try:
        return from_vietnam(datetime.strptime(text.strip(), TYPED))
    except ValueError as error:
        raise ValueError(f"thời gian phải có dạng YYYY-MM-DD HH:MM (giờ Việt Nam), không phải {text!r}") from error
