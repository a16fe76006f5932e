"""``python -m bot.rasa_server run ...``: ``rasa run ...`` with two changes to Rasa's HTTP server.

- The HTTP API's token comes from ``RASA_AUTH_TOKEN`` instead of the command line, where ``ps`` would
  show it to every user of the machine (a process's own argument list, changed after it starts, is
  not what ``ps`` shows).
- A body that is not a JSON object gets a 400 (bot/http_guard.py) instead of Rasa's 500.
"""

from __future__ import annotations

import sys
from typing import Any

from rasa import server
from rasa.__main__ import main
from sanic import Sanic

from bot.http_guard import refuse_malformed_json
from bot.settings import get_settings

_create_app = server.create_app


def create_app(*args: Any, **kwargs: Any) -> Sanic:
    app = _create_app(*args, **kwargs)
    app.register_middleware(refuse_malformed_json, "request")
    return app


if __name__ == "__main__":
    server.create_app = create_app
    token = get_settings().rasa_auth_token
    sys.argv = ["rasa", *sys.argv[1:], *(["--auth-token", token] if token else [])]
    main()
