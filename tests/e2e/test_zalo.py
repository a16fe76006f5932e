"""The Zalo gateway: the web app started as `bot run` starts it (webhook at /webhooks/zalo/webhook),
against a local stand-in of the Zalo OA API over real HTTP, with the trained model behind it."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from bot import fixed_texts
from bot.knowledge.base import knowledge
from bot.processes import free_port, wait_until_ready, web_service
from bot.settings import load_settings
from bot.storage.models import PlatformToken, ProcessedEvent, Subscriber
from tests.standins.zalo import ZaloStandIn

pytestmark = pytest.mark.e2e
USERS = (f"24684588352919{n:04d}" for n in itertools.count(1))


@pytest.fixture(scope="module")
def zalo(stack) -> Iterator[tuple[ZaloStandIn, str]]:
    standin = ZaloStandIn()
    standin.start()
    settings = load_settings({**stack.settings.as_env(), **standin.env(), "WEB_PORT": str(free_port())})
    web = web_service(settings)
    web.name = "web-zalo"
    web.start(stack.log_dir)
    wait_until_ready([web])
    yield standin, f"http://127.0.0.1:{settings.web_port}/webhooks/zalo/webhook"
    web.stop()
    standin.stop()


def say(zalo, user: str, text: str, expect: int) -> list:
    standin, webhook = zalo
    before = len(standin.sent_to(user))
    assert standin.post(webhook, standin.event("user_send_text", user, text)).status_code == 200
    standin.wait_for(user, before + expect)
    time.sleep(0.3)
    return standin.sent_to(user)[before:]


def subscriber(stack, user: str) -> Subscriber | None:
    with stack.db.connect() as connection:
        row = connection.execute(
            select(Subscriber.__table__).where(Subscriber.channel == "zalo", Subscriber.channel_user_id == user)
        ).first()
    return Subscriber(**row._mapping) if row else None


def test_a_question_without_diacritics_gets_the_right_answer(zalo):
    user = next(USERS)
    (reply,) = say(zalo, user, "ghe 15 met co phai lap vms k", 1)
    assert reply.text == knowledge().by_id("vms_tau_nao_phai_lap").render_for(15)  # the length in the question


def test_start_subscribes_with_area_and_topics_and_stop_unsubscribes(stack, zalo):
    user = next(USERS)
    welcome, consent = say(zalo, user, "/start", 2)
    assert "Trợ lý biển đảo" in welcome.text
    assert {"title": "Đồng ý nhận tin", "type": "oa.query.hide", "payload": "#consent:yes"} in consent.buttons
    (area,) = say(zalo, user, "#consent:yes", 1)
    assert len(area.buttons) <= 5 and area.buttons[-1]["payload"] == "#area:other"
    (topics,) = say(zalo, user, "Phổ Thạnh", 1)  # an old commune name, typed
    assert topics.text == fixed_texts.ASK_TOPICS and len(topics.buttons) == 5
    (done,) = say(zalo, user, "#topics:done", 1)
    assert "Phường Sa Huỳnh" in done.text
    person = subscriber(stack, user)
    assert person.status == "active" and person.area == "sa_huynh" and person.consent_at is not None
    (stopped,) = say(zalo, user, "huy dang ky", 1)
    assert stopped.text == fixed_texts.UNSUBSCRIBED and subscriber(stack, user).status == "unsubscribed"


def test_asking_for_a_publication_uploads_and_sends_the_file(zalo):
    standin, _ = zalo
    user = next(USERS)
    text, document = say(zalo, user, "co so tay IUU k", 2)
    assert "Sổ tay Luật Thủy sản" in text.text
    upload = standin.uploads[document.file_token]
    assert upload["filename"] == "so_tay_luat_thuy_san.pdf" and upload["head"] == b"%PDF-"


def test_a_forged_signature_is_refused_and_nothing_is_processed(stack, zalo):
    standin, webhook = zalo
    user = next(USERS)
    event = standin.event("user_send_text", user, "lanh hai rong bao nhieu")
    assert standin.post(webhook, event, secret="not-the-secret").status_code == 401
    unsigned = httpx.post(webhook, json=event)
    assert unsigned.status_code == 401
    # A signed message from the same person afterwards is answered, and it is the only thing answered: the
    # gateway handles one person's messages in order, so a forged one would have been answered first.
    barrier = standin.event("user_send_text", user, "luat bien co hieu luc tu khi nao")
    assert standin.post(webhook, barrier).status_code == 200
    standin.wait_for(user, 1)
    assert len(standin.sent_to(user)) == 1
    with stack.db.connect() as connection:
        seen = connection.execute(
            select(ProcessedEvent.__table__).where(ProcessedEvent.event_id == event["message"]["msg_id"])
        )
        assert seen.first() is None


def test_a_replayed_event_is_processed_once(zalo):
    standin, webhook = zalo
    user = next(USERS)
    event = standin.event("user_send_text", user, "lanh hai rong bao nhieu")
    for _ in range(3):
        assert standin.post(webhook, event).status_code == 200
    barrier = standin.event("user_send_text", user, "luat bien co hieu luc tu khi nao")
    assert standin.post(webhook, barrier).status_code == 200
    standin.wait_for(user, 2)
    assert len(standin.sent_to(user)) == 2  # the event once, then the next message


def test_follow_welcomes_and_unfollow_stops_news(stack, zalo):
    standin, webhook = zalo
    user = next(USERS)
    standin.post(webhook, standin.event("follow", user))
    assert "Trợ lý biển đảo" in standin.wait_for(user, 1)[0].text
    say(zalo, user, "/start", 2)
    say(zalo, user, "#consent:yes", 1)
    standin.post(webhook, standin.event("unfollow", user))
    deadline = time.monotonic() + 10
    while subscriber(stack, user).status != "unsubscribed" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert subscriber(stack, user).status == "unsubscribed"


@pytest.mark.parametrize("kind", ["user_send_sticker", "user_send_image", "user_send_audio"])
def test_non_text_messages_get_a_polite_reply(zalo, kind):
    standin, webhook = zalo
    user = next(USERS)
    standin.post(
        webhook, standin.event(kind, user, attachments=[{"type": kind.split("_")[-1], "payload": {"url": "x"}}])
    )
    assert standin.wait_for(user, 1)[0].text == fixed_texts.NOT_UNDERSTOOD_KIND


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"event_name": "user_send_text"}'])
def test_malformed_bodies_get_a_4xx(zalo, body):
    _, webhook = zalo
    response = httpx.post(webhook, content=body, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500


def test_an_expired_access_token_is_refreshed_and_the_new_pair_stored(stack, zalo):
    standin, _ = zalo
    user = next(USERS)
    old_refresh = standin.refresh_token
    standin.expire_access_token()
    (reply,) = say(zalo, user, "lanh hai rong bao nhieu", 1)
    assert reply.text == knowledge().by_id("lanh_hai_rong").render()
    assert standin.refreshes >= 1 and standin.refresh_token != old_refresh
    with stack.db.connect() as connection:
        stored = connection.execute(select(PlatformToken.__table__)).first()
    assert stored.refresh_token == standin.refresh_token and stored.access_token == standin.access_token


def test_personal_data_by_keyword(stack, zalo):
    user = next(USERS)
    say(zalo, user, "lanh hai rong bao nhieu", 1)
    (data,) = say(zalo, user, "dữ liệu của tôi", 1)
    assert user in data.text
    say(zalo, user, "xoa du lieu", 1)
    (deleted,) = say(zalo, user, "#delete:yes", 1)
    assert deleted.text == fixed_texts.DELETED and subscriber(stack, user) is None
