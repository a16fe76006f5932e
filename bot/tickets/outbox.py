"""What the broadcast workers do with the messages tickets queue (``TicketMessage``): send them like broadcast
deliveries (same senders, rates, retries), then carry the outcome of an answer back to its ticket:

- sent: the ticket records when the answer reached the person (and, if it had waited, the officer is told);
- outside Zalo's free-messaging window: the ticket waits, the officer is told, and the answer goes out when
  the person next writes (``store.release_waiting``, called by the gateway).
"""

from __future__ import annotations

from sqlalchemy import update

from bot import fixed_texts
from bot.broadcasts.senders import Content, Outcome
from bot.storage import db
from bot.storage.models import Ticket, TicketEvent, TicketMessage, TicketStatus, utcnow
from bot.tickets.store import decode_buttons, queued_message


def content_of(message: TicketMessage) -> Content:
    return Content(message.text, buttons=decode_buttons(message.buttons))


def after_send(message: TicketMessage, outcome: Outcome) -> None:
    if message.kind != "answer" or outcome.status not in ("sent", "skipped"):
        return
    now = utcnow()
    with db.session() as session, session.begin():
        ticket = session.get(Ticket, message.ticket_id)
        if ticket is None:
            return
        officer_channel, _, officer_id = (ticket.answered_by or "").partition(":")
        chat_officer = officer_channel in ("telegram", "zalo")
        if outcome.status == "sent":
            had_waited = ticket.status == TicketStatus.WAITING
            session.execute(
                update(Ticket).where(Ticket.id == ticket.id)
                .values(delivered_at=now, status=TicketStatus.ANSWERED if had_waited else ticket.status)
            )  # fmt: skip
            session.add(TicketEvent(ticket_id=ticket.id, at=now, actor="worker", action="delivered"))
            if had_waited and chat_officer:
                text = fixed_texts.TICKET_ANSWER_DELIVERED_LATER.format(id=ticket.id)
                session.add(queued_message(ticket.id, "delivered", officer_channel, officer_id, text))
        elif ticket.status == TicketStatus.ANSWERED:
            session.execute(update(Ticket).where(Ticket.id == ticket.id).values(status=TicketStatus.WAITING))
            session.add(TicketEvent(ticket_id=ticket.id, at=now, actor="worker", action="waiting"))
            if chat_officer:
                text = fixed_texts.TICKET_ANSWER_WAITING.format(id=ticket.id)
                session.add(queued_message(ticket.id, "waiting", officer_channel, officer_id, text))
