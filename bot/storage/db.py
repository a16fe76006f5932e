"""The application database: one engine per process, sessions, and schema upgrades (Alembic)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import get_settings
from bot.storage import engine as engine_options
from bot.storage.engine import ensure_sqlite_folder

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    return engine_options.create(url)


@lru_cache(maxsize=1)
def engine() -> Engine:
    return make_engine(get_settings().database_url)


@lru_cache(maxsize=1)
def _sessions() -> sessionmaker:
    return sessionmaker(engine(), future=True, expire_on_commit=False)


def session() -> Session:
    """A new session: ``with session() as s, s.begin(): ...`` commits at the end of the block."""
    return _sessions()()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str | None = None) -> None:
    """Bring the schema to the latest revision (idempotent; safe on every start)."""
    url = url or get_settings().database_url
    ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), "head")
