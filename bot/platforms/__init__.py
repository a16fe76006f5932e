"""Clients of the messaging platforms (Telegram Bot API, Zalo OA Open API), used by the gateways and the
broadcast workers alike."""
