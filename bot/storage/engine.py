"""SQLAlchemy engine options shared by the application database and Rasa's tracker store.

SQLite (the embedded default) gets a real connection pool (SQLAlchemy 1.4 opens a new file connection
per session otherwise), WAL journal so readers never wait for the writer, ``synchronous=NORMAL``
(with WAL: no fsync per commit, still crash-safe) and a busy timeout for concurrent writers from
several processes. PostgreSQL gets pre-ping, to survive a database restart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import QueuePool


def ensure_sqlite_folder(url: str | URL) -> None:
    """Create the folder of a SQLite database file, so a fresh checkout needs no set-up."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _is_sqlite_file(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and bool(url.database) and url.database != ":memory:"


def engine_options(url: str | URL) -> dict[str, Any]:
    parsed = make_url(url)
    if _is_sqlite_file(parsed):
        return {"poolclass": QueuePool, "pool_size": 5, "connect_args": {"check_same_thread": False, "timeout": 10}}
    if parsed.get_backend_name() == "postgresql":
        return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
    return {}


def create(url: str | URL) -> Engine:
    """An engine with the options above (and the SQLite pragmas on every new connection)."""
    ensure_sqlite_folder(url)
    engine = create_engine(url, future=True, **engine_options(url))
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:  # WAL is a property of the file: set it once
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        event.listen(engine, "connect", _sqlite_pragmas)
        engine.dispose()
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
