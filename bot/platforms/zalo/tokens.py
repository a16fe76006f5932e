"""The Zalo token pair, kept in the database because Zalo rotates it: the refresh token works once,
so the new pair must be saved (atomically, in one row) before the new access token is used.

The pair in the environment (ZALO_ACCESS_TOKEN, ZALO_REFRESH_TOKEN) seeds the row the first time, and
again whenever an administrator puts a different refresh token there (after granting access anew).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.settings import Settings
from bot.storage import db
from bot.storage.models import PlatformToken, utcnow

PLATFORM = "zalo"
REFRESH_MARGIN = timedelta(hours=1)
ENV_TOKEN_LIFETIME = timedelta(hours=25)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: datetime

    def expires_soon(self) -> bool:
        return self.expires_at - utcnow() < REFRESH_MARGIN


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def current(settings: Settings) -> TokenPair:
    seed = _fingerprint(settings.zalo_refresh_token)
    with db.session() as session, session.begin():
        row = session.get(PlatformToken, PLATFORM)
        if row is None or row.seeded_from != seed:
            row = row or PlatformToken(platform=PLATFORM)
            row.access_token = settings.zalo_access_token
            row.refresh_token = settings.zalo_refresh_token
            row.expires_at = utcnow() + ENV_TOKEN_LIFETIME
            row.seeded_from = seed
            row.updated_at = utcnow()
            session.add(row)
        return TokenPair(row.access_token, row.refresh_token, row.expires_at)


def store(access_token: str, refresh_token: str, expires_in_seconds: int) -> None:
    with db.session() as session, session.begin():
        row = session.get(PlatformToken, PLATFORM)
        row.access_token = access_token
        row.refresh_token = refresh_token
        row.expires_at = utcnow() + timedelta(seconds=expires_in_seconds)
        row.updated_at = utcnow()
