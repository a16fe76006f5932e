"""All configuration, read once from environment variables, with safe defaults for a laptop.

Secrets never live in the repository: set them in the environment, or in a file outside the
repository named by ``BOT_ENV_FILE`` (lines of ``NAME=value``; the environment wins over the file).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError as error:
        raise SystemExit(f"Environment variable {name} must be a number, not {value!r}") from error


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError as error:
        raise SystemExit(f"Environment variable {name} must be a whole number, not {value!r}") from error


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    models_dir: Path
    knowledge_file: Path
    database_url: str
    tracker_database_url: str
    bind_host: str
    rasa_port: int
    actions_port: int
    web_port: int
    rasa_url: str
    rasa_auth_token: str
    action_endpoint_url: str
    max_message_chars: int
    rasa_timeout_seconds: int
    rasa_concurrent_messages: int
    retry_seconds: float
    pseudonym_key: str
    telegram_bot_token: str
    telegram_api_url: str
    telegram_webhook_url: str
    telegram_webhook_secret: str
    telegram_webhook_port: int
    zalo_app_id: str
    zalo_oa_secret_key: str
    zalo_app_secret: str
    zalo_access_token: str
    zalo_refresh_token: str
    zalo_api_url: str
    zalo_oauth_url: str
    broadcast_telegram_rate: float
    broadcast_zalo_rate: float
    broadcast_batch: int
    broadcast_lease_seconds: float
    broadcast_poll_seconds: float
    dashboard_session_hours: float
    dashboard_secure_cookies: bool
    redis_url: str
    lock_lifetime_seconds: int
    rabbitmq_url: str
    rabbitmq_queue: str

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
        return {
            "BOT_VAR_DIR": str(self.var_dir),
            "BOT_MODELS_DIR": str(self.models_dir),
            "BOT_KNOWLEDGE_FILE": str(self.knowledge_file),
            "DATABASE_URL": self.database_url,
            "TRACKER_DATABASE_URL": self.tracker_database_url,
            "BIND_HOST": self.bind_host,
            "RASA_PORT": str(self.rasa_port),
            "ACTIONS_PORT": str(self.actions_port),
            "WEB_PORT": str(self.web_port),
            "RASA_URL": self.rasa_url,
            "RASA_AUTH_TOKEN": self.rasa_auth_token,
            "ACTION_ENDPOINT_URL": self.action_endpoint_url,
            "MAX_MESSAGE_CHARS": str(self.max_message_chars),
            "RASA_TIMEOUT_SECONDS": str(self.rasa_timeout_seconds),
            "RASA_CONCURRENT_MESSAGES": str(self.rasa_concurrent_messages),
            "RETRY_SECONDS": str(self.retry_seconds),
            "PSEUDONYM_KEY": self.pseudonym_key,
            "TELEGRAM_BOT_TOKEN": self.telegram_bot_token,
            "TELEGRAM_API_URL": self.telegram_api_url,
            "TELEGRAM_WEBHOOK_URL": self.telegram_webhook_url,
            "TELEGRAM_WEBHOOK_SECRET": self.telegram_webhook_secret,
            "TELEGRAM_WEBHOOK_PORT": str(self.telegram_webhook_port),
            "ZALO_APP_ID": self.zalo_app_id,
            "ZALO_OA_SECRET_KEY": self.zalo_oa_secret_key,
            "ZALO_APP_SECRET": self.zalo_app_secret,
            "ZALO_ACCESS_TOKEN": self.zalo_access_token,
            "ZALO_REFRESH_TOKEN": self.zalo_refresh_token,
            "ZALO_API_URL": self.zalo_api_url,
            "ZALO_OAUTH_URL": self.zalo_oauth_url,
            "BROADCAST_TELEGRAM_RATE": str(self.broadcast_telegram_rate),
            "BROADCAST_ZALO_RATE": str(self.broadcast_zalo_rate),
            "BROADCAST_BATCH": str(self.broadcast_batch),
            "BROADCAST_LEASE_SECONDS": str(self.broadcast_lease_seconds),
            "BROADCAST_POLL_SECONDS": str(self.broadcast_poll_seconds),
            "DASHBOARD_SESSION_HOURS": str(self.dashboard_session_hours),
            "DASHBOARD_SECURE_COOKIES": "1" if self.dashboard_secure_cookies else "0",
            "REDIS_URL": self.redis_url,
            "TICKET_LOCK_LIFETIME": str(self.lock_lifetime_seconds),
            "RABBITMQ_URL": self.rabbitmq_url,
            "RABBITMQ_QUEUE": self.rabbitmq_queue,
        }


def load_settings(env: Mapping[str, str]) -> Settings:
    """Settings from a mapping of environment variables (``get_settings`` uses ``os.environ``)."""
    var_dir = Path(env.get("BOT_VAR_DIR") or PROJECT_ROOT / "var")
    database_url = env.get("DATABASE_URL", "")
    rasa_port = _int(env, "RASA_PORT", 5005)
    actions_port = _int(env, "ACTIONS_PORT", 5055)
    return Settings(
        var_dir=var_dir,
        models_dir=Path(env.get("BOT_MODELS_DIR") or PROJECT_ROOT / "models"),
        knowledge_file=Path(env.get("BOT_KNOWLEDGE_FILE") or PROJECT_ROOT / "knowledge" / "kb.yml"),
        database_url=database_url or f"sqlite:///{var_dir / 'bot.db'}",
        tracker_database_url=env.get("TRACKER_DATABASE_URL") or database_url or f"sqlite:///{var_dir / 'tracker.db'}",
        bind_host=env.get("BIND_HOST") or "127.0.0.1",
        rasa_port=rasa_port,
        actions_port=actions_port,
        web_port=_int(env, "WEB_PORT", 8000),
        rasa_url=(env.get("RASA_URL") or f"http://127.0.0.1:{rasa_port}").rstrip("/"),
        rasa_auth_token=env.get("RASA_AUTH_TOKEN", ""),
        action_endpoint_url=env.get("ACTION_ENDPOINT_URL") or f"http://127.0.0.1:{actions_port}/webhook",
        max_message_chars=_int(env, "MAX_MESSAGE_CHARS", 1000),
        rasa_timeout_seconds=_int(env, "RASA_TIMEOUT_SECONDS", 15),
        rasa_concurrent_messages=max(1, _int(env, "RASA_CONCURRENT_MESSAGES", 2)),
        # How long a message is retried while Rasa or the database is briefly unreachable (a restart)
        # before the person is asked to try again.
        retry_seconds=_float(env, "RETRY_SECONDS", 10.0),
        pseudonym_key=env.get("PSEUDONYM_KEY", ""),
        telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN", ""),
        telegram_api_url=env.get("TELEGRAM_API_URL") or "https://api.telegram.org/bot",
        telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL", ""),
        telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", ""),
        telegram_webhook_port=_int(env, "TELEGRAM_WEBHOOK_PORT", 8443),
        zalo_app_id=env.get("ZALO_APP_ID", ""),
        zalo_oa_secret_key=env.get("ZALO_OA_SECRET_KEY", ""),
        # The token endpoint wants the app's secret; deployments that only set the OA key use that.
        zalo_app_secret=env.get("ZALO_APP_SECRET") or env.get("ZALO_OA_SECRET_KEY", ""),
        zalo_access_token=env.get("ZALO_ACCESS_TOKEN", ""),
        zalo_refresh_token=env.get("ZALO_REFRESH_TOKEN", ""),
        zalo_api_url=env.get("ZALO_API_URL") or "https://openapi.zalo.me",
        zalo_oauth_url=env.get("ZALO_OAUTH_URL") or "https://oauth.zaloapp.com",
        # Telegram allows about 30 messages a second overall; Zalo about 4,000 requests a minute per app.
        broadcast_telegram_rate=_float(env, "BROADCAST_TELEGRAM_RATE", 30.0),
        broadcast_zalo_rate=_float(env, "BROADCAST_ZALO_RATE", 50.0),
        broadcast_batch=max(1, _int(env, "BROADCAST_BATCH", 50)),
        broadcast_lease_seconds=_float(env, "BROADCAST_LEASE_SECONDS", 60.0),
        broadcast_poll_seconds=_float(env, "BROADCAST_POLL_SECONDS", 1.0),
        dashboard_session_hours=_float(env, "DASHBOARD_SESSION_HOURS", 8.0),
        # Behind an HTTPS proxy, set DASHBOARD_SECURE_COOKIES=1 so session cookies never travel in clear.
        dashboard_secure_cookies=env.get("DASHBOARD_SECURE_COOKIES", "0").strip().lower() in ("1", "true", "yes"),
        # Production: Rasa's locks in Redis, events through RabbitMQ, several Rasa servers (see README).
        redis_url=env.get("REDIS_URL", ""),
        # Rasa's own variable: how long a conversation's lock lives if its holder dies (Rasa: 60 s). A
        # message takes well under a second; 10 s lets a killed replica's conversations go on soon.
        lock_lifetime_seconds=max(2, _int(env, "TICKET_LOCK_LIFETIME", 10)),
        rabbitmq_url=env.get("RABBITMQ_URL", ""),
        rabbitmq_queue=env.get("RABBITMQ_QUEUE") or "trolybiendao.events",
    )


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    _load_env_file()
    return load_settings(os.environ)
