"""The outreach figures on a known set of records, on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from bot.metrics.figures import Figures, Period, reporting_period
from bot.storage.db import make_engine, upgrade
from tests import metrics_data
from tests.unit.test_storage import POSTGRES


@pytest.fixture(params=["sqlite", "postgresql"])
def figures(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'bot.db'}"
        upgrade(url)
        metrics_data.seed(make_engine(url))
        yield Figures(make_engine(url))
        return
    schema = f"test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    upgrade(url)
    metrics_data.seed(make_engine(url))
    yield Figures(make_engine(url))
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


PERIOD = Period.parse(metrics_data.SINCE, metrics_data.UNTIL)


def test_overview(figures):
    overview = figures.overview(PERIOD)
    assert {k: overview[k] for k in metrics_data.EXPECTED_OVERVIEW} == metrics_data.EXPECTED_OVERVIEW
    assert overview["active_users_7d"] == 0  # nothing in the last week of October
    assert figures.overview(Period.parse("2026-10-01", "2026-10-05"))["active_users_7d"] == 4


def test_breakdowns(figures):
    channels = {r["key"]: {k: v for k, v in r.items() if k != "key"} for r in figures.by_channel(PERIOD)}
    assert channels == metrics_data.EXPECTED_BY_CHANNEL
    areas = {r["key"]: r["messages_in"] for r in figures.by_area(PERIOD)}
    assert areas == {"ly_son": 6, "sa_huynh": 2, "–": 2}


def test_stats_agree_with_the_overview(figures):
    stats = figures.stats(PERIOD)
    assert stats["users"] == 4 and stats["by_channel"]["zalo"]["messages_in"] == 2
    assert set(stats) >= {"users", "messages_in", "messages_out", "answered", "fallbacks", "publications_sent",
                          "broadcast_deliveries", "by_channel", "by_area"}  # fmt: skip


@pytest.mark.parametrize(
    ("granularity", "expected"),
    [
        ("day", [("2026-10-01", 3), ("2026-10-02", 4), ("2026-10-05", 3)]),
        ("week", [("2026-09-28", 7), ("2026-10-05", 3)]),
        ("month", [("2026-10-01", 10)]),
    ],
)
def test_series_in_vietnam_time(figures, granularity, expected):
    assert [(r["period"], r["messages_in"]) for r in figures.series(PERIOD, granularity)] == expected


def test_unanswered_questions_are_grouped_and_kept_as_typed(figures):
    groups = figures.unanswered(PERIOD)
    assert [(g["question"], g["count"]) for g in groups] == metrics_data.EXPECTED_UNANSWERED


def test_top_topics_publications_and_broadcasts(figures):
    top = {(r["kind"], r["key"]): r["count"] for r in figures.top_topics(PERIOD)}
    assert top[("topic", "nghe_ca")] == 3 and top[("question", "lanh_hai_rong")] == 2
    assert {p["publication"]: p["sends"] for p in figures.publications(PERIOD)} == {
        "so_tay_luat_thuy_san": 1,
        "an_toan_cuu_nan": 1,
    }
    (broadcast,) = figures.broadcasts(PERIOD)
    assert (broadcast["sent"], broadcast["blocked"], broadcast["areas"]["ly_son"]) == (3, 1, {"sent": 2, "total": 3})


def test_reporting_periods():
    from datetime import date

    assert reporting_period("week", date(2026, 11, 26)) == Period(date(2026, 11, 16), date(2026, 11, 22))
    assert reporting_period("month", date(2026, 11, 26)) == Period(date(2026, 10, 1), date(2026, 10, 31))
    assert reporting_period("quarter", date(2026, 11, 26)) == Period(date(2026, 7, 1), date(2026, 9, 30))


def test_bad_dates_are_refused():
    with pytest.raises(ValueError):
        Period.parse("2026-10-31", "2026-10-01")
    with pytest.raises(ValueError):
        Period.parse("31/10/2026", None)
