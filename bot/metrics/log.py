"""The interaction log: Rasa's event stream, turned into one row per message and written in the
background.

``TurnAssembler`` follows each conversation's events (user message, actions, bot messages, then
``action_listen``) and produces one ``Interaction`` per turn: who (pseudonymous), where, what was
asked, what the classifier thought, whether the bot could answer, which knowledge entry, how fast.

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

from bot import replies
from bot.knowledge.base import knowledge
from bot.metrics import rollups
from bot.storage import db
from bot.storage.models import MetricsGap
from bot.subscribers import pseudonym

logger = logging.getLogger(__name__)
MAX_TEXT = 500
BATCH_SECONDS = 1.0
# What the bot did, by the action or response that answered (detail), and whether it counts as answered.
FALLBACK_DETAILS = {"suggestions", "dont_know", "out_of_scope"}
INTENT_DETAILS = {
    "out_of_scope": "out_of_scope", "other_language": "other_language", "empty_message": "empty",
    "emergency": "emergency", "request_publication": "publication", "subscribe": "subscription",
    "unsubscribe": "subscription",
}  # fmt: skip


def sender_identity(sender_id: str, event: dict[str, Any]) -> tuple[str, str]:
    """(channel, platform user id) of a Rasa sender id: "telegram-123", "zalo-..", "web-<visitor>"."""
    prefix, _, rest = sender_id.partition("-")
    if rest and prefix in ("telegram", "zalo"):
        return prefix, rest
    if rest and prefix == "web":
        return "webchat", rest
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
    replies: int = 0
    first_reply: float | None = None
    answers: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        entry = next(
            (knowledge().by_intent(a.removeprefix("utter_")) for a in self.answers if a.startswith("utter_kb_")), None
        )
        if entry is not None:
            detail = "knowledge"
        elif "action_suggest_topics" in self.actions:
            detail = "suggestions" if replies.DID_YOU_MEAN in self.answers else "dont_know"
        else:
            detail = INTENT_DETAILS.get(self.intent or "", "conversation")
        response = None if self.first_reply is None else round((self.first_reply - self.started) * 1000)
        return {
            "at": self.at, "channel": self.channel, "user_ref": self.user_ref, "area": self.area,
            "text": self.text[:MAX_TEXT], "intent": self.intent, "confidence": self.confidence,
            "outcome": "fallback" if detail in FALLBACK_DETAILS else "answered", "detail": detail,
            "entry_id": entry.id if entry else None, "topic": entry.topic if entry else None,
            "replies": self.replies, "response_ms": max(response, 0) if response is not None else None,
        }  # fmt: skip


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

    def feed(self, event: dict[str, Any]) -> dict[str, Any] | None:
        sender = str(event.get("sender_id", ""))
        kind = event.get("event")
        timestamp = float(event.get("timestamp") or time.time())
        if timestamp < self._newest.get(sender, 0.0):
            return None
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
            )  # fmt: skip
            return finished
        turn = self._open.get(sender)
        if turn is None:
            return None
        if kind == "bot":
            turn.replies += 1
            turn.first_reply = turn.first_reply or timestamp
            utter = (event.get("metadata") or {}).get("utter_action")
            turn.answers.append(utter or event.get("text") or "")
        elif kind == "action" and event.get("name") == "action_listen":
            return self._close(sender)
        elif kind == "action":
            turn.actions.append(str(event.get("name")))
        return None

    def _close(self, sender: str) -> dict[str, Any] | None:
        turn = self._open.pop(sender, None)
        return turn.row() if turn is not None else None


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
