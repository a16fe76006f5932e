"""Where python-telegram-bot reaches the Telegram Bot API: ``TELEGRAM_API_URL`` (Telegram's own server by
default, see ``bot/settings.py``; a self-hosted Bot API server or the tests' stand-in otherwise).
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.render import Button
from bot.settings import Settings


def base_url(settings: Settings) -> str:
    """Method calls go to ``<base_url><token>/<method>``."""
    return settings.telegram_api_url.rstrip("/")


def base_file_url(settings: Settings) -> str:
    """Files are downloaded from ``<base_file_url><token>/<file_path>``."""
    return base_url(settings).removesuffix("/bot") + "/file/bot"


def bot_id(settings: Settings) -> str:
    """The bot's id, the token's first part: Telegram counts update ids and rate limits per bot. Not secret."""
    return settings.telegram_bot_token.split(":", 1)[0]


def client(settings: Settings) -> Bot:
    return Bot(settings.telegram_bot_token, base_url=base_url(settings), base_file_url=base_file_url(settings))


def keyboard(buttons: tuple[Button, ...], encode: Callable[[str], str] = str) -> InlineKeyboardMarkup | None:
    """Buttons under a message, two to a row when their titles are short; ``encode`` shortens payloads
    longer than Telegram's 64 bytes of callback data."""
    if not buttons:
        return None
    per_row = 2 if all(len(b.title) <= 18 for b in buttons) else 1
    rows = [
        [InlineKeyboardButton(b.title, callback_data=encode(b.payload)) for b in buttons[i : i + per_row]]
        for i in range(0, len(buttons), per_row)
    ]
    return InlineKeyboardMarkup(rows)
