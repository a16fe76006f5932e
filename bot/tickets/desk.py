"""The chat side of tickets, for the gateways (Telegram, Zalo).

People: when the assistant says it has no answer to a question in its field, or when the person asks for a
person (``/hoicanbo``, "cho tôi hỏi cán bộ"), the desk offers to pass the question on, says who will see it,
asks for consent the first time, and confirms with the ticket's number. Emergencies still get the rescue
contacts first.

Officers: "Nhận trả lời" under a ticket's notice takes it, and their next text message is the answer; on
Telegram a Reply to the notice answers it directly; ``/traloi 12 ...`` answers ticket 12 anywhere, ``/huy``
gives a taken ticket back.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot import fixed_texts, subscribers
from bot.areas import by_key
from bot.channels.render import Button, OutMessage
from bot.channels.types import ChannelType
from bot.nlu.danger import flagged_by_rules
from bot.rescue import contacts_reply
from bot.storage.models import Officer, Subscriber
from bot.tickets import store

AWAITING_QUESTION = "ticket"  # Subscriber.awaiting: the person's next text is the question to pass on
FEATURED_AREAS = ("ly_son", "sa_huynh", "binh_son", "dong_son")
_ANSWER_COMMAND = re.compile(r"^\s*#?(\d{1,9})\s*[:.,-]?\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class OfficerMessage:
    """What the gateway knows of an officer's message."""

    text: str
    kind: str  # text | photo | location | other
    command: str | None  # "traloi", "huy" or another gateway command, without its argument
    argument: str
    reply_to: str | None  # the platform id of the message it replies to (Telegram)


class TicketDesk:
    def __init__(self, channel: ChannelType) -> None:
        self.channel = channel

    # ---- people ------------------------------------------------------------------------------------

    async def offer(self, person: Subscriber, question: str) -> list[OutMessage]:
        """After "I have no answer": offer to pass the question on."""
        await asyncio.to_thread(store.draft, person, question)
        return [self._offer_message(person)]

    async def ask_for_person(self, person: Subscriber, question: str) -> list[OutMessage]:
        """``/hoicanbo [question]`` or "cho tôi gặp cán bộ": pass this question (or the one just declined) on,
        or ask for it."""
        question = question.strip()
        if not question:
            if await asyncio.to_thread(store.latest_draft, person) is not None:
                return await self._send_or_ask_consent(person)
            await asyncio.to_thread(subscribers.set_awaiting, person, AWAITING_QUESTION)
            return [OutMessage(fixed_texts.TICKET_ASK_QUESTION)]
        first = [OutMessage(contacts_reply())] if flagged_by_rules(question) else []
        await asyncio.to_thread(store.draft, person, question)
        return first + await self._send_or_ask_consent(person)

    async def question_typed(self, person: Subscriber, text: str) -> list[OutMessage]:
        await asyncio.to_thread(subscribers.set_awaiting, person, None)
        return await self.ask_for_person(person, text)

    async def on_button(self, person: Subscriber, value: str) -> list[OutMessage]:
        """``#ticket:send``, ``#ticket:send:<area key>`` (``-``: no area), ``#ticket:no``."""
        action, _, area = value.partition(":")
        if action != "send":
            await asyncio.to_thread(store.discard_drafts, person)
            return [OutMessage(fixed_texts.TICKET_NOT_SENT)]
        return await self._send(person, (area if by_key(area) else None) if area else person.area)

    async def _send_or_ask_consent(self, person: Subscriber) -> list[OutMessage]:
        if person.ticket_consent_at is not None and person.area:
            return await self._send(person, person.area)
        return [self._offer_message(person)]

    async def _send(self, person: Subscriber, area: str | None) -> list[OutMessage]:
        draft = await asyncio.to_thread(store.latest_draft, person)
        if draft is None:
            return [OutMessage(fixed_texts.TICKET_NO_DRAFT)]
        ticket = await asyncio.to_thread(store.open_ticket, draft.id, person, area, self._consent_text(area))
        if ticket is None:
            return [OutMessage(fixed_texts.TICKET_NO_DRAFT)]
        return [OutMessage(fixed_texts.TICKET_SENT.format(id=ticket.id, area=store.area_name(area)))]

    def _consent_text(self, area: str | None) -> str:
        return fixed_texts.TICKET_CONSENT.format(area=store.area_name(area), channel=self.channel.name.capitalize())

    def _offer_message(self, person: Subscriber) -> OutMessage:
        area = by_key(person.area)
        if person.ticket_consent_at is None:
            text = self._consent_text(person.area)
        else:
            text = fixed_texts.TICKET_OFFER.format(area=store.area_name(person.area))
        if area is not None:
            buttons = (Button(fixed_texts.TICKET_SEND, "#ticket:send"),)
        else:
            text += fixed_texts.TICKET_WHICH_AREA
            featured = [a for key in FEATURED_AREAS if (a := by_key(key))][: self.channel.max_buttons - 2]
            buttons = (
                *(Button(a.short_name, f"#ticket:send:{a.key}") for a in featured),
                Button(fixed_texts.TICKET_SEND_ANY_AREA, "#ticket:send:-"),
            )
        return OutMessage(text, (*buttons, Button(fixed_texts.TICKET_DONT_SEND, "#ticket:no")))

    # ---- officers ----------------------------------------------------------------------------------

    async def officer_message(self, officer: Officer, message: OfficerMessage) -> list[OutMessage] | None:
        """The officer's message if it is about a ticket (taking, answering, giving back); None otherwise."""
        actor = store.officer_actor(officer)
        if message.text.startswith("#ticket:take:"):
            ticket_id = message.text.rsplit(":", 1)[1]
            if not ticket_id.isdigit():
                return [OutMessage(fixed_texts.TICKET_UNKNOWN.format(id=ticket_id))]
            return [await self._result(store.take, int(ticket_id), actor)]
        if message.command == "traloi":
            found = _ANSWER_COMMAND.match(message.argument)
            if not found:
                return [OutMessage(fixed_texts.TICKET_ANSWER_USAGE)]
            return [await self._result(store.answer, int(found[1]), actor, found[2])]
        if message.command == "huy":
            result = await asyncio.to_thread(store.cancel_answering, officer)
            return [OutMessage(result.message)]
        replied = None
        if message.reply_to:
            replied = await asyncio.to_thread(
                store.ticket_replied_to, self.channel.name, officer.channel_user_id, message.reply_to
            )
        ticket_id = replied or (officer.answering_ticket_id if message.command is None else None)
        if ticket_id is None or message.text.startswith("#"):
            return None
        if message.kind != "text":
            return [OutMessage(fixed_texts.TICKET_ANSWER_TEXT_ONLY)]
        return [await self._result(store.answer, ticket_id, actor, message.text)]

    @staticmethod
    async def _result(action: Callable[..., store.Result], *args: object) -> OutMessage:
        result: store.Result = await asyncio.to_thread(action, *args)
        return OutMessage(result.message)
