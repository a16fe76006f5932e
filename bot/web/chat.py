"""The web chat: a page anyone can open to try the bot, and the small API behind it.

The browser never talks to Rasa directly: ``POST /api/chat`` forwards the text to Rasa's REST
channel with the visitor's pseudonymous id (a random cookie) and ``channel: webchat``, so Rasa's
HTTP API can stay bound to localhost. A campaign's link (``/?c=<code>``, printed under its QR code) records
that the visitor started from that campaign (bot/campaigns/); any other ``c`` is ignored.

Quizzes (``/thi``, "thi tìm hiểu" and the ``#quiz:`` buttons) are played here, before Rasa, with the visitor as
the player (bot/quizzes/desk.py).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid

import aiohttp
from aiohttp import web

from bot import fixed_texts, subscribers
from bot.campaigns import store as campaigns
from bot.channels.types import WEBCHAT
from bot.gateways.conversation import command_of
from bot.metrics import timing
from bot.publications.catalogue import by_id
from bot.quizzes.desk import QuizDesk
from bot.quizzes.store import Player
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.sender_ids import sender_id

logger = logging.getLogger(__name__)

VISITOR_COOKIE = "visitor"
QUIZZES = QuizDesk(WEBCHAT)

routes = web.RouteTableDef()


def _visitor(request: web.Request) -> str:
    """The visitor's id from their cookie, or a new one."""
    visitor = request.cookies.get(VISITOR_COOKIE, "")
    return visitor if visitor.isalnum() and len(visitor) == 32 else secrets.token_hex(16)


def _keep_visitor(response: web.StreamResponse, visitor: str) -> None:
    response.set_cookie(VISITOR_COOKIE, visitor, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")


@routes.get("/")
async def chat_page(request: web.Request) -> web.StreamResponse:
    response = web.FileResponse(request.app["static_dir"] / "chat.html")
    code = request.query.get("c", "")
    if code:
        visitor = _visitor(request)
        if await asyncio.to_thread(campaigns.record_start, code, "webchat", visitor) is not None:
            _keep_visitor(response, visitor)
    return response


@routes.get("/publications/{publication_id}.pdf")
async def publication_file(request: web.Request) -> web.StreamResponse:
    publication = by_id(request.match_info["publication_id"])
    if publication is None or not publication.path.is_file():
        raise web.HTTPNotFound(text="Không có tài liệu này.")
    return web.FileResponse(
        publication.path,
        headers={
            "Content-Disposition": f'attachment; filename="{publication.id}.pdf"',
            "Content-Type": "application/pdf",
        },
    )


@routes.post("/api/chat")
async def chat_message(request: web.Request) -> web.Response:
    received = time.time()
    try:
        body = await request.json()
    except (ValueError, aiohttp.ContentTypeError):
        return web.json_response({"error": 'the body must be JSON: {"message": "..."}'}, status=400)
    if not isinstance(body, dict) or not isinstance(body.get("message", ""), str):
        return web.json_response({"error": "'message' must be a string"}, status=400)
    visitor = _visitor(request)
    # One visitor gets a person's pace; one address (a whole harbour behind one mobile NAT) more.
    pace = request.app["visitors"].check(visitor), request.app["addresses"].check(request.remote or "")
    if pace != ("ok", "ok"):
        return web.json_response({"replies": [{"text": fixed_texts.TOO_FAST}]}, status=429)
    played = await _quiz(visitor, body.get("message", ""))
    if played is not None:
        answered = web.json_response({"replies": played})
        _keep_visitor(answered, visitor)
        return answered
    client: RasaClient = request.app["rasa"]
    message_id = uuid.uuid4().hex
    metadata = {"channel": "webchat", timing.RECEIVED_AT: received}
    try:
        replies = await client.send(sender_id("webchat", visitor), body.get("message", ""), metadata, message_id)
    except RasaUnavailable:
        replies, message_id = [{"text": fixed_texts.TRY_AGAIN}], ""
    for reply in replies:
        document = (reply.get("custom") or {}).get("document")
        if document:  # the browser gets a link; the path on the server is nobody's business
            reply["custom"] = {"document": {"title": document["title"], "url": document["url"]}}
            await asyncio.to_thread(subscribers.record_publication_send, document["publication_id"], "webchat", visitor)
    result = web.json_response({"replies": replies})
    _keep_visitor(result, visitor)
    if message_id:  # what the visitor waited, up to the reply leaving (bot/metrics/timing.py)
        timing.record_soon(message_id, "webchat", received, time.time())
    return result


async def _quiz(visitor: str, message: str) -> list[dict] | None:
    """The replies if the message is about a quiz (in Rasa's REST shape, which chat.js renders), else None."""
    text = message.strip()
    player = Player("webchat", visitor, None, None)
    try:
        if text.startswith("#quiz:"):
            messages = await QUIZZES.on_button(player, text.removeprefix("#quiz:"))
        elif (command_of(text) or ("",))[0] == "thi":
            messages = await QUIZZES.open(player)
        else:
            return None
    except Exception:
        logger.exception("Web chat: a quiz message failed")
        return [{"text": fixed_texts.TRY_AGAIN}]
    return [
        {"text": m.text, "buttons": [{"title": b.title, "payload": b.payload} for b in m.buttons]} for m in messages
    ]
