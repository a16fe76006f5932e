"""Rasa event broker that feeds the interaction log (configured in endpoints.yml).

Rasa publishes every new event of a conversation when it saves the tracker; this broker hands them to
the interaction log (``InteractionLog``, bot/metrics/log.py), which returns at once.

With ``RABBITMQ_URL`` set, Rasa publishes to RabbitMQ instead (its own ``PikaEventBroker``, to the
durable queue ``RABBITMQ_QUEUE``), and one consumer process (``bot metrics``, started by ``bot run``)
feeds the log: with several Rasa replicas, the turns of a conversation are then assembled in one
place whatever replica served each message, and events published while the consumer is down wait in
the queue. The fanout exchange Rasa publishes to is named after the queue: with Rasa's shared default
exchange, every deployment on the same RabbitMQ would receive the events of all the others.

Options of ``event_broker`` in endpoints.yml: ``url`` and ``queue`` (defaults ``RABBITMQ_URL`` and
``RABBITMQ_QUEUE``). ``bot metrics`` consumes what the variables name, so options must name the same.
"""

from __future__ import annotations

from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import make_url

from bot.metrics.log import InteractionLog
from bot.settings import get_settings


class InteractionLogBroker(EventBroker):
    def __init__(self) -> None:
        self.log = InteractionLog()

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig | None, event_loop: Any = None) -> EventBroker:
        settings = get_settings()
        config = broker_config or EndpointConfig()
        url = config.url or settings.rabbitmq_url
        queue = config.kwargs.get("queue") or settings.rabbitmq_queue
        if not url:
            return cls()
        parsed = make_url(url)
        # Rasa logs the host it connects to: give it the URL without the credentials.
        host = f"{parsed.drivername}://{parsed.host or 'localhost'}:{parsed.port or 5672}/{parsed.database or ''}"
        broker = PikaEventBroker(
            host=host, username=parsed.username or "guest", password=parsed.password or "guest",
            port=parsed.port or 5672, queues=[queue], event_loop=event_loop,
            exchange_name=queue,
        )  # fmt: skip
        await broker.connect()
        return broker

    def publish(self, event: dict[str, Any]) -> None:
        self.log.feed(event)

    def is_ready(self) -> bool:
        return True

    async def close(self) -> None:
        self.log.close()
