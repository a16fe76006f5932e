import os
import subprocess
import sys

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.settings import PROJECT_ROOT, SettingsError, get_settings, load_settings


def test_defaults_need_no_configuration(tmp_path):
    settings = load_settings({"BOT_VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'bot.db'}"
    assert settings.tracker_database_url == f"sqlite:///{tmp_path / 'tracker.db'}"
    assert settings.rest_webhook_url == "http://127.0.0.1:5005/webhooks/rest/webhook"
    assert settings.action_endpoint_url == "http://127.0.0.1:5055/webhook"


def test_one_database_url_serves_tracker_and_application():
    settings = load_settings({"DATABASE_URL": "postgresql://u@db/test"})
    assert settings.tracker_database_url == settings.database_url == "postgresql://u@db/test"


def test_settings_round_trip_through_the_environment(tmp_path):
    settings = load_settings(
        {"BOT_VAR_DIR": str(tmp_path), "RASA_PORT": "15005", "ACTIONS_PORT": "15055", "DASHBOARD_SECURE_COOKIES": "yes"}
    )
    assert settings.dashboard_secure_cookies and settings.as_env()["DASHBOARD_SECURE_COOKIES"] == "1"
    assert load_settings(settings.as_env()) == settings


def test_only_the_given_environment_counts(monkeypatch):
    monkeypatch.setenv("RASA_PORT", "15999")
    settings = load_settings({"BIND_HOST": "", "RASA_URL": "http://rasa:5005/", "PATH": "/usr/bin"})
    assert settings.rasa_port == 5005 and settings.bind_host == "127.0.0.1"  # empty is unset
    assert settings.rasa_url == "http://rasa:5005"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RASA_PORT": "abc"}, "RASA_PORT must be a whole number, not 'abc'"),
        ({"RETRY_SECONDS": "soon"}, "RETRY_SECONDS must be a number, not 'soon'"),
        ({"BROADCAST_BATCH": "0"}, "BROADCAST_BATCH must be at least 1, not '0'"),
        ({"WEB_PORT": "80000"}, "WEB_PORT must be at most 65535, not '80000'"),
        ({"DASHBOARD_SECURE_COOKIES": "maybe"}, "DASHBOARD_SECURE_COOKIES must be 1 or 0"),
    ],
)
def test_a_bad_value_is_a_clear_error_naming_the_variable(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


def test_a_process_with_a_bad_value_stops_with_one_line_and_code_2(monkeypatch, capsys):
    monkeypatch.setenv("RASA_PORT", "abc")
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as stopped:
            get_settings()
    finally:
        get_settings.cache_clear()
    assert stopped.value.code == 2
    assert capsys.readouterr().err == "Error: RASA_PORT must be a whole number, not 'abc'\n"


def test_the_cli_reports_a_bad_value_without_a_traceback():
    env = {**os.environ, "RASA_PORT": "abc", "BOT_ENV_FILE": ""}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == "Error: RASA_PORT must be a whole number, not 'abc'"
    assert "Traceback" not in done.stderr


def test_the_lock_store_takes_its_options_from_endpoints_yml(monkeypatch):
    from bot.rasa.lock_store import SettingsLockStore

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("TICKET_LOCK_LIFETIME", raising=False)
    get_settings.cache_clear()
    try:
        default = SettingsLockStore(EndpointConfig(type="bot.rasa.lock_store.SettingsLockStore"))
        assert default.redis is None and default.lock_lifetime == 10
        configured = SettingsLockStore(
            EndpointConfig(url="redis://127.0.0.1:6379/3", type="x", lock_lifetime=3)
        )  # nothing connects until a lock is taken
        assert configured.redis is not None and configured.lock_lifetime == 3
    finally:
        get_settings.cache_clear()


def test_the_tracker_store_refuses_a_second_database_url():
    from bot.rasa.tracker_store import SettingsTrackerStore

    with pytest.raises(ValueError, match="takes no options \\(got url\\): set TRACKER_DATABASE_URL"):
        SettingsTrackerStore(host="postgresql://elsewhere/db")
