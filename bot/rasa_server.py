"""``python -m bot.rasa_server run ...``: ``rasa run ...`` with two changes to Rasa's HTTP server.

- The HTTP API's token comes from ``RASA_AUTH_TOKEN`` instead of the command line, where ``ps`` would
  show it to every user of the machine (a process's own argument list, changed after it starts, is
  not what ``ps`` shows).
- A body that is not a JSON object gets a 400 (bot/http_guard.py) instead of Rasa's 500.
"""

from __future__ import annotations

import sys

from rasa import server
from rasa.__main__ import main

from bot.http_guard import guarded
from bot.settings import get_settings

if __name__ == "__main__":
    server.create_app = guarded(server.create_app)
    token = get_settings().rasa_auth_token
    sys.argv = ["rasa", *sys.argv[1:], *(["--auth-token", token] if token else [])]
    main()
