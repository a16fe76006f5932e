"""Two Telegram gateways in webhook mode behind HAProxy (production profile): each chat's updates go to
one gateway, so its messages are answered in order, and an update sent again (Telegram's retry, or
HAProxy's onto the other gateway) is answered once."""

from __future__ import annotations

import csv
import io
import itertools
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from bot import fixed_texts
from bot.processes import Service, service_env, stop_all
from bot.rescue import contacts_reply
from tests.deployment import PRODUCTION
from tests.standins.telegram import TelegramStandIn

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.production,
    pytest.mark.skipif(not PRODUCTION, reason="HAProxy runs in the production profile (BOT_TEST_PROFILE)"),
]
CHATS = itertools.count(8_300_000)
UPDATE_IDS = itertools.count(random.randrange(1, 1 << 30))  # never ones an earlier run handled
SECRET = "replicas-secret"
# Each message gets exactly one reply; the first goes through Rasa and the action server, the next two
# are the gateway's own (fast): on two gateways, they would overtake it.
CONVERSATION = [("/tailieu", fixed_texts.WHICH_PUBLICATION), ("/lenhkhongco", fixed_texts.UNKNOWN_COMMAND),
                ("/lienhe", contacts_reply()), ("/tailieu", fixed_texts.WHICH_PUBLICATION)]  # fmt: skip


@dataclass
class Gateways:
    standin: TelegramStandIn
    webhook: str  # HAProxy's public side
    direct: list[str]  # each gateway's own webhook URL
    haproxy_log: str

    def post(self, url: str, update: dict) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert httpx.post(url, json=update, headers=headers, timeout=10).status_code == 200

    def update(self, chat: int, text: str) -> dict:
        person = {"id": chat, "is_bot": False, "first_name": "Ngư dân"}
        entities = [{"type": "bot_command", "offset": 0, "length": len(text)}] if text.startswith("/") else []
        message = {"message_id": 1, "date": int(time.time()), "text": text, "entities": entities, "from": person,
                   "chat": {"id": chat, "type": "private"}}  # fmt: skip
        return {"update_id": next(UPDATE_IDS), "message": message}

    def servers_by_chat(self) -> dict[int, set[str]]:
        """From HAProxy's log: the gateways each chat's requests went to (the chat is captured in braces)."""
        with open(self.haproxy_log, encoding="utf-8") as log:
            lines = re.findall(r" public telegram/(telegram-\d) .*\{(\d+)\}", log.read())
        servers: dict[int, set[str]] = defaultdict(set)
        for server, chat in lines:
            servers[int(chat)].add(server)
        return servers


def _servers_up(stats_url: str, backend: str) -> set[str]:
    rows = csv.DictReader(io.StringIO(httpx.get(stats_url, timeout=5).text.removeprefix("# ")))
    servers = [row for row in rows if row["pxname"] == backend and row["svname"] not in ("FRONTEND", "BACKEND")]
    return {row["svname"] for row in servers if row["status"] == "UP"}


@pytest.fixture(scope="module")
def gateways(stack) -> Iterator[Gateways]:
    standin = TelegramStandIn()
    api = standin.start()
    proxy = stack.services["haproxy"].env
    webhook = f"http://{proxy['PUBLIC_BIND']}/webhooks/telegram"
    addresses = [proxy["TELEGRAM_1_ADDR"], proxy["TELEGRAM_2_ADDR"]]
    services = [
        Service(f"telegram-{i}", [sys.executable, "-m", "bot", "telegram"], service_env(stack.settings, {
            "TELEGRAM_BOT_TOKEN": "123456:REPLICAS", "TELEGRAM_API_URL": api, "TELEGRAM_WEBHOOK_URL": webhook,
            "TELEGRAM_WEBHOOK_SECRET": SECRET, "TELEGRAM_WEBHOOK_PORT": address.rsplit(":", 1)[1],
        }))
        for i, address in enumerate(addresses, 1)
    ]  # fmt: skip
    for service in services:
        service.start(stack.log_dir)
    try:
        deadline = time.monotonic() + 90
        stats = f"http://{proxy['STATS_BIND']}/;csv"
        while _servers_up(stats, "telegram") != {"telegram-1", "telegram-2"}:
            assert all(s.running() for s in services), "a Telegram gateway stopped while starting"
            assert time.monotonic() < deadline, "HAProxy does not see both Telegram gateways"
            time.sleep(0.5)
        yield Gateways(standin, webhook, [f"http://{a}/webhooks/telegram" for a in addresses],
                       str(stack.log_dir / "haproxy.log"))  # fmt: skip
    finally:
        stop_all(services)
        standin.stop()


def test_each_chat_stays_on_one_gateway_and_is_answered_in_order(gateways):
    chats = [next(CHATS) for _ in range(16)]
    for chat in chats:
        for text, _ in CONVERSATION:
            gateways.post(gateways.webhook, gateways.update(chat, text))
    for chat in chats:
        gateways.standin.wait_for(chat, len(CONVERSATION), timeout=90)
    time.sleep(0.5)
    for chat in chats:
        assert gateways.standin.texts_to(chat) == [reply for _, reply in CONVERSATION], chat
    servers = gateways.servers_by_chat()
    assert all(len(servers[chat]) == 1 for chat in chats), {chat: servers[chat] for chat in chats}
    assert set().union(*(servers[chat] for chat in chats)) == {"telegram-1", "telegram-2"}  # both served


def test_an_update_sent_again_is_answered_once_whichever_gateway_gets_it(gateways):
    chat = next(CHATS)
    update = gateways.update(chat, "/tailieu")
    gateways.post(gateways.webhook, update)
    gateways.standin.wait_for(chat, 1)
    for url in [gateways.webhook, *gateways.direct]:  # Telegram's retry, then a copy on each gateway
        gateways.post(url, update)
    time.sleep(3)
    assert gateways.standin.texts_to(chat) == [fixed_texts.WHICH_PUBLICATION]
    gateways.post(gateways.webhook, gateways.update(chat, "/tailieu"))  # a new update is answered
    assert len(gateways.standin.wait_for(chat, 2)) == 2
