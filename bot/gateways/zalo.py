"""Zalo OA webhook on the web app: ``POST /webhooks/zalo/webhook``.

Every request must carry ``X-ZEvent-Signature: mac=<sha256(app_id + raw body + timestamp + OA secret
key)>`` (timestamp from the body); anything else gets 401 and is not looked at further. A valid event
is answered 200 at once (Zalo wants an answer within 2 s and retries otherwise), recorded by its
message id so that a retried event is processed only once, and handled in the background.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json
import logging
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from bot import fixed_texts, subscribers
from bot.channels.render import OutMessage
from bot.channels.types import ZALO
from bot.gateways.conversation import Gateway, Incoming
from bot.platforms.zalo.client import OutsideWindow, Unreachable, ZaloClient, ZaloError
from bot.rasa_client import RasaClient
from bot.settings import Settings
from bot.storage import db
from bot.storage.models import ProcessedEvent

logger = logging.getLogger(__name__)

PATH = "/webhooks/zalo/webhook"
MAX_PARALLEL_EVENTS = 32
NON_TEXT_EVENTS = {
    "user_send_image", "user_send_sticker", "user_send_file", "user_send_audio", "user_send_video",
    "user_send_gif", "user_send_link", "user_send_business_card",
}  # fmt: skip


def signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    digest = hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()).hexdigest()
    return f"mac={digest}"


def signature_is_valid(header: str, app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> bool:
    given = header.strip().lower()
    given = given if given.startswith("mac=") else f"mac={given}"
    return hmac.compare_digest(given, signature(app_id, raw_body, timestamp, oa_secret_key))


def event_id(event: dict[str, Any]) -> str:
    """Zalo's message id, or for events without one (follow, unfollow) their name, person and time."""
    message = event.get("message") or {}
    if message.get("msg_id"):
        return str(message["msg_id"])
    person = (event.get("follower") or event.get("sender") or {}).get("id", "")
    return f"{event.get('event_name')}:{person}:{event.get('timestamp')}"


def first_time(source: str, key: str) -> bool:
    """Record an event id; False if it was recorded before (a retried delivery)."""
    try:
        with db.session() as session, session.begin():
            session.add(ProcessedEvent(source=source, event_id=key[:128]))
        return True
    except IntegrityError:
        return False


class ZaloWebhook:
    def __init__(self, settings: Settings, rasa: RasaClient, client: ZaloClient | None = None) -> None:
        self.settings = settings
        self.client = client or ZaloClient(settings)
        self.gateway = Gateway(ZALO, rasa)
        self._slots = asyncio.Semaphore(MAX_PARALLEL_EVENTS)
        self._tasks: set[asyncio.Task] = set()

    def install(self, app: web.Application) -> None:
        app.router.add_post(PATH, self.receive)
        app.on_cleanup.append(self._close)

    async def _close(self, _: web.Application) -> None:
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)
        await self.client.close()

    async def receive(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            event = json.loads(raw)
            timestamp = str(event["timestamp"])
        except (ValueError, KeyError, TypeError):
            return web.json_response({"error": "the body must be a Zalo event (JSON with a timestamp)"}, status=400)
        header = request.headers.get("X-ZEvent-Signature", "")
        secret = self.settings.zalo_oa_secret_key
        if not signature_is_valid(header, self.settings.zalo_app_id, raw, timestamp, secret):
            logger.warning("Zalo webhook: refused a request with a bad signature")
            return web.json_response({"error": "invalid signature"}, status=401)
        if not isinstance(event, dict) or not await asyncio.to_thread(first_time, "zalo", event_id(event)):
            return web.json_response({"status": "already processed"})
        task = asyncio.create_task(self._process(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.json_response({"status": "ok"})

    async def _process(self, event: dict[str, Any]) -> None:
        async with self._slots:
            try:
                await self._handle(event)
            except Exception:
                logger.exception("Zalo event %s failed", event.get("event_name"))

    async def _handle(self, event: dict[str, Any]) -> None:
        name = event.get("event_name", "")
        if name in ("follow", "user_follow"):
            user_id = str((event.get("follower") or {}).get("id", ""))
            await asyncio.to_thread(subscribers.touch, "zalo", user_id)
            await self.deliver(user_id, [OutMessage(fixed_texts.WELCOME)])
            return
        if name in ("unfollow", "user_unfollow"):
            user_id = str((event.get("follower") or {}).get("id", ""))
            person = await asyncio.to_thread(subscribers.touch, "zalo", user_id)
            await asyncio.to_thread(subscribers.withdraw, person)
            return
        user_id = str((event.get("sender") or {}).get("id", ""))
        if not user_id or not name.startswith("user_send_"):
            return
        message = event.get("message") or {}
        if name == "user_send_text":
            incoming = Incoming(user_id, str(message.get("text") or ""))
        elif name == "user_send_location":
            incoming = Incoming(user_id, kind="location")
        elif name in NON_TEXT_EVENTS:
            incoming = Incoming(user_id, kind="other")
        else:
            return
        if message.get("msg_id"):
            incoming = dataclasses.replace(incoming, message_id=f"zalo-{message['msg_id']}")
        await self.gateway.respond(incoming, lambda messages: self.deliver(user_id, messages))

    async def deliver(self, user_id: str, messages: list[OutMessage]) -> None:
        try:
            for message in messages:
                if message.text:
                    await self.client.send_text(user_id, message.text, message.buttons)
                if message.document is not None:
                    await self.client.send_file(user_id, Path(message.document.path))
                    await asyncio.to_thread(
                        subscribers.record_publication_send, message.document.publication_id, "zalo", user_id
                    )
        except Unreachable:
            await asyncio.to_thread(subscribers.mark_blocked, "zalo", user_id)
        except OutsideWindow:
            logger.info("Zalo: a reply fell outside the messaging window")
        except ZaloError as error:
            logger.warning("Zalo send failed: %s", error)
