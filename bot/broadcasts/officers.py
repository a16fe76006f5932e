"""Officers and admins: who may broadcast, and who answers the tickets of which areas. Kept in the database and
managed with `bot officer`."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from bot.areas import AmbiguousArea, UnknownArea, resolve, split_areas
from bot.roles import OFFICER_ROLES, Role
from bot.storage import db
from bot.storage.models import Officer, RefusedAttempt
from bot.subscribers import pseudonym

logger = logging.getLogger(__name__)
CHANNELS = ("telegram", "zalo")


class OfficerError(ValueError):
    """A bad officer specification; the message says what is expected."""


def parse_spec(spec: str) -> tuple[str, str]:
    """ "telegram:123456" -> ("telegram", "123456")."""
    channel, _, user_id = spec.partition(":")
    channel, user_id = channel.strip().lower(), user_id.strip()
    if channel not in CHANNELS or not user_id or len(user_id) > 64 or not user_id.replace("-", "").isalnum():
        raise OfficerError(f"expected telegram:<user id> or zalo:<user id>, not {spec!r}")
    return channel, user_id


def add(
    spec: str,
    name: str | None = None,
    role: str = Role.OFFICER.value,
    areas: list[str] | None = None,
    post: str | None = None,
) -> Officer:
    """Add an officer, or change one: ``areas`` (keys or names; empty: every area) replace their areas when
    given, as do ``name`` and ``post``."""
    channel, user_id = parse_spec(spec)
    if role not in OFFICER_ROLES:
        raise OfficerError(f"role must be one of {', '.join(OFFICER_ROLES)}")
    try:
        area_keys = resolve(areas) if areas is not None else None
    except (UnknownArea, AmbiguousArea) as error:
        raise OfficerError(str(error)) from error
    with db.session() as session, session.begin():
        officer = session.execute(
            select(Officer).where(Officer.channel == channel, Officer.channel_user_id == user_id)
        ).scalar_one_or_none()
        if officer is None:
            officer = Officer(channel=channel, channel_user_id=user_id)
            session.add(officer)
        officer.name, officer.role, officer.post = name or officer.name, role, post or officer.post
        if area_keys is not None:
            officer.areas = ",".join(area_keys)
    return officer


def remove(spec: str) -> bool:
    channel, user_id = parse_spec(spec)
    with db.session() as session, session.begin():
        result = session.execute(delete(Officer).where(Officer.channel == channel, Officer.channel_user_id == user_id))
    return result.rowcount > 0


def all_officers() -> list[Officer]:
    with db.session() as session:
        return list(session.execute(select(Officer).order_by(Officer.channel, Officer.channel_user_id)).scalars())


def find(channel: str, user_id: str) -> Officer | None:
    with db.session() as session:
        return session.execute(
            select(Officer).where(Officer.channel == channel, Officer.channel_user_id == user_id)
        ).scalar_one_or_none()


def record_refusal(channel: str, user_id: str, command: str) -> None:
    logger.warning("Refused officer command %s from a %s user who is not an officer", command, channel)
    with db.session() as session, session.begin():
        session.add(RefusedAttempt(channel=channel, user_ref=pseudonym(channel, user_id), command=command[:64]))


def posts_by_area(connection: Connection) -> dict[str, str]:
    """The border post of each area: the one most of its officers name (ties: the first in the alphabet)."""
    named: dict[str, Counter[str]] = defaultdict(Counter)
    for areas, post in connection.execute(select(Officer.areas, Officer.post).where(Officer.post.is_not(None))):
        for area in split_areas(areas):
            named[area][post] += 1
    return {area: min(counts, key=lambda post: (-counts[post], post)) for area, counts in named.items()}
