"""All configuration, read once from environment variables, with safe defaults for a laptop.

Secrets never live in the repository: set them in the environment, or in a file outside the
repository named by ``BOT_ENV_FILE`` (lines of ``NAME=value``; the environment wins over the file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _load_env_file() -> None:
    path = os.environ.get("BOT_ENV_FILE")
    if not path:
        return
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            os.environ.setdefault(name.strip(), value.strip().strip('"').strip("'"))


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
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
    max_message_chars: int
    rasa_timeout_seconds: int

    @property
    def rest_webhook_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    @property
    def action_endpoint_url(self) -> str:
        return os.environ.get("ACTION_ENDPOINT_URL") or f"http://127.0.0.1:{self.actions_port}/webhook"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    _load_env_file()
    var_dir = Path(os.environ.get("BOT_VAR_DIR", PROJECT_ROOT / "var"))
    database_url = os.environ.get("DATABASE_URL", "")
    rasa_port = _int("RASA_PORT", 5005)
    return Settings(
        var_dir=var_dir,
        models_dir=Path(os.environ.get("BOT_MODELS_DIR", PROJECT_ROOT / "models")),
        knowledge_file=Path(os.environ.get("BOT_KNOWLEDGE_FILE", PROJECT_ROOT / "knowledge" / "kb.yml")),
        database_url=database_url or f"sqlite:///{var_dir / 'bot.db'}",
        tracker_database_url=os.environ.get("TRACKER_DATABASE_URL")
        or database_url
        or f"sqlite:///{var_dir / 'tracker.db'}",
        bind_host=os.environ.get("BIND_HOST", "127.0.0.1"),
        rasa_port=rasa_port,
        actions_port=_int("ACTIONS_PORT", 5055),
        web_port=_int("WEB_PORT", 8000),
        rasa_url=os.environ.get("RASA_URL", f"http://127.0.0.1:{rasa_port}").rstrip("/"),
        max_message_chars=_int("MAX_MESSAGE_CHARS", 1000),
        rasa_timeout_seconds=_int("RASA_TIMEOUT_SECONDS", 15),
    )
