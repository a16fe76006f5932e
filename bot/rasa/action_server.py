"""``python -m bot.rasa.action_server --actions actions --port N``: the rasa_sdk action server, where a body
that is not a JSON object gets a 400 (bot/rasa/http_guard.py) instead of a 500."""

from __future__ import annotations

from rasa_sdk import endpoint
from rasa_sdk.__main__ import main

from bot.rasa.http_guard import guarded

if __name__ == "__main__":
    endpoint.create_app = guarded(endpoint.create_app)
    main()
