"""The deployment tests and benchmarks run against.

- embedded (the default): SQLite files in a temporary folder, one Rasa server, locks in the process,
  the interaction log written by Rasa's process;
- production (``BOT_TEST_PROFILE=production``, run by ``make test`` after the embedded pass): a fresh
  schema on the real PostgreSQL server, Rasa's locks in the real Redis, events through the real
  RabbitMQ, two Rasa servers and two action servers behind the balancer.

Servers: ``TEST_POSTGRES_URL``, ``TEST_REDIS_URL``, ``TEST_RABBITMQ_URL`` (defaults: this machine's).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import aio_pika
from sqlalchemy import text

from bot.services import free_port
from bot.storage.db import make_engine

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
RABBITMQ = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
PRODUCTION = os.environ.get("BOT_TEST_PROFILE", "embedded") == "production"
_schemas: list[str] = []
_queues: list[str] = []


def postgres_schema() -> tuple[str, str]:
    """(database URL whose search path is a fresh schema, the schema's name)."""
    schema = f"test_{uuid.uuid4().hex[:10]}"
    with make_engine(POSTGRES).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    return f"{POSTGRES}?options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str) -> None:
    with make_engine(POSTGRES).begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


@contextmanager
def temporary_postgres() -> Iterator[str]:
    url, schema = postgres_schema()
    try:
        yield url
    finally:
        drop_schema(schema)


def delete_rabbitmq_queue(name: str) -> None:
    """Deletes a deployment's event queue and its exchange (named alike: bot/metrics/broker.py)."""

    async def delete() -> None:
        connection = await aio_pika.connect(RABBITMQ)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(name)
            await channel.exchange_delete(name)

    asyncio.run(delete())


@contextmanager
def temporary_rabbitmq_queue(prefix: str) -> Iterator[str]:
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    try:
        yield name
    finally:
        delete_rabbitmq_queue(name)


def deployment_env() -> dict[str, str]:
    """Environment for one set of services of the profile (a new database each time)."""
    if not PRODUCTION:
        return {"DATABASE_URL": "", "TRACKER_DATABASE_URL": "", "REDIS_URL": "", "RABBITMQ_URL": "",
                "RASA_REPLICAS": "1"}  # fmt: skip
    url, schema = postgres_schema()
    _schemas.append(schema)
    _queues.append(f"test-{schema}")
    return {
        "DATABASE_URL": url, "TRACKER_DATABASE_URL": "", "REDIS_URL": REDIS, "RABBITMQ_URL": RABBITMQ,
        "RABBITMQ_QUEUE": f"test-{schema}", "RASA_REPLICAS": "2",
        "RASA_REPLICA_PORTS": f"{free_port()},{free_port()}", "ACTIONS_REPLICA_PORTS": f"{free_port()},{free_port()}",
    }  # fmt: skip


def remove_deployments() -> None:
    """Drops the schemas and deletes the event queues that ``deployment_env`` made."""
    while _schemas:
        drop_schema(_schemas.pop())
    while _queues:
        delete_rabbitmq_queue(_queues.pop())
