"""Broadcasts through the real worker process and the `bot` command, against the Telegram Bot API
stand-in over HTTP, on a database of their own (so other tests' subscribers are not targeted)."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from bot.processes import Service, service_env
from bot.settings import Settings, load_settings
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Broadcast, RefusedAttempt, Subscriber
from tests.deployment import REDIS, deployment_env
from tests.standins.telegram import TelegramStandIn

# The durable queue on PostgreSQL (SKIP LOCKED claims) and workers sharing the rate through Redis.
pytestmark = [pytest.mark.e2e, pytest.mark.production]
IDS = itertools.count(900_001)
OFFICER = 555_001


@dataclass
class Env:
    settings: Settings
    env: dict[str, str]
    telegram: TelegramStandIn
    log_dir: Path

    @property
    def db(self):  # type: ignore[no-untyped-def]
        return make_engine(self.settings.database_url)

    def bot(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "bot", *args], env=self.env, capture_output=True, text=True)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def worker(self, name: str = "worker", **extra: str) -> Service:
        service = Service(name, [sys.executable, "-m", "bot", "worker"], {**self.env, **extra})
        service.start(self.log_dir)
        return service


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    telegram = TelegramStandIn()
    api = telegram.start()
    var_dir = tmp_path_factory.mktemp("broadcast-var")
    overrides = {
        **deployment_env(), "BOT_VAR_DIR": str(var_dir),
        "TELEGRAM_BOT_TOKEN": "123456:BROADCAST", "TELEGRAM_API_URL": api,
        "BROADCAST_TELEGRAM_RATE": "300", "BROADCAST_POLL_SECONDS": "0.2", "BROADCAST_LEASE_SECONDS": "3",
        "RASA_URL": "http://127.0.0.1:9",  # never reached: broadcasts do not use the assistant
    }  # fmt: skip
    settings = load_settings({**os.environ, **overrides})
    upgrade(settings.database_url)
    environment = service_env(settings)
    yield Env(settings, environment, telegram, var_dir / "logs")
    telegram.stop()


@pytest.fixture
def worker(env: Env) -> Iterator[Service]:
    service = env.worker()
    yield service
    service.stop()


def subscribe(env: Env, count: int = 1, **fields: object) -> list[int]:
    ids = [next(IDS) for _ in range(count)]
    defaults = {
        "channel": "telegram",
        "status": "active",
        "area": "ly_son",
        "topics": "an_toan,luat,ho_tro,chuong_trinh",
    }
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    seen = fields.get("last_seen_at", now)
    rows = [{**defaults, **fields, "channel_user_id": str(i), "created_at": now, "last_seen_at": seen} for i in ids]
    with env.db.begin() as connection:
        connection.execute(insert(Subscriber.__table__), rows)
    return ids


def send(env: Env, *args: str) -> int:
    output = env.bot("broadcast", "send", *args).stdout.strip()
    return int(output.split()[-1])  # the id is the last word


def status(env: Env, broadcast_id: int) -> dict:
    return json.loads(env.bot("broadcast", "status", str(broadcast_id), "--json").stdout)


def wait_done(env: Env, broadcast_id: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report = status(env, broadcast_id)
        if report["status"] in ("done", "cancelled"):
            return report
        time.sleep(0.3)
    raise TimeoutError(f"broadcast {broadcast_id} not finished: {report}")


def receivers(env: Env, text_marker: str) -> Counter:
    return Counter(
        int(c.params["chat_id"]) for c in env.telegram.delivered() if text_marker in str(c.params.get("text", ""))
    )


def test_targeting_by_area_and_topic_reaches_exactly_the_right_subscribers(env, worker):
    wanted = subscribe(env, 3, area="ly_son", topics="an_toan")
    wanted += subscribe(env, 2, area="ly_son", topics="luat,an_toan")
    subscribe(env, 2, area="ly_son", topics="luat")  # wrong topic
    subscribe(env, 2, area="sa_huynh", topics="an_toan")  # wrong area
    subscribe(env, 1, area="ly_son", topics="an_toan", status="unsubscribed")  # withdrew consent
    subscribe(env, 1, area="ly_son", topics="an_toan", status="pending")  # never consented
    broadcast = send(env, "--text", "Bão số 3: cấm biển từ 18h #T1", "--area", "Lý Sơn", "--topic", "an_toan")
    report = wait_done(env, broadcast)
    assert receivers(env, "#T1") == Counter(wanted)
    assert report["counts"] == {"sent": 5} and report["by_channel"] == {"telegram": {"sent": 5}}
    assert report["by_area"] == {"ly_son": {"sent": 5}}


def test_a_blocked_user_is_marked_and_skipped_afterwards(env, worker):
    blocked, fine = subscribe(env, 2, area="binh_son")
    env.telegram.blocked_chats.add(blocked)
    first = wait_done(env, send(env, "--text", "Tin thử #T2", "--area", "binh_son"))
    assert first["counts"] == {"sent": 1, "blocked": 1}
    with env.db.connect() as connection:
        state = connection.execute(select(Subscriber.status).where(Subscriber.channel_user_id == str(blocked))).scalar()
    assert state == "blocked"
    second = wait_done(env, send(env, "--text", "Tin thử #T3", "--area", "binh_son"))
    assert second["recipients"] == 1 and receivers(env, "#T3") == Counter([fine])


def test_429_slows_the_worker_down_without_losing_anyone(env, worker):
    people = subscribe(env, 6, area="dong_son")
    env.telegram.retry_after = 1
    for chat in people[:3]:
        env.telegram.too_many_requests[chat] = 2
    started = time.monotonic()
    report = wait_done(env, send(env, "--text", "Tin thử #T4", "--area", "dong_son"))
    assert time.monotonic() - started >= 2  # two rounds of retry_after
    assert report["counts"] == {"sent": 6}
    assert receivers(env, "#T4") == Counter(people)  # everyone exactly once


def test_zalo_subscribers_outside_the_free_window_are_skipped(env, worker):
    old = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=3)
    subscribe(env, 2, channel="zalo", area="an_phu", last_seen_at=old)
    report = wait_done(env, send(env, "--text", "Tin thử #T5", "--area", "an_phu"))
    assert report["counts"] == {"skipped": 2}


def test_a_scheduled_broadcast_waits_for_its_time_and_can_be_cancelled(env, worker):
    people = subscribe(env, 2, area="ba_gia")
    later = (datetime.now(timezone.utc) + timedelta(hours=7, minutes=10)).strftime("%Y-%m-%d %H:%M")
    scheduled = send(env, "--text", "Tin hẹn giờ #T6", "--area", "ba_gia", "--at", later)
    cancelled = send(env, "--text", "Tin sẽ hủy #T7", "--area", "ba_gia", "--at", later)
    assert "cancelled" in env.bot("broadcast", "cancel", str(cancelled)).stdout
    time.sleep(2)  # the worker polls every 0.2 s: it must leave them alone
    assert status(env, scheduled)["status"] == "scheduled" and receivers(env, "#T6") == Counter()
    with env.db.begin() as connection:  # ten minutes pass
        connection.execute(
            update(Broadcast.__table__).values(scheduled_at=datetime.now(timezone.utc).replace(tzinfo=None))
        )
    assert wait_done(env, scheduled)["counts"] == {"sent": 2}
    assert status(env, cancelled)["status"] == "cancelled"
    assert receivers(env, "#T6") == Counter(people) and receivers(env, "#T7") == Counter()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text", "x", "--area", "Hà Nội"], "không biết khu vực"),
        (["--text", "x", "--topic", "bong_da"], "chủ đề không có"),
        (["--text", "x", "--at", "mai 7 giờ"], "YYYY-MM-DD HH:MM"),
        (["--text", "   "], "không được để trống"),
        (["--text", "x", "--file", "/etc/passwd"], "not in publications/catalogue.yml"),
    ],
)
def test_bad_broadcast_commands_get_a_clear_error(env, args, message):
    result = env.bot("broadcast", "send", *args, check=False)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_officers_are_managed_from_the_command_line(env):
    post = "Đồn BP Lý Sơn"
    added = env.bot("officer", "add", "telegram:42", "--name", "Trung úy Hải", "--area", "Lý Sơn", "--post", post)
    assert "saved; areas: ly_son; post: Đồn BP Lý Sơn" in added.stdout
    assert "telegram:42\tofficer\tTrung úy Hải\tly_son\tĐồn BP Lý Sơn" in env.bot("officer", "list").stdout
    ambiguous = env.bot("officer", "add", "telegram:42", "--area", "Bình Sơn", check=False)
    assert ambiguous.returncode == 2 and "Xã Đông Sơn (dong_son)" in ambiguous.stderr
    assert "removed" in env.bot("officer", "remove", "telegram:42").stdout
    assert "telegram:42" not in env.bot("officer", "list").stdout
    bad = env.bot("officer", "add", "facebook:1", check=False)
    assert bad.returncode == 2 and "telegram:<user id>" in bad.stderr


def test_an_officer_composes_a_broadcast_in_telegram_and_gets_a_summary(env, worker):
    people = subscribe(env, 3, area="mo_duc", topics="an_toan")
    env.bot("officer", "add", f"telegram:{OFFICER}", "--name", "Cán bộ thử")
    gateway = Service("telegram-officer", [sys.executable, "-m", "bot", "telegram"], env.env)
    gateway.start(env.log_dir)
    tg = env.telegram

    def step(push, expect: int = 1) -> list[str]:
        time.sleep(0.5)  # an officer reads and taps; faster than a person, flood control would step in
        before = len(tg.sent_to(OFFICER))
        push()
        tg.wait_for(OFFICER, before + expect)
        return tg.texts_to(OFFICER)[before:]

    try:
        assert "Soạn tin" in step(lambda: tg.push_text(OFFICER, "/broadcast"))[0]
        assert "kèm tài liệu" in step(lambda: tg.push_text(OFFICER, "Gió mạnh cấp 7, bà con vào bờ #T8"))[0]
        assert "Gửi đến ai" in step(lambda: tg.push_button(OFFICER, "#bc:pub:none"))[0]
        assert "Gõ tên" in step(lambda: tg.push_button(OFFICER, "#bc:areas"))[0]
        assert "Mộ Đức" in step(lambda: tg.push_text(OFFICER, "Mộ Đức"))[0]
        (preview,) = step(lambda: tg.push_button(OFFICER, "#bc:preview"))
        assert "Gió mạnh cấp 7, bà con vào bờ #T8" in preview and "Đến: 3 người" in preview
        assert "Đã xếp hàng" in step(lambda: tg.push_button(OFFICER, "#bc:send"))[0]
        summary = tg.wait_for(OFFICER, len(tg.sent_to(OFFICER)) + 1, timeout=60)[-1].params["text"]
        assert "đã gửi xong: 3/3" in summary
        subscribers_reached = receivers(env, "#T8")
        del subscribers_reached[OFFICER]  # the officer saw the text in the preview
        assert subscribers_reached == Counter(people)
    finally:
        gateway.stop()


def test_a_non_officer_is_refused_and_the_attempt_logged(env):
    intruder = next(IDS)
    gateway = Service("telegram-intruder", [sys.executable, "-m", "bot", "telegram"], env.env)
    gateway.start(env.log_dir)
    try:
        env.telegram.push_text(intruder, "/broadcast")
        assert "chỉ dành cho cán bộ" in env.telegram.wait_for(intruder, 1)[0].params["text"]
        env.telegram.push_button(intruder, "#bc:send")
        env.telegram.wait_for(intruder, 2)
    finally:
        gateway.stop()
    with env.db.connect() as connection:
        attempts = connection.execute(select(RefusedAttempt.command)).scalars().all()
    assert "/broadcast" in attempts and "#bc:send" in attempts


def test_a_worker_killed_mid_broadcast_loses_nobody(env):
    """2,000 recipients; SIGKILL the worker half-way; a new worker finishes the job."""
    people = subscribe(env, 2000, area="tinh_khe")
    slow = {"BROADCAST_TELEGRAM_RATE": "200", "BROADCAST_BATCH": "20"}
    first = env.worker("worker-killed", **slow)
    broadcast = send(env, "--text", "Tin thử sập nguồn #T9", "--area", "tinh_khe")
    deadline = time.monotonic() + 60
    while sum(receivers(env, "#T9").values()) < 700 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait()
    sent_at_kill = sum(receivers(env, "#T9").values())
    assert 0 < sent_at_kill < 2000
    second = env.worker("worker-restarted", **slow)
    try:
        report = wait_done(env, broadcast, timeout=120)
    finally:
        second.stop()
    got = receivers(env, "#T9")
    duplicates = sum(n - 1 for n in got.values())
    print(f"\ncrash test: killed after {sent_at_kill} sends; duplicates: {duplicates}")
    assert set(got) == set(people) and report["counts"] == {"sent": 2000}
    assert duplicates <= 20  # at most the batch that was in flight


@pytest.mark.parametrize("shared", [True, False], ids=["rate-shared-through-redis", "each-worker-alone"])
def test_two_workers_keep_to_the_bot_s_rate_together(env, shared):
    """Two workers (as on two hosts) drain one broadcast to 240 people for one bot; the stand-in refuses,
    as Telegram does, what goes beyond 30 messages a second for the bot (with a little leeway for jitter)."""
    marker = f"#T10{'s' if shared else 'a'}"
    people = subscribe(env, 240, area="van_tuong" if shared else "duc_pho")
    rate = 30
    token = f"{next(IDS)}:RATE"  # a bot of its own: its schedule in Redis is this test's only
    extra = {"TELEGRAM_BOT_TOKEN": token, "REDIS_URL": REDIS if shared else "", "BROADCAST_TELEGRAM_RATE": str(rate),
             "BROADCAST_BATCH": "20", "BROADCAST_LEASE_SECONDS": "30"}  # fmt: skip
    env.telegram.rate_limit, env.telegram.rate_burst = rate, 5
    workers = [env.worker(f"worker-{'shared' if shared else 'alone'}-{i}", **extra) for i in range(2)]
    try:
        broadcast = send(env, "--text", f"Tin thử hai máy {marker}", "--area", "van_tuong" if shared else "duc_pho")
        report = wait_done(env, broadcast, timeout=120)
    finally:
        for worker in workers:
            worker.stop()
        env.telegram.rate_limit = 0
    calls = [c for c in env.telegram.calls if marker in str(c.params.get("text", ""))]
    sent = sorted(c.at for c in calls if c.status == 200)
    refused = sum(c.status == 429 for c in calls)
    tried = sorted(c.at for c in calls)
    busiest = max(sum(1 for t in tried[i:] if t - start < 1) for i, start in enumerate(tried))
    print(f"\n{'shared' if shared else 'alone'}: {len(sent)} sent in {sent[-1] - sent[0]:.1f} s "
          f"({(len(sent) - 1) / (sent[-1] - sent[0]):.1f}/s), {refused} refused (429), "
          f"at most {busiest} tries in one second")  # fmt: skip
    assert report["counts"] == {"sent": 240} and receivers(env, marker) == Counter(people)  # each exactly once
    if shared:
        assert refused <= 2 and busiest <= rate + 5
        assert (len(sent) - 1) / (sent[-1] - sent[0]) <= rate * 1.05
    else:  # each worker alone at the bot's rate: together twice too fast, held back by the 429s
        assert refused > 20 and busiest > rate + 5
