"""``python -m bot.rasa.server run ...``: ``rasa run ...`` with two changes to Rasa's HTTP server.

- The HTTP API always has a token (``RASA_AUTH_TOKEN``, else a random one kept in var/: see
  ``Settings.rasa_api_token``), and it comes from there instead of the command line, where ``ps`` would
  show it to every user of the machine (a process's own argument list, changed after it starts, is
  not what ``ps`` shows). Bound beyond loopback with no ``RASA_AUTH_TOKEN`` set, it refuses to start.
- A body that is not a JSON object gets a 400 (bot/rasa/http_guard.py) instead of Rasa's 500.
"""

from __future__ import annotations

import sys

from bot.settings import Settings, get_settings


def rasa_argv(args: list[str], settings: Settings) -> list[str]:
    """Rasa's arguments with the API's token, set inside this process only."""
    return ["rasa", *args, "--auth-token", settings.rasa_api_token()]


def run() -> None:
    settings = get_settings()
    if error := settings.rasa_exposure_error():
        print(f"Error: {error}", file=sys.stderr)
        sys.exit(2)
    from rasa import server  # only now: loading Rasa takes seconds
    from rasa.__main__ import main

    from bot.rasa.http_guard import guarded

    server.create_app = guarded(server.create_app)
    sys.argv = rasa_argv(sys.argv[1:], settings)
    main()


if __name__ == "__main__":
    run()
