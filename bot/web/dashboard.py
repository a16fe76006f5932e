"""The staff dashboard at /dashboard: the outreach figures for a date range, their CSV exports, the
periodic report (page and PDF), the accounts (admins) and a broadcast form (officers). The questions passed
on to officers have their own pages (bot/web/tickets.py).

Every page needs a session (bot/web/auth.py); every form carries the session's CSRF token; templates
are autoescaped, so a message such as "<script>" shows as text.
"""

from __future__ import annotations

import asyncio
import json
import math
import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.areas import areas
from bot.broadcasts import lifecycle as broadcasts
from bot.csv_export import csv_text
from bot.metrics.figures import Figures, Period, as_rows, reporting_period, side_by_side
from bot.metrics.outcomes import OUTCOME_LABELS
from bot.metrics.report import report_pdf
from bot.roles import ROLES, Role
from bot.settings import get_settings
from bot.subscribers import TOPICS
from bot.vietnam_time import shown
from bot.web import auth

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
)
TEMPLATES.globals.update(Role=Role, ROLES=ROLES)
SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "login_csrf"
PAGES = [
    ("/dashboard", "Tổng quan"),
    ("/dashboard/topics", "Chủ đề, câu hỏi"),
    ("/dashboard/unanswered", "Chưa trả lời được"),
    ("/dashboard/channels", "Kênh, khu vực"),
    ("/dashboard/publications", "Tài liệu"),
    ("/dashboard/broadcasts", "Tin đã gửi"),
    ("/dashboard/tickets", "Hỏi cán bộ"),
    ("/dashboard/quizzes", "Cuộc thi"),
    ("/dashboard/campaigns", "Chiến dịch"),
    ("/dashboard/rewards", "Khen thưởng"),
    ("/dashboard/report", "Báo cáo định kỳ"),
]
OUTCOME_COLUMNS = list(OUTCOME_LABELS.items())
routes = web.RouteTableDef()
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def render(name: str, status: int = 200, **context: Any) -> web.Response:
    html = TEMPLATES.get_template(name).render(pages=PAGES, topics=TOPICS, outcomes=OUTCOME_LABELS, **context)
    return web.Response(text=html, content_type="text/html", status=status)


@web.middleware
async def security(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Log-in for every dashboard page, CSRF for every form, and headers that keep pages to themselves."""
    if request.path.startswith("/dashboard"):
        login = await in_thread(auth.current, request.cookies.get(SESSION_COOKIE))
        if login is None:
            raise web.HTTPFound("/login")
        if request.method == "POST":
            form = await request.post()
            if not secrets.compare_digest(str(form.get("csrf", "")), login.csrf_token):
                raise web.HTTPForbidden(text="Phiên làm việc không hợp lệ (CSRF). Tải lại trang rồi thử lại.")
        request["login"] = login
    response = await handler(request)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith(("/dashboard", "/login")):
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
        response.headers.setdefault("Cache-Control", "no-store")
    return response


async def in_thread(function: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(function, *args)


def period_of(request: web.Request) -> Period:
    try:
        return Period.parse(request.query.get("since") or None, request.query.get("until") or None)
    except ValueError as error:
        # The message never repeats what was typed (the page is plain text, but nothing of it is echoed).
        reason = "ngày bắt đầu sau ngày kết thúc" if "after" in str(error) else "dùng dạng YYYY-MM-DD"
        raise web.HTTPBadRequest(text=f"Ngày không hợp lệ: {reason}.") from error


def figures_of(request: web.Request) -> Figures:
    return request.app.setdefault("figures", Figures())


def csv_download(name: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> web.Response:
    cells = ([row.get(key, "") for key, _ in columns] for row in as_rows(rows))
    body = csv_text([label for _, label in columns], cells)
    headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
    return web.Response(text=body, content_type="text/csv", charset="utf-8", headers=headers)


async def table_page(request: web.Request, name: str, title: str, columns: list[tuple[str, str]],
                 compute: Callable[[Figures, Period], list[dict[str, Any]]]) -> web.Response:  # fmt: skip
    period = period_of(request)
    rows = await in_thread(compute, figures_of(request), period)
    if request.query.get("format") == "csv":
        return csv_download(f"{name}-{period.since}-{period.until}", columns, rows)
    return render("table.html", login=request["login"], period=period, title=title, columns=columns,
                  rows=as_rows(rows), path=request.path)  # fmt: skip


# ---- log in / out -----------------------------------------------------------------------------------


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    token = secrets.token_urlsafe(24)
    response = render("login.html", csrf=token, error=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict", secure=_secure(), max_age=3600)
    return response


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    form = await request.post()
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(str(form.get("csrf", "")), expected):
        raise web.HTTPForbidden(text="Phiên đăng nhập không hợp lệ (CSRF). Tải lại trang đăng nhập.")
    hours = get_settings().dashboard_session_hours
    username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
    try:
        token = await in_thread(auth.log_in, username, password, hours, request.remote or "")
    except auth.TooManyFailures as locked:
        minutes = math.ceil(locked.retry_after.total_seconds() / 60)
        error = f"Đăng nhập sai nhiều lần. Để bảo vệ tài khoản, hãy thử lại sau {minutes} phút."
        response = _login_again(429, error)
        response.headers["Retry-After"] = str(math.ceil(locked.retry_after.total_seconds()))
        return response
    if token is None:
        return _login_again(401, "Sai tên đăng nhập hoặc mật khẩu.")
    response = web.HTTPFound("/dashboard")
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=_secure(),
                        max_age=int(hours * 3600))  # fmt: skip
    response.del_cookie(LOGIN_CSRF_COOKIE)
    raise response


def _login_again(status: int, error: str) -> web.Response:
    """The log-in page with an error and a fresh CSRF token."""
    fresh = secrets.token_urlsafe(24)
    response = render("login.html", status=status, csrf=fresh, error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, fresh, httponly=True, samesite="Strict", secure=_secure())
    return response


@routes.post("/dashboard/logout")
async def logout(request: web.Request) -> web.Response:
    await in_thread(auth.log_out, request.cookies.get(SESSION_COOKIE))
    response = web.HTTPFound("/login")
    response.del_cookie(SESSION_COOKIE)
    raise response


def _secure() -> bool:
    return get_settings().dashboard_secure_cookies


# ---- pages ------------------------------------------------------------------------------------------


@routes.get("/dashboard")
async def overview(request: web.Request) -> web.Response:
    period = period_of(request)
    granularity = request.query.get("by", "day")
    if granularity not in ("day", "week", "month"):
        raise web.HTTPBadRequest(text="by phải là day, week hoặc month.")
    figures = figures_of(request)
    summary, series = await asyncio.gather(
        in_thread(figures.overview, period), in_thread(figures.series, period, granularity)
    )
    if request.query.get("format") == "csv":
        columns = [(k, k) for k in summary]
        return csv_download(f"tong-quan-{period.since}-{period.until}", columns, [summary])
    chart = json.dumps(series).replace("<", "\\u003c")
    return render("overview.html", login=request["login"], period=period, summary=summary, series=series,
                  chart=chart, granularity=granularity, path=request.path)  # fmt: skip


@routes.get("/dashboard/series")
async def series_csv(request: web.Request) -> web.Response:
    granularity = request.query.get("by", "day")
    columns = [("period", "Kỳ"), ("messages_in", "Tin nhắn đến"), ("users", "Người"), *OUTCOME_COLUMNS]
    return await table_page(request, f"theo-{granularity}", "Theo thời gian", columns,
                        lambda f, p: f.series(p, granularity))  # fmt: skip


@routes.get("/dashboard/topics")
async def topics(request: web.Request) -> web.Response:
    columns = [("kind", "Loại"), ("title", "Chủ đề / câu hỏi"), ("count", "Số lần trả lời")]
    return await table_page(request, "chu-de", "Chủ đề và câu hỏi được hỏi nhiều", columns, Figures.top_topics)


@routes.get("/dashboard/unanswered")
async def unanswered(request: web.Request) -> web.Response:
    columns = [("question", "Câu hỏi (gộp các cách gõ)"), ("count", "Số lần"), ("detail", "Bot đã làm"),
               ("last", "Lần cuối")]  # fmt: skip
    title = "Câu hỏi bot chưa trả lời (đưa lựa chọn, ngoài phạm vi, chưa hiểu)"
    return await table_page(request, "chua-tra-loi", title, columns, Figures.unanswered)


@routes.get("/dashboard/channels")
async def channels(request: web.Request) -> web.Response:
    columns = [("dimension", "Theo"), ("key", "Kênh / khu vực"), ("users", "Người"), ("messages_in", "Tin nhắn"),
               *OUTCOME_COLUMNS]  # fmt: skip

    def compute(figures: Figures, period: Period) -> list[dict[str, Any]]:
        parts = side_by_side({"channels": lambda: figures.by_channel(period), "areas": lambda: figures.by_area(period)})
        rows = [{"dimension": "kênh", **r} for r in parts["channels"]]
        return rows + [{"dimension": "khu vực", **r, "key": r["name"]} for r in parts["areas"]]

    return await table_page(request, "kenh-khu-vuc", "Theo kênh và khu vực", columns, compute)


@routes.get("/dashboard/publications")
async def publications(request: web.Request) -> web.Response:
    columns = [("title", "Tài liệu"), ("sends", "Lượt gửi"), ("telegram", "Telegram"), ("zalo", "Zalo"),
               ("webchat", "Web")]  # fmt: skip
    return await table_page(request, "tai-lieu", "Tài liệu đã gửi", columns, Figures.publications)


@routes.get("/dashboard/broadcasts")
async def broadcast_list(request: web.Request) -> web.Response:
    columns = [("id", "#"), ("started", "Bắt đầu"), ("text", "Nội dung"), ("status", "Trạng thái"),
               ("recipients", "Người nhận"), ("sent", "Đã gửi"), ("failed", "Lỗi"), ("blocked", "Đã chặn"),
               ("skipped", "Ngoài khung Zalo"), ("areas", "Theo khu vực (đã gửi / tổng)")]  # fmt: skip

    def compute(figures: Figures, period: Period) -> list[dict[str, Any]]:
        rows = figures.broadcasts(period)
        for row in rows:
            row["areas"] = {area: f"{v['sent']}/{v['total']}" for area, v in row["areas"].items()}
        return rows

    return await table_page(request, "tin-da-gui", "Tin đã gửi cho bà con", columns, compute)


@routes.get("/dashboard/report")
async def periodic_report(request: web.Request) -> web.StreamResponse:
    kind = request.query.get("period", "")
    if kind:
        try:
            period = reporting_period(kind)
        except ValueError as error:
            raise web.HTTPBadRequest(text="period phải là week, month hoặc quarter.") from error
    else:
        period = period_of(request)
    data = await in_thread(figures_of(request).report, period)
    if request.query.get("format") == "pdf":
        pdf = await in_thread(report_pdf, data, period)
        name = f"bao-cao-{period.since}-{period.until}.pdf"
        return web.Response(body=pdf, content_type="application/pdf",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
    return render("report.html", login=request["login"], period=period, report=data, path=request.path,
                  today=date.today().isoformat())  # fmt: skip


@routes.get("/dashboard/users")
async def users(request: web.Request) -> web.Response:
    if not request["login"].may(Role.ADMIN):
        raise web.HTTPForbidden(text="Chỉ quản trị viên xem được danh sách tài khoản.")
    accounts, recent = await asyncio.gather(in_thread(auth.list_users), in_thread(auth.recent_failures))
    failures = [(shown(f.at, "%Y-%m-%d %H:%M:%S"), f.username, f.address) for f in recent]
    return render("users.html", login=request["login"], accounts=accounts, failures=failures,
                  window=int(auth.FAILURE_WINDOW.total_seconds() // 60), period=None, path=request.path)  # fmt: skip


@routes.get("/dashboard/broadcast")
async def broadcast_form(request: web.Request) -> web.Response:
    _officer_only(request)
    return render("broadcast.html", login=request["login"], areas=areas(), message=None, period=None,
                  path=request.path, form={})  # fmt: skip


@routes.post("/dashboard/broadcast")
async def broadcast_send(request: web.Request) -> web.Response:
    login = _officer_only(request)
    form = await request.post()
    values = {"text": str(form.get("text", "")), "areas": [str(a) for a in form.getall("area", [])],
              "topics": [str(t) for t in form.getall("topic", [])], "channel": str(form.get("channel", "")) or None,
              "at": str(form.get("at", "")).replace("T", " ")}  # fmt: skip
    try:
        at = broadcasts.parse_local_time(values["at"]) if values["at"] else None
        created = await in_thread(lambda: broadcasts.create(
            values["text"], created_by_channel="dashboard", created_by_user_id=login.username,
            areas=values["areas"], topics=values["topics"], channel=values["channel"], at=at,
        ))  # fmt: skip
        reachable, outside = await in_thread(broadcasts.count_recipients, created)
        message = f"Đã xếp hàng tin #{created.id} đến {reachable} người" + (
            f" ({outside} người Zalo ngoài khung nhắn tin miễn phí sẽ không nhận)." if outside else "."
        )
        return render("broadcast.html", login=login, areas=areas(), message=message, period=None, path=request.path,
                      form={})  # fmt: skip
    except broadcasts.BroadcastError as error:
        return render("broadcast.html", status=400, login=login, areas=areas(), message=f"Lỗi: {error}",
                      period=None, path=request.path, form=values)  # fmt: skip


def _officer_only(request: web.Request) -> auth.Login:
    login: auth.Login = request["login"]
    if not login.may(Role.OFFICER):
        raise web.HTTPForbidden(text="Chỉ cán bộ (vai trò officer hoặc admin) được gửi tin.")
    return login
