"""Tickets in the periodic review, on a known set of tickets (tests/metrics_data.py): opened and answered in a
period, hours to answer by area and by border post, in `bot stats --json`, the overview, the report and its PDF."""

from __future__ import annotations

import json

import pytest

from bot import cli
from bot.metrics.figures import Figures, Period
from bot.metrics.report import report_pdf
from bot.storage import db
from bot.tickets.figures import PROVINCE_POST, percentile
from tests import metrics_data

PERIOD = Period.parse(metrics_data.SINCE, metrics_data.UNTIL)


@pytest.fixture
def figures(app_database) -> Figures:
    metrics_data.seed(db.engine())
    return Figures()


def test_percentiles_interpolate_between_the_nearest_waits():
    assert percentile([10, 1, 4, 2], 0.5) == 3  # the median of an even count: halfway between the middle two
    assert percentile([1, 2, 4, 10, 12], 0.5) == 4 and percentile([1, 2, 4, 10, 12], 0.9) == pytest.approx(11.2)
    assert percentile([7], 0.9) == 7 and percentile([], 0.5) is None


def test_opened_answered_and_hours_to_answer_in_the_period(figures):
    tickets = figures.tickets(PERIOD)
    assert {k: tickets[k] for k in metrics_data.EXPECTED_TICKETS} == metrics_data.EXPECTED_TICKETS
    by_area = {r["key"]: (r["tickets"], r["tickets_answered"], r["ticket_answer_p50_hours"],
                          r["ticket_answer_p90_hours"]) for r in tickets["by_area"]}  # fmt: skip
    assert by_area == {"ly_son": (4, 3, 2.0, 10.0), "sa_huynh": (3, 2, 7.0, 9.4), "–": (1, 0, None, None)}
    assert [r["name"] for r in tickets["by_area"]] == ["Đặc khu Lý Sơn", "Phường Sa Huỳnh", "không rõ khu vực"]
    by_post = [(r["name"], r["tickets_answered"], r["ticket_answer_p50_hours"]) for r in tickets["by_post"]]
    assert by_post == [(metrics_data.LY_SON, 3, 2.0), (PROVINCE_POST, 1, 4.0), (metrics_data.SA_HUYNH, 1, 10.0)]
    november = figures.tickets(Period.parse("2026-11-01", "2026-11-30"))
    assert (november["tickets"], november["tickets_answered"], november["ticket_answer_p50_hours"]) == (0, 1, 8.0)
    empty = figures.tickets(Period.parse("2026-01-01", "2026-01-31"))
    assert (empty["tickets"], empty["ticket_answer_p50_hours"], empty["by_area"]) == (0, None, [])


def test_bot_stats_json_and_the_overview_have_the_ticket_figures(figures, capsys):
    assert cli.main(["stats", "--json", "--since", metrics_data.SINCE, "--until", metrics_data.UNTIL]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert {k: stats[k] for k in metrics_data.EXPECTED_TICKETS} == metrics_data.EXPECTED_TICKETS
    assert stats["tickets_by_area"]["ly_son"]["ticket_answer_p90_hours"] == 10.0
    assert stats["tickets_by_post"][PROVINCE_POST]["tickets_answered"] == 1
    overview = figures.overview(PERIOD)
    assert {k: overview[k] for k in metrics_data.EXPECTED_TICKETS} == metrics_data.EXPECTED_TICKETS


def test_the_overview_report_and_pdf_show_them(figures):
    from bot.web import dashboard
    from bot.web.auth import Login

    login = Login(username="staff", role="staff", csrf_token="t")
    page = dashboard.render("overview.html", login=login, period=PERIOD, summary=figures.overview(PERIOD), series=[],
                            chart="[]", granularity="day", path="/dashboard").text  # fmt: skip
    assert 'data-figure="tickets">8 / 5' in page and 'data-figure="ticket_answer_hours">4.0 giờ / 11.2 giờ' in page
    assert "/dashboard/tickets/figures?since=2026-10-01&until=2026-10-31&format=csv" in page
    report = figures.report(PERIOD)
    page = dashboard.render("report.html", login=login, period=PERIOD, report=report, path="", today="").text
    assert "8 câu hỏi gửi, 5 câu đã trả lời" in page and f"<th>{metrics_data.SA_HUYNH}</th>" in page
    assert report_pdf(report, PERIOD).startswith(b"%PDF")
