"""People and their consent: subscribe, choose area and topics, withdraw, see and delete their data.

Personal data follows Vietnam's Law on Personal Data Protection (91/2025/QH15): the purpose is stated
and consent recorded with its wording and time; withdrawal stops broadcasts at once; a person can see
everything stored about them and have it deleted (aggregated, pseudonymous figures stay).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.rasa import tracker_store
from bot.sender_ids import sender_id
from bot.settings import get_settings, secret_in_var
from bot.storage import db
from bot.storage.models import (
    BroadcastDelivery,
    CampaignStart,
    DailyUser,
    Interaction,
    PublicationSend,
    Subscriber,
    SubscriberStatus,
    SubscriptionEvent,
    utcnow,
)
from bot.vietnam_time import shown

TOPICS = {
    "an_toan": "An toàn, thời tiết, bão",
    "luat": "Pháp luật biển, thủy sản",
    "ho_tro": "Chính sách hỗ trợ ngư dân",
    "chuong_trinh": "Tin hoạt động tuyên truyền biển đảo",
}
AWAITING_AREA = "area"


@lru_cache(maxsize=1)
def _pseudonym_key() -> bytes:
    """Key of the pseudonymous ids: PSEUDONYM_KEY, else a random key kept in var/ (never in git)."""
    settings = get_settings()
    return (settings.pseudonym_key or secret_in_var(settings.var_dir, "pseudonym.key")).encode()


def pseudonym(channel: str, user_id: str) -> str:
    """Keyed hash of a person's platform id: stable for metrics, meaningless without the key."""
    return hmac.new(_pseudonym_key(), f"{channel}:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def touch(channel: str, user_id: str, display_name: str | None = None) -> Subscriber:
    """The person behind a message, created on first contact (status ``pending``: no consent yet)."""
    with db.session() as session, session.begin():
        subscriber = session.execute(
            select(Subscriber).where(Subscriber.channel == channel, Subscriber.channel_user_id == user_id)
        ).scalar_one_or_none()
        if subscriber is None:
            subscriber = Subscriber(channel=channel, channel_user_id=user_id, display_name=display_name, topics="")
            session.add(subscriber)
        else:
            subscriber.last_seen_at = utcnow()
            if display_name:
                subscriber.display_name = display_name
    return subscriber


def _update(subscriber_id: int, event: SubscriptionEvent | None = None, **values: object) -> Subscriber:
    """Change a subscriber, and record the subscription ``event`` if any, in one transaction."""
    with db.session() as session, session.begin():
        if event is not None:
            session.add(event)
        session.execute(update(Subscriber).where(Subscriber.id == subscriber_id).values(**values))
        return session.get(Subscriber, subscriber_id)


def _event(channel: str, user_id: str, kind: str, area: str | None = None) -> SubscriptionEvent:
    """A subscription change for the statistics (pseudonymous)."""
    return SubscriptionEvent(channel=channel, user_ref=pseudonym(channel, user_id), area=area, kind=kind)


def give_consent(subscriber: Subscriber, wording: str) -> Subscriber:
    return _update(
        subscriber.id,
        _event(subscriber.channel, subscriber.channel_user_id, "subscribed", subscriber.area),
        status=SubscriberStatus.ACTIVE,
        consent_text=wording,
        consent_at=utcnow(),
        withdrawn_at=None,
        topics=subscriber.topics or ",".join(TOPICS),
    )


def withdraw(subscriber: Subscriber) -> Subscriber:
    """Stop all broadcasts to this person now and forget their vessel's length (the consent record stays,
    marked withdrawn)."""
    was_active = subscriber.status == SubscriberStatus.ACTIVE
    event = (
        _event(subscriber.channel, subscriber.channel_user_id, "unsubscribed", subscriber.area) if was_active else None
    )
    return _update(
        subscriber.id,
        event,
        status=SubscriberStatus.UNSUBSCRIBED,
        withdrawn_at=utcnow(),
        awaiting=None,
        vessel_length=None,  # kept only with consent
    )


def set_awaiting(subscriber: Subscriber, awaiting: str | None) -> Subscriber:
    return _update(subscriber.id, awaiting=awaiting)


def set_area(subscriber: Subscriber, area_key: str) -> Subscriber:
    return _update(subscriber.id, area=area_key, awaiting=None)


def remember_vessel_length(subscriber: Subscriber, length: float) -> Subscriber:
    """Keep the length the person stated for their vessel, so they are not asked again: only with their
    consent (an active subscription); sent to the assistant with each message (bot/gateways/conversation.py)."""
    if subscriber.status != SubscriberStatus.ACTIVE or subscriber.vessel_length == length:
        return subscriber
    return _update(subscriber.id, vessel_length=length)


def toggle_topic(subscriber: Subscriber, topic: str) -> Subscriber:
    if topic not in TOPICS:
        return subscriber
    chosen = set(subscriber.topic_list) ^ {topic}
    return _update(subscriber.id, topics=",".join(t for t in TOPICS if t in chosen))


def mark_blocked(channel: str, user_id: str) -> None:
    with db.session() as session, session.begin():
        changed = session.execute(
            update(Subscriber)
            .where(Subscriber.channel == channel, Subscriber.channel_user_id == user_id)
            .where(Subscriber.status != SubscriberStatus.BLOCKED)
            .values(status=SubscriberStatus.BLOCKED)
        ).rowcount
        if changed:
            session.add(_event(channel, user_id, "blocked"))


def record_publication_send(publication_id: str, channel: str, user_id: str) -> None:
    with db.session() as session, session.begin():
        session.add(
            PublicationSend(publication_id=publication_id, channel=channel, user_ref=pseudonym(channel, user_id))
        )


@dataclass(frozen=True)
class PersonalData:
    subscriber: Subscriber
    publications_received: int
    conversation_messages: int


def personal_data(subscriber: Subscriber) -> PersonalData:
    with db.session() as session:
        sends = session.execute(
            select(func.count())
            .select_from(PublicationSend)
            .where(PublicationSend.user_ref == pseudonym(subscriber.channel, subscriber.channel_user_id))
        ).scalar_one()
    sender = sender_id(subscriber.channel, subscriber.channel_user_id)
    return PersonalData(subscriber, sends, tracker_store.user_messages(sender))


def delete_personal_data(subscriber: Subscriber) -> None:
    """Erase the person: subscription, identifiers and conversation history. Publication sends stay as
    anonymous counts (their pseudonym is replaced by a random one, unlinkable to the person)."""
    ref = pseudonym(subscriber.channel, subscriber.channel_user_id)
    with db.session() as session, session.begin():
        session.add(_event(subscriber.channel, subscriber.channel_user_id, "deleted", subscriber.area))
        session.flush()  # the event is anonymised with the rest
        _anonymise(session, subscriber.channel, subscriber.channel_user_id, ref)
        session.execute(delete(Subscriber).where(Subscriber.id == subscriber.id))
    tracker_store.erase_history(sender_id(subscriber.channel, subscriber.channel_user_id))


def _anonymise(session: Session, channel: str, user_id: str, ref: str) -> None:
    """Replace the person's pseudonym by a random one, and drop their platform id from broadcast
    deliveries: the counts stay, the link to the person goes."""
    unlinked = "deleted-" + secrets.token_hex(8)
    for table in (PublicationSend, Interaction, DailyUser, SubscriptionEvent, CampaignStart):
        session.execute(update(table).where(table.user_ref == ref).values(user_ref=unlinked))
    session.execute(
        update(BroadcastDelivery)
        .where(BroadcastDelivery.channel == channel, BroadcastDelivery.channel_user_id == user_id)
        .values(channel_user_id="", user_ref=unlinked)
    )
    from bot.quizzes import store as quizzes  # these import this module for pseudonyms
    from bot.tickets import store as tickets

    tickets.erase_person(session, channel, user_id, unlinked)
    quizzes.erase_person(session, channel, user_id, unlinked)


def metres(length: float | None) -> str:
    """A stored length for people to read: "13,5 m"."""
    return f"{length:g} m".replace(".", ",") if length is not None else "–"


def local_time(moment: datetime | None) -> str:
    """A stored UTC time as Vietnam time (UTC+7) for people to read."""
    return shown(moment, "%H:%M %d/%m/%Y")
