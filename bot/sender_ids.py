"""Rasa sender ids, built and read in one place: "<prefix>-<platform user id>", one prefix per channel
("telegram-123456", "zalo-8412...", "web-<visitor cookie>")."""

from __future__ import annotations

PREFIXES = {"telegram": "telegram", "zalo": "zalo", "webchat": "web"}


def sender_id(channel: str, user_id: str) -> str:
    return f"{PREFIXES[channel]}-{user_id}"


def parse_sender_id(sender: str) -> tuple[str, str] | None:
    """(channel, platform user id) of a sender id made by ``sender_id``; None for any other sender."""
    prefix, _, user_id = sender.partition("-")
    channel = next((name for name, p in PREFIXES.items() if p == prefix), None)
    return (channel, user_id) if channel and user_id else None
