"""Rasa's SQL tracker store, configured from ``TRACKER_DATABASE_URL`` / ``DATABASE_URL``.

Rasa's own SQL store wants dialect, host, port and database as separate settings; deployments have
one URL. Two changes for speed, measured with py-spy at 20 concurrent senders (README, "Measured"):
- its engine is replaced by one with the project's options (``bot.storage.engine``): on SQLite a
  pooled, WAL-mode connection instead of a new file connection per query;
- to know which events are new, Rasa counts the stored events of the session before every save (two
  saves per message, 15% of the server's time), and re-reads the whole tracker to stream them to the
  event broker; the tracker read from the database already tells.

A person's conversation history is counted and erased here too (``user_messages``, ``erase_history``): the
only SQL over Rasa's ``events`` table (its layout is checked in tests/unit/test_rasa_contract.py). The
gateways and the web app call them without Rasa: the store class is built the first time it is asked for
(``SettingsTrackerStore``, by Rasa from endpoints.yml), so importing this module does not load Rasa.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import get_settings
from bot.storage import engine
from bot.storage.engine import ensure_sqlite_folder

EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore.SQLEvent


@lru_cache(maxsize=1)
def tracker_engine() -> Engine:
    """Rasa's tracker database, for reading and erasing a person's history outside Rasa."""
    return engine.create(get_settings().tracker_database_url)


def user_messages(sender_id: str) -> int:
    """How many messages the person sent (0 before Rasa created its table)."""
    try:
        with tracker_engine().connect() as connection:
            return connection.execute(
                text(f"SELECT count(*) FROM {EVENTS_TABLE} WHERE sender_id = :sender AND type_name = 'user'"),
                {"sender": sender_id},
            ).scalar_one()
    except DBAPIError:  # Rasa has not created its table yet: no history
        return 0


def erase_history(sender_id: str) -> None:
    """Delete every event of the person's conversation."""
    try:
        with tracker_engine().begin() as connection:
            connection.execute(text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id = :sender"), {"sender": sender_id})
    except DBAPIError:  # no history table yet: nothing to erase
        pass


def __getattr__(name: str) -> Any:
    if name == "SettingsTrackerStore":
        return _store_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _store_class() -> type:
    from rasa.core.brokers.broker import EventBroker
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    class SettingsTrackerStore(SQLTrackerStore):
        """``SQLTrackerStore`` on the database named by the project's settings. It takes no options in
        endpoints.yml: the database is ``TRACKER_DATABASE_URL`` alone, because the gateways and the web app
        count and erase a person's history there too (a second URL would erase from the wrong database)."""

        def __init__(
            self,
            domain: Domain | None = None,
            host: str | None = None,
            event_broker: EventBroker | None = None,
            **options: Any,
        ) -> None:
            if host or options:
                given = sorted([*options, *(["url"] if host else [])])
                raise ValueError(
                    f"tracker_store in endpoints.yml takes no options (got {', '.join(given)}): "
                    "set TRACKER_DATABASE_URL"
                )
            url = make_url(get_settings().tracker_database_url)
            ensure_sqlite_folder(url)
            super().__init__(
                domain=domain,
                dialect=url.drivername,
                host=url.host,
                port=url.port,
                db=url.database or "",
                username=url.username,
                password=url.password,
                event_broker=event_broker,
                query=dict(url.query) or None,
            )
            self.engine.dispose()
            self.engine = engine.create(self.engine.url)
            self.sessionmaker = sessionmaker(bind=self.engine)

        async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
            tracker = await super().retrieve(sender_id)
            if tracker is not None:
                tracker.stored_events = len(tracker.events)  # type: ignore[attr-defined]
            return tracker

        async def save(self, tracker: DialogueStateTracker) -> None:
            await super().save(tracker)
            tracker.stored_events = len(tracker.events)  # type: ignore[attr-defined]

        async def stream_events(self, tracker: DialogueStateTracker) -> None:
            """Publish the new events to the event broker (Rasa re-reads the whole tracker to find them)."""
            stored = getattr(tracker, "stored_events", None)
            if self.event_broker is None or stored is None:
                await super().stream_events(tracker)
                return
            new_events = list(itertools.islice(tracker.events, stored, len(tracker.events)))
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

        def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator:
            stored = getattr(tracker, "stored_events", None)
            if stored is None:  # a tracker that did not come from this store: ask the database
                return super()._additional_events(session, tracker)
            return itertools.islice(tracker.events, stored, len(tracker.events))

    return SettingsTrackerStore
