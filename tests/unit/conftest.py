"""Fixtures of the fast tests (no servers, no model)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.settings import get_settings
from bot.storage import db


@pytest.fixture
def app_database(tmp_path, monkeypatch) -> Iterator[None]:
    """The application's database (``db.engine()``, ``db.session()``) is a fresh SQLite file for this test."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.setenv("PSEUDONYM_KEY", "test-pseudonym-key")
    caches = (get_settings, db.engine, db._sessions)
    for cache in caches:
        cache.cache_clear()
    db.upgrade()
    yield
    for cache in caches:
        cache.cache_clear()
