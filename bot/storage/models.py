"""Application tables (SQLAlchemy, 2.0-style usage on 1.4). Rasa's own tables (``events``) live in the
tracker database; these hold what Rasa does not: people, publications sent, platform state.

Schema changes go through Alembic (``bot/storage/migrations``); ``bot db upgrade`` applies them and
``bot run`` does so at start.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base

from bot.roles import Role

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
    vessel_length = Column(Float)  # metres, as the person stated it; kept only while they consent
    ticket_consent_at = Column(DateTime)  # agreed to pass questions to officers (asked once, bot/tickets/)
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


class Officer(Base):
    """A border-post officer or provincial staff member allowed to broadcast (managed with `bot officer`)."""

    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id", name="uq_officer_channel_user"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(16), nullable=False)
    channel_user_id = Column(String(64), nullable=False)
    name = Column(String(128))
    role = Column(String(16), nullable=False, default=Role.OFFICER.value)  # one of bot.roles.OFFICER_ROLES
    areas = Column(String(512), nullable=False, default="")  # comma-separated area keys; empty: every area
    post = Column(String(128))  # the border post or office, named in answers and in the review's figures
    answering_ticket_id = Column(Integer)  # took this ticket: their next text message answers it
    added_at = Column(DateTime, nullable=False, default=utcnow)


class RefusedAttempt(Base):
    """Someone who is not an officer tried an officer command (logged for review)."""

    __tablename__ = "refused_attempts"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    channel = Column(String(16), nullable=False)
    user_ref = Column(String(64), nullable=False)  # pseudonymous
    command = Column(String(64), nullable=False)


class BroadcastStatus:
    DRAFT = "draft"  # being composed in a chat
    SCHEDULED = "scheduled"  # waiting for its time
    SENDING = "sending"  # recipients chosen, deliveries queued
    DONE = "done"
    CANCELLED = "cancelled"


class Broadcast(Base):
    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_status_scheduled", "status", "scheduled_at"),)

    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False, default="")
    publication_id = Column(String(64))
    photo_file_id = Column(String(256))  # a Telegram photo sent by the officer (Telegram recipients only)
    target_areas = Column(String(512), nullable=False, default="")  # comma-separated area keys; empty: all
    target_topics = Column(String(256), nullable=False, default="")  # comma-separated topics; empty: all
    target_channel = Column(String(16))  # telegram | zalo | None: all
    status = Column(String(16), nullable=False, default=BroadcastStatus.DRAFT)
    compose_step = Column(String(16))  # for drafts: what the composer waits for
    scheduled_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    started_at = Column(DateTime)
    finished_at = Column(DateTime)
    created_by_channel = Column(String(16), nullable=False)  # "cli" for the command line
    created_by_user_id = Column(String(64), nullable=False)
    recipients = Column(Integer, nullable=False, default=0)
    summary_sent = Column(Integer, nullable=False, default=0)


class DeliveryStatus:
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # gave up after retries
    BLOCKED = "blocked"  # the person blocked the bot or left the OA
    SKIPPED = "skipped"  # not allowed on this channel now (Zalo: outside the free-messaging window)
    CANCELLED = "cancelled"


class BroadcastDelivery(Base):
    """One broadcast to one person: the durable queue the workers claim from."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        Index("ix_deliveries_queue", "status", "next_attempt_at", "id"),
        Index("ix_deliveries_broadcast_status_area", "broadcast_id", "status", "area"),
    )

    id = Column(Integer, primary_key=True)
    broadcast_id = Column(Integer, ForeignKey("broadcasts.id", ondelete="CASCADE"), nullable=False)
    channel = Column(String(16), nullable=False)
    channel_user_id = Column(String(64), nullable=False)
    user_ref = Column(String(64), nullable=False)  # pseudonymous, for statistics
    area = Column(String(64))
    status = Column(String(16), nullable=False, default=DeliveryStatus.QUEUED)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_by = Column(String(64))
    claimed_at = Column(DateTime)
    sent_at = Column(DateTime)
    error = Column(String(256))


class Interaction(Base):
    """One message from a person and the bot's reply to it: the outreach log behind every figure.

    Written by the metrics log from Rasa's event stream (bot/metrics/). ``user_ref`` is a keyed hash of
    the person's platform id; the raw id is never stored here.
    """

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_outcome_at", "outcome", "at", "text", "detail"),  # the unanswered questions
        Index("ix_interactions_user_ref", "user_ref"),  # erasing a person
        Index("ix_interactions_message_id", "message_id"),  # joining what the person waited (ReplyTime)
    )

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False)
    channel = Column(String(16), nullable=False)
    user_ref = Column(String(64), nullable=False)
    area = Column(String(64))
    text = Column(String(500), nullable=False, default="")
    intent = Column(String(128))
    confidence = Column(Float)
    outcome = Column(String(16), nullable=False)  # answered | choices | declined | not_understood
    detail = Column(String(24), nullable=False)  # knowledge, emergency, publication, conversation, suggestions...
    entry_id = Column(String(64))  # knowledge entry answered
    topic = Column(String(32))  # its topic
    replies = Column(Integer, nullable=False, default=0)
    response_ms = Column(Integer)  # Rasa's own time; None when a gateway or the web app timed it (ReplyTime)
    message_id = Column(String(128))  # the id the client sent with the message


class ReplyTime(Base):
    """What a person waited for the bot's reply: from the message reaching a gateway (Telegram, Zalo) or
    the web app to the last reply part leaving it. Joined to ``Interaction`` by ``message_id``."""

    __tablename__ = "reply_times"

    message_id = Column(String(128), primary_key=True)
    channel = Column(String(16), nullable=False)
    received_at = Column(DateTime, nullable=False)
    response_ms = Column(Integer, nullable=False)


# Daily totals of the interaction log, kept up to date in the same transaction as each batch of
# interactions (bot/metrics/rollups.py), so that the dashboard reads thousands of rows, not millions.
# Days are Vietnam dates; an unknown area is "". On SQLite the rows are stored in key order (WITHOUT
# ROWID), so a date range is read without a second lookup.


class DailyTraffic(Base):
    __tablename__ = "daily_traffic"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day = Column(Date, primary_key=True)
    channel = Column(String(16), primary_key=True)
    area = Column(String(64), primary_key=True)
    outcome = Column(String(16), primary_key=True)
    messages = Column(Integer, nullable=False)
    replies = Column(Integer, nullable=False)


class DailyAnswer(Base):
    __tablename__ = "daily_answers"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day = Column(Date, primary_key=True)
    entry_id = Column(String(64), primary_key=True)
    topic = Column(String(32), nullable=False)
    messages = Column(Integer, nullable=False)


class DailyResponseTime(Base):
    """Response times by how they were measured: ``wait`` (gateway or web app: what the person waited)
    or ``rasa`` (inside Rasa, for messages sent straight to its REST API)."""

    __tablename__ = "daily_response_times"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day = Column(Date, primary_key=True)
    measured = Column(String(8), primary_key=True)
    response_ms = Column(Integer, primary_key=True)
    messages = Column(Integer, nullable=False)


class DailyUser(Base):
    """Who wrote on a day (pseudonymous): distinct people over any range, by channel and by area."""

    __tablename__ = "daily_users"
    __table_args__ = (Index("ix_daily_users_user_ref", "user_ref"), {"sqlite_with_rowid": False})

    day = Column(Date, primary_key=True)
    user_ref = Column(String(64), primary_key=True)
    area = Column(String(64), primary_key=True)
    channel = Column(String(16), nullable=False)


class SubscriptionEvent(Base):
    """A person subscribed, unsubscribed, blocked the bot or had their data deleted."""

    __tablename__ = "subscription_events"
    __table_args__ = (Index("ix_subscription_events_at", "at", "kind"),)

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    channel = Column(String(16), nullable=False)
    user_ref = Column(String(64), nullable=False)
    area = Column(String(64))
    kind = Column(String(16), nullable=False)  # subscribed | unsubscribed | blocked | deleted


class MetricsGap(Base):
    """Interactions the log could not write (the database was down longer than its buffer lasted)."""

    __tablename__ = "metrics_gaps"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    lost = Column(Integer, nullable=False)


class DashboardUser(Base):
    __tablename__ = "dashboard_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    password_hash = Column(String(256), nullable=False)
    role = Column(String(16), nullable=False)  # a bot.roles.Role
    areas = Column(String(512), nullable=False, default="")  # tickets of these area keys only; empty: all
    post = Column(String(128))  # the border post named in the answers given from the dashboard
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_login_at = Column(DateTime)


class DashboardSession(Base):
    __tablename__ = "dashboard_sessions"

    token_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("dashboard_users.id", ondelete="CASCADE"), nullable=False)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class LoginFailure(Base):
    """A wrong password at the dashboard's log-in (never the password): it slows the next tries of that
    account and that address, and admins see it on the accounts page."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
        Index("ix_login_failures_at", "at"),
    )

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow)
    username = Column(String(64), nullable=False)  # as typed: the account may not exist
    address = Column(String(64), nullable=False)


class TicketStatus:
    DRAFT = "draft"  # offered to the person, not sent: waits for their yes (never counted, never shown)
    OPEN = "open"  # sent to the officers of its area
    TAKEN = "taken"  # an officer said they will answer it
    WAITING = "waiting"  # answered, but outside the person's free-messaging window: sent when they next write
    ANSWERED = "answered"  # answered (and sent, or being sent, to the person): closed
    CLOSED = "closed"  # closed without an answer


class Ticket(Base):
    """A question passed on to the officers of the person's area, with the person's consent (bot/tickets/).

    Holds only what the person agreed to share: the question, their display name and area. The platform id
    is kept to send the answer back and erased with the person's data (``/xoadulieu``)."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_area", "status", "area"),
        Index("ix_tickets_person", "channel", "channel_user_id", "status"),
        Index("ix_tickets_opened_at", "opened_at"),
    )

    id = Column(Integer, primary_key=True)
    status = Column(String(16), nullable=False, default=TicketStatus.DRAFT)
    channel = Column(String(16), nullable=False)
    channel_user_id = Column(String(64), nullable=False)
    user_ref = Column(String(64), nullable=False)  # pseudonymous, for figures
    display_name = Column(String(128))
    area = Column(String(64))  # key of data/areas.yml; None: the person did not say
    question = Column(Text, nullable=False)
    consent_text = Column(Text)  # what the person was told before saying yes
    created_at = Column(DateTime, nullable=False, default=utcnow)
    opened_at = Column(DateTime)  # the person said yes: officers were told
    taken_by = Column(String(96))  # "telegram:123", "dashboard:name", "cli:user"
    taken_at = Column(DateTime)
    answer = Column(Text)
    answered_by = Column(String(96))
    answered_by_name = Column(String(128))
    answered_by_post = Column(String(128))
    answered_at = Column(DateTime)
    delivered_at = Column(DateTime)  # the answer reached the person's platform
    closed_at = Column(DateTime)


class TicketMessage(Base):
    """A message about a ticket to an officer or to the person: the durable queue the broadcast workers also
    send from (retried on 429 and network trouble, like broadcast deliveries)."""

    __tablename__ = "ticket_messages"
    __table_args__ = (
        Index("ix_ticket_messages_queue", "status", "next_attempt_at", "id"),
        Index("ix_ticket_messages_reply", "channel", "channel_user_id", "platform_message_id"),
        Index("ix_ticket_messages_ticket", "ticket_id", "kind"),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(16), nullable=False)  # notice | taken | answered | answer | waiting | delivered
    channel = Column(String(16), nullable=False)
    channel_user_id = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    buttons = Column(Text, nullable=False, default="")  # "title\tpayload" lines
    status = Column(String(16), nullable=False, default=DeliveryStatus.QUEUED)  # as broadcast deliveries
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_by = Column(String(64))
    claimed_at = Column(DateTime)
    sent_at = Column(DateTime)
    platform_message_id = Column(String(64))  # what the platform called it: an officer's reply points to it
    error = Column(String(256))


class TicketEvent(Base):
    """Who saw or did what to a ticket, and when (opened, viewed, taken, answered, delivered, closed, erased)."""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket", "ticket_id", "at"),)

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, nullable=False)  # kept after the ticket's personal data is erased
    at = Column(DateTime, nullable=False, default=utcnow)
    actor = Column(String(96), nullable=False)
    action = Column(String(16), nullable=False)


class QuizStatus:
    DRAFT = "draft"  # questions drafted from the knowledge file, waiting for staff's review
    PUBLISHED = "published"  # approved: open to play between starts_at and ends_at
    ARCHIVED = "archived"  # withdrawn by staff


class Quiz(Base):
    """A contest for residents, or a training set for officers (bot/quizzes/)."""

    __tablename__ = "quizzes"

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    track = Column(String(16), nullable=False, default="residents")  # residents | officers
    topic = Column(String(32))  # a topic of knowledge/kb.yml; None: every topic
    area = Column(String(64))  # an area key: only people of that area; None: everyone
    starts_at = Column(DateTime, nullable=False)
    ends_at = Column(DateTime, nullable=False)
    status = Column(String(16), nullable=False, default=QuizStatus.DRAFT)
    created_by = Column(String(96), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    published_at = Column(DateTime)
    published_by = Column(String(96))
    broadcast_id = Column(Integer)  # the announcement to subscribers


class QuizQuestion(Base):
    """One multiple-choice question drafted from a knowledge entry; staff may edit it before publishing."""

    __tablename__ = "quiz_questions"
    __table_args__ = (Index("ix_quiz_questions_quiz", "quiz_id", "position"),)

    id = Column(Integer, primary_key=True)
    quiz_id = Column(Integer, ForeignKey("quizzes.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    entry_id = Column(String(64), nullable=False)  # the knowledge entry it comes from
    topic = Column(String(32), nullable=False)
    prompt = Column(Text, nullable=False)
    options = Column(Text, nullable=False)  # one option a line
    correct = Column(Integer, nullable=False)  # index of the right option
    explanation = Column(Text, nullable=False)  # shown after the answer, with the source
    source = Column(String(256), nullable=False)


class QuizAttempt(Base):
    """One person's (or officer's) play of a quiz: one per person per quiz, resumable."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "channel", "channel_user_id", name="uq_quiz_attempt_person"),
        Index("ix_quiz_attempts_quiz", "quiz_id", "finished_at"),
    )

    id = Column(Integer, primary_key=True)
    quiz_id = Column(Integer, ForeignKey("quizzes.id", ondelete="CASCADE"), nullable=False)
    channel = Column(String(16), nullable=False)
    channel_user_id = Column(String(64), nullable=False)  # erased with the person's data
    user_ref = Column(String(64), nullable=False)
    display_name = Column(String(128))
    show_name = Column(Integer, nullable=False, default=0)  # 1: the person agreed to be named on the leaderboard
    area = Column(String(64))
    officer_id = Column(Integer)  # officers' track: who trained
    post = Column(String(128))  # officers' track: their border post, for the training summary
    question_order = Column(Text, nullable=False)  # question ids, shuffled for this person, comma-separated
    answered = Column(Integer, nullable=False, default=0)
    score = Column(Integer, nullable=False, default=0)
    started_at = Column(DateTime, nullable=False, default=utcnow)
    finished_at = Column(DateTime)


class QuizAnswer(Base):
    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id", name="uq_quiz_answer_once"),)

    id = Column(Integer, primary_key=True)
    attempt_id = Column(Integer, ForeignKey("quiz_attempts.id", ondelete="CASCADE"), nullable=False)
    question_id = Column(Integer, ForeignKey("quiz_questions.id", ondelete="CASCADE"), nullable=False)
    chosen = Column(Integer, nullable=False)
    correct = Column(Integer, nullable=False)  # 1 or 0
    answered_at = Column(DateTime, nullable=False, default=utcnow)


class Campaign(Base):
    """A printed publication, poster or event that brings people to the bot through a QR code (bot/campaigns/)."""

    __tablename__ = "campaigns"

    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)  # opaque, random: no personal data
    name = Column(String(200), nullable=False)
    area = Column(String(64))  # its border-post area, for attribution
    created_by = Column(String(96), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class CampaignStart(Base):
    """A person who started the bot from a campaign's link (pseudonymous; the first campaign counts once)."""

    __tablename__ = "campaign_starts"
    __table_args__ = (UniqueConstraint("campaign_id", "user_ref", name="uq_campaign_start_person"),)

    id = Column(Integer, primary_key=True)
    campaign_id = Column(Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False)
    channel = Column(String(16), nullable=False)
    user_ref = Column(String(64), nullable=False)
    started_at = Column(DateTime, nullable=False, default=utcnow)
