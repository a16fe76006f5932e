"""The dashboard's "Cuộc thi" pages: contests for residents and training sets for officers (bot/quizzes/).

Every account (staff and above) lists the quizzes, creates a draft (questions drafted from verified knowledge)
and reviews it: rewords a question or its options, chooses the right option, removes a question. Publishing
opens the quiz to the public at its start and, unless unticked, announces it to subscribers with a broadcast:
officers and admins only, as for every broadcast. The results page (any account) has a CSV for each table.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.areas import areas, by_key
from bot.broadcasts.lifecycle import BroadcastError
from bot.knowledge.base import knowledge
from bot.quizzes import announce, results, store
from bot.quizzes.drafting import QuizItemError
from bot.roles import Role
from bot.storage.models import Quiz, QuizStatus
from bot.vietnam_time import parse_typed, shown
from bot.web.auth import Login
from bot.web.dashboard import csv_download, in_thread, render

routes = web.RouteTableDef()
PATH = "/dashboard/quizzes"
TRACKS = {"residents": "Cuộc thi cho bà con", "officers": "Tập huấn cán bộ"}
STATUSES = {QuizStatus.DRAFT: "nháp, chờ duyệt", QuizStatus.PUBLISHED: "đã xuất bản"}


class FormError(ValueError):
    """Bad input on a form: the message is for staff, in Vietnamese."""


def error_text(error: Exception) -> str:
    """The message staff read for an error of the form, the store or the quiz file."""
    said = str(error)
    if isinstance(error, QuizItemError):
        return f"Ngân hàng câu hỏi (knowledge/quiz.yml) đang có lỗi, chưa tạo được cuộc thi: {said}"
    return said


def _typed_time(value: str, what: str) -> Any:
    try:
        return parse_typed(value.replace("T", " "))
    except ValueError as error:
        raise FormError(f"{what}: chọn ngày và giờ (giờ Việt Nam).") from error


def _create(form: dict[str, str], login: Login) -> Quiz:
    count = form["questions"].strip()
    if not count.isdigit():
        raise FormError(f"Số câu hỏi phải là một số từ 1 đến {store.MAX_QUESTIONS}.")
    if form["area"] and by_key(form["area"]) is None:
        raise FormError("Không có khu vực này.")
    if form["track"] not in TRACKS:
        raise FormError("Chọn cuộc thi cho bà con hoặc tập huấn cán bộ.")
    return store.create(
        form["title"], int(count), _typed_time(form["start"], "Giờ bắt đầu"), _typed_time(form["end"], "Giờ kết thúc"),
        f"dashboard:{login.username}", track=form["track"], topic=form["topic"] or None, area=form["area"] or None,
    )  # fmt: skip


def _list_page(request: web.Request, message: str | None = None, form: dict[str, str] | None = None,
               status: int = 200) -> web.Response:  # fmt: skip
    quizzes = store.all_quizzes()
    return render("quizzes.html", status=status, login=request["login"], quizzes=quizzes, message=message,
                  form=form or {"track": "residents", "questions": "10"}, areas=areas(), kb_topics=knowledge().topics,
                  tracks=TRACKS, statuses=STATUSES, shown=shown, area_name=results.area_name,
                  counts={q.id: store.participants(q.id) for q in quizzes}, period=None, path=PATH)  # fmt: skip


@routes.get(PATH)
async def quiz_list(request: web.Request) -> web.Response:
    return await in_thread(_list_page, request)


@routes.post(PATH)
async def quiz_create(request: web.Request) -> web.Response:
    posted = await request.post()
    form = {key: str(posted.get(key, ""))[:300] for key in ("title", "questions", "topic", "area", "start", "end",
                                                              "track")}  # fmt: skip
    try:
        quiz = await in_thread(_create, form, request["login"])
    except (ValueError, store.QuizError) as error:
        return await in_thread(_list_page, request, error_text(error), form, 400)
    raise web.HTTPFound(f"{PATH}/{quiz.id}?created=1")


def _quiz(request: web.Request) -> Quiz:
    quiz = store.get(int(request.match_info["id"]))
    if quiz is None:
        raise web.HTTPNotFound(text="Không có cuộc thi này.")
    return quiz


def _review_page(request: web.Request, message: str | None = None, ok: bool = True, status: int = 200) -> web.Response:
    quiz = _quiz(request)
    if message is None and request.query.get("created"):
        message = "Đã tạo bản nháp. Đọc lại từng câu, sửa nếu cần, rồi xuất bản."
    return render("quiz.html", status=status, login=request["login"], quiz=quiz, questions=store.questions(quiz.id),
                  options_of=store.options_of, letters=store.OPTION_LETTERS, message=message, ok=ok, tracks=TRACKS,
                  statuses=STATUSES, draft=quiz.status == QuizStatus.DRAFT, shown=shown, area_name=results.area_name,
                  kb_topics=knowledge().topics, period=None, path=PATH)  # fmt: skip


@routes.get(PATH + r"/{id:\d+}")
async def quiz_review(request: web.Request) -> web.Response:
    return await in_thread(_review_page, request)


def _edited_options(options: list[str], chosen: str) -> tuple[list[str], int]:
    """The options filled in (empty boxes dropped) and the index of the chosen one among them."""
    kept = [i for i, text in enumerate(options) if text.strip()]
    if not chosen.isdigit() or int(chosen) not in kept:
        raise FormError("Chọn đáp án đúng trong các phương án đã điền.")
    return [options[i] for i in kept], kept.index(int(chosen))


def _act(request: web.Request, form: Any) -> str:
    """Do what the review form asked; what happened, for the page."""
    login: Login = request["login"]
    quiz = _quiz(request)
    action, number = str(form.get("action", "")), str(form.get("question", ""))
    if action in ("edit", "remove"):
        if not number.isdigit() or int(number) not in {q.id for q in store.questions(quiz.id)}:
            raise FormError("Không còn câu hỏi này (có thể vừa bị xóa). Tải lại trang.")
        if action == "remove":
            store.remove_question(int(number))
            return "Đã xóa câu hỏi."
        options, correct = _edited_options([str(o)[:500] for o in form.getall("option", [])], str(form.get("correct")))
        store.edit_question(int(number), str(form.get("prompt", ""))[:1000], options, correct)
        return "Đã lưu câu hỏi."
    if action != "publish":
        raise FormError("Yêu cầu không hợp lệ. Tải lại trang rồi thử lại.")
    if not login.may(Role.OFFICER):
        raise web.HTTPForbidden(text="Chỉ cán bộ (vai trò officer) hoặc quản trị viên được xuất bản cuộc thi.")
    published = store.publish(quiz.id, f"dashboard:{login.username}")
    told = ""
    if form.get("announce") == "1":
        broadcast = announce.announce(published, f"dashboard:{login.username}")
        told = f" Tin báo cho bà con: tin số {broadcast}, gửi lúc cuộc thi mở." if broadcast else ""
    return f"Đã xuất bản: mở từ {shown(published.starts_at)} đến {shown(published.ends_at)} (giờ Việt Nam).{told}"


@routes.post(PATH + r"/{id:\d+}")
async def quiz_change(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        done = await in_thread(_act, request, form)
    except (ValueError, store.QuizError, BroadcastError) as error:
        return await in_thread(_review_page, request, error_text(error), False, 400)
    return await in_thread(_review_page, request, done)


# ---- results ----------------------------------------------------------------------------------------

TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "questions": ("Tỷ lệ trả lời đúng theo câu hỏi", [("position", "Câu"), ("prompt", "Câu hỏi"),
                  ("entry_id", "Mục kiến thức"), ("topic", "Chủ đề"), ("answered", "Lượt trả lời"),
                  ("correct_rate", "Tỷ lệ đúng")]),
    "topics": ("Tỷ lệ trả lời đúng theo chủ đề", [("topic", "Chủ đề"), ("answered", "Lượt trả lời"),
               ("correct_rate", "Tỷ lệ đúng")]),
    "leaderboard": ("Bảng xếp hạng (chỉ ghi tên người đồng ý)", [("rank", "Hạng"), ("name", "Tên"),
                    ("score", "Điểm"), ("of", "Số câu"), ("seconds", "Thời gian (giây)"), ("area", "Khu vực")]),
    "areas": ("Xã, phường, đặc khu: tham gia trên số người nhận tin", [("area", "Khu vực"),
              ("participants", "Người dự thi"), ("subscribers", "Người nhận tin"),
              ("per_subscriber", "Dự thi / người nhận tin"), ("average_score", "Điểm trung bình")]),
    "posts": ("Địa bàn đồn biên phòng: tham gia trên số người nhận tin", [("post", "Đồn biên phòng"),
              ("participants", "Người dự thi"), ("subscribers", "Người nhận tin"),
              ("per_subscriber", "Dự thi / người nhận tin")]),
    "wrong": ("Điều bà con hay trả lời sai, theo khu vực (nơi cần tuyên truyền thêm)", [("area", "Khu vực"),
              ("prompt", "Câu hỏi"), ("entry_id", "Mục kiến thức"), ("answered", "Lượt trả lời"),
              ("wrong_rate", "Tỷ lệ sai")]),
}  # fmt: skip
ROWS_OF = {"wrong": "wrong_by_area"}


@routes.get(PATH + r"/{id:\d+}/results")
async def quiz_results(request: web.Request) -> web.Response:
    quiz_id = int(request.match_info["id"])
    found = await in_thread(results.results, quiz_id)
    if found is None:
        raise web.HTTPNotFound(text="Không có cuộc thi này.")
    if request.query.get("format") == "csv":
        table = request.query.get("table", "")
        if table not in TABLES:
            raise web.HTTPBadRequest(text=f"table phải là một trong {', '.join(TABLES)}.")
        return csv_download(f"cuoc-thi-{quiz_id}-{table}", TABLES[table][1], found[ROWS_OF.get(table, table)])
    tables = [(name, title, columns, found[ROWS_OF.get(name, name)]) for name, (title, columns) in TABLES.items()]
    return render("quiz_results.html", login=request["login"], found=found, quiz_id=quiz_id, tables=tables,
                  tracks=TRACKS, kb_topics=knowledge().topics, period=None, path=PATH)  # fmt: skip
