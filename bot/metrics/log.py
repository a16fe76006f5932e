"""The interaction log: Rasa's event stream, turned into one row per message and written in the
background.

``TurnAssembler`` follows each conversation's events (user message, actions, bot messages, then
``action_listen``) and produces one ``Interaction`` per turn: who (pseudonymous), where, what was
asked, what the classifier thought, what the bot did (outcomes.py), which knowledge entry, how fast.
A turn where the bot only asked a clarifying question waits for the next turn of the conversation and
takes its outcome; if the person never answers (``ABANDONED_SECONDS``), it counts as offered choices.

How fast: a message sent through a gateway or the web app carries ``received_at`` in its metadata;
what that person waited is recorded by the gateway itself (timing.py), so the row keeps no time of its
own. A message sent straight to Rasa's REST API keeps Rasa's time (first reply - message), labelled
``rasa`` in the daily totals.

``BackgroundWriter`` writes those rows (and their daily totals, see rollups.py) from a thread, in
batches, so that logging never slows or breaks a reply. If the database is unreachable it keeps
retrying while its buffer (100,000 rows) lasts; rows that do not fit are counted and the count is
written as a ``MetricsGap`` once the database is back, so figures are never silently short.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import SQLAlchemyError

from bot.metrics import rollups
from bot.metrics.outcomes import CHOICES, answered_entry, outcome_of
from bot.sender_ids import parse_sender_id
from bot.storage import db
from bot.storage.models import MetricsGap
from bot.subscribers import pseudonym

logger = logging.getLogger(__name__)
MAX_TEXT = 500
BATCH_SECONDS = 1.0
ABANDONED_SECONDS = 15 * 60  # a clarifying question left unanswered this long: the person has gone


def sender_identity(sender_id: str, event: dict[str, Any]) -> tuple[str, str]:
    """(channel, platform user id) of a Rasa sender id: "telegram-123", "zalo-..", "web-<visitor>"."""
    if (known := parse_sender_id(sender_id)) is not None:
        return known
    metadata = event.get("metadata") or {}
    return str(metadata.get("channel") or event.get("input_channel") or "rest")[:16], sender_id


@dataclass
class _Turn:
    at: datetime
    channel: str
    user_ref: str
    area: str | None
    text: str
    intent: str | None
    confidence: float | None
    started: float
    message_id: str | None = None
    timed_outside: bool = False  # a gateway or the web app records what the person waited
    replies: int = 0
    first_reply: float | None = None
    responses: list[str] = field(default_factory=list)  # the names of the responses sent

    def row(self) -> dict[str, Any]:
        """The interaction row; its outcome is None while it waits for the answer to a clarifying question."""
        outcome, detail = outcome_of(self.responses, self.intent) or (None, "clarifying")
        entry = answered_entry(self.responses)
        response = None if self.first_reply is None else max(round((self.first_reply - self.started) * 1000), 0)
        return {
            "at": self.at, "channel": self.channel, "user_ref": self.user_ref, "area": self.area,
            "text": self.text[:MAX_TEXT], "intent": self.intent, "confidence": self.confidence,
            "outcome": outcome, "detail": detail, "entry_id": entry.id if entry else None,
            "topic": entry.topic if entry else None, "replies": self.replies,
            "response_ms": None if self.timed_outside else response, "message_id": self.message_id,
        }  # fmt: skip


def _settled(row: dict[str, Any], by: dict[str, Any] | None) -> dict[str, Any]:
    """A clarifying turn, settled by the answer that followed (or, with none, as offered choices)."""
    if by is None:
        return row | {"outcome": CHOICES}
    return row | {key: by[key] for key in ("outcome", "detail", "entry_id", "topic")}


class TurnAssembler:
    """Feeds on Rasa events (dicts with ``sender_id``), yields finished interaction rows.

    Rasa sometimes publishes a conversation's events again: when its database fails while saving,
    its in-memory fallback store publishes the whole conversation. A replayed event keeps its
    timestamp, so events older than the newest one seen from the same sender are skipped.
    """

    def __init__(self, senders_remembered: int = 100_000) -> None:
        self._open: dict[str, _Turn] = {}
        self._newest: OrderedDict[str, float] = OrderedDict()
        self._senders_remembered = senders_remembered
        # Clarifying turns waiting for the next answer, by sender, oldest first: (asked at, rows).
        self._asking: OrderedDict[str, tuple[float, list[dict[str, Any]]]] = OrderedDict()

    def feed(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """The rows this event finishes (usually none or one)."""
        sender = str(event.get("sender_id", ""))
        timestamp = float(event.get("timestamp") or time.time())
        if timestamp < self._newest.get(sender, 0.0):
            return []
        abandoned = self._abandoned(timestamp - ABANDONED_SECONDS)
        return abandoned + self._take(sender, event, timestamp)

    def flush(self) -> list[dict[str, Any]]:
        """Rows still waiting for an answer (at shutdown): counted as offered choices."""
        return self._abandoned(float("inf"))

    def _abandoned(self, before: float) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        while self._asking and next(iter(self._asking.values()))[0] < before:
            rows += [_settled(row, None) for row in self._asking.popitem(last=False)[1][1]]
        return rows

    def _take(self, sender: str, event: dict[str, Any], timestamp: float) -> list[dict[str, Any]]:
        kind = event.get("event")
        self._newest[sender] = timestamp
        self._newest.move_to_end(sender)
        if len(self._newest) > self._senders_remembered:
            self._newest.popitem(last=False)
        if kind == "user":
            finished = self._close(sender)
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            channel, user_id = sender_identity(sender, event)
            metadata = event.get("metadata") or {}
            self._open[sender] = _Turn(
                at=datetime.fromtimestamp(timestamp, tz=timezone.utc).replace(tzinfo=None), channel=channel,
                user_ref=pseudonym(channel, user_id), area=metadata.get("area") or None, text=event.get("text") or "",
                intent=intent.get("name"), confidence=intent.get("confidence"), started=timestamp,
                message_id=event.get("message_id"), timed_outside="received_at" in metadata,
            )  # fmt: skip
            return finished
        turn = self._open.get(sender)
        if turn is None:
            return []
        if kind == "bot":
            turn.replies += 1
            turn.first_reply = turn.first_reply or timestamp
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                turn.responses.append(str(name))
        elif kind == "action" and event.get("name") == "action_listen":
            return self._close(sender)
        return []

    def _close(self, sender: str) -> list[dict[str, Any]]:
        turn = self._open.pop(sender, None)
        if turn is None:
            return []
        row = turn.row()
        if row["outcome"] is None:  # a clarifying question: wait for what follows
            _, rows = self._asking.pop(sender, (0.0, []))
            self._asking[sender] = (turn.started, [*rows, row])  # kept in the order of the last question
            return []
        _, asking = self._asking.pop(sender, (0.0, []))
        return [*(_settled(r, row) for r in asking), row]


class BackgroundWriter:
    def __init__(self, capacity: int = 100_000, batch: int = 500) -> None:
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=capacity)
        self._batch = batch
        self._lost = 0
        self._stop = threading.Event()
        self._give_up_at = float("inf")
        self._thread = threading.Thread(target=self._run, name="interaction-log", daemon=True)
        self._thread.start()

    def put(self, row: dict[str, Any]) -> None:
        try:
            self._queue.put_nowait(row)
        except queue.Full:
            self._lost += 1

    def close(self, timeout: float = 10.0) -> None:
        """Writes what is buffered, retrying for up to ``timeout`` seconds if the database is down."""
        self._give_up_at = time.monotonic() + timeout
        self._stop.set()
        self._thread.join(timeout + 1)

    def _take(self) -> list[dict[str, Any]]:
        """The next batch: rows that arrive within a second of the first, at most ``batch`` of them.
        (One transaction per row costs the consumer of a busy bot more CPU than Rasa's own work.)"""
        rows: list[dict[str, Any]] = []
        try:
            rows.append(self._queue.get(timeout=0.5))
            full_at = time.monotonic() + BATCH_SECONDS
            while len(rows) < self._batch and not self._stop.is_set():
                rows.append(self._queue.get(timeout=max(full_at - time.monotonic(), 0.001)))
        except queue.Empty:
            pass
        return rows

    def _run(self) -> None:
        pending: list[dict[str, Any]] = []
        backoff = 1.0
        while not (self._stop.is_set() and self._queue.empty() and not pending):
            pending = pending or self._take()
            if not pending and not self._lost:
                continue
            try:
                with db.engine().begin() as connection:
                    rollups.record(connection, pending)
                    if self._lost:
                        lost, self._lost = self._lost, 0
                        connection.execute(insert(MetricsGap), [{"at": datetime.utcnow(), "lost": lost}])
                pending, backoff = [], 1.0
            except SQLAlchemyError as error:
                if self._stop.is_set() and time.monotonic() >= self._give_up_at:
                    unwritten = len(pending) + self._queue.qsize()
                    logger.error("Interaction log: database unavailable at shutdown; %d rows not written", unwritten)
                    return
                logger.warning("Interaction log: database unavailable (%s); retrying in %.0f s", error, backoff)
                if self._stop.wait(backoff):  # shutting down: retry at a steady pace until close() gives up
                    time.sleep(min(backoff, 1.0, max(self._give_up_at - time.monotonic(), 0)))
                backoff = min(backoff * 2, 30.0)


class InteractionLog:
    """Rasa's events in, interaction rows out to the database, without blocking the caller: fed by the Rasa
    event broker (bot/rasa/event_broker.py) or, with RabbitMQ, by the consumer (bot/metrics/consumer.py)."""

    def __init__(self) -> None:
        self.turns = TurnAssembler()
        self.writer = BackgroundWriter()

    def feed(self, event: dict[str, Any]) -> None:
        try:
            rows = self.turns.feed(event)
        except Exception:  # a malformed event must never cost a reply
            logger.exception("Interaction log: could not read an event")
            return
        for row in rows:
            self.writer.put(row)

    def close(self) -> None:
        for row in self.turns.flush():
            self.writer.put(row)
        self.writer.close()
