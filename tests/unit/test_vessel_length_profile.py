"""The vessel length kept in a subscriber's profile: learnt by the gateways only with consent, shown by
/dulieu, cleared by /stop, sent to the assistant in the metadata and read there when the text names none."""

from __future__ import annotations

import asyncio

import pytest
from alembic import command
from rasa.core.channels.channel import UserMessage
from rasa.graph_components.converters.nlu_message_converter import NLUMessageConverter
from rasa.shared.nlu.training_data.message import Message
from sqlalchemy import inspect

from bot import subscribers
from bot.channels.types import TELEGRAM
from bot.gateways.conversation import ASK_LENGTH_RESPONSE, Gateway, Incoming
from bot.gateways.throttle import FloodGuard
from bot.nlu.lengths import stated_length
from bot.rasa.nlu.vessel_length import VesselLengthReader
from bot.storage.db import alembic_config, make_engine, upgrade
from tests.unit.fakes import Assistant

ASK_LENGTH = {"text": "Tàu của bà con dài bao nhiêu mét?", "response": ASK_LENGTH_RESPONSE}
ANSWER = {"text": "Tàu dưới 15 m không phải lắp VMS.", "response": "utter_kb_vms__0_15"}


@pytest.mark.parametrize(
    ("text", "answering", "length"),
    [
        ("tàu tui 13m", False, 13.0),
        ("ghe em dai 13,5 met", False, 13.5),
        ("tàu 13 m có phải lắp VMS không", False, None),  # any vessel of 13 m, not necessarily theirs
        ("tàu 13,5 m", True, 13.5),  # a button's reply to the question
        ("ghe của tôi dài 15 mét", False, 15.0),
        ("13", True, 13.0),
        ("khoảng 13,5 thôi", True, 13.5),
        ("13", False, None),  # a bare number means a length only in reply to the question
        ("112", True, None),  # out of range
        ("tàu dưới 15 m", False, None),  # a class, not a length
        ("tàu 13m hay 15m", False, None),  # two lengths: which one?
        ("tàu tui 13m, đúng 13 m", False, 13.0),
        ("không rõ", True, None),
    ],
)
def test_the_length_a_message_states(text, answering, length):
    assert stated_length(text, answering) == length


# ---- the NLU reads the stored length from the metadata ------------------------------------------------


def read(text: str, metadata: object = None, intent: str = "kb_vms") -> Message:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9}, "metadata": metadata})
    VesselLengthReader().process([message])
    return message


def entities(message: Message) -> list[tuple[str, float]]:
    return [(e["entity"], e["value"]) for e in message.get("entities") or []]


def test_the_stored_length_is_an_entity_when_the_text_names_none():
    message = read("có phải lắp VMS không", {"channel": "telegram", "vessel_length": 13.0})
    assert entities(message) == [("vessel_length", 13.0)]
    assert message.get("intent")["name"] == "kb_vms"  # the question keeps its intent: no follow-up


def test_rasa_hands_the_messages_metadata_to_the_reader():
    user_message = UserMessage("có phải lắp VMS không", sender_id="telegram-42", metadata={"vessel_length": 13.0})
    (message,) = NLUMessageConverter().convert_user_message([user_message])
    VesselLengthReader().process([message])
    assert entities(message) == [("vessel_length", 13.0)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tàu 24 m có phải lắp VMS không", [("vessel_length", 24.0)]),
        ("24", [("bare_number", 24.0)]),  # the answer to the question, if it is open
    ],
)
def test_a_length_in_the_text_wins(text, expected):
    assert entities(read(text, {"vessel_length": 13.0})) == expected


@pytest.mark.parametrize("metadata", [None, {}, {"vessel_length": None}, {"vessel_length": "13"},
                                      {"vessel_length": True}, {"vessel_length": 500}, ["vessel_length"]])  # fmt: skip
def test_no_or_implausible_stored_length_adds_nothing(metadata):
    assert entities(read("có phải lắp VMS không", metadata)) == []


# ---- the gateway --------------------------------------------------------------------------------------


@pytest.fixture
def gateway(app_database) -> Gateway:
    return Gateway(TELEGRAM, Assistant([ANSWER]), FloodGuard(burst=100))  # type: ignore[arg-type]


def say(gateway: Gateway, text: str, user: str = "42") -> list[str]:
    return [m.text for m in asyncio.run(gateway.handle(Incoming(user, text)))]


def stored(user: str = "42") -> float | None:
    return subscribers.touch("telegram", user).vessel_length


def sent_length(gateway: Gateway) -> float | None:
    return gateway.rasa.metadata[-1]["vessel_length"]  # type: ignore[attr-defined]


def subscribe(gateway: Gateway, user: str = "42") -> None:
    say(gateway, "#consent:yes", user)
    say(gateway, "#area:ly_son", user)


def test_a_subscriber_is_remembered_and_not_asked_again(gateway):
    subscribe(gateway)
    say(gateway, "tàu tui 13m")
    assert stored() == 13.0 and sent_length(gateway) == 13.0
    say(gateway, "có phải lắp VMS không")
    assert sent_length(gateway) == 13.0  # with every message: the assistant need not ask
    say(gateway, "còn tàu 24 m thì sao?")
    assert stored() == 13.0  # a question about another vessel does not change theirs
    say(gateway, "ghe tui dài 15m")
    assert stored() == 15.0


def test_a_number_is_a_length_only_in_reply_to_the_question(gateway):
    subscribe(gateway)
    say(gateway, "20")
    assert stored() is None
    gateway.rasa.script.append([ASK_LENGTH])  # type: ignore[attr-defined]
    assert say(gateway, "có phải lắp VMS không") == [ASK_LENGTH["text"]]
    say(gateway, "13,5")
    assert stored() == 13.5
    say(gateway, "20")  # the question was answered already
    assert stored() == 13.5


def test_nothing_is_kept_without_consent(gateway):
    gateway.rasa.script.append([ASK_LENGTH])  # type: ignore[attr-defined]
    say(gateway, "có phải lắp VMS không")
    say(gateway, "13")
    say(gateway, "tàu tui 13m")
    assert stored() is None and sent_length(gateway) is None
    say(gateway, "#consent:no")
    say(gateway, "tàu tui 13m")
    assert stored() is None


def test_data_shows_it_stop_clears_it_and_delete_erases_it(gateway):
    subscribe(gateway)
    say(gateway, "ghe tui dai 13,5 met")
    (data,) = say(gateway, "/dulieu")
    assert "- Chiều dài tàu: 13,5 m\n" in data
    say(gateway, "/stop")
    assert stored() is None
    (data,) = say(gateway, "/dulieu")
    assert "- Chiều dài tàu: –\n" in data
    say(gateway, "tàu tui 13m")
    assert stored() is None  # consent withdrawn: not learnt again

    subscribe(gateway, "43")
    say(gateway, "tàu tui 13m", "43")
    say(gateway, "#delete:yes", "43")
    assert stored("43") is None  # the row is gone: a new, empty one


def test_the_migration_adds_and_removes_the_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"

    def columns() -> set[str]:
        return {c["name"] for c in inspect(make_engine(url)).get_columns("subscribers")}

    upgrade(url)
    assert "vessel_length" in columns()
    command.downgrade(alembic_config(url), "0004")
    assert "vessel_length" not in columns()
