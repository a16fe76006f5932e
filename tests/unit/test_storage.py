"""The database schema: migrations build exactly what the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from bot.storage.db import make_engine, upgrade
from bot.storage.models import Base
from tests.deployment import temporary_postgres


def schema_differences(url: str) -> list:
    upgrade(url)
    with make_engine(url).connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def test_migrations_match_the_models_on_sqlite(tmp_path):
    assert schema_differences(f"sqlite:///{tmp_path / 'bot.db'}") == []


def test_upgrading_twice_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    upgrade(url)
    with make_engine(url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


@pytest.fixture
def postgres_schema():
    """A fresh schema in the real PostgreSQL server, dropped afterwards."""
    with temporary_postgres() as url:
        yield url


def test_migrations_match_the_models_on_postgresql(postgres_schema):
    assert schema_differences(postgres_schema) == []
