"""Logging of every `bot` process: timestamps and levels on stderr (which `bot run` sends to
var/logs/<service>.log). HTTP client libraries log request URLs, and a Telegram URL carries the bot's
token: they only log warnings."""

from __future__ import annotations

import logging


def configure(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler", "aio_pika", "aiormq"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
