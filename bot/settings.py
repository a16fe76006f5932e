"""All configuration, read once from environment variables, with safe defaults for a laptop.

Secrets never live in the repository: set them in the environment, or in a file outside the
repository named by ``BOT_ENV_FILE`` (lines of ``NAME=value``; the environment wins over the file).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, Extra, Field, ValidationError, root_validator, validator
from pydantic.fields import ModelField

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Public requests to Rasa are small: a bigger body gets 413 (from Rasa, and from HAProxy: deploy/haproxy/haproxy.cfg).
RASA_MAX_REQUEST_BYTES = 64 * 1024


def secret_in_var(var_dir: Path, name: str) -> str:
    """A random secret kept in ``var_dir / name`` (made on first use, readable by its owner only, never in
    git). Processes starting together get the same one: the file appears whole, once."""
    path = var_dir / name
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        draft = var_dir / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    return path.read_text().strip()


def _load_env_file() -> None:
    path = os.environ.get("BOT_ENV_FILE")
    if not path:
        return
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            os.environ.setdefault(name.strip(), value.strip().strip('"').strip("'"))


def _var(default: Any, name: str, **constraints: Any) -> Any:
    """A setting read from the environment variable ``name`` (the field's alias and its ``env``)."""
    return Field(default, alias=name, env=name, **constraints)


class SettingsError(ValueError):
    """A variable of the environment has a value the settings cannot use; the message names it."""


class Settings(BaseSettings):
    """Every setting, declared once: the environment variable it comes from (its alias), its type and its
    default. An empty variable counts as unset. Defaults that depend on another setting (the database
    URLs, Rasa's URL, the action endpoint, Zalo's app secret) are filled in by ``_derived``."""

    var_dir: Path = _var(PROJECT_ROOT / "var", "BOT_VAR_DIR")
    models_dir: Path = _var(PROJECT_ROOT / "models", "BOT_MODELS_DIR")
    knowledge_file: Path = _var(PROJECT_ROOT / "knowledge" / "kb.yml", "BOT_KNOWLEDGE_FILE")
    database_url: str = _var("", "DATABASE_URL")  # default: SQLite in var_dir
    tracker_database_url: str = _var("", "TRACKER_DATABASE_URL")  # default: DATABASE_URL, else SQLite
    bind_host: str = _var("127.0.0.1", "BIND_HOST")
    rasa_port: int = _var(5005, "RASA_PORT", ge=1, le=65535)
    actions_port: int = _var(5055, "ACTIONS_PORT", ge=1, le=65535)
    web_port: int = _var(8000, "WEB_PORT", ge=1, le=65535)
    rasa_url: str = _var("", "RASA_URL")  # default: http://127.0.0.1:<RASA_PORT>
    rasa_auth_token: str = _var("", "RASA_AUTH_TOKEN")
    action_endpoint_url: str = _var("", "ACTION_ENDPOINT_URL")  # default: 127.0.0.1:<ACTIONS_PORT>
    max_message_chars: int = _var(1000, "MAX_MESSAGE_CHARS", ge=1)
    rasa_timeout_seconds: int = _var(15, "RASA_TIMEOUT_SECONDS", ge=1)
    rasa_concurrent_messages: int = _var(2, "RASA_CONCURRENT_MESSAGES", ge=1)
    # How long a message is retried while Rasa or the database is briefly unreachable (a restart)
    # before the person is asked to try again.
    retry_seconds: float = _var(10.0, "RETRY_SECONDS", ge=0)
    pseudonym_key: str = _var("", "PSEUDONYM_KEY")
    telegram_bot_token: str = _var("", "TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = _var("https://api.telegram.org/bot", "TELEGRAM_API_URL")
    telegram_webhook_url: str = _var("", "TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str = _var("", "TELEGRAM_WEBHOOK_SECRET")
    telegram_webhook_port: int = _var(8443, "TELEGRAM_WEBHOOK_PORT", ge=1, le=65535)
    # The bot's @username, for the t.me links printed on campaigns' QR codes (bot/campaigns/).
    telegram_bot_username: str = _var("", "TELEGRAM_BOT_USERNAME")
    # Where people reach the web app (web chat, downloads) from outside; default: http://localhost:<WEB_PORT>.
    public_web_url: str = _var("", "PUBLIC_WEB_URL")
    zalo_app_id: str = _var("", "ZALO_APP_ID")
    zalo_oa_secret_key: str = _var("", "ZALO_OA_SECRET_KEY")
    # The token endpoint wants the app's secret; deployments that only set the OA key use that.
    zalo_app_secret: str = _var("", "ZALO_APP_SECRET")
    zalo_access_token: str = _var("", "ZALO_ACCESS_TOKEN")
    zalo_refresh_token: str = _var("", "ZALO_REFRESH_TOKEN")
    zalo_api_url: str = _var("https://openapi.zalo.me", "ZALO_API_URL")
    zalo_oauth_url: str = _var("https://oauth.zaloapp.com", "ZALO_OAUTH_URL")
    zalo_oa_id: str = _var("", "ZALO_OA_ID")  # the Official Account's id: https://zalo.me/<id> on printed matter
    # Telegram allows about 30 messages a second overall; Zalo about 4,000 requests a minute per app.
    broadcast_telegram_rate: float = _var(30.0, "BROADCAST_TELEGRAM_RATE", gt=0)
    broadcast_zalo_rate: float = _var(50.0, "BROADCAST_ZALO_RATE", gt=0)
    broadcast_batch: int = _var(50, "BROADCAST_BATCH", ge=1)
    broadcast_lease_seconds: float = _var(60.0, "BROADCAST_LEASE_SECONDS", gt=0)
    broadcast_poll_seconds: float = _var(1.0, "BROADCAST_POLL_SECONDS", gt=0)
    dashboard_session_hours: float = _var(8.0, "DASHBOARD_SESSION_HOURS", gt=0)
    # Behind an HTTPS proxy, set DASHBOARD_SECURE_COOKIES=1 so session cookies never travel in clear.
    dashboard_secure_cookies: bool = _var(False, "DASHBOARD_SECURE_COOKIES")
    # Production: Rasa's locks in Redis, events through RabbitMQ, several Rasa servers (see README).
    redis_url: str = _var("", "REDIS_URL")
    # Rasa's own variable: how long a conversation's lock lives if its holder dies (Rasa: 60 s). A
    # message takes well under a second; 10 s lets a killed replica's conversations go on soon.
    lock_lifetime_seconds: int = _var(10, "TICKET_LOCK_LIFETIME", ge=2)
    rabbitmq_url: str = _var("", "RABBITMQ_URL")
    rabbitmq_queue: str = _var("trolybiendao.events", "RABBITMQ_QUEUE")

    class Config:
        frozen = True
        extra = Extra.ignore  # the environment holds much else (PATH, HOME...)

        @classmethod
        def customise_sources(cls, init_settings: Any, env_settings: Any, file_secret_settings: Any) -> tuple:
            """Only the values handed in (``load_settings``): never ``os.environ`` behind the caller's back."""
            return (init_settings,)

    @validator("*", pre=True)
    def _empty_is_unset(cls, value: Any, field: ModelField) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value if value else field.default
        return value

    @root_validator(skip_on_failure=True)
    def _derived(cls, values: dict[str, Any]) -> dict[str, Any]:
        var_dir, database_url = values["var_dir"], values["database_url"]
        values["database_url"] = database_url or f"sqlite:///{var_dir / 'bot.db'}"
        values["tracker_database_url"] = (
            values["tracker_database_url"] or database_url or f"sqlite:///{var_dir / 'tracker.db'}"
        )
        values["rasa_url"] = (values["rasa_url"] or f"http://127.0.0.1:{values['rasa_port']}").rstrip("/")
        values["action_endpoint_url"] = (
            values["action_endpoint_url"] or f"http://127.0.0.1:{values['actions_port']}/webhook"
        )
        values["zalo_app_secret"] = values["zalo_app_secret"] or values["zalo_oa_secret_key"]
        values["public_web_url"] = (values["public_web_url"] or f"http://localhost:{values['web_port']}").rstrip("/")
        values["telegram_bot_username"] = values["telegram_bot_username"].lstrip("@")
        return values

    def rasa_api_token(self) -> str:
        """The token of Rasa's HTTP API: ``RASA_AUTH_TOKEN``, else a random one kept in var/ (the API is
        never open without one). Rasa (bot/rasa/server.py) and every client of its API read it here."""
        return self.rasa_auth_token or secret_in_var(self.var_dir, "rasa-api.token")

    def rasa_exposure_error(self) -> str | None:
        """Why Rasa must not start: its API would be reachable beyond this machine, and no token was set."""
        if self.rasa_auth_token or _loopback(self.bind_host):
            return None
        return (
            f"BIND_HOST={self.bind_host} opens Rasa's HTTP API beyond this machine, but RASA_AUTH_TOKEN is not "
            "set. Set RASA_AUTH_TOKEN to a long random value (and give it to the API's clients), or keep "
            "BIND_HOST=127.0.0.1."
        )

    @property
    def zalo_enabled(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_oa_secret_key and self.zalo_refresh_token)

    @property
    def rest_webhook_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def as_env(self) -> dict[str, str]:
        """These settings as environment variables, for the child processes of ``bot run``."""
        return {field.alias: _env_value(getattr(self, name)) for name, field in self.__fields__.items()}


def _env_value(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def load_settings(env: Mapping[str, str]) -> Settings:
    """Settings from a mapping of environment variables (``get_settings`` uses ``os.environ``).

    The model is built from this mapping only (``Settings.parse_obj``: each field takes the variable named
    by its alias; ``Config.customise_sources`` keeps pydantic from reading ``os.environ`` itself), so tests
    and services that pass an explicit environment get exactly that. A value the model cannot use raises
    ``SettingsError`` naming the variable, e.g. "RASA_PORT must be a whole number, not 'abc'"."""
    try:
        return Settings.parse_obj(env)
    except ValidationError as error:
        raise SettingsError("; ".join(_problem(problem, env) for problem in error.errors())) from None


_EXPECTED = {
    "type_error.integer": "a whole number",
    "type_error.float": "a number",
    "type_error.bool": "1 or 0 (true/false, yes/no)",
    "value_error.number.not_ge": "at least {limit_value}",
    "value_error.number.not_gt": "more than {limit_value}",
    "value_error.number.not_le": "at most {limit_value}",
}


def _problem(problem: dict[str, Any], env: Mapping[str, str]) -> str:
    name = str(problem["loc"][0])
    expected = _EXPECTED.get(problem["type"])
    if expected is None:
        return f"{name}: {problem['msg']}"
    return f"{name} must be {expected.format(**problem.get('ctx', {}))}, not {env.get(name, '')!r}"


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, from its environment (and ``BOT_ENV_FILE``). A bad value stops the
    process with a one-line message and exit code 2, as a wrong command line does."""
    _load_env_file()
    try:
        return load_settings(os.environ)
    except SettingsError as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
