"""A local stand-in of the Zalo OA Open API (and of Zalo's webhook calls), over real HTTP.

Serves what the gateway calls: ``POST /v3.0/oa/message/cs``, ``POST /v2.0/oa/upload/file`` and the
token endpoint ``POST /v4/oa/access_token`` (single-use refresh tokens, as Zalo's). Errors come back
as Zalo sends them: HTTP 200 with a negative ``error``. Tests sign and post webhook events with
``event``/``post``, and read what the bot sent with ``sent_to``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

from tests.standins.threaded_server import ThreadedServer

APP_ID = "360846524940903967"
OA_SECRET = "test-oa-secret-key"
APP_SECRET = "test-app-secret"


@dataclass
class Sent:
    user_id: str
    message: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        return self.message.get("text", "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        attachment = self.message.get("attachment") or {}
        return (attachment.get("payload") or {}).get("buttons", []) if attachment.get("type") == "template" else []

    @property
    def file_token(self) -> str | None:
        attachment = self.message.get("attachment") or {}
        return (attachment.get("payload") or {}).get("token") if attachment.get("type") == "file" else None


class ZaloStandIn:
    def __init__(self) -> None:
        self.access_token = "initial-access-token"
        self.refresh_token = "initial-refresh-token"
        self.sent: list[Sent] = []
        self.uploads: dict[str, dict[str, Any]] = {}
        self.refreshes = 0
        self.outside_window: set[str] = set()
        self.unfollowed: set[str] = set()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadedServer | None = None
        self.port = 0

    def start(self) -> str:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/v3.0/oa/message/cs", self._send)
        app.router.add_post("/v2.0/oa/upload/file", self._upload)
        app.router.add_post("/v4/oa/access_token", self._token)
        self._server = ThreadedServer(app)
        self.port = self._server.start()
        return self.url

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def env(self) -> dict[str, str]:
        return {
            "ZALO_APP_ID": APP_ID,
            "ZALO_OA_SECRET_KEY": OA_SECRET,
            "ZALO_APP_SECRET": APP_SECRET,
            "ZALO_ACCESS_TOKEN": self.access_token,
            "ZALO_REFRESH_TOKEN": self.refresh_token,
            "ZALO_API_URL": self.url,
            "ZALO_OAUTH_URL": self.url,
        }

    def expire_access_token(self) -> None:
        """Zalo invalidates the access token (as after 25 hours): the next call gets -216."""
        self.access_token = "expired-" + secrets.token_hex(4)

    # ---- webhook side -----------------------------------------------------------------------------

    @staticmethod
    def event(name: str, user_id: str, text: str | None = None, **message: Any) -> dict[str, Any]:
        timestamp = str(int(time.time() * 1000))
        if name in ("follow", "unfollow"):
            return {"oa_id": "388613280879808645", "follower": {"id": user_id}, "user_id_by_app": "1",
                    "event_name": name, "source": "oa_profile", "app_id": APP_ID, "timestamp": timestamp}  # fmt: skip
        body = {"msg_id": secrets.token_hex(10), **message}
        if text is not None:
            body["text"] = text
        return {"app_id": APP_ID, "sender": {"id": user_id}, "user_id_by_app": "1",
                "recipient": {"id": "388613280878808645"}, "event_name": name, "message": body,
                "timestamp": timestamp}  # fmt: skip

    @staticmethod
    def sign(raw: bytes, timestamp: str, secret: str = OA_SECRET) -> str:
        return "mac=" + hashlib.sha256(APP_ID.encode() + raw + timestamp.encode() + secret.encode()).hexdigest()

    def post(self, webhook: str, event: dict[str, Any], secret: str = OA_SECRET) -> httpx.Response:
        raw = json.dumps(event, ensure_ascii=False).encode()
        headers = {"X-ZEvent-Signature": self.sign(raw, event["timestamp"], secret), "Content-Type": "application/json"}
        return httpx.post(webhook, content=raw, headers=headers, timeout=10)

    def sent_to(self, user_id: str) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if s.user_id == user_id]

    def wait_for(self, user_id: str, count: int, timeout: float = 30.0) -> list[Sent]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sent = self.sent_to(user_id)
            if len(sent) >= count:
                return sent
            time.sleep(0.05)
        raise TimeoutError(
            f"Zalo user {user_id}: expected {count} messages, got {[s.text for s in self.sent_to(user_id)]}"
        )

    # ---- API side ---------------------------------------------------------------------------------

    @staticmethod
    def _error(code: int, message: str) -> web.Response:
        return web.json_response({"error": code, "message": message})

    async def _send(self, request: web.Request) -> web.Response:
        if request.headers.get("access_token") != self.access_token:
            return self._error(-216, "Access token is invalid")
        body = await request.json()
        user_id = str(body["recipient"]["user_id"])
        message = body["message"]
        if user_id in self.unfollowed:
            return self._error(-213, "User has not followed OA")
        if user_id in self.outside_window:
            return self._error(-230, "User has not interacted with the OA in the past 7 days")
        if len(message.get("text", "")) > 2000:
            return self._error(-210, "Param text is out of range")
        if len(Sent(user_id, message).buttons) > 5:
            return self._error(-201, "buttons is invalid!")
        if (token := Sent(user_id, message).file_token) is not None and token not in self.uploads:
            return self._error(-201, "token is invalid!")
        with self._lock:
            self.sent.append(Sent(user_id, message))
        data = {"message_id": f"m{next(self._ids)}", "user_id": user_id, "sent_time": str(int(time.time() * 1000))}
        return web.json_response({"data": data, "error": 0, "message": "Success"})

    async def _upload(self, request: web.Request) -> web.Response:
        if request.headers.get("access_token") != self.access_token:
            return self._error(-216, "Access token is invalid")
        async for part in await request.multipart():
            if part.name == "file":  # type: ignore[union-attr]
                data = await part.read()  # type: ignore[union-attr]
                if len(data) > 5 * 1024 * 1024:
                    return self._error(-210, "File size is too large")
                token = secrets.token_hex(8)
                self.uploads[token] = {"filename": part.filename, "size": len(data), "head": data[:5]}  # type: ignore[union-attr]
                return web.json_response({"error": 0, "message": "Success", "data": {"token": token}})
        return self._error(-201, "file is invalid!")

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if request.headers.get("secret_key") != APP_SECRET or form.get("app_id") != APP_ID:
            return self._error(-14014, "Invalid secret key")
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token:
            return self._error(-118, "Invalid refresh token")
        self.refreshes += 1
        self.access_token = "access-" + secrets.token_hex(8)
        self.refresh_token = "refresh-" + secrets.token_hex(8)  # the old one is now useless
        return web.json_response(
            {"access_token": self.access_token, "refresh_token": self.refresh_token, "expires_in": "90000"}
        )
