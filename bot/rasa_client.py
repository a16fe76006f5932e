"""Client of Rasa's REST channel, shared by the web chat and the Telegram and Zalo gateways.

A Rasa server that cannot be reached or answers 5xx (restarting, its database restarting) is tried
again for up to ``RETRY_SECONDS`` (10) before the person is asked to try again: short outages
cost no message. A slow answer (timeout) is not resent.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx

from bot.backoff import Backoff
from bot.settings import get_settings

logger = logging.getLogger(__name__)


class RasaUnavailable(RuntimeError):
    """Rasa (or its action server) did not answer; the caller tells the user to try again."""


class RasaClient:
    def __init__(self, webhook_url: str | None = None, timeout: float | None = None) -> None:
        settings = get_settings()
        self._url = webhook_url or settings.rest_webhook_url
        self._client = httpx.AsyncClient(timeout=timeout or settings.rasa_timeout_seconds)
        self._retry_seconds = settings.retry_seconds

    async def send(
        self, sender: str, text: str, metadata: dict[str, Any], message_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Send one user message; return the bot's replies (text, buttons, custom payloads).

        Every message the bot understands gets at least one reply, so an empty list means something
        behind Rasa failed (typically the action server): that is reported as ``RasaUnavailable``.
        ``message_id`` (the platform's, else a new one) goes with every attempt, so that Rasa answers a
        retried message from memory instead of handling it twice.
        """
        message_id = message_id or uuid.uuid4().hex
        payload = {"sender": sender, "message": text, "metadata": metadata, "message_id": message_id}
        backoff = Backoff(self._retry_seconds)
        while True:
            try:
                response = await self._client.post(self._url, json=payload)
                if response.status_code < 500:
                    break
                problem = f"Rasa answered HTTP {response.status_code}"
            except httpx.TimeoutException as error:
                raise RasaUnavailable(f"Rasa did not answer in time: {error!r}") from error
            except httpx.HTTPError as error:
                problem = f"Rasa could not be reached: {error!r}"
            if backoff.exhausted():
                raise RasaUnavailable(problem)
            logger.warning("%s; trying again in %.1f s", problem, backoff.pause)
            await backoff.sleep()
        response.raise_for_status()
        replies = response.json()
        if not replies:
            raise RasaUnavailable("Rasa sent no reply")
        return replies

    async def close(self) -> None:
        await self._client.aclose()
