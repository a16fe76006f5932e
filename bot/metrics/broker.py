"""Rasa event broker that feeds the interaction log (configured in endpoints.yml).

Rasa publishes every new event of a conversation when it saves the tracker; this broker hands them to
the turn assembler and the background writer (bot/metrics/log.py) and returns at once.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.metrics.log import BackgroundWriter, TurnAssembler

logger = logging.getLogger(__name__)


class InteractionLogBroker(EventBroker):
    def __init__(self) -> None:
        self.turns = TurnAssembler()
        self.writer = BackgroundWriter()

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig | None, event_loop: Any = None) -> EventBroker:
        return cls()

    def publish(self, event: dict[str, Any]) -> None:
        try:
            row = self.turns.feed(event)
        except Exception:  # a malformed event must never cost a reply
            logger.exception("Interaction log: could not read an event")
            return
        if row is not None:
            self.writer.put(row)

    def is_ready(self) -> bool:
        return True

    async def close(self) -> None:
        self.writer.close()
