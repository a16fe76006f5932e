"""The web chat: a page anyone can open to try the bot, and the small API behind it.

The browser never talks to Rasa directly: ``POST /api/chat`` forwards the text to Rasa's REST
channel with the visitor's pseudonymous id (a random cookie) and ``channel: webchat``, so Rasa's
HTTP API can stay bound to localhost.
"""

from __future__ import annotations

import secrets

import aiohttp
from aiohttp import web

from bot import replies as replies_text
from bot.rasa_client import RasaClient, RasaUnavailable

VISITOR_COOKIE = "visitor"
MAX_BODY_BYTES = 16 * 1024

routes = web.RouteTableDef()


@routes.get("/")
async def chat_page(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(request.app["static_dir"] / "chat.html")


@routes.post("/api/chat")
async def chat_message(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except (ValueError, aiohttp.ContentTypeError):
        return web.json_response({"error": 'the body must be JSON: {"message": "..."}'}, status=400)
    if not isinstance(body, dict) or not isinstance(body.get("message", ""), str):
        return web.json_response({"error": "'message' must be a string"}, status=400)
    visitor = request.cookies.get(VISITOR_COOKIE, "")
    if not (visitor.isalnum() and len(visitor) == 32):
        visitor = secrets.token_hex(16)
    client: RasaClient = request.app["rasa"]
    try:
        replies = await client.send(f"web-{visitor}", body.get("message", ""), {"channel": "webchat"})
    except RasaUnavailable:
        replies = [{"text": replies_text.TRY_AGAIN}]
    result = web.json_response({"replies": replies})
    result.set_cookie(VISITOR_COOKIE, visitor, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    return result
