"""Where a campaign's code leads, on each platform: the nearest thing to a link each one offers.

- Telegram: a deep link, t.me/<bot>?start=<code>; Telegram sends "/start <code>" when the person taps Start.
- Web chat: <PUBLIC_WEB_URL>/?c=<code>; the page tells the web app, which records the start.
- Zalo: an Official Account has no start parameter: the person follows the OA and sends the code, and the
  gateway recognises a message that is exactly a code.
"""

from __future__ import annotations

from urllib.parse import quote

from bot.settings import Settings, get_settings

OA_SEARCH_NAME = "Trợ lý biển đảo"  # what to search for on Zalo when ZALO_OA_ID is not set


def telegram_link(code: str, settings: Settings | None = None) -> str | None:
    """None while TELEGRAM_BOT_USERNAME is not set (the link needs the bot's @name)."""
    username = (settings or get_settings()).telegram_bot_username
    return f"https://t.me/{quote(username)}?start={code}" if username else None


def web_link(code: str, settings: Settings | None = None) -> str:
    return f"{(settings or get_settings()).public_web_url}/?c={code}"


def zalo_oa_link(settings: Settings | None = None) -> str | None:
    oa_id = (settings or get_settings()).zalo_oa_id
    return f"https://zalo.me/{quote(oa_id)}" if oa_id else None


def zalo_howto(code: str, settings: Settings | None = None) -> str:
    """For people to read: how to reach the bot on Zalo with this code."""
    where = zalo_oa_link(settings) or f"tìm Official Account «{OA_SEARCH_NAME}»"
    return f"Zalo: mở {where}, bấm «Quan tâm», rồi gửi mã {code}"


def main_link(code: str, settings: Settings | None = None) -> str:
    """The link the QR code holds: Telegram's deep link, else the web chat's."""
    return telegram_link(code, settings) or web_link(code, settings)
