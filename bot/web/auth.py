"""Staff accounts for the dashboard: hashed passwords, roles, expiring sessions, CSRF tokens.

Passwords are hashed with scrypt (Python's standard library) and a random salt. A session is a random
token in an HttpOnly, SameSite=Strict cookie; only its SHA-256 is stored, with the CSRF token every
form must send back and an expiry (``DASHBOARD_SESSION_HOURS``, 8 by default).
Roles (``bot.roles``): ``staff`` reads, ``officer`` also broadcasts and answers tickets, ``admin`` also sees
the accounts. An account may be limited to the tickets of some areas, and name the border post it answers for.

Wrong passwords are stored (who was tried, from which address, never the password), logged as warnings
and listed on the accounts page. Past a few within a quarter of an hour, that account or that address is
locked for a while, the lock doubling with each further failure up to a quarter of an hour: guessing
gets slow, and once the guessing stops the lock ends and the right password works again (a successful
log-in starts the account's count afresh).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.roles import ROLES, Role
from bot.storage import db
from bot.storage.models import DashboardSession, DashboardUser, LoginFailure, utcnow

logger = logging.getLogger(__name__)

MIN_PASSWORD = 10
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
# Wrong passwords free of charge within the window, per account and per address (an office's staff
# share one address); each one more locks for FIRST_LOCK, doubled every time, at most the window.
FREE_FAILURES_PER_ACCOUNT = 5
FREE_FAILURES_PER_ADDRESS = 10
FAILURE_WINDOW = timedelta(minutes=15)
FIRST_LOCK = timedelta(seconds=30)
KEEP_FAILURES = timedelta(days=30)


class AuthError(ValueError):
    """A bad account request; the message says why."""


class TooManyFailures(Exception):
    """A log-in refused without checking the password: too many recent failures for the account or address."""

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(f"locked for {retry_after}")
        self.retry_after = retry_after


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), **_SCRYPT)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def add_user(
    username: str, password: str, role: str, areas: list[str] | None = None, post: str | None = None
) -> DashboardUser:
    """Add an account, or change one: ``areas`` (area keys; empty: every area) replace its areas when given,
    as does ``post``."""
    username = username.strip()
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").isalnum():
        raise AuthError("the name must be letters, digits, '.' or '_' (at most 64)")
    if role not in ROLES:
        raise AuthError(f"the role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")
    with db.session() as session, session.begin():
        user = session.execute(select(DashboardUser).where(DashboardUser.username == username)).scalar_one_or_none()
        if user is None:
            user = DashboardUser(username=username)
            session.add(user)
        user.password_hash, user.role, user.post = hash_password(password), role, post or user.post
        if areas is not None:
            user.areas = ",".join(areas)
    return user


def list_users() -> list[DashboardUser]:
    with db.session() as session:
        return list(session.execute(select(DashboardUser).order_by(DashboardUser.username)).scalars())


def remove_user(username: str) -> bool:
    with db.session() as session, session.begin():
        return session.execute(delete(DashboardUser).where(DashboardUser.username == username)).rowcount > 0


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    csrf_token: str
    areas: str = ""  # comma-separated area keys whose tickets the account sees; empty: every area
    post: str | None = None

    def may(self, role: str) -> bool:
        return Role(self.role).may(role)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in(username: str, password: str, hours: float, address: str = "") -> str | None:
    """A new session token for the right password, else None (same time either way). Raises
    ``TooManyFailures`` while the account or the address (the client's IP) is locked."""
    now = utcnow()
    with db.session() as session, session.begin():
        user = session.execute(select(DashboardUser).where(DashboardUser.username == username)).scalar_one_or_none()
        locked_until = _locked_until(session, username, address, now, user.last_login_at if user else None)
        if locked_until is not None:
            logger.warning("Dashboard log-in as %r from %s refused: locked after repeated wrong passwords until %s UTC",
                           username, address or "unknown address", f"{locked_until:%H:%M:%S}")  # fmt: skip
            raise TooManyFailures(locked_until - now)
        valid = check_password(password, user.password_hash if user else hash_password("timing-equaliser"))
        if user is None or not valid:
            session.add(LoginFailure(at=now, username=username[:64], address=address[:64]))
            session.execute(delete(LoginFailure).where(LoginFailure.at < now - KEEP_FAILURES))
            logger.warning("Wrong dashboard password for %r from %s%s", username, address or "unknown address",
                           "" if user else " (no such account)")  # fmt: skip
            return None
        token = secrets.token_urlsafe(32)
        session.add(DashboardSession(token_hash=_digest(token), user_id=user.id, csrf_token=secrets.token_urlsafe(24),
                                     expires_at=utcnow() + timedelta(hours=hours)))  # fmt: skip
        user.last_login_at = utcnow()
        session.execute(delete(DashboardSession).where(DashboardSession.expires_at < utcnow()))
    return token


def _locked_until(
    session: Session, username: str, address: str, now: datetime, last_login: datetime | None
) -> datetime | None:
    """When the lock on this account or this address ends, if one is on now."""
    start = now - FAILURE_WINDOW
    checks = [(LoginFailure.username, username[:64], max(start, last_login or start), FREE_FAILURES_PER_ACCOUNT)]
    if address:
        checks.append((LoginFailure.address, address[:64], start, FREE_FAILURES_PER_ADDRESS))
    ends = []
    for column, value, since, free in checks:
        count, last = session.execute(
            select(func.count(), func.max(LoginFailure.at)).where(column == value, LoginFailure.at > since)
        ).one()
        if count >= free:
            ends.append(last + min(FIRST_LOCK * 2 ** (count - free), FAILURE_WINDOW))
    end = max(ends, default=None)
    return end if end is not None and end > now else None


def recent_failures(limit: int = 50) -> list[LoginFailure]:
    """The latest wrong passwords, newest first (for the accounts page)."""
    with db.session() as session:
        return list(session.execute(select(LoginFailure).order_by(LoginFailure.at.desc()).limit(limit)).scalars())


def current(token: str | None) -> Login | None:
    if not token:
        return None
    with db.session() as session:
        row = session.execute(
            select(
                DashboardUser.username,
                DashboardUser.role,
                DashboardSession.csrf_token,
                DashboardUser.areas,
                DashboardUser.post,
            )
            .join(DashboardUser, DashboardUser.id == DashboardSession.user_id)
            .where(DashboardSession.token_hash == _digest(token), DashboardSession.expires_at > utcnow())
        ).first()
    return Login(*row) if row else None


def log_out(token: str | None) -> None:
    if token:
        with db.session() as session, session.begin():
            session.execute(delete(DashboardSession).where(DashboardSession.token_hash == _digest(token)))


def expire_sessions_of(username: str) -> None:
    """End every session of an account (after a password change or removal)."""
    with db.session() as session, session.begin():
        user_id = select(DashboardUser.id).where(DashboardUser.username == username).scalar_subquery()
        session.execute(
            update(DashboardSession)
            .where(DashboardSession.user_id == user_id)
            .values(expires_at=utcnow())
            .execution_options(synchronize_session=False)
        )
