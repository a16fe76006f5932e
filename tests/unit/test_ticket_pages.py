"""The dashboard's "Hỏi cán bộ" side without a browser: accounts limited to areas and named with a border post
(`bot user add --area --post`), answering and closing from the page with a clear message for every refusal,
and the draft knowledge entry an answered ticket gives, which `bot kb check` refuses until staff fill it in."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot import cli
from bot.knowledge.base import KnowledgeError, parse_knowledge
from bot.knowledge.drafts import draft_entry
from bot.settings import get_settings
from bot.storage import db
from bot.storage.models import DashboardUser, Ticket, TicketEvent, TicketMessage, TicketStatus
from bot.web import auth
from bot.web.app import create_app
from tests import metrics_data
from tests.unit.test_security import NoRasa, log_in

PASSWORD = "song-to-gio-lon-2026"
QUESTION = {n: f"Câu hỏi gửi cán bộ số {n}" for n in range(1, 11)}


def add_account(monkeypatch, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    return cli.main(["user", "add", *argv])


def account(username: str) -> DashboardUser:
    with db.session() as session:
        return session.execute(select(DashboardUser).where(DashboardUser.username == username)).scalar_one()


def test_accounts_get_areas_by_name_and_a_border_post(app_database, monkeypatch, capsys):
    assert add_account(monkeypatch, "lyson", "--role", "officer", "--area", "Lý Sơn", "--area", "Phổ Thạnh",
                       "--post", "Đồn Biên phòng Lý Sơn") == 0  # fmt: skip
    assert (account("lyson").areas, account("lyson").post) == ("ly_son,sa_huynh", "Đồn Biên phòng Lý Sơn")
    assert add_account(monkeypatch, "lyson", "--role", "officer") == 0  # a new password keeps areas and post
    assert (account("lyson").areas, account("lyson").post) == ("ly_son,sa_huynh", "Đồn Biên phòng Lý Sơn")
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # an unknown name is refused before a password is read
    assert cli.main(["user", "add", "khac", "--role", "officer", "--area", "Hoàng Sa Mới"]) == 2
    assert "không biết khu vực 'Hoàng Sa Mới'" in capsys.readouterr().err
    assert cli.main(["user", "add", "khac", "--role", "officer", "--area", "Nguyễn Nghiêm"]) == 2
    assert "Ghi rõ tên hoặc mã khu vực" in capsys.readouterr().err
    assert [u.username for u in auth.list_users()] == ["lyson"]


@asynccontextmanager
async def dashboard(monkeypatch) -> AsyncIterator[TestClient]:
    metrics_data.seed(db.engine())
    add_account(monkeypatch, "lyson", "--role", "officer", "--area", "ly_son", "--post", "Đồn Biên phòng Lý Sơn")
    add_account(monkeypatch, "tinh", "--role", "admin")
    add_account(monkeypatch, "docgia", "--role", "staff")
    async with TestClient(TestServer(create_app(get_settings(), NoRasa()))) as client:  # type: ignore[arg-type]
        yield client


async def act(client: TestClient, number: int, action: str, text: str = "", query: str = "") -> tuple[int, str]:
    page = await (await client.get("/dashboard/tickets")).text()
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    response = await client.post(f"/dashboard/tickets{query}", data={"csrf": csrf, "id": str(number),
                                                                     "action": action, "text": text})  # fmt: skip
    return response.status, await response.text()


def ticket(question: str) -> Ticket:
    with db.session() as session:
        return session.execute(select(Ticket).where(Ticket.question == question)).scalar_one()


async def test_an_officer_sees_their_area_answers_once_and_every_refusal_is_explained(app_database, monkeypatch):
    async with dashboard(monkeypatch) as client:
        assert await log_in(client, "lyson", PASSWORD) == 302
        page = await (await client.get("/dashboard/tickets")).text()
        assert QUESTION[5] in page and QUESTION[7] in page  # their area, and the one without an area
        assert QUESTION[4] not in page and QUESTION[6] not in page  # Sa Huỳnh's
        opened = ticket(QUESTION[5]).id
        status, page = await act(client, opened, "answer", "   ")
        assert status == 400 and "Câu trả lời phải là chữ và không để trống" in page
        status, page = await act(client, opened, "answer", "Bà con mang giấy tờ tàu đến đồn.", "?status=open")
        assert status == 200 and f"Đã gửi câu trả lời cho câu hỏi số {opened}." in page
        assert QUESTION[5] not in page  # the page keeps its filter: no open ticket is left for them
        status, page = await act(client, opened, "answer", "Trả lời lần hai")
        assert status == 409 and f"Câu hỏi số {opened} đã được lyson trả lời lúc" in page
        status, page = await act(client, ticket(QUESTION[6]).id, "answer", "Không phải khu vực này")
        assert status == 409 and "không thuộc khu vực của đồng chí" in page
        assert (await act(client, 99999, "close"))[0] == 400
        assert (await client.get("/dashboard/tickets?status=bogus")).status == 400
    answered = ticket(QUESTION[5])
    assert (answered.status, answered.answered_by, answered.answered_by_post) == (
        TicketStatus.ANSWERED, "dashboard:lyson", "Đồn Biên phòng Lý Sơn")  # fmt: skip
    with db.session() as session:
        (queued,) = session.execute(select(TicketMessage).where(TicketMessage.kind == "answer")).scalars()
        viewers = set(session.execute(select(TicketEvent.actor).where(TicketEvent.action == "viewed")).scalars())
    assert queued.channel_user_id == "705" and queued.text.startswith("Trả lời của Đồn Biên phòng Lý Sơn")
    assert viewers == {"dashboard:lyson"}


async def test_an_admin_closes_and_answers_a_taken_ticket_and_staff_only_read(app_database, monkeypatch):
    async with dashboard(monkeypatch) as client:
        assert await log_in(client, "docgia", PASSWORD) == 302
        page = await (await client.get("/dashboard/tickets?overdue=1")).text()
        assert QUESTION[6] in page and QUESTION[4] not in page and 'name="text"' not in page
        assert (await act(client, ticket(QUESTION[5]).id, "close"))[0] == 403
        client.session.cookie_jar.clear()
        assert await log_in(client, "tinh", PASSWORD) == 302
        status, page = await act(client, ticket(QUESTION[5]).id, "close")
        assert status == 200 and f"Đã đóng câu hỏi số {ticket(QUESTION[5]).id}." in page
        status, page = await act(client, ticket(QUESTION[6]).id, "answer", "Đồn đã liên hệ với bà con.")
        assert status == 200  # taken by an officer in a chat: an admin on the dashboard may still answer
    assert ticket(QUESTION[5]).status == TicketStatus.CLOSED
    taken = ticket(QUESTION[6])
    assert (taken.status, taken.answered_by_post) == (TicketStatus.ANSWERED, None)


async def test_an_answered_ticket_gives_a_draft_entry_the_knowledge_check_refuses(app_database, monkeypatch):
    async with dashboard(monkeypatch) as client:
        assert await log_in(client, "docgia", PASSWORD) == 302
        answered = ticket(QUESTION[1]).id
        page = await (await client.get("/dashboard/tickets?status=answered")).text()
        assert f'href="/dashboard/tickets/{answered}/draft"' in page
        assert QUESTION[1] in await (await client.get(f"/dashboard/tickets/{answered}/draft")).text()
        download = await client.get(f"/dashboard/tickets/{answered}/draft?format=text")
        assert "attachment" in download.headers["Content-Disposition"]
        snippet = await download.text()
        assert (await client.get(f"/dashboard/tickets/{ticket(QUESTION[5]).id}/draft")).status == 409
        assert (await client.get(f"/dashboard/tickets/{ticket(QUESTION[10]).id}/draft")).status == 404  # a draft
    assert snippet == draft_entry(ticket(QUESTION[1]))
    (entry,) = yaml.safe_load("entries:\n" + snippet)["entries"]
    assert entry["questions"][0] == QUESTION[1] and "Trả lời câu hỏi số 1" not in str(entry)  # only a comment
    assert "  #   Trả lời câu hỏi số 1" in snippet
    with pytest.raises(KnowledgeError, match="topic, title, facts, answer, source, questions still hold TODO"):
        parse_knowledge({"topics": {"vung_bien": "Vùng biển"}, "entries": [entry]})
    filled = {**entry, "topic": "vung_bien", "title": "Giấy tờ tàu", "facts": ["LB-01"],
              "answer": "Bà con mang giấy tờ đến đồn.", "source": "Luật Biên phòng 2020",
              "questions": [QUESTION[1], "giay to tau", "giấy tờ tàu", "mat giay to", "làm lại giấy tờ"]}  # fmt: skip
    assert parse_knowledge({"topics": {"vung_bien": "Vùng biển"}, "entries": [filled]}).entries[0].id == entry["id"]


def test_bot_kb_check_refuses_an_unfilled_draft(app_database, tmp_path, monkeypatch, capsys):
    metrics_data.seed(db.engine())
    kb = tmp_path / "kb.yml"
    with db.session() as session:
        ticket = session.get(Ticket, 1)
    kb.write_text("topics:\n  vung_bien: Vùng biển\nentries:\n" + draft_entry(ticket), encoding="utf-8")
    monkeypatch.setenv("BOT_KNOWLEDGE_FILE", str(kb))
    get_settings.cache_clear()
    assert cli.main(["kb", "check"]) == 1
    assert "still hold TODO" in capsys.readouterr().err
