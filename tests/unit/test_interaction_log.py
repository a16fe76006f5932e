"""The interaction log: turns assembled from Rasa's events, their outcome read from the responses'
names; writes that never block and never lie."""

import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.metrics import log
from bot.metrics.outcomes import answered_entry, outcome_of
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Interaction, MetricsGap


def events(sender: str, text: str, *after: dict, at: float = 1000.0, metadata: dict | None = None) -> list[dict]:
    parse_data = {"intent": {"name": "kb_lanh_hai_rong", "confidence": 0.93}}
    user = {"event": "user", "sender_id": sender, "text": text, "timestamp": at, "parse_data": parse_data,
            "metadata": {"area": "ly_son", **(metadata or {})}, "message_id": f"m{at}"}  # fmt: skip
    return [user, *after, {"event": "action", "sender_id": sender, "name": "action_listen", "timestamp": at + 0.5}]


def said(sender: str, *names: str, at: float = 1000.0) -> list[dict]:
    """The bot events of responses sent by name (Rasa puts the name in ``utter_action``)."""
    return [{"event": "bot", "sender_id": sender, "text": "...", "timestamp": at + 0.1 * (i + 1),
             "metadata": {"utter_action": name}} for i, name in enumerate(names)]  # fmt: skip


def fed(turns: log.TurnAssembler, events: list[dict]) -> list[dict]:
    return [row for event in events for row in turns.feed(event)]


@pytest.mark.parametrize(
    ("responses", "expected"),
    [
        (["utter_kb_lanh_hai_rong"], ("answered", "knowledge")),
        (["utter_kb_vms_bat_24_24__15_24"], ("answered", "knowledge")),  # one case of an entry
        (["utter_emergency", "utter_kb_cuu_nan"], ("answered", "emergency")),
        (["utter_did_you_mean"], ("choices", "suggestions")),
        (["utter_out_of_scope"], ("declined", "out_of_scope")),
        (["utter_out_of_scope_weather"], ("declined", "out_of_scope")),
        (["utter_dont_know"], ("not_understood", "dont_know")),
        (["utter_greet"], ("answered", "conversation")),
        ([], ("answered", "conversation")),  # replies without a name: greetings, documents...
        (["utter_ask_vessel_length"], None),  # a clarifying question: the next answer decides
        (["utter_ask_vessel_length", "utter_kb_lanh_hai_rong"], ("answered", "knowledge")),
    ],
)
def test_the_outcome_is_read_from_the_response_names(responses, expected):
    assert outcome_of(responses, "kb_lanh_hai_rong") == expected


def test_the_detail_of_other_answers_comes_from_the_intent():
    assert outcome_of(["utter_subscribe"], "subscribe") == ("answered", "subscription")
    assert outcome_of(["utter_other_language"], "other_language") == ("answered", "other_language")


def test_a_case_of_an_entry_counts_for_the_entry():
    assert answered_entry(["utter_kb_lanh_hai_rong__15_24"]).id == "lanh_hai_rong"
    assert answered_entry(["utter_kb_lanh_hai_rong"]).id == "lanh_hai_rong"
    assert answered_entry(["utter_kb_no_such_entry", "utter_greet"]) is None


def test_a_knowledge_answer_becomes_one_row():
    turns = log.TurnAssembler()
    (row,) = fed(turns, events(
        "zalo-42", "lanh hai rong bao nhieu",
        {"event": "action", "sender_id": "zalo-42", "name": "utter_kb_lanh_hai_rong", "timestamp": 1000.1},
        {"event": "bot", "sender_id": "zalo-42", "text": "12 hải lý", "timestamp": 1000.2,
         "metadata": {"utter_action": "utter_kb_lanh_hai_rong"}},
    ))  # fmt: skip
    assert (row["channel"], row["area"], row["outcome"], row["detail"]) == ("zalo", "ly_son", "answered", "knowledge")
    assert (row["entry_id"], row["topic"], row["replies"], row["response_ms"]) == ("lanh_hai_rong", "vung_bien", 1, 200)
    assert "42" not in row["user_ref"] and row["confidence"] == 0.93


def test_choices_declined_and_not_understood_are_told_apart_whatever_the_wording():
    turns = log.TurnAssembler()
    cases = (("utter_did_you_mean", "choices"), ("utter_out_of_scope_loan", "declined"),
             ("utter_dont_know", "not_understood"))  # fmt: skip
    for n, (name, outcome) in enumerate(cases):
        at = 1000.0 * (n + 1)
        (row,) = fed(turns, events("web-abc", "???", *said("web-abc", name, at=at), at=at))
        assert (row["channel"], row["outcome"], row["entry_id"]) == ("webchat", outcome, None)


def test_a_clarifying_question_takes_the_outcome_of_the_answer_that_follows():
    turns = log.TurnAssembler()
    asked = events("zalo-1", "tau tui lap vms ko", *said("zalo-1", "utter_ask_vessel_length"), at=1000.0)
    assert fed(turns, asked) == []  # waits for the answer
    answer = events("zalo-1", "/inform", *said("zalo-1", "utter_kb_lanh_hai_rong__15_24", at=1010.0), at=1010.0)
    first, second = fed(turns, answer)
    assert first["text"] == "tau tui lap vms ko" and second["text"] == "/inform"
    for row in (first, second):
        assert (row["outcome"], row["detail"], row["entry_id"]) == ("answered", "knowledge", "lanh_hai_rong")


def test_a_clarifying_question_left_unanswered_counts_as_choices_offered():
    turns = log.TurnAssembler()
    assert fed(turns, events("zalo-1", "tau tui lap vms ko", *said("zalo-1", "utter_ask_vessel_length"))) == []
    assert fed(turns, events("zalo-2", "xin chao", *said("zalo-2", "utter_greet", at=1100.0), at=1100.0))[0][
        "text"] == "xin chao"  # fmt: skip
    later = 1000.0 + log.ABANDONED_SECONDS + 1
    rows = fed(turns, events("zalo-2", "cam on", *said("zalo-2", "utter_thank", at=later), at=later))
    assert [(r["text"], r["outcome"], r["detail"]) for r in rows] == [
        ("tau tui lap vms ko", "choices", "clarifying"), ("cam on", "answered", "conversation")]  # fmt: skip
    assert fed(turns, events("zalo-3", "vms", *said("zalo-3", "utter_ask_vessel_length", at=later), at=later)) == []
    assert [r["outcome"] for r in turns.flush()] == ["choices"]  # at shutdown


def test_a_message_timed_by_a_gateway_keeps_no_rasa_time():
    turns = log.TurnAssembler()
    (row,) = fed(turns, events("telegram-5", "lanh hai", *said("telegram-5", "utter_kb_lanh_hai_rong"),
                               metadata={"received_at": 999.9}))  # fmt: skip
    assert (row["response_ms"], row["message_id"]) == (None, "m1000.0")
    (row,) = fed(turns, events("rest-user", "lanh hai", *said("rest-user", "utter_kb_lanh_hai_rong", at=2000.0),
                               at=2000.0))  # fmt: skip
    assert (row["channel"], row["response_ms"]) == ("rest", 100)  # straight to Rasa's API: Rasa's own time


def test_a_conversation_published_again_is_not_logged_again():
    # Rasa's fallback tracker store publishes a whole conversation again when its database fails.
    turns = log.TurnAssembler()
    first, second = events("telegram-7", "mot", at=1000.0), events("telegram-7", "hai", at=2000.0)
    assert [row["text"] for row in fed(turns, first + second + first + second)] == ["mot", "hai"]
    assert [row["text"] for row in fed(turns, events("telegram-7", "ba", at=3000.0))] == ["ba"]


def test_the_writer_keeps_rows_while_the_database_is_down_and_counts_what_it_must_drop(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    engine = make_engine(url)
    down = {"now": True}

    class FlakyEngine:
        def begin(self):  # type: ignore[no-untyped-def]
            if down["now"]:
                raise OperationalError("INSERT", {}, Exception("database is down"))
            return engine.begin()

    monkeypatch.setattr(log.db, "engine", lambda: FlakyEngine())
    writer = log.BackgroundWriter(capacity=5, batch=2)
    row = {"at": log.datetime(2026, 10, 1), "channel": "rest", "user_ref": "u", "text": "x", "outcome": "answered",
           "detail": "conversation", "replies": 1}  # fmt: skip
    started = time.monotonic()
    for _ in range(10):
        writer.put(dict(row))
    assert time.monotonic() - started < 0.1  # putting never waits for the database
    time.sleep(1.5)
    down["now"] = False
    writer.close(timeout=40)
    with engine.connect() as connection:
        written = connection.execute(select(func.count()).select_from(Interaction)).scalar_one()
        lost = connection.execute(select(func.coalesce(func.sum(MetricsGap.lost), 0))).scalar_one()
    assert written + lost == 10 and written >= 5 and lost > 0
