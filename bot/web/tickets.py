"""The dashboard's "Hỏi cán bộ" pages: the questions people passed on to officers (bot/tickets/).

Each account sees the tickets of its areas (and those whose person gave none), or every ticket without areas;
every list shown is logged as viewed (``store.listing``). Officers and admins answer or close a ticket from
the list: the answer goes through ``store.answer`` as ``dashboard:<username>``, named with the account's
border post, and is queued for the person like an answer from a chat. Staff read only. An answered ticket
gives a draft knowledge entry (bot/knowledge/drafts.py), and the review's figures have a table and a CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.areas import Area, areas, by_key, split_areas
from bot.knowledge.drafts import draft_entry
from bot.metrics.figures import Figures, Period
from bot.roles import Role
from bot.storage.models import Ticket, TicketStatus
from bot.tickets import store
from bot.tickets.store import OPEN_STATUSES, Actor, area_name
from bot.vietnam_time import shown
from bot.web.auth import Login
from bot.web.dashboard import in_thread, render, table_page

# What each status means to staff ("waiting": answered outside Zalo's free-messaging window).
STATUS_LABELS = {
    TicketStatus.OPEN: "đang chờ cán bộ",
    TicketStatus.TAKEN: "cán bộ đang trả lời",
    TicketStatus.WAITING: "chờ người hỏi nhắn lại",
    TicketStatus.ANSWERED: "đã trả lời",
    TicketStatus.CLOSED: "đã đóng",
}
OVERDUE_HOURS = 24  # "quá 24 giờ chưa trả lời"
ANSWERABLE = OPEN_STATUSES
WITH_ANSWER = (TicketStatus.ANSWERED, TicketStatus.WAITING)
routes = web.RouteTableDef()


def actor_of(login: Login) -> Actor:
    """A dashboard account acting on tickets: officers and admins may answer a ticket another officer took."""
    return Actor(f"dashboard:{login.username}", login.username, login.post, split_areas(login.areas),
                 overrides=login.may(Role.OFFICER))  # fmt: skip


def areas_of(login: Login) -> list[Area]:
    own = [area for area in map(by_key, split_areas(login.areas)) if area is not None]
    return own or list(areas())


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    area: str | None = None
    overdue: bool = False

    @classmethod
    def of(cls, query: Any) -> Filters:
        status, area = query.get("status") or None, query.get("area") or None
        if status is not None and status not in STATUS_LABELS:
            raise web.HTTPBadRequest(text=f"status phải là một trong {', '.join(STATUS_LABELS)}.")
        if area is not None and by_key(area) is None:
            raise web.HTTPBadRequest(text="Không có khu vực này.")
        return cls(status, area, query.get("overdue") == "1")

    def tickets(self, actor: Actor) -> list[Ticket]:
        """Newest first; overdue: open or taken, and opened more than ``OVERDUE_HOURS`` ago."""
        if not self.overdue:
            return store.listing(actor, self.status, self.area)
        statuses = [status for status in OPEN_STATUSES if self.status in (None, status)]
        found = [t for s in statuses for t in store.listing(actor, s, self.area, older_than_hours=OVERDUE_HOURS)]
        return sorted(found, key=lambda ticket: -ticket.id)


async def _page(request: web.Request, message: str | None = None, ok: bool = True, status: int = 200) -> web.Response:
    login: Login = request["login"]
    filters = Filters.of(request.query)
    tickets = await in_thread(filters.tickets, actor_of(login))
    return render("tickets.html", status=status, login=login, tickets=tickets, filters=filters,
                  areas=areas_of(login), statuses=STATUS_LABELS, answerable=ANSWERABLE, with_answer=WITH_ANSWER,
                  message=message, ok=ok, query=request.query_string, shown=shown, area_name=area_name,
                  period=None, path="/dashboard/tickets")  # fmt: skip


@routes.get("/dashboard/tickets")
async def ticket_list(request: web.Request) -> web.Response:
    return await _page(request)


@routes.post("/dashboard/tickets")
async def ticket_action(request: web.Request) -> web.Response:
    """Answer or close a ticket, then the list again (with the filters of the page) and what happened."""
    login: Login = request["login"]
    if not login.may(Role.OFFICER):
        raise web.HTTPForbidden(text="Chỉ cán bộ (vai trò officer hoặc admin) được trả lời hoặc đóng câu hỏi.")
    form = await request.post()
    action, number = str(form.get("action", "")), str(form.get("id", ""))
    if action not in ("answer", "close") or not number.isdigit():
        raise web.HTTPBadRequest(text="Yêu cầu không hợp lệ. Tải lại trang rồi thử lại.")
    ticket_id, actor = int(number), actor_of(login)
    if action == "answer":
        result = await in_thread(store.answer, ticket_id, actor, str(form.get("text", "")))
    else:
        result = await in_thread(store.close, ticket_id, actor)
    if not result.ok:
        return await _page(request, result.message, ok=False, status=409 if result.ticket else 400)
    done = result.message if action == "answer" else f"Đã đóng câu hỏi số {ticket_id}."
    return await _page(request, done)


@routes.get(r"/dashboard/tickets/{id:\d+}/draft")
async def knowledge_draft(request: web.Request) -> web.Response:
    """A draft knowledge entry from an answered ticket: shown, or downloaded (``?format=text``)."""
    ticket_id = int(request.match_info["id"])
    ticket = await in_thread(store.seen, ticket_id, actor_of(request["login"]))
    if ticket is None:
        raise web.HTTPNotFound(text=f"Không có câu hỏi số {ticket_id} trong khu vực của tài khoản này.")
    if ticket.status not in WITH_ANSWER or not ticket.answer:
        raise web.HTTPConflict(text=f"Câu hỏi số {ticket_id} chưa có câu trả lời: chưa tạo được mục kiến thức.")
    snippet = draft_entry(ticket)
    if request.query.get("format") == "text":
        headers = {"Content-Disposition": f'attachment; filename="muc-kien-thuc-nhap-{ticket_id}.yml"'}
        return web.Response(text=snippet, content_type="text/plain", charset="utf-8", headers=headers)
    return render("ticket_draft.html", login=request["login"], ticket=ticket, snippet=snippet, period=None,
                  path="/dashboard/tickets")  # fmt: skip


@routes.get("/dashboard/tickets/figures")
async def ticket_figures(request: web.Request) -> web.Response:
    columns = [("dimension", "Theo"), ("name", "Khu vực / đồn"), ("tickets", "Câu hỏi gửi"),
               ("tickets_answered", "Đã trả lời"), ("ticket_answer_p50_hours", "Giờ đến khi trả lời (trung vị)"),
               ("ticket_answer_p90_hours", "Giờ đến khi trả lời (90%)")]  # fmt: skip

    def compute(figures: Figures, period: Period) -> list[dict[str, Any]]:
        found = figures.tickets(period)
        return [{"dimension": "khu vực", **row} for row in found["by_area"]] + [
            {"dimension": "đồn biên phòng", "tickets": "–", **row} for row in found["by_post"]
        ]

    return await table_page(request, "hoi-can-bo", "Câu hỏi gửi cán bộ: số lượng và thời gian trả lời", columns,
                            compute)  # fmt: skip
