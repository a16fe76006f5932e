"""Tickets end to end: a person asks on Telegram or Zalo, the officers of their area get the question from the
broadcast worker, one answers in their chat, and the person gets the answer, all through the real gateway
processes, the worker process, the `bot` command and local stand-ins of the Telegram and Zalo APIs."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot import fixed_texts
from bot.processes import Service, service_env
from bot.settings import load_settings
from tests.e2e.test_telegram import buttons, converse, telegram  # noqa: F401 (the fixture)
from tests.e2e.test_zalo import say, zalo  # noqa: F401 (the fixture)
from tests.standins.telegram import TelegramStandIn
from tests.standins.zalo import ZaloStandIn

pytestmark = pytest.mark.e2e
PEOPLE = itertools.count(8201)
LY_SON_OFFICER, SA_HUYNH_OFFICER = 8101, 8102
ZALO_OFFICER = "5551234567890001"
QUESTION = "tau tui bi giu giay phep o cang Sa Ky 3 ngay roi, bao gio thi lay lai duoc"


@dataclass
class Desk:
    telegram: TelegramStandIn
    zalo: ZaloStandIn
    zalo_webhook: str
    env: dict[str, str]

    def bot(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], env=self.env, capture_output=True, text=True)

    def tickets(self) -> dict[int, dict]:
        listed = self.bot("ticket", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        return {t["id"]: t for t in json.loads(listed.stdout)}


@pytest.fixture(scope="module")
def desk(stack, telegram, zalo) -> Iterator[Desk]:  # noqa: F811
    zalo_standin, webhook = zalo
    settings = load_settings({
        **stack.settings.as_env(), **zalo_standin.env(),
        "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN", "TELEGRAM_API_URL": telegram.base_url,
        "BROADCAST_POLL_SECONDS": "0.2",
    })  # fmt: skip
    env = service_env(settings)
    worker = Service("worker-tickets", [sys.executable, "-m", "bot", "worker"], env)
    worker.start(stack.log_dir)
    found = Desk(telegram, zalo_standin, webhook, env)
    for args in (
        ["telegram:8101", "--area", "Lý Sơn", "--post", "Đồn Biên phòng Lý Sơn", "--name", "Trung úy Hải"],
        ["telegram:8102", "--area", "Phường Sa Huỳnh", "--name", "Thiếu úy Nam"],
        [f"zalo:{ZALO_OFFICER}", "--area", "ly_son", "--name", "Đại úy Bình"],
    ):
        added = found.bot("officer", "add", *args)
        assert added.returncode == 0, added.stderr
    yield found
    worker.stop()


def ticket_number(confirmation: str) -> int:
    return int(confirmation.split("câu hỏi số ")[1].split(" ")[0])


def test_telegram_person_to_the_officer_of_their_area_and_back(desk):
    api, person = desk.telegram, next(PEOPLE)
    (offer,) = converse(api, person, 1, lambda: api.push_text(person, f"/hoicanbo {QUESTION}"))
    assert "tên hiển thị Telegram" in offer  # who will see what, before anything is sent
    assert ("Lý Sơn", "#ticket:send:ly_son") in buttons(api, person)
    (sent,) = converse(api, person, 1, lambda: api.push_button(person, "#ticket:send:ly_son"))
    number = ticket_number(sent)
    assert desk.tickets()[number]["status"] == "open"

    (notice,) = api.wait_for(LY_SON_OFFICER, 1)
    assert QUESTION in notice.params["text"] and "Đặc khu Lý Sơn" in notice.params["text"]
    assert ("Nhận trả lời", f"#ticket:take:{number}") in buttons(api, LY_SON_OFFICER)
    (zalo_notice,) = desk.zalo.wait_for(ZALO_OFFICER, 1)
    assert QUESTION in zalo_notice.text and zalo_notice.buttons[0]["payload"] == f"#ticket:take:{number}"

    answer = "Bà con mang CCCD và giấy tờ tàu đến Đồn Biên phòng Lý Sơn, cán bộ sẽ giải quyết trong ngày."
    (done,) = converse(api, LY_SON_OFFICER, 1, lambda: api.push_reply(LY_SON_OFFICER, answer, notice))
    assert done == fixed_texts.TICKET_ANSWER_SENT.format(id=number)
    (received,) = api.wait_for(person, 3)[-1:]
    assert received.params["text"].startswith(f"Trả lời của Đồn Biên phòng Lý Sơn cho câu hỏi số {number}")
    assert answer in received.params["text"]
    told = desk.zalo.wait_for(ZALO_OFFICER, 2)[-1]
    assert told.text == fixed_texts.TICKET_ANSWERED_NOTICE.format(id=number, who="Trung úy Hải")

    listed = desk.tickets()[number]
    assert listed["status"] == "answered" and listed["answered_at"] and listed["channel"] == "telegram"
    time.sleep(0.5)
    assert api.texts_to(SA_HUYNH_OFFICER) == []  # another area's officer never saw it

    # The Lý Sơn officer replies again to the old notice: told why nothing is sent.
    (late,) = converse(api, LY_SON_OFFICER, 1, lambda: api.push_reply(LY_SON_OFFICER, "thêm", notice))
    assert late.startswith(f"Câu hỏi số {number} đã được Trung úy Hải trả lời lúc")


def test_zalo_person_and_officer_take_then_type_and_the_answer_waits_for_the_window(desk):
    standin, person = desk.zalo, "2468458835291988"
    desk.zalo.outside_window.discard(person)
    say(zalo_of(desk), person, "hoi can bo", 1)
    (offer,) = say(zalo_of(desk), person, QUESTION, 1)
    assert offer.buttons[-1]["payload"] == "#ticket:no" and len(offer.buttons) <= 5
    (sent,) = say(zalo_of(desk), person, "#ticket:send:ly_son", 1)
    number = ticket_number(sent.text)
    notices = standin.wait_for(ZALO_OFFICER, 1)
    assert any(f"#ticket:take:{number}" in json.dumps(n.message) for n in notices)

    (taken,) = say(zalo_of(desk), ZALO_OFFICER, f"#ticket:take:{number}", 1)
    assert taken.text.startswith(f"Đồng chí nhận câu hỏi số {number}")
    assert any(f"số {number} đã có Đại úy Bình" in t for t in wait_texts(desk.telegram, LY_SON_OFFICER, number))
    standin.outside_window.add(person)  # the person has been silent too long for a free reply
    before = len(standin.sent_to(ZALO_OFFICER))
    say(zalo_of(desk), ZALO_OFFICER, "Bà con gọi cho đồn, cán bộ sẽ hướng dẫn.", 1)
    done, waiting = [m.text for m in standin.wait_for(ZALO_OFFICER, before + 2)[before:]]
    assert done == fixed_texts.TICKET_ANSWER_SENT.format(id=number)
    assert waiting == fixed_texts.TICKET_ANSWER_WAITING.format(id=number)
    assert desk.tickets()[number]["status"] == "waiting"

    standin.outside_window.discard(person)
    before = len(standin.sent_to(person))
    assert standin.post(desk.zalo_webhook, standin.event("user_send_text", person, "cam on")).status_code == 200
    delivered = standin.wait_for(person, before + 2)[before:]
    assert any(m.text.startswith("Trả lời của Bộ đội Biên phòng tỉnh Quảng Ngãi") for m in delivered)
    deadline = time.monotonic() + 10
    while desk.tickets()[number]["status"] != "answered" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert desk.tickets()[number]["status"] == "answered"


def test_the_command_line_answers_and_refuses_bad_input(desk):
    api, person = desk.telegram, next(PEOPLE)
    converse(api, person, 1, lambda: api.push_text(person, f"/hoicanbo {QUESTION}"))
    (sent,) = converse(api, person, 1, lambda: api.push_button(person, "#ticket:send:ly_son"))
    number = ticket_number(sent)
    refused = desk.bot("ticket", "answer", str(number), "--text", "x", "--as", "telegram:8102")
    assert refused.returncode == 1 and "không thuộc khu vực" in refused.stderr
    assert desk.bot("ticket", "answer", str(number), "--text", "  ").returncode == 2
    assert desk.bot("ticket", "answer", "999999", "--text", "x").returncode == 1
    answered = desk.bot("ticket", "answer", str(number), "--text", "Đã có lịch làm việc sáng mai.")
    assert answered.returncode == 0, answered.stderr
    assert "Đã có lịch làm việc sáng mai." in api.wait_for(person, 3)[-1].params["text"]
    assert desk.bot("ticket", "close", str(number)).returncode == 1  # already answered: nothing to close
    listed = desk.bot("ticket", "list", "--status", "answered", "--json")
    assert number in [t["id"] for t in json.loads(listed.stdout)]


def zalo_of(desk: Desk) -> tuple[ZaloStandIn, str]:
    return desk.zalo, desk.zalo_webhook


def wait_texts(api: TelegramStandIn, chat: int, number: int, timeout: float = 15) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [t for t in api.texts_to(chat) if f"số {number} đã có" in t]
        if found:
            return found
        time.sleep(0.1)
    return api.texts_to(chat)
