"""Application tables (SQLAlchemy, 2.0-style usage on 1.4). Rasa's own tables (``events``) live in the
tracker database; these hold what Rasa does not: people, publications sent, platform state.

Schema changes go through Alembic (``bot/storage/migrations``); ``bot db upgrade`` applies them and
``bot run`` does so at start.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def utcnow() -> datetime:
    """Naive UTC timestamps everywhere in the database (SQLite has no time zones)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class SubscriberStatus:
    PENDING = "pending"  # wrote to us, has not (yet) agreed to receive news
    ACTIVE = "active"  # agreed: receives broadcasts for their area and topics
    UNSUBSCRIBED = "unsubscribed"  # withdrew consent
    BLOCKED = "blocked"  # the platform says they blocked the bot: never send again


class Subscriber(Base):
    """One person on one channel. Raw platform ids live only here (metrics use a keyed hash)."""

    __tablename__ = "subscribers"
    __table_args__ = (
        UniqueConstraint("channel", "channel_user_id", name="uq_subscriber_channel_user"),
        Index("ix_subscribers_status_area", "status", "area"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(16), nullable=False)
    channel_user_id = Column(String(64), nullable=False)
    display_name = Column(String(128))
    area = Column(String(64))  # key of an area in data/areas.yml
    topics = Column(String(256), nullable=False, default="")  # comma-separated topic keys
    status = Column(String(16), nullable=False, default=SubscriberStatus.PENDING)
    consent_text = Column(Text)  # the exact wording the person agreed to
    consent_at = Column(DateTime)
    withdrawn_at = Column(DateTime)
    awaiting = Column(String(16))  # what the bot asked and waits for (e.g. "area" typed as text)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)

    @property
    def topic_list(self) -> list[str]:
        return [t for t in (self.topics or "").split(",") if t]


class PublicationSend(Base):
    """One publication delivered to one person (pseudonymous: survives the person's deletion)."""

    __tablename__ = "publication_sends"
    __table_args__ = (Index("ix_publication_sends_sent_at", "sent_at"),)

    id = Column(Integer, primary_key=True)
    publication_id = Column(String(64), nullable=False)
    channel = Column(String(16), nullable=False)
    user_ref = Column(String(64), nullable=False)  # keyed hash of channel + user id
    sent_at = Column(DateTime, nullable=False, default=utcnow)


class ProcessedEvent(Base):
    """Platform events already handled (Zalo retries a webhook it thinks failed)."""

    __tablename__ = "processed_events"

    source = Column(String(16), primary_key=True)
    event_id = Column(String(128), primary_key=True)
    received_at = Column(DateTime, nullable=False, default=utcnow)


class PlatformToken(Base):
    """Tokens a platform rotates (Zalo: access token ~25 h, single-use refresh token ~3 months)."""

    __tablename__ = "platform_tokens"

    platform = Column(String(16), primary_key=True)
    access_token = Column(Text, nullable=False)
    refresh_token = Column(Text, nullable=False)
    expires_at = Column(DateTime, nullable=False)
    seeded_from = Column(String(64), nullable=False)  # hash of the configured refresh token it came from
    updated_at = Column(DateTime, nullable=False, default=utcnow)
