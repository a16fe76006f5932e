"""Where python-telegram-bot reaches the Telegram Bot API: ``TELEGRAM_API_URL`` (Telegram's own server by
default, see ``bot/settings.py``; a self-hosted Bot API server or the tests' stand-in otherwise).
"""

from __future__ import annotations

from telegram import Bot

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
