"""Fixtures of the fast tests (no servers of ours, no model)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest

from bot.settings import get_settings
from bot.storage import db
from tests.deployment import temporary_postgres


@pytest.fixture(scope="session")
def _upgraded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file with every migration applied; each test gets a copy (quicker than migrating again)."""
    path = tmp_path_factory.mktemp("template") / "bot.db"
    db.upgrade(f"sqlite:///{path}")
    return path


@contextmanager
def _application_database(url: str, monkeypatch: pytest.MonkeyPatch, migrated: bool = False) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PSEUDONYM_KEY", "test-pseudonym-key")
    caches = (get_settings, db.engine, db._sessions)
    for cache in caches:
        cache.cache_clear()
    if not migrated:
        db.upgrade()
    yield
    db.engine().dispose()
    for cache in caches:
        cache.cache_clear()


@pytest.fixture
def app_database(tmp_path, monkeypatch, _upgraded_sqlite) -> Iterator[None]:
    """The application's database (``db.engine()``, ``db.session()``) is a fresh SQLite file for this test."""
    shutil.copyfile(_upgraded_sqlite, tmp_path / "bot.db")
    with _application_database(f"sqlite:///{tmp_path / 'bot.db'}", monkeypatch, migrated=True):
        yield


@pytest.fixture(params=["sqlite", "postgresql"])
def sqlite_and_postgresql(request, tmp_path, monkeypatch) -> Iterator[None]:
    """The same, once on SQLite and once on the machine's real PostgreSQL (a schema of its own, dropped after)."""
    sqlite = nullcontext(f"sqlite:///{tmp_path / 'bot.db'}")
    with (
        temporary_postgres() if request.param == "postgresql" else sqlite as url,
        _application_database(url, monkeypatch),
    ):
        yield
