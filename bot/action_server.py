"""``python -m bot.action_server --actions actions --port N``: the rasa_sdk action server, where a body
that is not a JSON object gets a 400 (bot/http_guard.py) instead of a 500."""

from __future__ import annotations

from typing import Any

from rasa_sdk import endpoint
from rasa_sdk.__main__ import main
from sanic import Sanic

from bot.http_guard import refuse_malformed_json

_create_app = endpoint.create_app


def create_app(*args: Any, **kwargs: Any) -> Sanic:
    app = _create_app(*args, **kwargs)
    app.register_middleware(refuse_malformed_json, "request")
    return app


if __name__ == "__main__":
    endpoint.create_app = create_app
    main()
