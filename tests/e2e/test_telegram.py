"""The Telegram gateway, started as `bot run` starts it, against a local stand-in of the Bot API over
real HTTP, with the real python-telegram-bot library and the trained model behind it."""

from __future__ import annotations

import itertools
import random
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select, text

from bot import fixed_texts
from bot.knowledge.base import knowledge
from bot.processes import Service, service_env, wait_until_ready
from bot.rescue import contacts_reply
from bot.storage.models import PublicationSend, Subscriber
from tests.standins.telegram import TelegramStandIn

pytestmark = pytest.mark.e2e
USER_IDS = itertools.count(7001)


@pytest.fixture(scope="module")
def telegram(stack) -> Iterator[TelegramStandIn]:
    standin = TelegramStandIn()
    api_url = standin.start()
    settings = stack.settings
    env = service_env(settings, {"TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN", "TELEGRAM_API_URL": api_url})
    gateway = Service("telegram", [sys.executable, "-m", "bot", "telegram"], env)
    gateway.start(stack.log_dir)
    stack.services["telegram"] = gateway
    deadline = time.monotonic() + 60
    while not any(c.method == "getUpdates" for c in standin.calls) and time.monotonic() < deadline:
        assert gateway.running(), "the Telegram gateway stopped while starting"
        time.sleep(0.2)
    yield standin
    gateway.stop()
    standin.stop()


def subscriber(stack, user_id: int) -> Subscriber | None:
    with stack.db.connect() as connection:
        row = connection.execute(
            select(Subscriber.__table__).where(
                Subscriber.channel == "telegram", Subscriber.channel_user_id == str(user_id)
            )
        ).first()
    return Subscriber(**row._mapping) if row else None


def converse(telegram: TelegramStandIn, user: int, expect: int, push) -> list[str]:
    before = len(telegram.sent_to(user))
    push()
    telegram.wait_for(user, before + expect)
    time.sleep(0.3)  # let anything unexpected arrive too
    return telegram.texts_to(user)[before:]


def buttons(telegram: TelegramStandIn, user: int) -> list[tuple[str, str]]:
    markup = telegram.sent_to(user)[-1].params.get("reply_markup") or {}
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


def test_start_subscribes_with_area_and_topics_then_stop_unsubscribes(stack, telegram):
    user = next(USER_IDS)
    welcome, consent = converse(telegram, user, 2, lambda: telegram.push_text(user, "/start"))
    assert "Trợ lý biển đảo" in welcome and "/xoadulieu" in consent
    assert ("Đồng ý nhận tin", "#consent:yes") in buttons(telegram, user)

    (ask_area,) = converse(telegram, user, 1, lambda: telegram.push_button(user, "#consent:yes"))
    assert ask_area == fixed_texts.ASK_AREA
    assert ("Lý Sơn", "#area:ly_son") in buttons(telegram, user)
    converse(telegram, user, 1, lambda: telegram.push_button(user, "#area:ly_son"))
    converse(telegram, user, 1, lambda: telegram.push_button(user, "#topic:chuong_trinh"))  # untick one topic
    (done,) = converse(telegram, user, 1, lambda: telegram.push_button(user, "#topics:done"))
    assert "Đặc khu Lý Sơn" in done and "Tin hoạt động" not in done

    person = subscriber(stack, user)
    assert person.status == "active" and person.area == "ly_son"
    assert person.topics == "an_toan,luat,ho_tro"
    assert person.consent_at is not None and "/xoadulieu" in person.consent_text

    (stopped,) = converse(telegram, user, 1, lambda: telegram.push_text(user, "/stop"))
    assert stopped == fixed_texts.UNSUBSCRIBED
    assert subscriber(stack, user).status == "unsubscribed"


def test_area_can_be_typed_with_an_old_name(stack, telegram):
    user = next(USER_IDS)
    converse(telegram, user, 2, lambda: telegram.push_text(user, "/start"))
    converse(telegram, user, 1, lambda: telegram.push_button(user, "#consent:yes"))
    (topics,) = converse(telegram, user, 1, lambda: telegram.push_text(user, "Phổ Thạnh"))
    assert topics == fixed_texts.ASK_TOPICS
    assert subscriber(stack, user).area == "sa_huynh"


def test_a_question_without_diacritics_gets_the_right_answer(telegram):
    user = next(USER_IDS)
    answer = knowledge().by_id("vms_tau_nao_phai_lap").render_for(15)  # the length in the question is used
    assert converse(telegram, user, 1, lambda: telegram.push_text(user, "ghe 15 met co phai lap vms k")) == [answer]


def test_asking_for_a_publication_delivers_the_document(stack, telegram):
    user = next(USER_IDS)
    converse(telegram, user, 2, lambda: telegram.push_text(user, "gửi cho tôi tài liệu về luật thủy sản"))
    document = next(c for c in telegram.sent_to(user) if c.method == "sendDocument")
    assert document.params["document"]["filename"] == "so_tay_luat_thuy_san.pdf"
    assert document.params["document"]["head"] == b"%PDF-" and document.params["document"]["size"] > 10_000
    with stack.db.connect() as connection:
        sends = connection.execute(select(PublicationSend.__table__)).fetchall()
    assert any(s.publication_id == "so_tay_luat_thuy_san" and s.channel == "telegram" for s in sends)
    assert all(str(user) not in s.user_ref for s in sends)  # pseudonymous


def test_tailieu_lists_publications_as_buttons(telegram):
    user = next(USER_IDS)
    converse(telegram, user, 1, lambda: telegram.push_text(user, "/tailieu"))
    titles = [title for title, _ in buttons(telegram, user)]
    assert "Sổ tay Luật Thủy sản cho ngư dân" in titles and len(titles) == 4
    converse(telegram, user, 2, lambda: telegram.push_button(user, buttons(telegram, user)[0][1]))
    assert telegram.sent_to(user)[-1].method == "sendDocument"


def test_personal_data_can_be_seen_and_deleted(stack, telegram):
    user = next(USER_IDS)
    converse(telegram, user, 2, lambda: telegram.push_text(user, "/start"))
    converse(telegram, user, 1, lambda: telegram.push_button(user, "#consent:yes"))
    converse(telegram, user, 1, lambda: telegram.push_text(user, "lanh hai rong bao nhieu"))
    (data,) = converse(telegram, user, 1, lambda: telegram.push_text(user, "/dulieu"))
    assert str(user) in data and "đang nhận tin" in data and "lịch sử hỏi đáp: " in data

    converse(telegram, user, 1, lambda: telegram.push_text(user, "/xoadulieu"))
    (deleted,) = converse(telegram, user, 1, lambda: telegram.push_button(user, "#delete:yes"))
    assert deleted == fixed_texts.DELETED
    assert subscriber(stack, user) is None
    tracker = stack.settings.tracker_database_url
    from bot.storage.db import make_engine

    with make_engine(tracker).connect() as connection:
        left = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": f"telegram-{user}"}
        ).scalar_one()
    assert left == 0


@pytest.mark.parametrize(
    ("push", "expected"),
    [
        (lambda t, u: t.push_text(u, "/lenhkhongco"), fixed_texts.UNKNOWN_COMMAND),
        (lambda t, u: t.push_photo(u), fixed_texts.NOT_UNDERSTOOD_KIND),
        (lambda t, u: t.push_sticker(u), fixed_texts.NOT_UNDERSTOOD_KIND),
        (lambda t, u: t.push_location(u, 15.38, 109.15), fixed_texts.LOCATION_RECEIVED),
        (lambda t, u: t.push_text(u, "/lienhe"), contacts_reply()),
    ],
)
def test_commands_and_non_text_messages_get_a_polite_reply(telegram, push, expected):
    user = next(USER_IDS)
    assert converse(telegram, user, 1, lambda: push(telegram, user)) == [expected]


def test_malformed_updates_do_not_stop_the_gateway(telegram):
    user = next(USER_IDS)
    telegram.push_raw({"unknown_kind": {"x": 1}})
    telegram.push_raw({"message": {"message_id": 1, "date": 0, "chat": {"id": user, "type": "private"}}})
    telegram.push_raw({"callback_query": {"id": "1", "from": {"id": user, "is_bot": False, "first_name": "A"},
                                          "chat_instance": "1", "data": "~unknownkey"}})  # fmt: skip
    answer = knowledge().by_id("lanh_hai_rong").render()
    assert answer in converse(telegram, user, 1, lambda: telegram.push_text(user, "lanh hai rong bao nhieu hai ly"))


def test_a_flooding_user_is_throttled_without_blocking_others(telegram):
    flooder, other = next(USER_IDS), next(USER_IDS)
    for i in range(40):
        telegram.push_text(flooder, f"lanh hai rong bao nhieu {i}")
    started = time.monotonic()
    answer = knowledge().by_id("lanh_hai_rong").render()
    assert answer in converse(telegram, other, 1, lambda: telegram.push_text(other, "lanh hai rong bao nhieu"))
    assert time.monotonic() - started < 10
    time.sleep(3)
    sent = telegram.texts_to(flooder)
    assert fixed_texts.TOO_FAST in sent
    assert len(sent) <= 12  # a burst of 5, one warning, and what refills while it is answered


def test_the_gateway_says_try_again_while_the_action_server_is_down(stack, telegram):
    user = next(USER_IDS)
    actions = [s for name, s in stack.services.items() if name.startswith("actions")]  # every replica
    for service in actions:
        service.stop()
    try:
        while any(s.running() for s in actions):
            time.sleep(0.1)
        # /tailieu is answered by a custom action, so it needs the action server
        (reply,) = converse(telegram, user, 1, lambda: telegram.push_text(user, "/tailieu"))
        assert reply == fixed_texts.TRY_AGAIN
    finally:
        for service in actions:
            service.start(stack.log_dir)
        wait_until_ready(actions)
    assert converse(telegram, user, 1, lambda: telegram.push_text(user, "/tailieu")) == [fixed_texts.WHICH_PUBLICATION]


def test_webhook_mode_checks_the_secret_token_on_every_request(stack):
    from bot.processes import free_port

    standin = TelegramStandIn()
    api_url = standin.start()
    port = free_port()
    webhook = f"http://127.0.0.1:{port}/webhooks/telegram"
    env = service_env(
        stack.settings,
        {"TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN", "TELEGRAM_API_URL": api_url, "TELEGRAM_WEBHOOK_URL": webhook,
         "TELEGRAM_WEBHOOK_SECRET": "s3cret-token", "TELEGRAM_WEBHOOK_PORT": str(port)},
    )  # fmt: skip
    gateway = Service("telegram-webhook", [sys.executable, "-m", "bot", "telegram"], env)
    gateway.start(stack.log_dir)
    try:
        deadline = time.monotonic() + 60
        while not any(c.method == "setWebhook" for c in standin.calls) and time.monotonic() < deadline:
            time.sleep(0.2)
        registration = next(c for c in standin.calls if c.method == "setWebhook")
        assert registration.params["url"] == webhook and registration.params["secret_token"] == "s3cret-token"
        user = next(USER_IDS)
        person = {"id": user, "is_bot": False, "first_name": "A"}
        message = {"message_id": 1, "date": int(time.time()), "text": "lanh hai rong bao nhieu", "from": person,
                   "chat": {"id": user, "type": "private"}}  # fmt: skip
        update = {"update_id": random.randrange(1, 1 << 30), "message": message}  # never one handled before
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "forged"}):
            assert httpx.post(webhook, json=update, headers=headers).status_code == 403
        time.sleep(1)
        assert standin.sent_to(user) == []
        accepted = httpx.post(webhook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
        assert accepted.status_code == 200
        assert standin.wait_for(user, 1)[0].params["text"] == knowledge().by_id("lanh_hai_rong").render()
    finally:
        gateway.stop()
        standin.stop()
