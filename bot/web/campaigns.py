"""The dashboard's "Chiến dịch" page: what each campaign (a QR code on printed matter, bot/campaigns/) brought in
a date range, per campaign and per border post, as a table and a CSV."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.metrics.figures import Figures, Period
from bot.web.dashboard import table_page

COLUMNS = [("dimension", "Theo"), ("name", "Chiến dịch / đồn biên phòng"), ("code", "Mã"), ("area", "Khu vực"),
           ("post", "Đồn biên phòng"), ("started", "Người bắt đầu"), ("subscribed", "Đăng ký nhận tin"),
           ("asked", "Đã hỏi"), ("played", "Dự thi")]  # fmt: skip
routes = web.RouteTableDef()


def rows(figures: Figures, period: Period) -> list[dict[str, Any]]:
    found = figures.campaigns(period)
    return [{"dimension": "chiến dịch", **row} for row in found["by_campaign"]] + [
        {"dimension": "đồn biên phòng", "code": "", "area": "", "post": row["name"], **row} for row in found["by_post"]
    ]


@routes.get("/dashboard/campaigns")
async def campaign_figures(request: web.Request) -> web.Response:
    title = "Chiến dịch: người đến từ mã QR trên tài liệu in"
    return await table_page(request, "chien-dich", title, COLUMNS, rows)
