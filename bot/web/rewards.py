"""The dashboard's "Khen thưởng" page: for a period, what each border post and each officer achieved, so the
review can propose rewards from figures (bot/metrics/rewards.py, the same figures as the report), with a CSV."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.web.dashboard import csv_download, figures_of, in_thread, period_of, render

PATH = "/dashboard/rewards"
COLUMNS = [
    ("dimension", "Theo"), ("name", "Đồn biên phòng / cán bộ"), ("post", "Đồn"), ("areas", "Địa bàn"),
    ("subscribers", "Người nhận tin"), ("broadcasts", "Tin đã gửi"), ("deliveries", "Lượt nhận"),
    ("delivery_rate", "Tỷ lệ nhận"), ("tickets_answered", "Câu hỏi đã trả lời"),
    ("ticket_answer_p50_hours", "Giờ đến khi trả lời (trung vị)"), ("quiz_attempts", "Lượt dự thi"),
    ("quiz_per_subscriber", "Dự thi / người nhận tin"), ("trainings_completed", "Bài tập huấn hoàn thành"),
    ("training", "Tập huấn (bài, lúc, điểm)"), ("campaign_started", "Người đến từ chiến dịch"),
    ("campaign_subscribed", "Đăng ký từ chiến dịch"),
]  # fmt: skip
routes = web.RouteTableDef()


def rows(rewards: dict[str, Any]) -> list[dict[str, Any]]:
    """Posts then officers, as one table (the CSV's rows)."""
    return [{"dimension": "đồn biên phòng", "name": row["post"], **row} for row in rewards["posts"]] + [
        {"dimension": "cán bộ", **row} for row in rewards["officers"]
    ]


@routes.get(PATH)
async def rewards_page(request: web.Request) -> web.Response:
    period = period_of(request)
    rewards = await in_thread(figures_of(request).rewards, period)
    if request.query.get("format") == "csv":
        return csv_download(f"khen-thuong-{period.since}-{period.until}", COLUMNS, rows(rewards))
    return render("rewards.html", login=request["login"], period=period, rewards=rewards, path=PATH)
