"""The deployment tests and benchmarks run against.

- embedded (the default): SQLite files in a temporary folder, one Rasa server, locks in the process,
  the interaction log written by Rasa's process;
- production (``BOT_TEST_PROFILE=production``, run by ``make test`` after the embedded pass): a fresh
  schema on the real PostgreSQL server, Rasa's locks in the real Redis, events through the real
  RabbitMQ, two Rasa servers and two action servers behind Debian's HAProxy (deploy/haproxy/haproxy.cfg,
  the configuration compose and systemd use).

Servers: ``TEST_POSTGRES_URL``, ``TEST_REDIS_URL``, ``TEST_RABBITMQ_URL`` (defaults: this machine's).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aio_pika
from sqlalchemy import text

from bot.processes import (
    Service,
    actions_service,
    core_services,
    free_port,
    haproxy_service,
    metrics_services,
    rasa_service,
    service_env,
)
from bot.settings import Settings
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
    """Deletes a deployment's event queue and its exchange (named alike: bot/rasa/event_broker.py)."""

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
        return {"DATABASE_URL": "", "TRACKER_DATABASE_URL": "", "REDIS_URL": "", "RABBITMQ_URL": ""}
    url, schema = postgres_schema()
    _schemas.append(schema)
    _queues.append(f"test-{schema}")
    return {
        "DATABASE_URL": url, "TRACKER_DATABASE_URL": "", "REDIS_URL": REDIS, "RABBITMQ_URL": RABBITMQ,
        "RABBITMQ_QUEUE": f"test-{schema}",
    }  # fmt: skip


def profile_core_services(settings: Settings, model: Path) -> list[Service]:
    """The profile's Rasa and action servers: one of each (embedded), two of each behind HAProxy (production)."""
    return rasa_behind_haproxy(settings, model) if PRODUCTION else core_services(settings, model)


def rasa_behind_haproxy(settings: Settings, model: Path) -> list[Service]:
    """Two Rasa servers and two action servers on ports of their own (rasa-1, rasa-2, actions-1, actions-2),
    and HAProxy on the settings' Rasa and action server ports. HAProxy's public side listens on a free port
    (its service's ``PUBLIC_BIND``): the web app behind it, and the Telegram webhook of two gateways that
    a test may start on ``TELEGRAM_1_ADDR`` and ``TELEGRAM_2_ADDR``."""
    env = service_env(settings)
    rasa_ports, actions_ports = (free_port(), free_port()), (free_port(), free_port())
    config = {
        "INTERNAL_BIND": "127.0.0.1", "INTERNAL_RASA_PORT": str(settings.rasa_port),
        "INTERNAL_ACTIONS_PORT": str(settings.actions_port), "PUBLIC_BIND": f"127.0.0.1:{free_port()}",
        "STATS_BIND": f"127.0.0.1:{free_port()}", "WEB_ADDR": f"127.0.0.1:{settings.web_port}",
        "TELEGRAM_1_ADDR": f"127.0.0.1:{free_port()}", "TELEGRAM_2_ADDR": f"127.0.0.1:{free_port()}",
        **{f"RASA_{i}_ADDR": f"127.0.0.1:{port}" for i, port in enumerate(rasa_ports, 1)},
        **{f"ACTIONS_{i}_ADDR": f"127.0.0.1:{port}" for i, port in enumerate(actions_ports, 1)},
    }  # fmt: skip
    return [
        *(actions_service(f"actions-{i}", port, env) for i, port in enumerate(actions_ports, 1)),
        *(rasa_service(f"rasa-{i}", model, port, "127.0.0.1", env) for i, port in enumerate(rasa_ports, 1)),
        haproxy_service(config, ready_url=f"{settings.rasa_url}/webhooks/rest/"),
        *metrics_services(settings, env),
    ]


def remove_deployments() -> None:
    """Drops the schemas and deletes the event queues that ``deployment_env`` made."""
    while _schemas:
        drop_schema(_schemas.pop())
    while _queues:
        delete_rabbitmq_queue(_queues.pop())
