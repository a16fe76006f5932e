"""Contests end to end: staff create a contest with `bot quiz create`, review it (`bot quiz show`), publish it
(the worker announces it to subscribers); a person plays it on Telegram (through the real gateway and the
Telegram stand-in), leaves in the middle and comes back where they left, agrees to be named; a visitor plays
it in the web chat; `bot quiz results` counts both and names only the one who agreed. Another person plays a
contest on Zalo with its quick replies. An officer plays an officers' training set and the training summary
lists them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from bot import fixed_texts
from bot.knowledge.base import knowledge
from bot.processes import Service, service_env
from bot.quizzes.results import ANONYMOUS
from bot.settings import load_settings
from bot.storage.models import utcnow
from bot.vietnam_time import TYPED, to_vietnam
from tests.e2e.test_telegram import buttons, converse, telegram  # noqa: F401 (the fixture)
from tests.e2e.test_zalo import say as zalo_say
from tests.e2e.test_zalo import zalo  # noqa: F401 (the fixture)
from tests.standins.telegram import TelegramStandIn

pytestmark = pytest.mark.e2e
PERSON, OFFICER = 8401, 8301
QUESTIONS = 3
TRAINING_SUMMARY = "import json; from bot.quizzes import results; print(json.dumps(results.training_summary()))"


@dataclass
class Contest:
    telegram: TelegramStandIn
    env: dict[str, str]
    web: str

    def bot(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], env=self.env, capture_output=True, text=True)

    def create(self, title: str, *extra: str) -> int:
        """A quiz open from a minute ago until tomorrow; its id (the last word `bot quiz create` prints)."""
        now = to_vietnam(utcnow())
        created = self.bot("quiz", "create", "--title", title, "--questions", str(QUESTIONS), *extra,
                           "--start", (now - timedelta(minutes=1)).strftime(TYPED),
                           "--end", (now + timedelta(days=1)).strftime(TYPED))  # fmt: skip
        assert created.returncode == 0, created.stderr
        return int(created.stdout.split()[-1])

    def right_options(self, quiz_id: int) -> dict[int, int]:
        """Staff's review: each question's right option, by question id."""
        shown = self.bot("quiz", "show", str(quiz_id), "--json")
        assert shown.returncode == 0, shown.stderr
        review = json.loads(shown.stdout)
        assert review["status"] == "draft" and len(review["questions"]) == QUESTIONS
        for question in review["questions"]:
            assert len(question["options"]) == 4 and question["source"]
            assert knowledge().by_id(question["entry_id"]).source == question["source"]
        return {q["id"]: q["correct"] for q in review["questions"]}


@pytest.fixture(scope="module")
def contest(stack, telegram) -> Iterator[Contest]:  # noqa: F811
    settings = load_settings({
        **stack.settings.as_env(), "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN", "TELEGRAM_API_URL": telegram.base_url,
        "BROADCAST_POLL_SECONDS": "0.2",
    })  # fmt: skip
    env = service_env(settings)
    worker = Service("worker-quizzes", [sys.executable, "-m", "bot", "worker"], env)
    worker.start(stack.log_dir)
    yield Contest(telegram, env, f"http://127.0.0.1:{stack.settings.web_port}")
    worker.stop()


def act(api: TelegramStandIn, user: int, expect: int, push: Callable[[], None]) -> list[str]:
    """``converse`` at a person's pace: the gateway lets one message a second through after a burst of five
    (``converse`` waits 0.3 s more after the reply)."""
    time.sleep(0.7)
    return converse(api, user, expect, push)


def choice(payloads: list[str], right: dict[int, int], correct: bool) -> str:
    """The payload of the right (or a wrong) option among a question's buttons."""
    question_id = int(payloads[0].split(":")[3])
    return next(p for p in payloads if (int(p.split(":")[4]) == right[question_id]) is correct)


def answers(api: TelegramStandIn, user: int) -> list[str]:
    return [payload for _, payload in buttons(api, user) if payload.startswith("#quiz:a:")]


def test_a_contest_from_creation_to_results_on_telegram_and_the_web_chat(contest):
    api = contest.telegram
    act(api, PERSON, 2, lambda: api.push_text(PERSON, "/start"))  # a subscriber, to get the announcement
    act(api, PERSON, 1, lambda: api.push_button(PERSON, "#consent:yes"))
    act(api, PERSON, 1, lambda: api.push_button(PERSON, "#area:ly_son"))
    act(api, PERSON, 1, lambda: api.push_button(PERSON, "#topics:done"))

    quiz = contest.create("Tìm hiểu pháp luật biển đảo")
    right = contest.right_options(quiz)
    before = len(api.sent_to(PERSON))
    published = contest.bot("quiz", "publish", str(quiz))
    assert published.returncode == 0 and "announced to subscribers" in published.stdout, published.stderr
    announcement = api.wait_for(PERSON, before + 1)[before].params["text"]
    assert "“Tìm hiểu pháp luật biển đảo”" in announcement and "/thi" in announcement

    (intro,) = act(api, PERSON, 1, lambda: api.push_text(PERSON, "thi tìm hiểu"))
    assert intro.startswith("Cuộc thi “Tìm hiểu pháp luật biển đảo”: 3 câu hỏi, mở đến ")
    assert buttons(api, PERSON) == [(fixed_texts.QUIZ_START, f"#quiz:go:{quiz}")]
    (first,) = act(api, PERSON, 1, lambda: api.push_button(PERSON, f"#quiz:go:{quiz}"))
    assert first.startswith("Câu 1/3: ") and len(answers(api, PERSON)) == 4
    old = choice(answers(api, PERSON), right, True)
    feedback, second = act(api, PERSON, 2, lambda: api.push_button(PERSON, old))
    assert feedback.startswith(fixed_texts.QUIZ_RIGHT) and "\nNguồn: " in feedback and second.startswith("Câu 2/3")

    # The person leaves: asks something else, then comes back to the contest where they left it.
    act(api, PERSON, 1, lambda: api.push_text(PERSON, "lanh hai rong bao nhieu"))
    resumed = act(api, PERSON, 2, lambda: api.push_text(PERSON, "/thi"))
    assert resumed == [fixed_texts.QUIZ_RESUME.format(title="Tìm hiểu pháp luật biển đảo"), second]
    again = act(api, PERSON, 2, lambda: api.push_button(PERSON, old))  # an earlier question's button
    assert again == [fixed_texts.QUIZ_ALREADY_ANSWERED, second]
    feedback, third = act(api, PERSON, 2, lambda: api.push_button(PERSON, choice(answers(api, PERSON), right, False)))
    assert feedback.startswith(fixed_texts.QUIZ_WRONG + " Đáp án đúng: ") and third.startswith("Câu 3/3")
    last = choice(answers(api, PERSON), right, True)
    _, done, ask = act(api, PERSON, 3, lambda: api.push_button(PERSON, last))
    assert done.startswith("Bà con đã làm xong “Tìm hiểu pháp luật biển đảo”: đúng 2/3 câu, trong ")
    assert f"“Ngư dân {PERSON}”" in ask
    (shown,) = act(api, PERSON, 1, lambda: api.push_button(PERSON, f"#quiz:name:{old.split(':')[2]}:yes"))
    assert shown == fixed_texts.QUIZ_NAME_SHOWN
    (once,) = act(api, PERSON, 1, lambda: api.push_text(PERSON, "/thi"))
    assert once == fixed_texts.QUIZ_FINISHED_BEFORE.format(title="Tìm hiểu pháp luật biển đảo", score=2, total=3)

    with httpx.Client(base_url=contest.web, timeout=30) as web:  # the web chat keeps the visitor's cookie

        def send(message: str) -> list[dict]:
            time.sleep(1.1)  # a visitor's pace: one message a second
            response = web.post("/api/chat", json={"message": message})
            assert response.status_code == 200, response.text
            return response.json()["replies"]

        (intro,) = send("/thi")
        assert intro["buttons"] == [{"title": fixed_texts.QUIZ_START, "payload": f"#quiz:go:{quiz}"}]
        replies = send(intro["buttons"][0]["payload"])
        while (options := [b["payload"] for b in replies[-1].get("buttons", [])]) and len(options) == 4:
            replies = send(choice(options, right, True))
        assert "đúng 3/3 câu" in replies[-1]["text"] and not replies[-1]["buttons"]  # no name to show
        assert [r["text"] for r in send("thi tim hieu")] == [
            fixed_texts.QUIZ_FINISHED_BEFORE.format(title="Tìm hiểu pháp luật biển đảo", score=3, total=3)
        ]

    listed = contest.bot("quiz", "results", str(quiz), "--json")
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    assert (found["participants"], found["finished"], found["score_distribution"]) == (2, 2, {"2": 1, "3": 1})
    assert [row["name"] for row in found["leaderboard"]] == [ANONYMOUS, f"Ngư dân {PERSON}"]


def test_an_officer_plays_a_training_set_and_the_training_summary_lists_them(contest):
    api = contest.telegram
    added = contest.bot("officer", "add", f"telegram:{OFFICER}", "--area", "Lý Sơn", "--post",
                        "Đồn Biên phòng Lý Sơn", "--name", "Trung úy Hải")  # fmt: skip
    assert added.returncode == 0, added.stderr
    training = contest.create("Nghiệp vụ tháng 12", "--track", "officers")
    right = contest.right_options(training)
    published = contest.bot("quiz", "publish", str(training), "--no-announce")
    assert published.returncode == 0 and "announced" not in published.stdout, published.stderr

    (intro,) = act(api, OFFICER, 1, lambda: api.push_text(OFFICER, "/thi"))
    if ("Tập huấn: Nghiệp vụ tháng 12", f"#quiz:open:{training}") in buttons(api, OFFICER):  # beside a contest
        (intro,) = act(api, OFFICER, 1, lambda: api.push_button(OFFICER, f"#quiz:open:{training}"))
    assert intro.startswith("Bộ câu hỏi tập huấn “Nghiệp vụ tháng 12” (dành cho cán bộ): 3 câu")
    act(api, OFFICER, 1, lambda: api.push_button(OFFICER, f"#quiz:go:{training}"))
    for _ in range(QUESTIONS - 1):
        act(api, OFFICER, 2, lambda: api.push_button(OFFICER, choice(answers(api, OFFICER), right, True)))
    _, done = act(api, OFFICER, 2, lambda: api.push_button(OFFICER, choice(answers(api, OFFICER), right, True)))
    assert "đúng 3/3 câu" in done and done.endswith("sổ tập huấn (Đồn Biên phòng Lý Sơn).")

    summary = subprocess.run([sys.executable, "-c", TRAINING_SUMMARY], env=contest.env, capture_output=True, text=True)
    assert summary.returncode == 0, summary.stderr
    rows = [r for r in json.loads(summary.stdout) if r["set"] == "Nghiệp vụ tháng 12"]
    assert [(r["officer"], r["post"], r["completed"], r["score"], r["of"]) for r in rows] == [
        ("Trung úy Hải", "Đồn Biên phòng Lý Sơn", True, 3, 3)
    ]


def test_a_contest_is_played_on_zalo_with_quick_replies(contest, zalo):  # noqa: F811
    standin, webhook = zalo
    quiz_id = contest.create("Thi trên Zalo")
    right = contest.right_options(quiz_id)
    assert contest.bot("quiz", "publish", str(quiz_id), "--no-announce").returncode == 0
    person = "2468458835299001"

    def tap(text: str, expect: int) -> list:
        time.sleep(1.0)  # a person's pace: the gateway lets one message a second through after a burst
        return zalo_say(zalo, person, text, expect)

    (offer,) = tap("thi tim hieu", 1)
    payloads = [b["payload"] for b in offer.buttons]
    assert len(offer.buttons) <= 5
    if f"#quiz:open:{quiz_id}" in payloads:  # beside the other contest of this module
        (offer,) = tap(f"#quiz:open:{quiz_id}", 1)
    assert offer.text.startswith("Cuộc thi “Thi trên Zalo”")
    (question,) = tap(f"#quiz:go:{quiz_id}", 1)
    for n in range(1, QUESTIONS + 1):
        assert question.text.startswith(f"Câu {n}/{QUESTIONS}:") and len(question.buttons) == 4
        question_id = int(question.buttons[0]["payload"].split(":")[3])
        pick = next(b["payload"] for b in question.buttons if b["payload"].endswith(f":{right[question_id]}"))
        feedback, question = tap(pick, 2)
        assert feedback.text.startswith(fixed_texts.QUIZ_RIGHT) and "Nguồn:" in feedback.text
    assert f"đúng {QUESTIONS}/{QUESTIONS} câu" in question.text  # no name on Zalo: nothing to ask about
    results = json.loads(contest.bot("quiz", "results", str(quiz_id), "--json").stdout)
    assert (results["participants"], results["finished"], results["average_score"]) == (1, 1, float(QUESTIONS))
    assert standin.sent_to(person)  # everything went through the Zalo OA API stand-in
    assert webhook.endswith("/webhooks/zalo/webhook")
