"""Throw-away databases for benchmarks: a schema in the real PostgreSQL server, dropped afterwards."""

from __future__ import annotations

import os
import uuid

from sqlalchemy import text

from bot.storage.db import make_engine

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_schema() -> tuple[str, str]:
    """(database URL whose search path is a fresh schema, the schema's name)."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with make_engine(POSTGRES).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    return f"{POSTGRES}?options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str) -> None:
    with make_engine(POSTGRES).begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
