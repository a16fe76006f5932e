"""The rewards figures (bot/metrics/rewards.py) on the known records of tests/metrics_data.py, on SQLite and on the
real PostgreSQL server: per border post and per officer, the report (page and PDF), bot stats, and the
"Khen thưởng" page's CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert

from bot.metrics.figures import Figures, Period
from bot.metrics.report import report_pdf
from bot.settings import get_settings
from bot.storage import db
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Broadcast, BroadcastDelivery, DashboardUser, Ticket
from bot.web.app import create_app
from tests import metrics_data
from tests.deployment import temporary_postgres
from tests.unit.test_security import NoRasa, log_in
from tests.unit.test_ticket_pages import PASSWORD, add_account

PERIOD = Period.parse(metrics_data.SINCE, metrics_data.UNTIL)


@pytest.fixture(params=["sqlite", "postgresql"])
def figures(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'bot.db'}"
        upgrade(url)
        engine = make_engine(url)
        metrics_data.seed(engine)
        yield Figures(engine)
        return
    with temporary_postgres() as url:
        upgrade(url)
        engine = make_engine(url)
        metrics_data.seed(engine)
        yield Figures(engine)


def _subset(row: dict, expected: dict) -> dict:
    return {key: row[key] for key in expected}


def test_each_post_and_officer_in_the_period(figures):
    rewards = figures.rewards(PERIOD)
    posts = {row["post"]: row for row in rewards["posts"]}
    assert list(posts) == [metrics_data.LY_SON, metrics_data.SA_HUYNH]
    for post, expected in metrics_data.EXPECTED_REWARD_POSTS.items():
        assert _subset(posts[post], expected) == expected, post
    officers = {row["name"]: row for row in rewards["officers"]}
    assert list(officers) == ["Trung úy A", "Đại úy C", "Thiếu úy B"]  # by post, then by name
    for name, expected in metrics_data.EXPECTED_REWARD_OFFICERS.items():
        assert _subset(officers[name], expected) == expected, name
    assert officers["Trung úy A"]["actor"] == "telegram:901"


def test_a_dashboard_account_counts_with_its_post_and_nothing_outside_the_period(figures):
    with figures.engine.begin() as connection:
        connection.execute(insert(DashboardUser).values(
            username="lyson", password_hash="x", role="officer", areas="ly_son", post=metrics_data.LY_SON))  # fmt: skip
        connection.execute(insert(DashboardUser).values(username="xem", password_hash="x", role="staff"))
        broadcast = connection.execute(insert(Broadcast).values(
            text="Tin của đồn", status="done", created_by_channel="dashboard", created_by_user_id="lyson",
            recipients=2, started_at=metrics_data.vn("2026-10-12"), created_at=metrics_data.vn("2026-10-12"),
        )).inserted_primary_key[0]  # fmt: skip
        connection.execute(insert(BroadcastDelivery), [
            {"broadcast_id": broadcast, "channel": "telegram", "channel_user_id": str(i), "user_ref": f"d{i}",
             "area": "ly_son", "status": status}
            for i, status in enumerate(["sent", "cancelled", "failed"])
        ])  # fmt: skip
        connection.execute(insert(Ticket).values(
            status="answered", channel="zalo", channel_user_id="1", user_ref="z", area="ly_son", question="?",
            opened_at=metrics_data.vn("2026-10-10", 8), answered_at=metrics_data.vn("2026-10-10", 14),
            answered_by="dashboard:lyson", answered_by_post=metrics_data.LY_SON))  # fmt: skip
    rewards = figures.rewards(PERIOD)
    officers = {row["actor"]: row for row in rewards["officers"]}
    assert "dashboard:xem" not in officers  # staff neither broadcast nor answer
    mine = officers["dashboard:lyson"]
    assert _subset(mine, {"post": metrics_data.LY_SON, "subscribers": 3, "broadcasts": 1, "deliveries": 1,
                          "delivery_rate": 0.5, "tickets_answered": 1, "ticket_answer_p50_hours": 6.0,
                          "trainings_completed": 0})  # fmt: skip
    ly_son = next(row for row in rewards["posts"] if row["post"] == metrics_data.LY_SON)
    assert (ly_son["broadcasts"], ly_son["deliveries"], ly_son["delivery_rate"]) == (2, 4, 0.667)
    assert (ly_son["tickets_answered"], ly_son["ticket_answer_p50_hours"]) == (4, 4.0)
    september = figures.rewards(Period.parse("2026-09-01", "2026-09-30"))
    ly_son = next(row for row in september["posts"] if row["post"] == metrics_data.LY_SON)
    assert _subset(ly_son, {"subscribers": 1, "broadcasts": 0, "quiz_attempts": 1, "quiz_per_subscriber": 1.0,
                            "trainings_completed": 0})  # fmt: skip


def test_stats_report_and_pdf_have_them(figures, tmp_path):
    stats = figures.stats(PERIOD)
    assert {k: stats[k] for k in metrics_data.EXPECTED_QUIZ_TOTALS} == metrics_data.EXPECTED_QUIZ_TOTALS
    json.dumps(stats)
    report = figures.report(PERIOD)
    assert report["rewards"] == figures.rewards(PERIOD)
    pdf = report_pdf(report, PERIOD)
    assert pdf.startswith(b"%PDF-")


async def test_the_rewards_page_and_its_csv(app_database, monkeypatch):
    metrics_data.seed(db.engine())
    add_account(monkeypatch, "docgia", "--role", "staff")
    add_account(monkeypatch, "tinh", "--role", "admin")
    async with TestClient(TestServer(create_app(get_settings(), NoRasa()))) as client:  # type: ignore[arg-type]
        assert await log_in(client, "docgia", PASSWORD) == 302
        page = await (
            await client.get(f"/dashboard/rewards?since={metrics_data.SINCE}&until={metrics_data.UNTIL}")
        ).text()
        assert "Trung úy A" in page and metrics_data.SA_HUYNH in page
        response = await client.get(f"/dashboard/rewards?since={metrics_data.SINCE}&until={metrics_data.UNTIL}"
                                    "&format=csv")  # fmt: skip
        rows = {(r["Theo"], r["Đồn biên phòng / cán bộ"]): r
                for r in csv.DictReader(io.StringIO((await response.text()).lstrip("\ufeff")))}  # fmt: skip
        ly_son = rows[("đồn biên phòng", metrics_data.LY_SON)]
        assert (ly_son["Người nhận tin"], ly_son["Tỷ lệ nhận"], ly_son["Lượt dự thi"]) == ("3", "0.75", "2")
        assert rows[("cán bộ", "Trung úy A")]["Câu hỏi đã trả lời"] == "5"
        assert ("cán bộ", "tinh") in rows and ("cán bộ", "docgia") not in rows  # an admin account; staff are not
