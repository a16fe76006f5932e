"""Faults in the production set-up, whatever the test profile: PostgreSQL, Rasa's locks in Redis (through
a relay the test can cut), events through RabbitMQ, two Rasa servers and two action servers behind
HAProxy, the Telegram gateway on the Bot API stand-in, all kept running by the same supervisor as
`bot run`. Each test breaks something, and checks that no message is lost and that the service
recovers by itself."""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from benchmarks.latency import load
from bot import fixed_texts
from bot.processes import Service, Supervisor, free_port, gateway_services, supervised
from bot.settings import Settings, load_settings
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Interaction
from bot.subscribers import pseudonym
from tests.deployment import RABBITMQ, REDIS, rasa_behind_haproxy, temporary_postgres, temporary_rabbitmq_queue
from tests.standins.tcp_proxy import TcpProxy
from tests.standins.telegram import TelegramStandIn

pytestmark = [pytest.mark.e2e, pytest.mark.production]
CHATS = itertools.count(9_100_000)
QUESTIONS = ["lanh hai rong bao nhieu hai ly", "tau 15m co phai lap vms ko", "danh bat bang chat no bi phat the nao",
             "vung dac quyen kinh te rong bao nhieu", "khai thac IUU la gi"]  # fmt: skip


@dataclass
class Production:
    settings: Settings
    supervisor: Supervisor
    telegram: TelegramStandIn
    redis: TcpProxy
    log_dir: Path

    def service(self, name: str) -> Service:
        return next(s for s in self.supervisor.services if s.name == name)

    def ask(self, chat: int, text: str, timeout: float = 45.0) -> list[str]:
        """A person writes to the bot on Telegram; the messages the bot sends back (at least one)."""
        before = self.telegram.sent_count(chat)
        self.telegram.push_text(chat, text)
        deadline = time.monotonic() + timeout
        while self.telegram.sent_count(chat) == before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        return self.telegram.texts_to(chat)[before:]


@pytest.fixture(scope="module")
def production(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    telegram = TelegramStandIn()
    api = telegram.start()
    redis_host, redis_rest = REDIS.removeprefix("redis://").split(":", 1)
    redis_port, _, redis_db = redis_rest.partition("/")
    redis = TcpProxy(redis_host, int(redis_port))
    relay = redis.start()
    var_dir = tmp_path_factory.mktemp("faults-var")
    with temporary_postgres() as database, temporary_rabbitmq_queue("faults") as queue:
        overrides = {
            "BOT_VAR_DIR": str(var_dir), "DATABASE_URL": database, "TRACKER_DATABASE_URL": "",
            "REDIS_URL": f"redis://127.0.0.1:{relay}/{redis_db or 5}", "RABBITMQ_URL": RABBITMQ,
            "RABBITMQ_QUEUE": queue, "RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port()),
            "TELEGRAM_BOT_TOKEN": "123456:FAULTS", "TELEGRAM_API_URL": api,
        }  # fmt: skip
        settings = load_settings({**os.environ, **overrides})
        upgrade(database)
        services = [*rasa_behind_haproxy(settings, model), *gateway_services(settings)]
        with supervised(services, var_dir / "logs") as supervisor:
            production = Production(settings, supervisor, telegram, redis, var_dir / "logs")
            assert production.ask(next(CHATS), QUESTIONS[0]), "the production set-up does not answer"
            yield production
    telegram.stop()


def kill(service: Service) -> int:
    assert service.process is not None
    pid = service.process.pid
    os.killpg(pid, signal.SIGKILL)
    return pid


def wait_restarted(service: Service, old_pid: int, timeout: float = 180.0) -> None:
    """The supervisor started a new process and it answers its ready URL."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process = service.process
        if process is not None and process.pid != old_pid and service.running():
            if service.ready_url is None:
                return
            try:
                with urllib.request.urlopen(service.ready_url, timeout=2):
                    return
            except OSError:
                pass
        time.sleep(0.5)
    raise AssertionError(f"{service.name} was not restarted within {timeout:.0f} s")


def test_a_rasa_replica_killed_under_load_loses_no_message(production):
    outcome: dict = {}

    def run_load() -> None:
        outcome.update(asyncio.run(load(production.settings.rest_webhook_url, QUESTIONS, 20, 10, pause=0.3)))

    loader = threading.Thread(target=run_load)
    loader.start()
    time.sleep(2.0)
    replica = production.service("rasa-1")
    old = kill(replica)
    loader.join(300)
    assert outcome["messages"] == 200
    assert outcome["errors"] == 0, outcome
    wait_restarted(replica, old)
    for question in QUESTIONS:  # the restarted replica serves its conversations again
        answer = production.ask(next(CHATS), question)
        assert answer and fixed_texts.TRY_AGAIN not in answer


def test_an_action_server_killed_mid_conversation_loses_no_message(production):
    chat = next(CHATS)
    assert production.ask(chat, "/tailieu") == [fixed_texts.WHICH_PUBLICATION]  # needs the action server
    server = production.service("actions-1")
    old = kill(server)
    for _ in range(4):  # HAProxy sends the action calls to the other server
        assert production.ask(chat, "/tailieu") == [fixed_texts.WHICH_PUBLICATION]
    wait_restarted(server, old)
    assert production.ask(chat, "/tailieu") == [fixed_texts.WHICH_PUBLICATION]


def test_the_gateway_restarted_with_updates_pending_answers_all_of_them(production):
    gateway = production.service("telegram")
    chats = [next(CHATS) for _ in range(10)]
    old = kill(gateway)
    for chat in chats:  # these arrive while the gateway is down
        production.telegram.push_text(chat, QUESTIONS[chat % len(QUESTIONS)])
    wait_restarted(gateway, old)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not all(production.telegram.sent_count(c) for c in chats):
        time.sleep(0.2)
    unanswered = [c for c in chats if not production.telegram.sent_count(c)]
    assert unanswered == []


def test_redis_unavailable_for_a_while_costs_no_message(production):
    chat = next(CHATS)
    production.redis.set_cut(True)
    try:
        during = [production.ask(chat, q) for q in QUESTIONS]
    finally:
        production.redis.set_cut(False)
    time.sleep(6)  # the lock store goes back to Redis when it answers again
    after = [production.ask(chat, q) for q in QUESTIONS]
    for answer in during + after:
        assert answer and fixed_texts.TRY_AGAIN not in answer
    with open(production.log_dir / "rasa-1.log") as log_1, open(production.log_dir / "rasa-2.log") as log_2:
        logs = log_1.read() + log_2.read()
    assert "Redis lock store unreachable" in logs and "Redis lock store is back" in logs


def postgres_cluster() -> list[str]:
    if shutil.which("pg_lsclusters") is None:
        pytest.fail("pg_lsclusters not found: this test restarts the machine's PostgreSQL (Debian's tools)")
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
    version, name = listing.split()[:2]
    return ["pg_ctlcluster", version, name]


def test_postgresql_restarted_loses_no_message_and_no_log_row(production):
    cluster = postgres_cluster()
    chats = [next(CHATS) for _ in range(6)]
    before = [production.ask(chats[0], q) for q in QUESTIONS[:2]]
    restart = subprocess.Popen([*cluster, "restart"])
    during = [production.ask(chat, QUESTIONS[i % len(QUESTIONS)]) for i, chat in enumerate(chats)]
    assert restart.wait(120) == 0
    after = [production.ask(chats[-1], q) for q in QUESTIONS]
    for answer in before + during + after:
        assert answer and fixed_texts.TRY_AGAIN not in answer
    engine = make_engine(production.settings.database_url)
    refs = [pseudonym("telegram", str(chat)) for chat in chats]
    expected = len(before) + len(during) + len(after)
    deadline = time.monotonic() + 60
    logged = 0
    while time.monotonic() < deadline and logged < expected:
        with engine.connect() as connection:
            logged = connection.execute(
                select(func.count()).select_from(Interaction).where(Interaction.user_ref.in_(refs))
            ).scalar_one()
        time.sleep(1)
    assert logged == expected
    httpx.get(f"{production.settings.rasa_url}/", timeout=5).raise_for_status()
