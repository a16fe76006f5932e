"""Gateways between messaging platforms (Telegram, Zalo) and the assistant."""
