"""A Sanic request middleware for the Rasa server and the action server: a body that is not a JSON
object gets a clear 400 (both servers answer 500 to it otherwise). Rasa's events endpoint alone also
takes a list."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse


async def refuse_malformed_json(request: Request) -> HTTPResponse | None:
    if request.method not in ("POST", "PUT") or not request.body or "json" not in (request.content_type or ""):
        return None
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    if isinstance(body, dict) or (isinstance(body, list) and request.path.endswith("/events")):
        return None
    problem = "the body must be a JSON object"
    return response.json({"error": problem, "status": "failure", "reason": "BadRequest", "code": 400,
                          "message": problem}, status=400)  # fmt: skip


def guarded(create_app: Callable[..., Sanic]) -> Callable[..., Sanic]:
    """A server's app factory, with the middleware above on every app it makes."""

    def create(*args: Any, **kwargs: Any) -> Sanic:
        app = create_app(*args, **kwargs)
        app.register_middleware(refuse_malformed_json, "request")
        return app

    return create
