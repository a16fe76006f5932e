"""Quizzes in the chat, without servers: a person plays through the gateway (scripted assistant, real database)
one question at a time, resumes where they left, gets one attempt, is named on the leaderboard only if they
agree; old, foreign and late buttons get a polite answer; officers also see their training sets."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, update

from bot import fixed_texts
from bot.broadcasts import officers
from bot.channels.render import Button, OutMessage
from bot.channels.types import TELEGRAM, ZALO
from bot.gateways.conversation import Gateway, Incoming
from bot.gateways.throttle import FloodGuard
from bot.quizzes import results, store
from bot.quizzes.drafting import parse_items
from bot.settings import get_settings
from bot.storage import db
from bot.storage.models import Quiz, QuizAttempt, QuizQuestion, utcnow
from bot.web.app import create_app
from tests.unit.fakes import Assistant
from tests.unit.test_quizzes import ITEMS, KB

ANSWER = [{"text": "Tàu dưới 15 m không phải lắp VMS.", "response": "utter_kb_vms"}]
BOTH_TRACKS = {"items": [{**item, "track": "both"} for item in ITEMS["items"]]}


def make_quiz(title: str = "Tìm hiểu Luật Thủy sản", track: str = "residents", publish: bool = True) -> Quiz:
    now = utcnow()
    quiz = store.create(title, 3, now - timedelta(minutes=1), now + timedelta(days=1), "cli:test", track=track,
                        seed=1, items=parse_items(BOTH_TRACKS, KB))  # fmt: skip
    if publish:
        store.publish(quiz.id, "cli:test")
    return quiz


@pytest.fixture
def gateway(app_database) -> Gateway:
    officers.add("telegram:901", name="Trung úy Hải", areas=["ly_son"], post="Đồn Biên phòng Lý Sơn")
    return Gateway(TELEGRAM, Assistant(ANSWER), FloodGuard(burst=1000))  # type: ignore[arg-type]


def say(gateway: Gateway, text: str, user: str = "42") -> list:
    return asyncio.run(gateway.handle(Incoming(user, text, display_name=f"Ngư dân {user}")))


def texts(messages: list) -> list[str]:
    return [m.text for m in messages]


def payloads(messages: list, prefix: str = "#quiz:") -> list[str]:
    return [b.payload for m in messages for b in m.buttons if b.payload.startswith(prefix)]


def right_payload(messages: list) -> str:
    """The payload of the right option of the question shown last."""
    attempt_id, question_id = map(int, payloads(messages, "#quiz:a:")[0].split(":")[2:4])
    with db.session() as session:
        correct = session.get(QuizQuestion, question_id).correct
    return f"#quiz:a:{attempt_id}:{question_id}:{correct}"


def test_nothing_open_gets_a_polite_answer_and_drafts_are_not_offered(gateway):
    assert texts(say(gateway, "/thi")) == [fixed_texts.QUIZ_NONE]
    make_quiz(publish=False)
    assert texts(say(gateway, "thi tìm hiểu")) == [fixed_texts.QUIZ_NONE]
    assert gateway.rasa.texts == []  # never sent to the assistant  # type: ignore[attr-defined]


def test_a_person_plays_to_the_end_and_agrees_to_be_named(gateway):
    quiz = make_quiz()
    (intro,) = say(gateway, "thi tim hieu")
    assert "“Tìm hiểu Luật Thủy sản”: 3 câu hỏi" in intro.text and "giờ Việt Nam" in intro.text
    assert payloads([intro]) == [f"#quiz:go:{quiz.id}"]
    (question,) = say(gateway, f"#quiz:go:{quiz.id}")
    assert question.text.startswith("Câu 1/3: ") and "\nA. " in question.text
    assert len(payloads([question], "#quiz:a:")) == 4 and question.buttons[0].title.startswith("A. ")
    replies = say(gateway, right_payload([question]))
    feedback, second = texts(replies)
    assert feedback.startswith(fixed_texts.QUIZ_RIGHT) and "\nNguồn: Nguồn " in feedback
    assert second.startswith("Câu 2/3: ")
    wrong = payloads(replies, "#quiz:a:")
    wrong = next(p for p in wrong if p != right_payload(replies))
    feedback, third = texts(replies := say(gateway, wrong))
    assert feedback.startswith(fixed_texts.QUIZ_WRONG + " Đáp án đúng: ") and third.startswith("Câu 3/3: ")
    feedback, done, ask = say(gateway, right_payload(replies))
    assert done.text.startswith("Bà con đã làm xong “Tìm hiểu Luật Thủy sản”: đúng 2/3 câu, trong ")
    assert "“Ngư dân 42”" in ask.text and payloads([ask])[0].endswith(":yes")
    assert texts(say(gateway, payloads([ask])[0])) == [fixed_texts.QUIZ_NAME_SHOWN]
    assert results.results(quiz.id)["leaderboard"][0]["name"] == "Ngư dân 42"
    (again,) = texts(say(gateway, "/thi"))  # one attempt per person
    assert again == fixed_texts.QUIZ_FINISHED_BEFORE.format(title=quiz.title, score=2, total=3)
    assert texts(say(gateway, f"#quiz:go:{quiz.id}")) == [again]


def test_leaving_mid_quiz_resumes_and_old_or_foreign_buttons_are_refused_politely(gateway):
    quiz = make_quiz()
    first = say(gateway, f"#quiz:go:{quiz.id}")
    old = right_payload(first)
    say(gateway, old)
    say(gateway, "lanh hai rong bao nhieu")  # asks something else in between
    resumed = texts(say(gateway, "/thi"))
    assert resumed[0] == fixed_texts.QUIZ_RESUME.format(title=quiz.title) and resumed[1].startswith("Câu 2/3")
    again = texts(say(gateway, old))  # the first question's button, pressed again
    assert again[0] == fixed_texts.QUIZ_ALREADY_ANSWERED and again[1].startswith("Câu 2/3")
    assert texts(say(gateway, old, user="77")) == [fixed_texts.QUIZ_NOT_YOURS]  # someone else's attempt
    for forged in ("#quiz:a:1:x:0", "#quiz:", "#quiz:name:1:maybe", "#quiz:open:abc"):
        assert texts(say(gateway, forged, user="77")) == [fixed_texts.QUIZ_OLD_BUTTON]
    assert texts(say(gateway, "#quiz:go:999", user="77")) == [fixed_texts.QUIZ_CLOSED]
    (declined,) = texts(say(gateway, "#quiz:name:1:no", user="77"))
    assert declined == fixed_texts.QUIZ_NOT_YOURS
    assert store.get_attempt(1).show_name == 0


def test_answers_after_the_end_are_refused_politely(gateway):
    quiz = make_quiz()
    first = say(gateway, f"#quiz:go:{quiz.id}")
    second = say(gateway, right_payload(first))
    with db.session() as session, session.begin():
        session.execute(update(Quiz).where(Quiz.id == quiz.id).values(ends_at=utcnow() - timedelta(seconds=1)))
    (late,) = texts(say(gateway, right_payload(second)))
    assert late.startswith(f"Cuộc thi “{quiz.title}” đã kết thúc lúc ") and late.endswith("bà con đúng 1/1 câu.")
    assert store.get_attempt(1).answered == 1  # not recorded
    assert texts(say(gateway, "/thi")) == [fixed_texts.QUIZ_NONE]


def test_several_open_quizzes_are_buttons_and_officers_also_get_their_training(gateway):
    contest = make_quiz("Tìm hiểu Luật Biển")
    training = make_quiz("Nghiệp vụ tháng 12", track="officers")
    (resident,) = say(gateway, "/thi")
    assert payloads([resident]) == [f"#quiz:go:{contest.id}"]  # residents never see a training set
    assert texts(say(gateway, f"#quiz:go:{training.id}")) == [fixed_texts.QUIZ_CLOSED]
    (listed,) = say(gateway, "cuộc thi", user="901")
    assert [(b.title, b.payload) for b in listed.buttons] == [
        ("Tìm hiểu Luật Biển", f"#quiz:open:{contest.id}"),
        ("Tập huấn: Nghiệp vụ tháng 12", f"#quiz:open:{training.id}"),
    ]
    (intro,) = say(gateway, f"#quiz:open:{training.id}", user="901")
    assert intro.text.startswith("Bộ câu hỏi tập huấn “Nghiệp vụ tháng 12”")
    replies = say(gateway, f"#quiz:go:{training.id}", user="901")
    while payloads(replies, "#quiz:a:"):
        replies = say(gateway, right_payload(replies), user="901")
    assert replies[-1].text.endswith("sổ tập huấn (Đồn Biên phòng Lý Sơn).") and not replies[-1].buttons
    attempt = store.attempt_of(training.id, "telegram", "901")
    assert attempt.officer_id is not None and attempt.post == "Đồn Biên phòng Lý Sơn" and attempt.area == "ly_son"
    (row,) = results.training_summary()
    assert (row["officer"], row["post"], row["completed"], row["score"]) == (
        "Trung úy Hải", "Đồn Biên phòng Lý Sơn", True, 3
    )  # fmt: skip


def test_personal_data_counts_contests_and_deletion_anonymises_them(gateway):
    quiz = make_quiz()
    say(gateway, "#consent:yes")
    say(gateway, f"#quiz:go:{quiz.id}")
    (data,) = texts(say(gateway, "/dulieu"))
    assert "- Số cuộc thi đã tham gia: 1\n" in data
    say(gateway, "#delete:yes")
    assert store.attempt_of(quiz.id, "telegram", "42") is None and store.participants(quiz.id) == 1


def test_a_zalo_question_fits_its_buttons(app_database):
    quiz = make_quiz()
    gateway = Gateway(ZALO, Assistant(ANSWER), FloodGuard(burst=1000))  # type: ignore[arg-type]
    (question,) = say(gateway, f"#quiz:go:{quiz.id}", user="5551")
    assert len(question.buttons) <= ZALO.max_buttons
    assert all(len(b.title) <= ZALO.max_button_title for b in question.buttons)


class WebAssistant(Assistant):
    async def close(self) -> None:
        pass


async def test_the_web_chat_plays_before_the_assistant_with_the_visitor_as_player(app_database):
    quiz = make_quiz()
    rasa = WebAssistant(ANSWER)
    app = create_app(get_settings(), rasa)  # type: ignore[arg-type]
    app["visitors"] = FloodGuard(burst=1000)
    async with TestClient(TestServer(app)) as client:

        async def send(message: str) -> list[dict]:
            response = await client.post("/api/chat", json={"message": message})
            assert response.status == 200
            return (await response.json())["replies"]

        (intro,) = await send("thi tìm hiểu")
        assert [b["payload"] for b in intro["buttons"]] == [f"#quiz:go:{quiz.id}"]
        replies = await send(intro["buttons"][0]["payload"])
        while replies[-1]["buttons"]:
            assert replies[-1]["text"].startswith("Câu ") and len(replies[-1]["buttons"]) == 4
            replies = await send(right_payload([render_back(r) for r in replies]))
        assert replies[-1]["text"].startswith("Bà con đã làm xong") and "đúng 3/3 câu" in replies[-1]["text"]
        assert [r["text"] for r in await send("/thi")] == [
            fixed_texts.QUIZ_FINISHED_BEFORE.format(title=quiz.title, score=3, total=3)
        ]
        assert await send("lanh hai rong bao nhieu") == ANSWER and rasa.texts == ["lanh hai rong bao nhieu"]
    attempt = store.attempt_of(quiz.id, "webchat", client_visitor(quiz.id))
    assert attempt.finished_at is not None and attempt.display_name is None


def render_back(reply: dict) -> OutMessage:
    return OutMessage(reply["text"], tuple(Button(b["title"], b["payload"]) for b in reply.get("buttons", [])))


def client_visitor(quiz_id: int) -> str:
    with db.session() as session:
        return session.execute(select(QuizAttempt.channel_user_id).where(QuizAttempt.quiz_id == quiz_id)).scalar_one()
