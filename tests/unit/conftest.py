"""Fixtures of the fast tests (no servers of ours, no model)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import pytest

from bot.settings import get_settings
from bot.storage import db
from tests.deployment import temporary_postgres


@contextmanager
def _application_database(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PSEUDONYM_KEY", "test-pseudonym-key")
    caches = (get_settings, db.engine, db._sessions)
    for cache in caches:
        cache.cache_clear()
    db.upgrade()
    yield
    db.engine().dispose()
    for cache in caches:
        cache.cache_clear()


@pytest.fixture
def app_database(tmp_path, monkeypatch) -> Iterator[None]:
    """The application's database (``db.engine()``, ``db.session()``) is a fresh SQLite file for this test."""
    with _application_database(f"sqlite:///{tmp_path / 'bot.db'}", monkeypatch):
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
