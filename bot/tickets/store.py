"""Tickets in the database, and the messages each step queues (``TicketMessage``, sent by the workers).

A ticket starts as a *draft* when the bot offers to pass a question on; the person's yes opens it, and in
the same transaction the notices to the officers of its area are queued, so an opened ticket is never
without its notices. Taking and answering are single conditional UPDATEs: when two officers answer at
once, the first answer wins and the second is told who answered.

Who sees what: an officer or dashboard account with areas sees the tickets of those areas (and those
whose person gave no area); without areas, every ticket. Every view, take, answer and close is logged
(``TicketEvent``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bot import fixed_texts
from bot.areas import name_of, split_areas
from bot.channels.render import Button
from bot.storage import db
from bot.storage.models import (
    DeliveryStatus,
    Officer,
    Subscriber,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    utcnow,
)
from bot.subscribers import pseudonym
from bot.vietnam_time import shown

DRAFT_LIFETIME = timedelta(hours=6)  # an offer not taken up by then is forgotten
MAX_QUESTION = 1500
MAX_ANSWER = 3000
OPEN_STATUSES = (TicketStatus.OPEN, TicketStatus.TAKEN)
LISTED_STATUSES = (TicketStatus.OPEN, TicketStatus.TAKEN, TicketStatus.WAITING, TicketStatus.ANSWERED,
                   TicketStatus.CLOSED)  # fmt: skip
TAKE_PAYLOAD = "#ticket:take:{id}"


class TicketError(ValueError):
    """Bad input from staff (CLI, dashboard): the message says what is wrong."""


@dataclass(frozen=True)
class Actor:
    """Who looks at or acts on tickets: an officer in a chat, a dashboard account, the command line."""

    ref: str  # "telegram:123", "dashboard:lan", "cli:root": logged with everything they do
    name: str
    post: str | None = None  # named in answers: "Trả lời của Đồn Biên phòng Lý Sơn"
    areas: tuple[str, ...] = ()  # empty: every area
    overrides: bool = False  # may answer or close a ticket another officer took (staff, admins)

    def sees(self, area: str | None) -> bool:
        return not self.areas or area is None or area in self.areas


def officer_actor(officer: Officer) -> Actor:
    ref = f"{officer.channel}:{officer.channel_user_id}"
    return Actor(ref, officer.name or ref, officer.post, split_areas(officer.areas))


def area_name(area: str | None) -> str:
    return name_of(area, fixed_texts.TICKET_ALL_AREAS)


# ---- the person's side ------------------------------------------------------------------------------


def draft(person: Subscriber, question: str) -> Ticket:
    """Keep the question the bot offers to pass on (the person's earlier offers are forgotten)."""
    with db.session() as session, session.begin():
        _drop_drafts(session, person.channel, person.channel_user_id)
        ticket = Ticket(
            status=TicketStatus.DRAFT, channel=person.channel, channel_user_id=person.channel_user_id,
            user_ref=pseudonym(person.channel, person.channel_user_id), question=question.strip()[:MAX_QUESTION],
        )  # fmt: skip
        session.add(ticket)
    return ticket


def latest_draft(person: Subscriber, now: datetime | None = None) -> Ticket | None:
    since = (now or utcnow()) - DRAFT_LIFETIME
    with db.session() as session:
        return session.execute(
            select(Ticket)
            .where(Ticket.channel == person.channel, Ticket.channel_user_id == person.channel_user_id,
                   Ticket.status == TicketStatus.DRAFT, Ticket.created_at >= since)
            .order_by(Ticket.id.desc()).limit(1)
        ).scalar_one_or_none()  # fmt: skip


def discard_drafts(person: Subscriber) -> None:
    with db.session() as session, session.begin():
        _drop_drafts(session, person.channel, person.channel_user_id)


def _drop_drafts(session: Session, channel: str, user_id: str) -> None:
    session.execute(
        delete(Ticket).where(
            Ticket.channel == channel, Ticket.channel_user_id == user_id, Ticket.status == TicketStatus.DRAFT
        )
    )


def open_ticket(ticket_id: int, person: Subscriber, area: str | None, consent_text: str) -> Ticket | None:
    """The person said yes: open the draft, remember their consent and queue the officers' notices, in one
    transaction. None if the draft is gone (answered already, or too old)."""
    now = utcnow()
    with db.session() as session, session.begin():
        opened = session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.DRAFT,
                   Ticket.channel == person.channel, Ticket.channel_user_id == person.channel_user_id)
            .values(status=TicketStatus.OPEN, opened_at=now, area=area, display_name=person.display_name,
                    consent_text=consent_text)
            .execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        if not opened:
            return None
        session.execute(
            update(Subscriber)
            .where(Subscriber.id == person.id, Subscriber.ticket_consent_at.is_(None))
            .values(ticket_consent_at=now)
        )
        ticket = session.get(Ticket, ticket_id)
        session.add(TicketEvent(ticket_id=ticket_id, at=now, actor=f"{person.channel}:person", action="opened"))
        for officer in officers_for(session, area):
            session.add(_notice(ticket, officer))
    return ticket


def officers_for(session: Session, area: str | None) -> list[Officer]:
    """The officers who see a ticket of this area."""
    everyone = session.execute(select(Officer).order_by(Officer.id)).scalars()
    return [o for o in everyone if officer_actor(o).sees(area)]


def _notice(ticket: Ticket, officer: Officer) -> TicketMessage:
    how = fixed_texts.TICKET_HOW_TELEGRAM if officer.channel == "telegram" else fixed_texts.TICKET_HOW
    text = fixed_texts.TICKET_NOTICE.format(
        id=ticket.id, area=area_name(ticket.area), channel=ticket.channel.capitalize(),
        name=ticket.display_name or "không rõ tên", at=shown(ticket.opened_at, "%H:%M %d/%m"),
        question=ticket.question, how=how.format(id=ticket.id),
    )  # fmt: skip
    take = Button(fixed_texts.TICKET_TAKE, TAKE_PAYLOAD.format(id=ticket.id))
    return queued_message(ticket.id, "notice", officer.channel, officer.channel_user_id, text, (take,))


def queued_message(ticket_id: int, kind: str, channel: str, user_id: str, text: str, buttons: Iterable[Button] = ()):
    encoded = "\n".join(f"{b.title}\t{b.payload}" for b in buttons)
    return TicketMessage(ticket_id=ticket_id, kind=kind, channel=channel, channel_user_id=user_id, text=text,
                         buttons=encoded, status=DeliveryStatus.QUEUED, next_attempt_at=utcnow())  # fmt: skip


def decode_buttons(encoded: str) -> tuple[Button, ...]:
    return tuple(Button(*line.split("\t", 1)) for line in encoded.splitlines() if "\t" in line)


def for_person(channel: str, user_id: str) -> list[Ticket]:
    """The person's tickets, for ``/dulieu`` (drafts are not tickets yet)."""
    with db.session() as session:
        return list(
            session.execute(
                select(Ticket)
                .where(Ticket.channel == channel, Ticket.channel_user_id == user_id,
                       Ticket.status != TicketStatus.DRAFT)
                .order_by(Ticket.id)
            ).scalars()
        )  # fmt: skip


def erase_person(session: Session, channel: str, user_id: str, unlinked_ref: str) -> None:
    """Part of deleting a person's data: their tickets keep only what the figures need (status, area, times)."""
    _drop_drafts(session, channel, user_id)
    ids = list(
        session.execute(select(Ticket.id).where(Ticket.channel == channel, Ticket.channel_user_id == user_id)).scalars()
    )
    if not ids:
        return
    session.execute(
        update(Ticket).where(Ticket.id.in_(ids))
        .values(channel_user_id="", user_ref=unlinked_ref, display_name=None, question="", answer=None,
                consent_text=None)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    session.execute(
        update(TicketMessage).where(TicketMessage.ticket_id.in_(ids))
        .values(text="")
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    session.execute(
        update(TicketMessage)
        .where(TicketMessage.ticket_id.in_(ids), TicketMessage.status.in_([DeliveryStatus.QUEUED,
                                                                           DeliveryStatus.SKIPPED]))
        .values(status=DeliveryStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    session.add_all(TicketEvent(ticket_id=i, actor=f"{channel}:person", action="erased") for i in ids)


def release_waiting(channel: str, user_id: str) -> int:
    """The person wrote again: answers that waited for their free-messaging window go out now."""
    waiting = (
        TicketMessage.channel == channel, TicketMessage.channel_user_id == user_id,
        TicketMessage.kind == "answer", TicketMessage.status == DeliveryStatus.SKIPPED,
    )  # fmt: skip
    with db.session() as session:  # a read first: most messages have nothing waiting, and need no write
        if session.execute(select(TicketMessage.id).where(*waiting).limit(1)).first() is None:
            return 0
    with db.session() as session, session.begin():
        return session.execute(
            update(TicketMessage).where(*waiting)
            .values(status=DeliveryStatus.QUEUED, next_attempt_at=utcnow(), attempts=0)
            .execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip


# ---- officers and staff -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    ok: bool
    message: str  # what to tell the officer or staff member
    ticket: Ticket | None = None


def _refusal(ticket: Ticket | None, ticket_id: int, actor: Actor) -> Result | None:
    """Why ``actor`` may not act on this ticket now, or None if they may."""
    if ticket is None or ticket.status == TicketStatus.DRAFT:
        return Result(False, fixed_texts.TICKET_UNKNOWN.format(id=ticket_id))
    if not actor.sees(ticket.area):
        return Result(False, fixed_texts.TICKET_NOT_YOUR_AREA.format(id=ticket_id), ticket)
    if ticket.status in (TicketStatus.ANSWERED, TicketStatus.WAITING):
        who = ticket.answered_by_name or ticket.answered_by or "cán bộ khác"
        at = shown(ticket.answered_at, "%H:%M %d/%m")
        return Result(False, fixed_texts.TICKET_ALREADY_ANSWERED.format(id=ticket_id, who=who, at=at), ticket)
    if ticket.status == TicketStatus.CLOSED:
        return Result(False, fixed_texts.TICKET_ALREADY_CLOSED.format(id=ticket_id), ticket)
    if ticket.status == TicketStatus.TAKEN and ticket.taken_by != actor.ref and not actor.overrides:
        at = shown(ticket.taken_at, "%H:%M %d/%m")
        return Result(False, fixed_texts.TICKET_ALREADY_TAKEN.format(id=ticket_id, who=_who(ticket), at=at), ticket)
    return None


def _who(ticket: Ticket) -> str:
    return "cán bộ trên trang quản lý" if (ticket.taken_by or "").startswith("dashboard:") else "cán bộ khác"


class _Lost(Exception):
    """Another officer changed the ticket between our read and our write: read it again."""


def take(ticket_id: int, actor: Actor) -> Result:
    """An officer says they answer this ticket: the others are told, and the officer's next text answers it."""
    while True:
        try:
            return _take(ticket_id, actor)
        except _Lost:
            continue


def _take(ticket_id: int, actor: Actor) -> Result:
    now = utcnow()
    with db.session() as session, session.begin():
        ticket = session.get(Ticket, ticket_id)
        if (refused := _refusal(ticket, ticket_id, actor)) is not None:
            return refused
        mine = or_(Ticket.status == TicketStatus.OPEN, Ticket.taken_by == actor.ref)
        if not session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.status.in_(OPEN_STATUSES), mine)
            .values(status=TicketStatus.TAKEN, taken_by=actor.ref, taken_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount:
            raise _Lost
        _set_answering(session, actor, ticket_id)
        session.add(TicketEvent(ticket_id=ticket_id, at=now, actor=actor.ref, action="taken"))
        text = fixed_texts.TICKET_TAKEN_NOTICE.format(id=ticket_id, who=actor.name)
        _tell_other_officers(session, ticket_id, actor, "taken", text)
    return Result(True, fixed_texts.TICKET_TAKEN_BY_YOU.format(id=ticket_id), ticket)


def answer(ticket_id: int, actor: Actor, text: str) -> Result:
    """Answer a ticket: the answer is queued for the person, the other officers are told, the ticket closes.
    The first answer wins; a later one gets the reason it was not sent."""
    text = (text or "").strip()
    if not text:
        return Result(False, fixed_texts.TICKET_EMPTY_ANSWER)
    while True:
        try:
            return _answer(ticket_id, actor, text)
        except _Lost:
            continue


def _answer(ticket_id: int, actor: Actor, text: str) -> Result:
    now = utcnow()
    with db.session() as session, session.begin():
        ticket = session.get(Ticket, ticket_id)
        if (refused := _refusal(ticket, ticket_id, actor)) is not None:
            suffix = fixed_texts.TICKET_ANSWER_NOT_SENT if refused.ticket is not None else ""
            return Result(False, refused.message + suffix, refused.ticket)
        query = update(Ticket).where(Ticket.id == ticket_id, Ticket.status.in_(OPEN_STATUSES))
        if not actor.overrides:
            query = query.where(or_(Ticket.status == TicketStatus.OPEN, Ticket.taken_by == actor.ref))
        if not session.execute(
            query.values(status=TicketStatus.ANSWERED, answer=text[:MAX_ANSWER], answered_by=actor.ref,
                         answered_by_name=actor.name, answered_by_post=actor.post, answered_at=now, closed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount:  # fmt: skip
            raise _Lost
        session.refresh(ticket)
        session.execute(
            update(Officer).where(Officer.answering_ticket_id == ticket_id).values(answering_ticket_id=None)
        )
        session.add(TicketEvent(ticket_id=ticket_id, at=now, actor=actor.ref, action="answered"))
        question = ticket.question if len(ticket.question) <= 160 else ticket.question[:157] + "…"
        reply = fixed_texts.TICKET_ANSWER.format(
            post=actor.post or fixed_texts.BORDER_GUARD, id=ticket_id, question=question, answer=ticket.answer
        )
        session.add(queued_message(ticket_id, "answer", ticket.channel, ticket.channel_user_id, reply))
        notice = fixed_texts.TICKET_ANSWERED_NOTICE.format(id=ticket_id, who=actor.name)
        _tell_other_officers(session, ticket_id, actor, "answered", notice)
    return Result(True, fixed_texts.TICKET_ANSWER_SENT.format(id=ticket_id), ticket)


def close(ticket_id: int, actor: Actor) -> Result:
    now = utcnow()
    with db.session() as session, session.begin():
        ticket = session.get(Ticket, ticket_id)
        if (refused := _refusal(ticket, ticket_id, actor)) is not None:
            return refused
        session.execute(
            update(Ticket).where(Ticket.id == ticket_id, Ticket.status.in_(OPEN_STATUSES))
            .values(status=TicketStatus.CLOSED, closed_at=now)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        session.execute(
            update(Officer).where(Officer.answering_ticket_id == ticket_id).values(answering_ticket_id=None)
        )
        session.add(TicketEvent(ticket_id=ticket_id, at=now, actor=actor.ref, action="closed"))
    return Result(True, f"Ticket {ticket_id} closed")


def cancel_answering(officer: Officer) -> Result:
    """The officer took a ticket but will not answer it (``/huy``): it goes back to the others."""
    ticket_id = officer.answering_ticket_id
    if ticket_id is None:
        return Result(False, fixed_texts.TICKET_NOTHING_TO_CANCEL)
    actor = officer_actor(officer)
    with db.session() as session, session.begin():
        _set_answering(session, actor, None)
        session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.TAKEN, Ticket.taken_by == actor.ref)
            .values(status=TicketStatus.OPEN, taken_by=None, taken_at=None)
        )
        session.add(TicketEvent(ticket_id=ticket_id, actor=actor.ref, action="released"))
    return Result(True, fixed_texts.TICKET_CANCELLED.format(id=ticket_id))


def _set_answering(session: Session, actor: Actor, ticket_id: int | None) -> None:
    channel, _, user_id = actor.ref.partition(":")
    session.execute(
        update(Officer)
        .where(Officer.channel == channel, Officer.channel_user_id == user_id)
        .values(answering_ticket_id=ticket_id)
    )


def _tell_other_officers(session: Session, ticket_id: int, actor: Actor, kind: str, text: str) -> None:
    """Every officer who got this ticket's notice, except ``actor``, gets ``text``."""
    told = session.execute(
        select(TicketMessage.channel, TicketMessage.channel_user_id)
        .where(TicketMessage.ticket_id == ticket_id, TicketMessage.kind == "notice")
        .distinct()
    ).all()
    for channel, user_id in told:
        if f"{channel}:{user_id}" != actor.ref:
            session.add(queued_message(ticket_id, kind, channel, user_id, text))


def ticket_replied_to(channel: str, officer_user_id: str, platform_message_id: str) -> int | None:
    """The ticket whose notice an officer replied to (Telegram's Reply), if it was one."""
    with db.session() as session:
        return session.execute(
            select(TicketMessage.ticket_id)
            .where(TicketMessage.channel == channel, TicketMessage.channel_user_id == officer_user_id,
                   TicketMessage.platform_message_id == platform_message_id, TicketMessage.kind == "notice")
            .limit(1)
        ).scalar_one_or_none()  # fmt: skip


def listing(
    actor: Actor,
    status: str | None = None,
    area: str | None = None,
    older_than_hours: float | None = None,
    limit: int = 500,
) -> list[Ticket]:
    """Tickets ``actor`` may see, newest first; each one shown is logged as viewed by them."""
    if status is not None and status not in LISTED_STATUSES:
        raise TicketError(f"status must be one of {', '.join(LISTED_STATUSES)}")
    query = select(Ticket).where(Ticket.status != TicketStatus.DRAFT)
    if status:
        query = query.where(Ticket.status == status)
    if area:
        query = query.where(Ticket.area == area)
    if actor.areas:
        query = query.where(or_(Ticket.area.in_(actor.areas), Ticket.area.is_(None)))
    if older_than_hours is not None:
        query = query.where(Ticket.opened_at <= utcnow() - timedelta(hours=older_than_hours))
    with db.session() as session, session.begin():
        tickets = list(session.execute(query.order_by(Ticket.id.desc()).limit(limit)).scalars())
        now = utcnow()
        session.add_all(TicketEvent(ticket_id=t.id, at=now, actor=actor.ref, action="viewed") for t in tickets)
    return tickets


def seen(ticket_id: int, actor: Actor) -> Ticket | None:
    """One ticket ``actor`` may see, logged as viewed by them; None when there is no such ticket for them."""
    with db.session() as session, session.begin():
        ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.status == TicketStatus.DRAFT or not actor.sees(ticket.area):
            return None
        session.add(TicketEvent(ticket_id=ticket_id, actor=actor.ref, action="viewed"))
    return ticket


def as_dict(ticket: Ticket) -> dict:
    """The fields ``bot ticket list --json`` gives (times in ISO 8601, UTC)."""

    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat(timespec="seconds") + "Z" if moment else None

    return {
        "id": ticket.id, "status": ticket.status, "area": ticket.area, "channel": ticket.channel,
        "question": ticket.question, "display_name": ticket.display_name, "created_at": iso(ticket.opened_at),
        "taken_by": ticket.taken_by, "answered_at": iso(ticket.answered_at), "answered_by": ticket.answered_by,
        "answer": ticket.answer, "delivered_at": iso(ticket.delivered_at),
    }  # fmt: skip
