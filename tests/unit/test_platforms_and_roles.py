"""One home each: the Telegram Bot API server the gateway and the broadcast worker reach, and the roles the
dashboard and the officers share."""

from __future__ import annotations

import pytest

from bot.broadcasts import officers
from bot.cli import build_parser
from bot.platforms import telegram as telegram_api
from bot.roles import OFFICER_ROLES, ROLES, Role
from bot.settings import load_settings
from bot.web.auth import Login


def test_telegram_urls_follow_the_configured_server() -> None:
    default = load_settings({"TELEGRAM_BOT_TOKEN": "123:SECRET"})
    assert telegram_api.base_url(default) == "https://api.telegram.org/bot"
    assert telegram_api.base_file_url(default) == "https://api.telegram.org/file/bot"
    assert telegram_api.bot_id(default) == "123"
    own = load_settings({"TELEGRAM_BOT_TOKEN": "123:SECRET", "TELEGRAM_API_URL": "http://127.0.0.1:8081/bot/"})
    bot = telegram_api.client(own)
    assert bot.base_url == "http://127.0.0.1:8081/bot123:SECRET"
    assert bot.base_file_url == "http://127.0.0.1:8081/file/bot123:SECRET"


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [("staff", Role.OFFICER, False), ("officer", Role.OFFICER, True), ("officer", "admin", False),
     ("admin", Role.STAFF, True)],
)  # fmt: skip
def test_each_role_may_what_the_roles_before_it_may(role: str, needed: str, allowed: bool) -> None:
    assert Login("someone", role, "csrf").may(needed) is allowed


def test_officers_and_the_cli_take_their_roles_from_the_one_vocabulary() -> None:
    assert set(OFFICER_ROLES) < set(ROLES)
    parser = build_parser()
    assert parser.parse_args(["user", "add", "a", "--role", "admin"]).role == "admin"
    with pytest.raises(SystemExit):
        parser.parse_args(["user", "add", "a", "--role", "captain"])
    with pytest.raises(officers.OfficerError, match="officer, admin"):
        officers.add("telegram:42", role=Role.STAFF.value)
