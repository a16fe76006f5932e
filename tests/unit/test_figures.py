"""The outreach figures on a known set of records, on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from bot.metrics import rollups
from bot.metrics.figures import Figures, Period, reporting_period
from bot.metrics.outcomes import OUTCOMES
from bot.storage.db import make_engine, upgrade
from tests import metrics_data
from tests.deployment import temporary_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """An empty, upgraded application database: a SQLite file, or a fresh schema on the real PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'bot.db'}"
        upgrade(url)
        yield make_engine(url)
        return
    with temporary_postgres() as url:
        upgrade(url)
        yield make_engine(url)


@pytest.fixture
def figures(database):
    metrics_data.seed(database)
    return Figures(database)


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


def test_daily_totals_equal_counts_over_the_raw_rows(database):
    """Random traffic around Vietnam midnights, written in uneven batches: every figure the dashboard
    takes from the daily totals must equal the same count done directly over the raw rows."""
    rng = random.Random(11)
    first = datetime(2026, 3, 1, 16, 30)  # 23:30 in Vietnam
    entries = [("lanh_hai_rong", "vung_bien"), ("vms_bat_24_24", "nghe_ca"), ("iuu_la_gi", "iuu")]
    rows, waits = [], []
    for n in range(1500):
        entry, topic = rng.choice(entries) if rng.random() < 0.7 else (None, None)
        user = rng.randrange(60)
        at, timed_by = first + timedelta(minutes=rng.randrange(20 * 24 * 60)), rng.choice(["rasa", "gateway", None])
        rows.append({
            "at": at, "channel": ("telegram", "zalo")[user % 2], "user_ref": f"u{user}",  # one person, one channel
            "area": rng.choice(["ly_son", "sa_huynh", None]), "text": "?",
            "outcome": "answered" if entry else rng.choice(OUTCOMES), "detail": "knowledge", "entry_id": entry,
            "topic": topic, "replies": rng.randrange(3), "message_id": f"m{n}",
            "response_ms": rng.randrange(5, 500) if timed_by == "rasa" else None,
        })  # fmt: skip
        if timed_by == "gateway":  # what the person waited, recorded by the gateway (twice: a retried delivery)
            waits += [{"message_id": f"m{n}", "channel": "zalo", "received_at": at,
                       "response_ms": rng.randrange(50, 5000)}] * rng.choice([1, 2])  # fmt: skip
    with database.begin() as connection:
        start = 0
        while start < len(rows):
            size = rng.randrange(1, 200)
            rollups.record(connection, rows[start : start + size])
            start += size
        for wait in waits:
            rollups.record_wait(connection, wait)
    figures = Figures(database)
    for period in (Period.parse("2026-03-02", "2026-03-09"), Period.parse("2026-03-01", "2026-03-31")):
        chosen = [r for r in rows if period.start <= r["at"] < period.end]
        overview = figures.overview(period)
        times = sorted(r["response_ms"] for r in chosen if r["response_ms"] is not None)
        waited = sorted(
            {w["message_id"]: w["response_ms"] for w in waits if period.start <= w["received_at"] < period.end}.values()
        )
        assert overview["users"] == len({r["user_ref"] for r in chosen})
        assert overview["messages_in"] == len(chosen)
        assert overview["messages_out"] == sum(r["replies"] for r in chosen)
        for outcome in OUTCOMES:
            assert overview[outcome] == sum(r["outcome"] == outcome for r in chosen)
        assert overview["fallbacks"] == overview["choices"] + overview["not_understood"]
        assert overview["median_rasa_ms"] == times[(len(times) - 1) // 2]
        assert overview["median_response_ms"] == waited[(len(waited) - 1) // 2]
        for key, breakdown in (("channel", figures.by_channel(period)), ("area", figures.by_area(period))):
            assert {r["key"]: (r["users"], r["messages_in"]) for r in breakdown} == {
                value or "–": (
                    len({r["user_ref"] for r in chosen if r[key] == value}),
                    sum(r[key] == value for r in chosen),
                )
                for value in {r[key] for r in chosen}
            }
        daily = {r["period"]: (r["users"], r["messages_in"]) for r in figures.series(period, "day")}
        days = {(r["at"] + timedelta(hours=7)).date().isoformat() for r in chosen}
        assert daily == {
            day: (
                len({r["user_ref"] for r in chosen if (r["at"] + timedelta(hours=7)).date().isoformat() == day}),
                sum((r["at"] + timedelta(hours=7)).date().isoformat() == day for r in chosen),
            )
            for day in days
        }
        questions = {r["key"]: r["count"] for r in figures.top_topics(period) if r["kind"] == "question"}
        assert questions == {e: sum(r["entry_id"] == e for r in chosen) for e, _ in entries}


def test_the_pages_and_the_pdf_show_the_four_outcomes(figures):
    from bot.metrics.report import report_pdf
    from bot.web import dashboard
    from bot.web.auth import Login

    login = Login(username="staff", role="staff", csrf_token="t")
    summary, series = figures.overview(PERIOD), figures.series(PERIOD)
    page = dashboard.render("overview.html", login=login, period=PERIOD, summary=summary, series=series, chart="[]",
                            granularity="day", path="/dashboard").text  # fmt: skip
    for label in ("Trả lời được", "Đưa ra lựa chọn (nút bấm)", "Từ chối: ngoài phạm vi", "Chưa hiểu"):
        assert label in page
    assert 'data-figure="choices_rate">2 · 20.0%' in page and 'data-figure="median_response_ms">50 ms' in page
    report = figures.report(PERIOD)
    page = dashboard.render("report.html", login=login, period=PERIOD, report=report, path="", today="").text
    assert "Đưa ra lựa chọn (nút bấm)</th><td>2 (20.0%)" in page
    assert report_pdf(report, PERIOD).startswith(b"%PDF")


def test_bot_stats_json_shows_the_four_outcomes_and_both_times(app_database, capsys):
    import json

    from bot import cli
    from bot.storage import db

    metrics_data.seed(db.engine())
    assert cli.main(["stats", "--json", "--since", metrics_data.SINCE, "--until", metrics_data.UNTIL]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert {k: stats[k] for k in ("answered", "choices", "declined", "not_understood", "fallbacks")} == {
        "answered": 7, "choices": 2, "declined": 0, "not_understood": 1, "fallbacks": 3}  # fmt: skip
    assert (stats["median_response_ms"], stats["median_rasa_ms"]) == (50, None)
    assert stats["by_channel"]["webchat"] == metrics_data.EXPECTED_BY_CHANNEL["webchat"]
