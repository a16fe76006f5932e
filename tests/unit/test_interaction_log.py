"""The interaction log: turns assembled from Rasa's events; writes that never block and never lie."""

import time

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot import replies
from bot.metrics import log
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Interaction, MetricsGap


def events(sender: str, text: str, *after: dict, at: float = 1000.0) -> list[dict]:
    parse_data = {"intent": {"name": "kb_lanh_hai_rong", "confidence": 0.93}}
    user = {"event": "user", "sender_id": sender, "text": text, "timestamp": at,
            "parse_data": parse_data, "metadata": {"area": "ly_son"}}  # fmt: skip
    return [user, *after, {"event": "action", "sender_id": sender, "name": "action_listen", "timestamp": at + 0.5}]


def test_a_knowledge_answer_becomes_one_row():
    turns = log.TurnAssembler()
    rows = [turns.feed(e) for e in events(
        "zalo-42", "lanh hai rong bao nhieu",
        {"event": "action", "sender_id": "zalo-42", "name": "utter_kb_lanh_hai_rong", "timestamp": 1000.1},
        {"event": "bot", "sender_id": "zalo-42", "text": "12 hải lý", "timestamp": 1000.2,
         "metadata": {"utter_action": "utter_kb_lanh_hai_rong"}},
    )]  # fmt: skip
    (row,) = [r for r in rows if r]
    assert (row["channel"], row["area"], row["outcome"], row["detail"]) == ("zalo", "ly_son", "answered", "knowledge")
    assert (row["entry_id"], row["topic"], row["replies"], row["response_ms"]) == ("lanh_hai_rong", "vung_bien", 1, 200)
    assert "42" not in row["user_ref"] and row["confidence"] == 0.93


def test_suggestions_and_dont_know_are_fallbacks():
    turns = log.TurnAssembler()
    for at, text, detail in ((1000.0, replies.DID_YOU_MEAN, "suggestions"), (2000.0, replies.DONT_KNOW, "dont_know")):
        rows = [turns.feed(e) for e in events(
            "web-abc", "???",
            {"event": "action", "sender_id": "web-abc", "name": "action_suggest_topics", "timestamp": at + 0.1},
            {"event": "bot", "sender_id": "web-abc", "text": text, "timestamp": at + 0.3},
            at=at,
        )]  # fmt: skip
        (row,) = [r for r in rows if r]
        assert (row["channel"], row["outcome"], row["detail"]) == ("webchat", "fallback", detail)


def test_a_conversation_published_again_is_not_logged_again():
    # Rasa's fallback tracker store publishes a whole conversation again when its database fails.
    turns = log.TurnAssembler()
    first, second = events("telegram-7", "mot", at=1000.0), events("telegram-7", "hai", at=2000.0)
    fed = [turns.feed(e) for e in first + second + first + second]
    assert [row["text"] for row in fed if row] == ["mot", "hai"]
    assert next(r for r in (turns.feed(e) for e in events("telegram-7", "ba", at=3000.0)) if r)["text"] == "ba"


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
