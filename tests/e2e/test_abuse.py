"""Abuse and bad input on every HTTP endpoint of the running stack (Rasa's REST channel and HTTP API,
the action server, the web app; HAProxy too in the production profile): clear 4xx, never a 500;
injection strings are just text; secrets stay out of the code, the command lines and the logs.
Forged Telegram secrets and Zalo signatures, a flooding Telegram user and non-officers calling officer
commands are tested in test_telegram.py, test_zalo.py and test_broadcasts.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.metrics.log import MAX_TEXT
from bot.processes import Service, service_env
from bot.settings import PROJECT_ROOT
from bot.storage.models import Interaction
from bot.vietnamese import clean_message
from tests.standins.telegram import TelegramStandIn

pytestmark = pytest.mark.e2e
PASSWORD = "mat-khau-dai-du-16"
TELEGRAM_TOKEN = "123456:ABUSE-TEST-TOKEN"
INJECTIONS = [
    "'; DROP TABLE subscribers; --",
    "1' OR '1'='1",
    "<script>alert(document.cookie)</script>",
    "{{7*7}} ${7*7} %(x)s",
    "\x00\x01\x02 null bytes",
    "A" * 5000,
]


def endpoints(stack) -> list[tuple[str, str]]:
    rasa, web = stack.settings.rasa_url, f"http://127.0.0.1:{stack.settings.web_port}"
    actions, token = stack.settings.action_endpoint_url, stack.settings.rasa_api_token()
    return [
        ("rasa rest channel", stack.settings.rest_webhook_url),
        ("rasa http api: parse", f"{rasa}/model/parse?token={token}"),
        ("rasa http api: events", f"{rasa}/conversations/abuse/tracker/events?token={token}"),
        ("action server", actions),
        ("web chat api", f"{web}/api/chat"),
        ("dashboard login", f"{web}/login"),
    ]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2", b"\xff\xfe\x00", b"null", b'"text"', b""])
def test_malformed_bodies_get_a_4xx_everywhere(stack, body):
    for name, url in endpoints(stack):
        response = httpx.post(url, content=body, headers={"Content-Type": "application/json"}, timeout=20)
        assert 400 <= response.status_code < 500, (name, response.status_code, response.text[:200])


def test_oversize_bodies_get_a_413_everywhere(stack):
    body = json.dumps({"sender": "big", "message": "x" * (2 << 20)}).encode()  # 2 MB
    for name, url in endpoints(stack):
        if name == "action server":  # Rasa sends it whole conversations; Sanic's limit (100 MB) applies
            continue
        kind = "application/x-www-form-urlencoded" if name == "dashboard login" else "application/json"
        response = httpx.post(url, content=body, headers={"Content-Type": kind}, timeout=20)
        assert response.status_code == 413, (name, response.status_code)


def test_the_rasa_http_api_needs_its_token_even_when_none_is_set(stack):
    assert not stack.settings.rasa_auth_token  # the default: Rasa uses the random token kept in var/
    rasa, token = stack.settings.rasa_url, stack.settings.rasa_api_token()
    assert httpx.get(f"{rasa}/conversations/someone/tracker").status_code == 401
    assert httpx.get(f"{rasa}/conversations/someone/tracker?token=wrong").status_code == 401
    assert httpx.get(f"{rasa}/conversations/someone/tracker?token={token}").status_code == 200


def test_the_token_is_not_on_any_command_line(stack):
    listing = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    assert stack.settings.rasa_api_token() not in listing


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_just_text(stack, text):
    """Answered like any message, and kept in the interaction log exactly as typed (cleaned, cut): nothing
    in them was run as SQL, HTML or a template on the way."""
    web = f"http://127.0.0.1:{stack.settings.web_port}"
    response = httpx.post(f"{web}/api/chat", json={"message": text}, timeout=30)
    assert response.status_code == 200
    assert response.json()["replies"], "every message gets a reply"
    stored = clean_message(text, stack.settings.max_message_chars)[:MAX_TEXT]
    deadline, rows = time.monotonic() + 15, []
    while not rows and time.monotonic() < deadline:
        time.sleep(0.2)
        with stack.db.connect() as connection:
            rows = connection.execute(select(Interaction.text).where(Interaction.text == stored)).fetchall()
    assert [row.text for row in rows] == [stored]


def test_dashboard_filters_refuse_injection_with_a_clear_400(stack):
    web = f"http://127.0.0.1:{stack.settings.web_port}"
    subprocess.run([sys.executable, "-m", "bot", "user", "add", "abuse", "--role", "staff"], input=PASSWORD + "\n",
                   text=True, env=stack.env(), cwd=PROJECT_ROOT, check=True, capture_output=True)  # fmt: skip
    with httpx.Client(base_url=web, follow_redirects=False) as client:
        page = client.get("/login").text
        csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        assert client.post("/login", data={"csrf": csrf, "username": "abuse", "password": PASSWORD}).status_code == 302
        for query in ("since=2026-01-01' OR '1'='1", "until=<script>x</script>", "by=day;DROP TABLE interactions"):
            response = client.get(f"/dashboard?{query}")
            assert response.status_code == 400, query
            assert "<script>" not in response.text
        assert client.get("/dashboard/users").status_code == 403  # staff are not admins
        assert client.get("/dashboard?since=2026-01-01").status_code == 200


def test_a_flooding_web_chat_visitor_is_slowed_down(stack):
    web = f"http://127.0.0.1:{stack.settings.web_port}"
    with httpx.Client(base_url=web, timeout=30) as client:
        statuses = [client.post("/api/chat", json={"message": f"xin chao {i}"}).status_code for i in range(12)]
    assert statuses[:5] == [200] * 5 and 429 in statuses
    assert httpx.post(f"{web}/api/chat", json={"message": "xin chào"}, timeout=30).status_code == 200  # others go on


def test_no_secret_is_in_the_code():
    """No tracked file holds a real-looking Telegram token or a private key (markers built here, so
    this file does not match itself); the settings read every secret from the environment."""
    telegram_token = re.compile(r"\b\d{8,10}:[A-Za-z0-9_-]{35}\b")
    private_key = "-----BEGIN " + "PRIVATE KEY-----"
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.split()
    suspicious = []
    for name in tracked:
        path = PROJECT_ROOT / name
        if path.suffix in (".py", ".yml", ".yaml", ".toml", ".cfg", ".json", ".md", ".txt", ".env") and path.is_file():
            text = path.read_text(errors="ignore")
            if telegram_token.search(text) or private_key in text:
                suspicious.append(name)
    assert suspicious == []
    assert not any(Path(name).name.startswith(".env") for name in tracked)


def test_logs_never_contain_secrets(stack):
    """A Telegram gateway with a token answers a message; then no log of the stack holds a secret."""
    standin = TelegramStandIn()
    env = service_env(stack.settings, {"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_API_URL": standin.start()})
    gateway = Service("telegram-abuse", [sys.executable, "-m", "bot", "telegram"], env)
    gateway.start(stack.log_dir)
    try:
        standin.push_text(4242, "lanh hai rong bao nhieu")
        standin.wait_for(4242, 1, timeout=60)
    finally:
        gateway.stop()
        standin.stop()
    time.sleep(1)
    secrets = [stack.settings.rasa_api_token(), TELEGRAM_TOKEN, stack.settings.pseudonym_key, "guest:guest"]
    logs = {log.name: log.read_text(errors="ignore") for log in Path(stack.log_dir).glob("*.log")}
    assert "telegram-abuse.log" in logs and ("rasa.log" in logs or "rasa-1.log" in logs)
    leaks = [(name, secret[:6] + "…") for name, text in logs.items() for secret in secrets if secret and secret in text]
    assert leaks == []
