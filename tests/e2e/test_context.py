"""Clarifying questions and context through the REST channel and Telegram, with the trained model:
the bot asks the vessel length with buttons, answers for that case, remembers it, and follows up."""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path

import pytest
import yaml

from actions.context import WHOLE_ANSWER
from bot.knowledge.base import Entry, knowledge
from tests.e2e.test_conversation import ask, texts
from tests.e2e.test_telegram import buttons, converse, telegram  # noqa: F401 (the fixture)

pytestmark = pytest.mark.e2e
USER_IDS = itertools.count(7801)
VMS = "vms_tau_nao_phai_lap"
ASK_LENGTH = " ".join(
    yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))["responses"]["utter_ask_vessel_length"][0][
        "text"
    ].split()
)
FINE = "phat_khong_duy_tri_vms"


def case(entry_id: str, length: float) -> str:
    entry: Entry = knowledge().by_id(entry_id)
    return entry.render_for(length)


def test_the_bot_asks_the_length_with_buttons_then_answers_that_case(stack):
    sender = uuid.uuid4().hex
    (question,) = ask(stack, "Ai phải lắp VMS?", sender)
    assert question["text"] == ASK_LENGTH
    titles = [b["title"] for b in question["buttons"]]
    assert titles[:5] == ["dưới 6 m", "6–12 m", "12–15 m", "15–24 m", "từ 24 m"] and titles[-1] == WHOLE_ANSWER
    payload = question["buttons"][3]["payload"]  # 15–24 m
    assert texts(ask(stack, payload, sender)) == [case(VMS, 19.5)]
    # Remembered: the next question that depends on the length is answered for it without asking.
    assert texts(ask(stack, "vay phat bn", sender)) == [case(FINE, 19.5)]


@pytest.mark.parametrize("reply", ["13", "tàu tui 13m", "ghe 13 met", "tau 13,5m"])
def test_a_typed_length_answers_the_question(stack, reply):
    sender = uuid.uuid4().hex
    assert texts(ask(stack, "tau bn met phai lap vms", sender)) == [ASK_LENGTH]
    assert texts(ask(stack, reply, sender)) == [case(VMS, 13)]


def test_not_knowing_the_length_gives_the_whole_answer(stack):
    sender = uuid.uuid4().hex
    (question,) = ask(stack, "tau bn met phai lap vms", sender)
    assert texts(ask(stack, question["buttons"][-1]["payload"], sender)) == [knowledge().by_id(VMS).render()]


def test_another_question_instead_of_the_length_is_answered(stack):
    sender = uuid.uuid4().hex
    ask(stack, "tau bn met phai lap vms", sender)
    assert texts(ask(stack, "lanh hai rong bao nhieu", sender)) == [knowledge().by_id("lanh_hai_rong").render()]
    assert texts(ask(stack, "13", sender)) != [case(VMS, 13)]  # the question was closed


def test_a_length_in_the_question_is_used_and_follow_ups_use_the_context(stack):
    sender = uuid.uuid4().hex
    assert texts(ask(stack, "tàu 13m có cần lắp VMS không", sender)) == [case(VMS, 13)]
    assert texts(ask(stack, "còn tàu 24 m thì sao?", sender)) == [case(VMS, 24)]
    assert texts(ask(stack, "con tau 12m thi sao", sender)) == [case(VMS, 12)]
    assert texts(ask(stack, "vậy phạt bao nhiêu?", sender)) == [case(FINE, 12)]


def test_a_follow_up_without_context_asks_to_say_more(stack):
    (reply,) = texts(ask(stack, "vậy phạt bao nhiêu?"))
    assert reply.startswith("Bà con hỏi rõ hơn")


def test_through_telegram_the_buttons_work_and_follow_ups_too(stack, telegram):  # noqa: F811
    user = next(USER_IDS)
    (question,) = converse(telegram, user, 1, lambda: telegram.push_text(user, "tau bn met phai lap vms"))
    assert question == ASK_LENGTH
    offered = buttons(telegram, user)
    assert [title for title, _ in offered][:5] == ["dưới 6 m", "6–12 m", "12–15 m", "15–24 m", "từ 24 m"]
    (answer,) = converse(telegram, user, 1, lambda: telegram.push_button(user, offered[2][1]))  # 12–15 m
    assert answer == case(VMS, 13.5)
    (again,) = converse(telegram, user, 1, lambda: telegram.push_text(user, "con tau 24m thi sao"))
    assert again == case(VMS, 24)
    (fine,) = converse(telegram, user, 1, lambda: telegram.push_text(user, "vay phat bn"))
    assert fine == case(FINE, 24)
