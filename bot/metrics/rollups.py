"""Writing interactions: the raw rows and, in the same transaction, the daily totals the dashboard
reads (``DailyTraffic``, ``DailyAnswer``, ``DailyResponseTime``, ``DailyUser``).

Everything that stores interactions calls ``record``, and everything that stores what a person waited
(``ReplyTime``, from the gateways and the web app) calls ``record_wait``, so the totals always equal
what a count over the raw rows would give; they only exist so that a year of traffic reads in
milliseconds. Totals are added with an upsert (SQLite and PostgreSQL), in key order so concurrent
writers cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.storage.models import DailyAnswer, DailyResponseTime, DailyTraffic, DailyUser, Interaction, ReplyTime
from bot.vietnam_time import vietnam_day

WAIT, RASA = "wait", "rasa"  # how a response time was measured (DailyResponseTime.measured)
Totals = dict[tuple, tuple[int, ...]]  # key columns (+ extra columns) -> counted columns


def _bump(totals: Totals, key: tuple, *increments: int) -> None:
    current = totals.get(key, (0,) * len(increments))
    totals[key] = tuple(a + b for a, b in zip(current, increments, strict=True))


def _upsert(connection: Connection, table: Table, keys: tuple[str, ...], totals: Totals, *extra: str) -> None:
    """Add ``totals`` ({key tuple (+ extra values): tuple of counts}) to the counted columns of ``table``."""
    if not totals:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    counted = [c.name for c in table.columns if c.name not in keys and c.name not in extra]
    rows = [
        dict(zip((*keys, *extra), key, strict=True)) | dict(zip(counted, values, strict=True))
        for key, values in sorted(totals.items())
    ]
    statement = dialect.insert(table)
    if counted:
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={c: table.c[c] + statement.excluded[c] for c in counted}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    connection.execute(statement, rows)


def record(connection: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Store interaction rows (dicts of ``Interaction`` columns) and add them to the daily totals."""
    rows = list(rows)
    if not rows:
        return
    connection.execute(insert(Interaction), rows)
    traffic: Totals = {}
    answers: Totals = {}
    response_times: Totals = {}
    users: Totals = {}
    for row in rows:
        day, area = vietnam_day(row["at"]), row.get("area") or ""
        _bump(traffic, (day, row["channel"], area, row["outcome"]), 1, row.get("replies") or 0)
        if row.get("entry_id"):
            _bump(answers, (day, row["entry_id"], row.get("topic") or ""), 1)
        if row.get("response_ms") is not None:
            _bump(response_times, (day, RASA, row["response_ms"]), 1)
        users[(day, row["user_ref"], area, row["channel"])] = ()
    _upsert(connection, DailyTraffic.__table__, ("day", "channel", "area", "outcome"), traffic)
    _upsert(connection, DailyAnswer.__table__, ("day", "entry_id"), answers, "topic")
    _upsert(connection, DailyResponseTime.__table__, ("day", "measured", "response_ms"), response_times)
    _upsert(connection, DailyUser.__table__, ("day", "user_ref", "area"), users, "channel")


def record_wait(connection: Connection, row: dict[str, Any]) -> None:
    """Store what a person waited for one message (a dict of ``ReplyTime`` columns) and add it to the
    daily totals; a message recorded before (a retried delivery) is not counted again."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    inserted = connection.execute(dialect.insert(ReplyTime).values(row).on_conflict_do_nothing()).rowcount
    if inserted:
        totals = {(vietnam_day(row["received_at"]), WAIT, row["response_ms"]): (1,)}
        _upsert(connection, DailyResponseTime.__table__, ("day", "measured", "response_ms"), totals)
