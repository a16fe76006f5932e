"""What a person waits for the bot's reply, as the gateways (Telegram, Zalo) and the web app see it:
from their message arriving to the last reply part leaving. The client sends ``received_at`` with the
message to Rasa (so the interaction log knows the turn is timed here) and, once the reply has left,
records the time against the message id it sent (``ReplyTime``, joined to ``Interaction``).

Recording happens in a thread after the reply: a database that is slow or down costs a log line, never
a reply.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

from bot.metrics import rollups
from bot.storage import db

logger = logging.getLogger(__name__)
RECEIVED_AT = "received_at"  # the metadata key sent to Rasa: seconds since the epoch
_writes: set[asyncio.Task] = set()  # running writes (a task nobody holds may be collected mid-way)


def record(message_id: str, channel: str, received: float, sent: float) -> None:
    """Store one waiting time (``received`` and ``sent``: seconds since the epoch). Never raises."""
    row = {
        "message_id": message_id, "channel": channel,
        "received_at": datetime.fromtimestamp(received, tz=timezone.utc).replace(tzinfo=None),
        "response_ms": max(round((sent - received) * 1000), 0),
    }  # fmt: skip
    try:
        with db.engine().begin() as connection:
            rollups.record_wait(connection, row)
    except Exception as error:  # the figures lose one time; the person lost nothing
        logger.warning("Reply time of a %s message not recorded: %s", channel, error)


def record_soon(message_id: str, channel: str, received: float, sent: float) -> None:
    """``record`` in a thread, without waiting for it (call from the event loop)."""
    task = asyncio.get_running_loop().create_task(asyncio.to_thread(record, message_id, channel, received, sent))
    _writes.add(task)
    task.add_done_callback(_writes.discard)
