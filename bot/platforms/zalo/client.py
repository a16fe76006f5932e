"""Client of the Zalo OA Open API (consultation messages, file upload, token refresh), over httpx.

Zalo answers HTTP 200 with ``{"error": <negative code>, "message": ...}`` on failure. The codes that
matter here (the team's notes, shared/notes/platforms.md, give the sources): -216/-220 the access token is
invalid or expired (refresh and retry once), -230/-232 the person has not written within the window, -213/-217/-227 the
person does not follow the OA or cannot receive (treated as blocked), -32 rate limit.
The access token lives about 25 h and the refresh token is single-use: each new pair is stored in one
transaction before it is used (``bot.platforms.zalo.tokens``).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import httpx

from bot.channels.render import Button
from bot.platforms.zalo import tokens
from bot.settings import Settings

logger = logging.getLogger(__name__)

TOKEN_ERRORS = {-216, -220}
WINDOW_ERRORS = {-230, -232}
UNREACHABLE_ERRORS = {-213, -217, -227}
RATE_LIMIT_ERRORS = {-32}


class ZaloError(RuntimeError):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code


class OutsideWindow(ZaloError):
    """The person has not written recently enough for a free consultation message."""


class Unreachable(ZaloError):
    """The person does not follow the OA any more, or cannot receive messages."""


class RateLimited(ZaloError):
    """Zalo's request limit was reached; try again later."""


def _error_for(code: int, message: str) -> ZaloError:
    if code in WINDOW_ERRORS:
        return OutsideWindow(code, message)
    if code in UNREACHABLE_ERRORS:
        return Unreachable(code, message)
    if code in RATE_LIMIT_ERRORS:
        return RateLimited(code, message)
    return ZaloError(code, message)


class ZaloClient:
    def __init__(self, settings: Settings, http: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self.api = settings.zalo_api_url.rstrip("/")
        self.oauth = settings.zalo_oauth_url.rstrip("/")
        self.http = http or httpx.AsyncClient(timeout=20)
        self._refreshing = asyncio.Lock()

    async def close(self) -> None:
        await self.http.aclose()

    # ---- messages --------------------------------------------------------------------------------

    async def send_text(self, user_id: str, text: str, buttons: tuple[Button, ...] = ()) -> str:
        message: dict[str, Any] = {"text": text}
        if buttons:
            message["attachment"] = {
                "type": "template",
                "payload": {
                    "buttons": [{"title": b.title, "type": "oa.query.hide", "payload": b.payload} for b in buttons]
                },
            }
        return await self._send(user_id, message)

    async def send_file(self, user_id: str, path: Path) -> str:
        token = await self.upload_file(path)
        return await self._send(user_id, {"attachment": {"type": "file", "payload": {"token": token}}})

    async def upload_file(self, path: Path) -> str:
        with path.open("rb") as file:
            data = await self._call(
                "POST", f"{self.api}/v2.0/oa/upload/file", files={"file": (path.name, file.read(), "application/pdf")}
            )
        payload = data.get("data") or {}
        return str(payload.get("token") or payload.get("attachment_id"))

    async def _send(self, user_id: str, message: dict[str, Any]) -> str:
        body = {"recipient": {"user_id": user_id}, "message": message}
        data = await self._call("POST", f"{self.api}/v3.0/oa/message/cs", json=body)
        return str((data.get("data") or {}).get("message_id", ""))

    # ---- plumbing --------------------------------------------------------------------------------

    async def _call(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        for attempt in (1, 2):
            access = await self.access_token()
            response = await self.http.request(method, url, headers={"access_token": access}, **kwargs)
            response.raise_for_status()
            data = response.json()
            code = int(data.get("error") or 0)
            if code == 0:
                return data
            if code in TOKEN_ERRORS and attempt == 1:
                await self.refresh(rejected=access)
                continue
            raise _error_for(code, str(data.get("message", "")))
        raise AssertionError("unreachable")

    async def access_token(self) -> str:
        current = await asyncio.to_thread(tokens.current, self.settings)
        if current.expires_soon():
            await self.refresh(rejected=current.access_token)
            current = await asyncio.to_thread(tokens.current, self.settings)
        return current.access_token

    async def refresh(self, rejected: str) -> None:
        """Exchange the refresh token for a new pair, once even if many senders ask at the same time."""
        async with self._refreshing:
            current = await asyncio.to_thread(tokens.current, self.settings)
            if current.access_token != rejected and not current.expires_soon():
                return  # someone else refreshed while we waited
            response = await self.http.post(
                f"{self.oauth}/v4/oa/access_token",
                headers={"secret_key": self.settings.zalo_app_secret},
                data={"refresh_token": current.refresh_token, "app_id": self.settings.zalo_app_id,
                      "grant_type": "refresh_token"},
            )  # fmt: skip
            response.raise_for_status()
            data = response.json()
            if not data.get("access_token") or not data.get("refresh_token"):
                raise ZaloError(int(data.get("error") or -1), f"token refresh refused: {data.get('message', data)}")
            await asyncio.to_thread(
                tokens.store, data["access_token"], data["refresh_token"], int(data.get("expires_in") or 90000)
            )
            logger.info("Zalo access token refreshed")
