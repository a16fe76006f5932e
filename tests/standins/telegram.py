"""A local stand-in of the Telegram Bot API, over real HTTP, for tests and benchmarks.

It serves the methods the gateway and the broadcast worker call (getMe, getUpdates with long polling,
sendMessage, sendDocument, answerCallbackQuery, setMyCommands, deleteWebhook...), records every call,
and can be told to answer some chats with 403 (blocked) or 429 (too many requests, retry_after), or to
enforce a rate of messages per bot token as Telegram's flood control does (``rate_limit``).
Tests push updates in (``push_text``, ``push_button``...) and read what the bot sent (``sent_to``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.standins.threaded_server import ThreadedServer

BOT_USER = {
    "id": 1000,
    "is_bot": True,
    "first_name": "Trợ lý biển đảo",
    "username": "bien_dao_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
SEND_METHODS = ("sendMessage", "sendDocument", "sendPhoto")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    status: int = 200  # what the stand-in answered: 200, or 403 / 429 for refused calls
    message_id: int | None = None  # of a message sent: a person's Reply points to it


class TelegramStandIn:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.blocked_chats: set[int] = set()
        self.too_many_requests: dict[int, int] = defaultdict(int)  # chat -> how many 429s still to give
        self.retry_after = 1
        self.rate_limit = 0.0  # messages a second per bot token, 0: no limit; beyond it, 429 with retry_after
        self.rate_burst = 1  # how many messages may come at once within the rate (jitter of the network)
        self._next_send: dict[str, float] = {}  # bot token -> when its next message is due (monotonic)
        self._updates: list[dict[str, Any]] = []
        # Anywhere, as Telegram's after a quiet week: gateways remember the updates they handled (in Redis in
        # the production profile), and a new stand-in's updates must not look like an earlier one's.
        self._update_ids = itertools.count(random.randrange(1, 1 << 30))
        self._message_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._server: ThreadedServer | None = None
        self._lock = threading.Lock()
        self._sent_per_chat: dict[int, int] = defaultdict(int)
        self.port = 0

    # ---- lifecycle (the server runs in its own thread and event loop) ----------------------------

    def start(self) -> str:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._server = ThreadedServer(app)
        self.port = self._server.start()
        return self.base_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    # ---- what tests do ----------------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> None:
        with self._lock:
            update["update_id"] = next(self._update_ids)
            self._updates.append(update)
        if self._server is not None and self._server.loop is not None:
            self._server.loop.call_soon_threadsafe(self._new_update.set)

    def _message(self, user_id: int, **content: Any) -> dict[str, Any]:
        person = {"id": user_id, "is_bot": False, "first_name": f"Ngư dân {user_id}"}
        return {"message_id": next(self._message_ids), "date": int(time.time()), "from": person,
                "chat": {"id": user_id, "type": "private", "first_name": person["first_name"]}, **content}  # fmt: skip

    def push_text(self, user_id: int, text: str) -> None:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.push({"message": self._message(user_id, **content)})

    def push_reply(self, user_id: int, text: str, to: Call) -> None:
        """The person answers a message the bot sent them with Telegram's Reply."""
        replied = {"message_id": to.message_id, "date": int(time.time()), "from": BOT_USER,
                   "chat": {"id": user_id, "type": "private"}, "text": to.params.get("text", "")}  # fmt: skip
        self.push({"message": self._message(user_id, text=text, reply_to_message=replied)})

    def push_button(self, user_id: int, data: str) -> None:
        message = self._message(BOT_USER["id"], text="…")
        message["chat"] = {"id": user_id, "type": "private"}
        person = {"id": user_id, "is_bot": False, "first_name": f"Ngư dân {user_id}"}
        self.push({"callback_query": {"id": str(next(self._message_ids)), "from": person, "chat_instance": "1",
                                      "message": message, "data": data}})  # fmt: skip

    def push_location(self, user_id: int, latitude: float, longitude: float) -> None:
        self.push({"message": self._message(user_id, location={"latitude": latitude, "longitude": longitude})})

    def push_photo(self, user_id: int) -> None:
        photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
        self.push({"message": self._message(user_id, photo=photo)})

    def push_sticker(self, user_id: int) -> None:
        sticker = {"file_id": "s1", "file_unique_id": "su1", "type": "regular", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False}  # fmt: skip
        self.push({"message": self._message(user_id, sticker=sticker)})

    def push_raw(self, update: dict[str, Any]) -> None:
        self.push(update)

    def delivered(self) -> list[Call]:
        """Messages and documents the bot sent successfully (refused calls are in ``calls`` only)."""
        with self._lock:
            return [c for c in self.calls if c.method in SEND_METHODS and c.status == 200]

    def sent_to(self, chat_id: int) -> list[Call]:
        return [c for c in self.delivered() if str(c.params.get("chat_id")) == str(chat_id)]

    def texts_to(self, chat_id: int) -> list[str]:
        return [c.params.get("text") or c.params.get("caption") or "" for c in self.sent_to(chat_id)]

    def sent_count(self, chat_id: int) -> int:
        """How many messages the bot has sent to the chat (cheap: for load tests that poll it)."""
        return self._sent_per_chat[chat_id]

    def wait_for(self, chat_id: int, count: int, timeout: float = 30.0) -> list[Call]:
        """Block until the bot has sent ``count`` messages to the chat in all; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sent = self.sent_to(chat_id)
            if len(sent) >= count:
                return sent
            time.sleep(0.05)
        raise TimeoutError(f"chat {chat_id}: expected {count} messages, got {self.texts_to(chat_id)}")

    # ---- the API ----------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type.startswith("multipart/"):
            params: dict[str, Any] = {}
            async for part in await request.multipart():
                if part.filename:  # type: ignore[union-attr]
                    data = await part.read()  # type: ignore[union-attr]
                    params[part.name] = {"filename": part.filename, "size": len(data), "head": data[:5]}  # type: ignore[union-attr]
                else:
                    params[part.name] = await part.text()  # type: ignore[union-attr]
            return params
        if request.content_type == "application/json":
            return await request.json()
        return dict(await request.post()) or dict(request.query)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        for key in ("reply_markup", "allowed_updates", "commands"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        call = Call(method, params)
        with self._lock:
            self.calls.append(call)  # getUpdates too: a test knows the gateway is polling
        if method == "getUpdates":
            return self._ok(await self._get_updates(params))
        chat = int(params["chat_id"]) if str(params.get("chat_id", "")).lstrip("-").isdigit() else None
        if chat is not None and chat in self.blocked_chats:
            call.status = 403
            return web.json_response(
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}, status=403
            )
        if chat is not None and self.too_many_requests.get(chat, 0) > 0:
            self.too_many_requests[chat] -= 1
            call.status = 429
            return self._too_many_requests(self.retry_after)
        if method in SEND_METHODS and (wait := self._over_rate(request.match_info["token"], call.at)) > 0:
            call.status = 429
            return self._too_many_requests(math.ceil(wait))
        if method == "getMe":
            return self._ok(BOT_USER)
        if method in SEND_METHODS:
            sent = self._sent_message(chat or 0, method, params)
            with self._lock:
                self._sent_per_chat[chat or 0] += 1
                call.message_id = sent["message_id"]
            return self._ok(sent)
        return self._ok(True)  # setMyCommands, deleteWebhook, setWebhook, answerCallbackQuery, sendChatAction...

    def _sent_message(self, chat: int, method: str, params: dict[str, Any]) -> dict[str, Any]:
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "from": BOT_USER,
                   "chat": {"id": chat, "type": "private"}}  # fmt: skip
        if method == "sendMessage":
            message["text"] = params.get("text", "")
        elif method == "sendPhoto":
            message["photo"] = [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]
        else:
            message["document"] = {"file_id": "d1", "file_unique_id": "du1", "file_name": "x.pdf"}
        return message

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                pending = list(self._updates[:100])
            if pending or time.monotonic() >= deadline:
                return pending
            self._new_update.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout=max(0.05, deadline - time.monotonic()))

    def _over_rate(self, token: str, now: float) -> float:
        """Seconds until the bot may send again (0: this message is within the rate and counted)."""
        if self.rate_limit <= 0:
            return 0.0
        interval = 1 / self.rate_limit
        with self._lock:
            due = max(self._next_send.get(token, now), now)
            early = due - now - (self.rate_burst - 1) * interval
            if early > 0:
                return early
            self._next_send[token] = due + interval
        return 0.0

    @staticmethod
    def _too_many_requests(retry_after: int) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {retry_after}",
             "parameters": {"retry_after": retry_after}}, status=429,
        )  # fmt: skip

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})
