"""The database schema: migrations build exactly what the models describe, on SQLite and PostgreSQL."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from bot.storage.db import make_engine, upgrade
from bot.storage.models import Base

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


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
    import uuid

    engine = make_engine(POSTGRES)
    schema = f"test_{uuid.uuid4().hex[:10]}"
    try:
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # pragma: no cover - the machine has PostgreSQL; say so if not
        pytest.fail(f"PostgreSQL at {POSTGRES} is not reachable: {error}")
    yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def test_migrations_match_the_models_on_postgresql(postgres_schema):
    assert schema_differences(postgres_schema) == []
