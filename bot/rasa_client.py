"""Client of Rasa's REST channel, shared by the web chat and the Telegram and Zalo gateways."""

from __future__ import annotations

from typing import Any

import httpx

from bot.settings import get_settings


class RasaUnavailable(RuntimeError):
    """Rasa (or its action server) did not answer; the caller tells the user to try again."""


class RasaClient:
    def __init__(self, webhook_url: str | None = None, timeout: float | None = None) -> None:
        settings = get_settings()
        self._url = webhook_url or settings.rest_webhook_url
        self._client = httpx.AsyncClient(timeout=timeout or settings.rasa_timeout_seconds)

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one user message; return the bot's replies (text, buttons, custom payloads).

        Every message the bot understands gets at least one reply, so an empty list means something
        behind Rasa failed (typically the action server): that is reported as ``RasaUnavailable``.
        """
        payload = {"sender": sender, "message": text, "metadata": metadata}
        try:
            response = await self._client.post(self._url, json=payload)
        except httpx.HTTPError as error:
            raise RasaUnavailable(f"Rasa did not answer: {error!r}") from error
        if response.status_code >= 500:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        response.raise_for_status()
        replies = response.json()
        if not replies:
            raise RasaUnavailable("Rasa sent no reply")
        return replies

    async def close(self) -> None:
        await self._client.aclose()
