"""Deliver one broadcast to one person on one platform, and say what happened.

Each sender paces itself to its platform's limits (Telegram: about 30 messages a second per bot and one
a second per chat; Zalo: about 4,000 requests a minute per app), shared with every other worker sending
for the same bot or app when there is a Redis (bot/broadcasts/rate_limit.py), and turns the platform's
answers into an ``Outcome``: sent, blocked (403 / the person left the OA: never send again), retry later
(429 with its retry_after, network trouble) or failed.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.broadcasts.rate_limit import pacer
from bot.channels.render import Button, split_text
from bot.channels.types import TELEGRAM, ZALO
from bot.platforms import telegram as telegram_api
from bot.platforms.zalo.client import OutsideWindow, RateLimited, Unreachable, ZaloClient, ZaloError
from bot.publications.catalogue import Publication
from bot.settings import Settings

logger = logging.getLogger(__name__)
PER_CHAT_INTERVAL = 1.0  # seconds between two messages to the same person


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | blocked | retry | failed | skipped
    retry_after: float = 0.0
    error: str = ""
    message_id: str = ""  # the platform's id of the last message sent (an officer may reply to it)


@dataclass(frozen=True)
class Content:
    text: str
    publication: Publication | None = None
    photo_file_id: str | None = None
    buttons: tuple[Button, ...] = ()  # under the last text message


class TelegramSender:
    channel = "telegram"

    def __init__(self, settings: Settings, per_second: float) -> None:
        self.bot = telegram_api.client(settings)
        self.pacer = pacer(settings.redis_url, self.channel, telegram_api.bot_id(settings), per_second)

    async def send(self, user_id: str, content: Content) -> Outcome:
        chat = int(user_id)
        try:
            if content.photo_file_id:
                await self.pacer.wait()
                await self.bot.send_photo(chat, content.photo_file_id, caption=content.text[:1024])
                rest = content.text[1024:]
            else:
                rest = content.text
            message_id = ""
            pieces = split_text(rest, TELEGRAM.max_text_length) if rest else []
            for i, piece in enumerate(pieces):
                if i or content.photo_file_id:
                    await asyncio.sleep(PER_CHAT_INTERVAL)
                await self.pacer.wait()
                markup = telegram_api.keyboard(content.buttons) if i == len(pieces) - 1 else None
                message_id = str((await self.bot.send_message(chat, piece, reply_markup=markup)).message_id)
            if content.publication is not None:
                await asyncio.sleep(PER_CHAT_INTERVAL)
                await self.pacer.wait()
                with content.publication.path.open("rb") as file:
                    await self.bot.send_document(chat, file, filename=f"{content.publication.id}.pdf",
                                                 caption=content.publication.title)  # fmt: skip
            return Outcome("sent", message_id=message_id)
        except RetryAfter as error:
            seconds = float(error.retry_after if isinstance(error.retry_after, int | float) else 1)
            await self.pacer.pause(seconds)
            return Outcome("retry", seconds, "429 too many requests")
        except Forbidden as error:
            return Outcome("blocked", error=str(error)[:200])
        except BadRequest as error:
            return Outcome("blocked" if "chat not found" in str(error).lower() else "failed", error=str(error)[:200])
        except (NetworkError, TelegramError, OSError) as error:
            return Outcome("retry", error=f"network: {error}"[:200])

    async def close(self) -> None:
        await self.bot.shutdown()
        await self.pacer.close()


class ZaloSender:
    channel = "zalo"

    def __init__(self, settings: Settings, per_second: float) -> None:
        self.client = ZaloClient(settings)
        self.pacer = pacer(settings.redis_url, self.channel, settings.zalo_app_id, per_second)

    async def send(self, user_id: str, content: Content) -> Outcome:
        try:
            message_id = ""
            pieces = split_text(content.text, ZALO.max_text_length)
            for i, piece in enumerate(pieces):
                if i:
                    await asyncio.sleep(PER_CHAT_INTERVAL)
                await self.pacer.wait()
                buttons = content.buttons[: ZALO.max_buttons] if i == len(pieces) - 1 else ()
                message_id = await self.client.send_text(user_id, piece, buttons)
            if content.publication is not None:
                await self.pacer.wait()
                await self.client.send_file(user_id, Path(content.publication.path))
            return Outcome("sent", message_id=message_id)
        except OutsideWindow as error:
            return Outcome("skipped", error=str(error)[:200])
        except Unreachable as error:
            return Outcome("blocked", error=str(error)[:200])
        except RateLimited as error:
            await self.pacer.pause(60)
            return Outcome("retry", 60, str(error)[:200])
        except ZaloError as error:
            return Outcome("failed", error=str(error)[:200])
        except (httpx.HTTPError, OSError) as error:
            return Outcome("retry", error=f"network: {error!r}"[:200])

    async def close(self) -> None:
        await self.client.close()
        await self.pacer.close()
