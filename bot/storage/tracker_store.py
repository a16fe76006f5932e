"""Rasa's SQL tracker store, configured from ``TRACKER_DATABASE_URL`` / ``DATABASE_URL``.

Rasa's own SQL store wants dialect, host, port and database as separate settings; deployments have
one URL. SQLite gets WAL mode and a busy timeout so that the gateways and the dashboard can read
while Rasa writes.
"""

from __future__ import annotations

from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url

from bot.settings import get_settings
from bot.storage.engine import configure_sqlite, ensure_sqlite_folder


class SettingsTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` on the database named by the project's settings."""

    def __init__(self, domain: Domain | None = None, event_broker: EventBroker | None = None, **_: Any) -> None:
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
        configure_sqlite(self.engine)
