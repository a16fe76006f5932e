"""Rasa's REST channel, hardened: every client (web chat, Telegram and Zalo gateways, tests) uses it.

Same URL and reply format as the stock channel (``POST /webhooks/rest/webhook`` with
``{"sender", "message", "metadata"}``), plus:
- a malformed request gets a 400 with a clear error instead of a 500;
- the text is cleaned (NFC, no control characters, bounded length) before Rasa sees it;
- a message with no words (empty, emoji only) becomes the ``empty_message`` intent, so the bot
  answers politely and the conversation goes on;
- ``metadata`` (channel, area...) is passed through to the tracker.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import get_settings
from bot.text import clean_message, has_words

logger = logging.getLogger(__name__)

EMPTY_MESSAGE_PAYLOAD = "/empty_message"
MAX_SENDER_CHARS = 128


class BadRequest(ValueError):
    """The request cannot be processed; the message is safe to show to the client."""


def parse_request(body: Any, max_chars: int) -> tuple[str, str, dict[str, Any], str]:
    """Validate a webhook body and return (sender, text, metadata, input channel)."""
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters")
    message = body.get("message", "")
    if message is None:
        message = ""
    if not isinstance(message, str):
        raise BadRequest("'message' must be a string")
    metadata = body.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise BadRequest("'metadata' must be a JSON object")
    channel = body.get("input_channel") or metadata.get("channel") or RestInput.name()
    if not isinstance(channel, str) or len(channel) > 32:
        raise BadRequest("'input_channel' must be a short string")
    text = clean_message(message, max_chars)
    return sender.strip(), text if has_words(text) else EMPTY_MESSAGE_PAYLOAD, metadata, channel


class RestInput(InputChannel):
    """The REST input channel at ``/webhooks/rest/webhook``."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("project_rest_webhook", __name__)
        settings = get_settings()
        max_chars = settings.max_message_chars
        # At most this many messages in the pipeline at once, first come first served: under load this
        # keeps latency even (no message starved by interleaving) and raises throughput (README).
        turns = asyncio.Semaphore(settings.rasa_concurrent_messages)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
                sender, text, metadata, channel = parse_request(body, max_chars)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            except SanicException:
                return response.json({"error": "the body must be valid JSON"}, status=400)
            collector = CollectingOutputChannel()
            try:
                async with turns:
                    await on_new_message(UserMessage(text, collector, sender, input_channel=channel, metadata=metadata))
            except asyncio.CancelledError:
                logger.error("Timed out handling a message from %s", sender)
            except Exception:  # the conversation must go on; Rasa logs the details
                logger.exception("Failed to handle a message from %s", sender)
            return response.json(collector.messages)

        return webhook
