"""Rasa's REST channel, hardened: every client (web chat, Telegram and Zalo gateways, tests) uses it.

Same URL and reply format as the stock channel (``POST /webhooks/rest/webhook`` with
``{"sender", "message", "metadata"}``), plus:
- a malformed request gets a 400 with a clear error instead of a 500;
- the text is cleaned (NFC, no control characters, bounded length) before Rasa sees it;
- a message with no words (empty, emoji only) becomes the ``empty_message`` intent, so the bot
  answers politely and the conversation goes on;
- ``metadata`` (channel, area...) is passed through to the tracker;
- every reply names the response it came from (``"response": "utter_kb_..."``), so clients and benchmarks
  know the outcome (answer, choices, declined) without reading the wording;
- an optional ``message_id`` (clients send the platform's id, the same on every retry): a message
  already answered, or being answered, gets the same replies without being handled again, so a retry
  after a restart neither repeats the turn in the conversation nor counts twice in the figures.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import get_settings
from bot.vietnamese import clean_message, has_words

logger = logging.getLogger(__name__)

EMPTY_MESSAGE_PAYLOAD = "/empty_message"
MAX_SENDER_CHARS = 128
MAX_MESSAGE_ID_CHARS = 64
REMEMBERED_REPLIES = 10_000


class NamedOutputChannel(CollectingOutputChannel):
    """Collects the replies like Rasa's REST channel, each with the name of its response (when it has one)."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        name = message.get("utter_action")  # BotUttered.message() carries the event's metadata
        before = len(self.messages)
        await super().send_response(recipient_id, message)
        if name:
            for reply in self.messages[before:]:
                reply["response"] = name


class BadRequest(ValueError):
    """The request cannot be processed; the message is safe to show to the client."""


class RecentReplies:
    """The replies to the last messages, by message id (a future while the message is being handled)."""

    def __init__(self, size: int = REMEMBERED_REPLIES) -> None:
        self._size = size
        self._replies: OrderedDict[str, asyncio.Future[list[dict[str, Any]]]] = OrderedDict()

    def claim(self, message_id: str) -> asyncio.Future[list[dict[str, Any]]] | None:
        """None if the message is new (the caller handles it, then calls ``done``), else its replies."""
        if message_id in self._replies:
            return self._replies[message_id]
        self._replies[message_id] = asyncio.get_running_loop().create_future()
        while len(self._replies) > self._size:
            self._replies.popitem(last=False)
        return None

    def done(self, message_id: str, replies: list[dict[str, Any]]) -> None:
        future = self._replies.get(message_id)
        if not replies:  # nothing was answered: a retry must handle the message again
            self._replies.pop(message_id, None)
        if future is not None and not future.done():
            future.set_result(replies)


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
        recent = RecentReplies()

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
            message_id = body.get("message_id")
            if not isinstance(message_id, str) or not 0 < len(message_id) <= MAX_MESSAGE_ID_CHARS:
                message_id = None
            earlier = recent.claim(f"{sender}/{message_id}") if message_id else None
            if earlier is not None:
                return response.json(await asyncio.shield(earlier))
            collector = NamedOutputChannel()
            try:
                async with turns:
                    await on_new_message(UserMessage(text, collector, sender, input_channel=channel, metadata=metadata,
                                                     message_id=message_id))  # fmt: skip
            except asyncio.CancelledError:
                logger.error("Timed out handling a message from %s", sender)
            except Exception:  # the conversation must go on; Rasa logs the details
                logger.exception("Failed to handle a message from %s", sender)
            finally:
                if message_id:
                    recent.done(f"{sender}/{message_id}", collector.messages)
            return response.json(collector.messages)

        return webhook
