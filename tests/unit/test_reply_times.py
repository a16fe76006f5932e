"""What people wait for a reply, measured where their message arrives (gateways, web app), and the
migration that told the old "fallback" outcome apart."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from alembic import command
from sqlalchemy import select, text

from bot import fixed_texts
from bot.channels.types import ZALO
from bot.gateways.conversation import Gateway, Incoming
from bot.metrics import timing
from bot.metrics.figures import Figures, Period
from bot.storage import db
from bot.storage.db import alembic_config, make_engine
from bot.storage.models import DailyResponseTime, DailyTraffic, Interaction, ReplyTime


def test_a_reply_time_is_stored_once_and_counted_as_waited(app_database):
    received = datetime(2026, 10, 1, 2, 0).timestamp()  # naive = local; only the difference matters below
    for _ in range(2):  # a retried delivery records the same message again
        timing.record("zalo-77", "zalo", received, received + 1.234)
    with db.engine().connect() as connection:
        assert connection.execute(select(ReplyTime.message_id, ReplyTime.response_ms)).all() == [("zalo-77", 1234)]
        assert connection.execute(select(DailyResponseTime.measured, DailyResponseTime.messages)).all() == [("wait", 1)]


def test_recording_never_raises(monkeypatch, caplog):
    def down() -> None:
        raise OSError("database is down")

    monkeypatch.setattr(timing.db, "engine", down)
    timing.record("m", "telegram", 1.0, 2.0)
    assert "not recorded" in caplog.text


class Assistant:
    def __init__(self) -> None:
        self.metadata: list[dict] = []

    async def send(self, sender: str, text: str, metadata: dict, message_id: str | None = None) -> list[dict]:
        self.metadata.append(metadata)
        return [{"text": "Lãnh hải rộng 12 hải lý."}]


def test_the_gateway_times_a_message_from_arrival_to_the_last_reply_sent(app_database, monkeypatch):
    assistant, events = Assistant(), []
    gateway = Gateway(ZALO, assistant)  # type: ignore[arg-type]
    monkeypatch.setattr(timing, "record_soon", lambda *args: events.append(("recorded", *args)))

    async def deliver(messages: list) -> None:
        events.append(("delivered", [m.text for m in messages]))

    asyncio.run(gateway.respond(Incoming("7", "lanh hai rong bao nhieu", message_id="zalo-m1"), deliver))
    delivered, recorded = events
    assert delivered == ("delivered", ["Lãnh hải rộng 12 hải lý."])  # recorded only once the reply has left
    _, message_id, channel, received, sent = recorded
    assert (message_id, channel) == ("zalo-m1", "zalo") and 0 <= sent - received < 5
    assert assistant.metadata[0][timing.RECEIVED_AT] == received  # the interaction log keeps no Rasa time

    events.clear()
    asyncio.run(gateway.respond(Incoming("7", "/lienhe", message_id="zalo-m2"), deliver))
    assert [e[0] for e in events] == ["delivered"]  # the assistant was not asked: nothing to time
    asyncio.run(gateway.handle(Incoming("7", "lanh hai")))
    assert timing.RECEIVED_AT not in assistant.metadata[-1]  # not through respond(): Rasa's own time


def test_the_old_fallbacks_are_split_by_what_the_bot_did(tmp_path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    command.upgrade(alembic_config(url), "0003")
    engine = make_engine(url)
    at = "2026-10-01 02:00:00.000000"  # 09:00 in Vietnam
    with engine.begin() as connection:
        for n, (outcome, detail) in enumerate([("answered", "knowledge"), ("fallback", "suggestions"),
                                               ("fallback", "out_of_scope"), ("fallback", "dont_know")]):  # fmt: skip
            connection.execute(text(
                "INSERT INTO interactions (at, channel, user_ref, area, text, outcome, detail, replies, response_ms) "
                f"VALUES ('{at}', 'zalo', 'u', 'ly_son', 'q{n}', '{outcome}', '{detail}', 1, 40)"
            ))  # fmt: skip
        # the daily totals also hold two fallbacks of a person erased since (no raw rows left)
        connection.execute(text(
            "INSERT INTO daily_traffic VALUES ('2026-10-01', 'zalo', 'ly_son', 'answered', 1, 1), "
            "('2026-10-01', 'zalo', 'ly_son', 'fallback', 5, 5)"
        ))  # fmt: skip
        connection.execute(text("INSERT INTO daily_response_times VALUES ('2026-10-01', 40, 4)"))
    db.upgrade(url)
    with engine.connect() as connection:
        outcomes = connection.execute(select(Interaction.detail, Interaction.outcome).order_by(Interaction.id)).all()
        traffic = dict(connection.execute(select(DailyTraffic.outcome, DailyTraffic.messages)).all())
        times = connection.execute(select(DailyResponseTime.measured, DailyResponseTime.messages)).all()
    assert outcomes == [("knowledge", "answered"), ("suggestions", "choices"), ("out_of_scope", "declined"),
                        ("dont_know", "not_understood")]  # fmt: skip
    assert traffic == {"answered": 1, "choices": 1, "declined": 1, "not_understood": 3}
    assert times == [("rasa", 4)]  # measured inside Rasa, and labelled so
    overview = Figures(engine).overview(Period(date(2026, 10, 1), date(2026, 10, 1)))
    assert (overview["median_response_ms"], overview["median_rasa_ms"], overview["fallbacks"]) == (None, 40, 4)


def test_the_web_chat_times_what_the_visitor_waits(app_database, monkeypatch):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import create_app

    class WebAssistant(Assistant):
        async def close(self) -> None:
            pass

    assistant, recorded = WebAssistant(), []
    monkeypatch.setattr(timing, "record_soon", lambda *args: recorded.append(args))

    async def chat() -> int:
        async with TestClient(TestServer(create_app(rasa=assistant))) as client:  # type: ignore[arg-type]
            return (await client.post("/api/chat", json={"message": "lanh hai"})).status

    assert asyncio.run(chat()) == 200
    ((message_id, channel, received, sent),) = recorded
    assert channel == "webchat" and message_id and 0 <= sent - received < 5
    assert assistant.metadata == [{"channel": "webchat", timing.RECEIVED_AT: received}]


def test_a_persons_replies_leave_in_the_order_of_their_messages_even_when_sending_is_slow(app_database):
    """The first reply takes long to send (a PDF, a slow network); the quick reply to the next message waits."""
    gateway, sent = Gateway(ZALO, Assistant()), []  # type: ignore[arg-type]

    async def deliver(messages: list) -> None:
        if fixed_texts.UNKNOWN_COMMAND not in [m.text for m in messages]:  # the first message's replies
            await asyncio.sleep(0.2)
        sent.extend(m.text for m in messages)

    async def two_messages() -> None:
        first = asyncio.create_task(gateway.respond(Incoming("8", "/lienhe", message_id="z-1"), deliver))
        await asyncio.sleep(0)
        await gateway.respond(Incoming("8", "/lenhkhongco", message_id="z-2"), deliver)
        await first

    asyncio.run(two_messages())
    assert sent[-1] == fixed_texts.UNKNOWN_COMMAND and fixed_texts.UNKNOWN_COMMAND not in sent[:-1]


def test_the_copy_check_waits_in_the_persons_turn_and_a_copy_gets_nothing(app_database):
    """A slow "is it new?" answer (Redis far away) must not let the person's next message overtake this one."""
    gateway, sent = Gateway(ZALO, Assistant()), []  # type: ignore[arg-type]

    async def deliver(messages: list) -> None:
        sent.extend(m.text for m in messages)

    async def slowly_new() -> bool:
        await asyncio.sleep(0.2)
        return True

    async def new() -> bool:
        return True

    async def copy() -> bool:
        return False

    async def three_messages() -> None:
        first = asyncio.create_task(gateway.respond(Incoming("9", "/lienhe", message_id="z-1"), deliver, slowly_new))
        await asyncio.sleep(0)
        await gateway.respond(Incoming("9", "/lenhkhongco", message_id="z-2"), deliver, new)
        await first
        await gateway.respond(Incoming("9", "/lenhkhongco", message_id="z-2"), deliver, copy)

    asyncio.run(three_messages())
    assert sent[-1] == fixed_texts.UNKNOWN_COMMAND and sent.count(fixed_texts.UNKNOWN_COMMAND) == 1
