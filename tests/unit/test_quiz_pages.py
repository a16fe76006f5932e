"""The "Cuộc thi" pages without a browser: a clear message for every bad input, who may publish, the review's
edits, results with their CSVs. Quiz items are the small set of
tests/unit/test_quizzes.py, so these tests do not depend on knowledge/quiz.yml."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.quizzes import drafting, store
from bot.settings import get_settings
from bot.storage import db
from bot.storage.models import Broadcast, QuizStatus
from bot.web.app import create_app
from tests import metrics_data
from tests.unit.test_quizzes import ITEMS, KB
from tests.unit.test_security import NoRasa, log_in
from tests.unit.test_ticket_pages import PASSWORD, add_account

FORM = {"title": "Thi thử", "questions": "3", "topic": "", "area": "", "start": "2030-12-01T07:00",
        "end": "2030-12-15T22:00", "track": "residents"}  # fmt: skip


@asynccontextmanager
async def dashboard(monkeypatch) -> AsyncIterator[TestClient]:
    metrics_data.seed(db.engine())
    monkeypatch.setattr(drafting, "quiz_items", lambda: drafting.parse_items(ITEMS, KB))
    monkeypatch.setattr(store, "knowledge", lambda: KB)
    add_account(monkeypatch, "docgia", "--role", "staff")
    add_account(monkeypatch, "tinh", "--role", "admin")
    async with TestClient(TestServer(create_app(get_settings(), NoRasa()))) as client:  # type: ignore[arg-type]
        yield client


async def post(client: TestClient, path: str, **data: str) -> tuple[int, str]:
    page = await (await client.get("/dashboard/quizzes")).text()
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    response = await client.post(path, data={"csrf": csrf, **data}, allow_redirects=False)
    return response.status, await response.text()


def message(page: str) -> str:
    return page.split('role="alert">')[1].split("</p>")[0] if 'role="alert">' in page else ""


async def test_bad_input_gets_a_clear_message_then_staff_create_and_review_but_only_officers_publish(
    app_database, monkeypatch
):
    async with dashboard(monkeypatch) as client:
        assert await log_in(client, "docgia", PASSWORD) == 302
        for change, said in [
            ({"title": "  "}, "Tên cuộc thi không được để trống."),
            ({"questions": "mười"}, "Số câu hỏi phải là một số từ 1 đến 30."),
            ({"questions": "31"}, "Số câu hỏi phải từ 1 đến 30."),
            ({"start": "ngày mai"}, "Giờ bắt đầu: chọn ngày và giờ (giờ Việt Nam)."),
            ({"end": "2030-11-30T07:00"}, "Giờ kết thúc phải sau giờ bắt đầu."),
            ({"area": "atlantis"}, "Không có khu vực này."),
            ({"topic": "thoi_tiet"}, "Không có chủ đề này (thoi_tiet). Các chủ đề: nghe_ca."),
        ]:
            status, page = await post(client, "/dashboard/quizzes", **{**FORM, **change})
            assert (status, message(page)) == (400, said), change
        status, _ = await post(client, "/dashboard/quizzes", **FORM)
        assert status == 302
        (quiz,) = [q for q in store.all_quizzes() if q.title == "Thi thử"]
        path = f"/dashboard/quizzes/{quiz.id}"
        first, second, third = store.questions(quiz.id)
        status, page = await post(client, path, action="edit", question=str(first.id), prompt="Câu hỏi mới?",
                                  option=["A1", "", "B1", "  "], correct="2")  # fmt: skip
        assert status == 200 and "Đã lưu câu hỏi." in page
        edited = store.questions(quiz.id)[0]
        assert (edited.prompt, store.options_of(edited), edited.correct) == ("Câu hỏi mới?", ["A1", "B1"], 1)
        status, page = await post(client, path, action="edit", question=str(first.id), prompt="x",
                                  option=["A1", "A1"], correct="0")  # fmt: skip
        assert (status, message(page)) == (400, "Cần từ 2 đến 5 phương án khác nhau, không để trống.")
        status, page = await post(client, path, action="edit", question=str(first.id), prompt="x",
                                  option=["A1", ""], correct="1")  # fmt: skip
        assert (status, message(page)) == (400, "Chọn đáp án đúng trong các phương án đã điền.")
        assert (await post(client, path, action="remove", question=str(third.id)))[0] == 200
        assert (await post(client, path, action="remove", question="99999"))[0] == 400
        assert len(store.questions(quiz.id)) == 2
        assert "Duyệt và xuất bản" not in page
        assert (await post(client, path, action="publish", announce="1"))[0] == 403
        await client.post("/dashboard/logout", data={"csrf": "x"})
    async with TestClient(TestServer(create_app(get_settings(), NoRasa()))) as client:  # type: ignore[arg-type]
        assert await log_in(client, "tinh", PASSWORD) == 302
        status, page = await post(client, path, action="publish", announce="1")
        assert status == 200 and "Đã xuất bản: mở từ 2030-12-01 07:00 đến 2030-12-15 22:00" in page
        assert store.get(quiz.id).status == QuizStatus.PUBLISHED
        with db.session() as session:
            (told,) = session.execute(select(Broadcast).where(Broadcast.created_by_user_id == "tinh")).scalars()
        assert "Thi thử" in told.text and told.created_by_channel == "dashboard"
        status, page = await post(client, path, action="edit", question=str(second.id), prompt="y",
                                  option=["1", "2"], correct="0")  # fmt: skip
        assert (status, message(page)) == (400, "Cuộc thi đã xuất bản thì không sửa được nữa: có thể đã có người thi.")
        assert (await post(client, path, action="publish"))[0] == 400
        assert (await client.get("/dashboard/quizzes/99999")).status == 404


async def test_results_with_their_csv(app_database, monkeypatch):
    async with dashboard(monkeypatch) as client:
        assert await log_in(client, "docgia", PASSWORD) == 302
        page = await (await client.get("/dashboard/quizzes/1/results")).text()
        assert "Ngư dân Lý Sơn Một" in page and "Người chơi 2" not in page  # named only with consent
        response = await client.get("/dashboard/quizzes/1/results?format=csv&table=questions")
        rows = list(csv.DictReader(io.StringIO((await response.text()).lstrip("\ufeff"))))
        assert [(r["Câu"], r["Tỷ lệ đúng"]) for r in rows] == [("1", "0.75"), ("2", "0.5")]
        assert (await client.get("/dashboard/quizzes/1/results?format=csv&table=x")).status == 400
