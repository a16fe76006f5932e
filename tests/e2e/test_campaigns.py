"""Campaigns end to end: a leaflet made with `bot campaign create`, a person who starts the bot from its deep link
through the real Telegram gateway (against the Bot API stand-in), consents and asks, counted by `bot campaign
stats`; a code typed on Zalo (which has no start parameter); and the dashboard's "Chiến dịch" page in a headless
Chromium, after a visit from the web chat's link."""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.test_dashboard import PASSWORD, Site, browser, log_in, page  # noqa: F401 (the fixtures)
from tests.e2e.test_telegram import converse, telegram  # noqa: F401 (the fixture)
from tests.e2e.test_zalo import say as zalo_say
from tests.e2e.test_zalo import zalo  # noqa: F401 (the fixture)
from tests.standins.telegram import TelegramStandIn

pytestmark = pytest.mark.e2e
PEOPLE = itertools.count(9301)
BOT_USERNAME = "TroLyBienDaoBot"


def bot(stack, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = stack.env(TELEGRAM_BOT_USERNAME=BOT_USERNAME)
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, input=stdin, capture_output=True, text=True)


def create(stack, tmp_path: Path, name: str, area: str) -> str:
    made = bot(stack, "campaign", "create", "--name", name, "--area", area, "--out", str(tmp_path / "to-roi.pdf"))
    assert made.returncode == 0, made.stderr
    code = made.stdout.split()[-1]
    assert f"https://t.me/{BOT_USERNAME}?start={code}" in made.stdout
    assert (tmp_path / "to-roi.pdf").read_bytes().startswith(b"%PDF")
    return code


def stats(stack, code: str) -> dict:
    shown = bot(stack, "campaign", "stats", code, "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def test_a_deep_link_start_then_consent_and_a_question_are_counted_once(stack, telegram: TelegramStandIn, tmp_path):  # noqa: F811
    code = create(stack, tmp_path, "Hội nghị Sa Huỳnh 12/2026", "Sa Huỳnh")
    person, other = next(PEOPLE), next(PEOPLE)
    plain = converse(telegram, other, 2, lambda: telegram.push_text(other, "/start"))
    # t.me/<bot>?start=<code>: Telegram sends "/start <code>" when the person taps Start
    assert converse(telegram, person, 2, lambda: telegram.push_text(person, f"/start {code}")) == plain
    converse(telegram, person, 1, lambda: telegram.push_button(person, "#consent:yes"))
    converse(telegram, person, 1, lambda: telegram.push_button(person, "#area:sa_huynh"))
    (answer,) = converse(telegram, person, 1, lambda: telegram.push_text(person, "ghe 15 met co phai lap vms k"))
    assert "VMS" in answer or "giám sát" in answer
    assert converse(telegram, person, 2, lambda: telegram.push_text(person, f"/start {code.lower()}")) == plain
    assert converse(telegram, other, 2, lambda: telegram.push_text(other, "/start KHONG-PHAI-MA")) == plain
    deadline = time.monotonic() + 30
    while (found := stats(stack, code))["asked"] < 1 and time.monotonic() < deadline:
        time.sleep(0.5)  # the interaction log writes in the background
    assert (found["started"], found["subscribed"], found["played"]) == (1, 1, 0) and found["asked"] >= 1
    assert found["post"] == "Phường Sa Huỳnh" or "Sa Huỳnh" in found["post"]


def test_the_campaigns_page_shows_a_web_chat_start_and_downloads_as_csv(stack, page: Page, tmp_path):  # noqa: F811
    added = bot(stack, "officer", "add", "telegram:9399", "--area", "Lý Sơn", "--post", "Đồn Biên phòng Lý Sơn")
    assert added.returncode == 0, added.stderr
    assert bot(stack, "user", "add", "chiendich", "--role", "staff", stdin=PASSWORD + "\n").returncode == 0
    code = create(stack, tmp_path, "Áp phích bến cá Lý Sơn", "Lý Sơn")
    site = Site(stack.settings, stack.env())
    page.goto(f"{site.base}/?c={code.lower()}")  # the web chat's link under the QR code
    page.goto(f"{site.base}/?c={code}")  # the same visitor again: once
    page.goto(f"{site.base}/?c=9A9A9A")  # an unknown code: nothing
    log_in(page, site, "chiendich")
    page.click("nav >> text=Chiến dịch")
    assert page.url.split("?")[0].endswith("/dashboard/campaigns")
    row = page.locator("table.data tr", has_text=code)
    cells = row.locator("td").all_inner_texts()
    assert cells[1:] == ["Áp phích bến cá Lý Sơn", code, "Đặc khu Lý Sơn", "Đồn Biên phòng Lý Sơn", "1", "0", "0", "0"]
    post = page.locator("table.data tr", has_text="đồn biên phòng").filter(has_text="Đồn Biên phòng Lý Sơn")
    assert post.locator("td").all_inner_texts()[5] == "1"
    with page.expect_download() as download:
        page.click("text=Tải CSV")
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = {r["Mã"]: r for r in csv.DictReader(io.StringIO(content)) if r["Theo"] == "chiến dịch"}
    assert rows[code]["Người bắt đầu"] == "1" and rows[code]["Đồn biên phòng"] == "Đồn Biên phòng Lý Sơn"
    assert stats(stack, code)["started"] == 1


def test_a_code_typed_on_zalo_starts_the_bot_and_is_counted(stack, zalo, tmp_path):  # noqa: F811
    code = create(stack, tmp_path, "Tờ rơi phát tại cảng Sa Kỳ", "Lý Sơn")
    person = "2468458835297001"
    welcome, consent = zalo_say(zalo, person, code.lower(), 2)  # typed from the leaflet, in any case
    assert "Trợ lý biển đảo" in welcome.text and consent.buttons[0]["payload"] == "#consent:yes"
    time.sleep(1.0)
    zalo_say(zalo, person, f" {code.upper()} ", 2)  # typed again: the same start, counted once
    found = stats(stack, code)
    assert (found["started"], found["subscribed"]) == (1, 0)
