import pytest

from bot.settings import load_settings


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
    settings = load_settings({"BOT_VAR_DIR": str(tmp_path), "RASA_PORT": "15005", "ACTIONS_PORT": "15055"})
    assert load_settings(settings.as_env()) == settings


def test_a_bad_number_is_a_clear_error():
    with pytest.raises(SystemExit, match="RASA_PORT must be a whole number"):
        load_settings({"RASA_PORT": "five"})
