"""What every messaging gateway does, whatever the platform: commands, the subscription dialogue,
personal data requests, flood control, and forwarding questions to the assistant.

A platform adapter (telegram.py, zalo.py) turns its updates into ``Incoming`` and sends back the
``OutMessage``s this returns. Buttons whose payload starts with ``#`` belong to the gateway (consent,
area, topics, deletion); others (``/kb_...``) go to the assistant like typed text.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.exc import OperationalError

from bot import fixed_texts, subscribers
from bot.areas import WHICH_AREA, Area, area_candidates, areas, by_key
from bot.backoff import Backoff
from bot.broadcasts import officers
from bot.broadcasts.composer import Composer
from bot.campaigns import codes
from bot.campaigns import store as campaigns
from bot.channels.render import Button, OutMessage, render
from bot.channels.types import ChannelType
from bot.gateways.person_locks import PersonLocks
from bot.gateways.throttle import FloodGuard
from bot.metrics import timing
from bot.nlu.lengths import stated_length
from bot.quizzes import store as quizzes
from bot.quizzes.desk import QuizDesk, player_of
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.rescue import contacts_reply
from bot.sender_ids import sender_id
from bot.settings import get_settings
from bot.storage.models import Officer, Subscriber, SubscriberStatus
from bot.tickets import store as tickets
from bot.tickets.desk import AWAITING_QUESTION, OfficerMessage, TicketDesk
from bot.vietnamese import fold

logger = logging.getLogger(__name__)

# Commands, typed with or without "/" and diacritics ("/dulieu", "dữ liệu của tôi").
COMMANDS = {
    "start": "start", "bat dau": "start", "dang ky nhan tin": "start",
    "stop": "stop", "huy dang ky": "stop", "ngung nhan tin": "stop",
    "help": "help", "huong dan": "help",
    "tailieu": "tailieu", "tai lieu": "tailieu",
    "lienhe": "lienhe", "lien he": "lienhe",
    "dulieu": "dulieu", "du lieu": "dulieu", "du lieu cua toi": "dulieu", "xem du lieu": "dulieu",
    "xoadulieu": "xoadulieu", "xoa du lieu": "xoadulieu",
    "hoicanbo": "hoicanbo", "hoi can bo": "hoicanbo", "gap can bo": "hoicanbo",
    "thi": "thi", "thi tim hieu": "thi", "cuoc thi": "thi",
    "broadcast": "broadcast", "broadcasts": "broadcasts", "traloi": "traloi", "huy": "huy",
}  # fmt: skip
# Commands for officers only (see `bot officer`); anyone else is refused and the attempt logged.
OFFICER_COMMANDS = {"broadcast", "broadcasts", "traloi", "huy"}
# Commands answered by the assistant itself, as intents.
ASSISTANT_COMMANDS = {"help": "/help", "tailieu": "/request_publication"}
# Button payloads that go to the assistant: knowledge answers and publications.
ASSISTANT_PAYLOAD = re.compile(r"^/(kb_[a-z0-9_]+|request_publication(\{.*\})?)$")
# The areas offered as buttons where a channel allows few buttons (others are typed).
FEATURED_AREAS = ("ly_son", "sa_huynh", "binh_son", "dong_son")
# The assistant's question "Tàu của bà con dài bao nhiêu mét?" (actions/context.py): a number answers it.
ASK_LENGTH_RESPONSE = "utter_ask_vessel_length"
# The assistant has no answer to a question in its field: the desk offers to pass it on to an officer.
DONT_KNOW_RESPONSE = "utter_dont_know"
# The person asks for a person ("cho tôi hỏi cán bộ"): the desk takes their question.
ASK_OFFICER_RESPONSE = "utter_ask_officer"


@dataclass(frozen=True)
class Incoming:
    user_id: str
    text: str = ""
    display_name: str | None = None
    kind: str = "text"  # text | photo | location | other (voice, sticker, file, contact...)
    photo_file_id: str | None = None
    message_id: str | None = None  # the platform's id: a retried message is answered once by Rasa
    reply_to: str | None = None  # the platform's id of the message this one replies to (Telegram's Reply)


def command_of(text: str) -> tuple[str, str] | None:
    """The command a message gives, with its argument: "/broadcast 2026-12-01 07:00" -> ("broadcast", "...")."""
    stripped = text.strip()
    if stripped.startswith("/"):
        head, _, argument = stripped[1:].partition(" ")
        name = COMMANDS.get(fold(head.split("@")[0]))
        return (name, argument.strip()) if name else None
    name = COMMANDS.get(" ".join(fold(stripped).split()))
    return (name, "") if name else None


# The platform id of the message being handled (set by ``Gateway.handle``), sent to Rasa with the text.
MESSAGE_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("message_id", default=None)


@dataclass
class _Waiting:
    """A message being answered through ``Gateway.respond``: when it arrived, whether Rasa answered it."""

    received: float
    asked_assistant: bool = False


WAITING: contextvars.ContextVar[_Waiting | None] = contextvars.ContextVar("waiting", default=None)


MAX_ASKED = 10_000


class Gateway:
    def __init__(self, channel: ChannelType, rasa: RasaClient, flood: FloodGuard | None = None) -> None:
        self.channel = channel
        self.rasa = rasa
        self.flood = flood or FloodGuard()
        self.composer = Composer(channel)
        self.desk = TicketDesk(channel)
        self.quizzes = QuizDesk(channel)
        self._locks = PersonLocks()
        # Subscribers the assistant just asked their vessel's length (oldest first; at most MAX_ASKED kept).
        self._asked_length: dict[str, None] = {}

    async def respond(
        self,
        incoming: Incoming,
        deliver: Callable[[list[OutMessage]], Awaitable[None]],
        first_time: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """``handle`` a message and ``deliver`` the replies; if the assistant answered it, record what the
        person waited, from now to the last reply part sent (bot/metrics/timing.py). ``first_time`` tells
        whether the message is new (not a copy sent again); it is asked in the person's turn, so that the
        wait for its answer cannot let the person's next message overtake this one."""
        waiting = _Waiting(time.time())
        incoming = dataclasses.replace(incoming, message_id=incoming.message_id or uuid.uuid4().hex)
        too_fast = self._too_fast(incoming)
        if too_fast is not None:
            await deliver(too_fast)
            return
        token = WAITING.set(waiting)
        try:
            # The replies leave within the person's turn too: a quick reply to the next message must not
            # overtake the delivery of this one.
            async with self._locks.hold(incoming.user_id):
                if first_time is not None and not await first_time():
                    logger.info("Gateway %s: message %s was already handled: copy dropped", self.channel.name,
                                incoming.message_id)  # fmt: skip
                    return
                await deliver(await self._handle_retrying(incoming))
        finally:
            WAITING.reset(token)
        if waiting.asked_assistant and incoming.message_id:
            timing.record_soon(incoming.message_id, self.channel.name, waiting.received, time.time())

    async def handle(self, incoming: Incoming) -> list[OutMessage]:
        """Everything one message from a person leads to, in order. Never raises."""
        too_fast = self._too_fast(incoming)
        if too_fast is not None:
            return too_fast
        async with self._locks.hold(incoming.user_id):  # one person's messages in order; others in parallel
            return await self._handle_retrying(incoming)

    def _too_fast(self, incoming: Incoming) -> list[OutMessage] | None:
        """The reply to a person sending faster than the flood limit (a warning once, then silence), else None."""
        verdict = self.flood.check(incoming.user_id)
        if verdict == "ok":
            return None
        return [OutMessage(fixed_texts.TOO_FAST)] if verdict == "warn" else []

    async def _handle_retrying(self, incoming: Incoming) -> list[OutMessage]:
        """``_handle``, waiting out a database restart; never raises."""
        MESSAGE_ID.set(incoming.message_id)
        backoff = Backoff(get_settings().retry_seconds)
        while True:
            try:
                return await self._handle(incoming)
            except OperationalError as error:  # the database restarting: a few seconds, then try again
                if backoff.exhausted():
                    logger.error("Gateway %s: database unavailable: %s", self.channel.name, error)
                    return [OutMessage(fixed_texts.TRY_AGAIN)]
                logger.warning("Gateway %s: database unavailable; retrying in %.1f s", self.channel.name, backoff.pause)
                await backoff.sleep()
            except Exception:
                logger.exception("Gateway %s failed on a message", self.channel.name)
                return [OutMessage(fixed_texts.TRY_AGAIN)]

    async def _handle(self, incoming: Incoming) -> list[OutMessage]:
        person = await asyncio.to_thread(subscribers.touch, self.channel.name, incoming.user_id, incoming.display_name)
        if self.channel.free_reply_hours is not None:  # answers that waited for the person to write again
            await asyncio.to_thread(tickets.release_waiting, self.channel.name, incoming.user_id)
        text = incoming.text.strip()
        command = command_of(text) if incoming.kind == "text" else None
        officer = await asyncio.to_thread(officers.find, self.channel.name, incoming.user_id)
        if officer is not None:
            about_ticket = OfficerMessage(text, incoming.kind, command[0] if command else None,
                                          command[1] if command else "", incoming.reply_to)  # fmt: skip
            if (replies := await self.desk.officer_message(officer, about_ticket)) is not None:
                return replies
        if (
            (command and command[0] in OFFICER_COMMANDS)
            or text.startswith(("#bc:", "#ticket:take:"))
            or (incoming.kind == "photo")
        ):
            if officer is not None:
                return await self._officer(officer, incoming, command)
            if incoming.kind != "photo":
                await asyncio.to_thread(officers.record_refusal, self.channel.name, incoming.user_id, text[:64])
                return [OutMessage(fixed_texts.OFFICERS_ONLY)]
        if incoming.kind == "location":
            return [OutMessage(fixed_texts.LOCATION_RECEIVED, self._area_buttons())]
        if incoming.kind != "text":
            return [OutMessage(fixed_texts.NOT_UNDERSTOOD_KIND)]
        if text.startswith("#"):
            return await self._button(person, text[1:])
        if command is None and codes.parse(text):  # a campaign's code typed (Zalo has no start parameter)
            if await asyncio.to_thread(campaigns.record_start, text, self.channel.name, incoming.user_id):
                command = ("start", "")
        elif command is not None and command[0] == "start" and command[1]:  # t.me/<bot>?start=<code>
            await asyncio.to_thread(campaigns.record_start, command[1], self.channel.name, incoming.user_id)
        if command is not None and command[0] == "hoicanbo":
            return await self.desk.ask_for_person(person, command[1])
        if command is not None:
            return await self._command(person, command[0])
        if text.startswith("/") and not ASSISTANT_PAYLOAD.match(text):
            return [OutMessage(fixed_texts.UNKNOWN_COMMAND)]
        draft = await self.composer.draft_of(incoming.user_id) if text else None
        if draft is not None and draft.compose_step in ("text", "areas"):
            return await self.composer.on_text(draft, text)
        if person.awaiting == AWAITING_QUESTION and text:
            return await self.desk.question_typed(person, text)
        if person.awaiting == subscribers.AWAITING_AREA and (candidates := area_candidates(text)):
            if len(candidates) > 1:  # a name several areas share: ask, never guess
                return [self._which_area(candidates)]
            person = await asyncio.to_thread(subscribers.set_area, person, candidates[0].key)
            return [self._topics_message(person)]
        return await self.ask_assistant(person, text)

    async def _officer(self, officer: Officer, incoming: Incoming, command: tuple[str, str] | None) -> list[OutMessage]:
        """Officer commands, and an officer's messages while a broadcast is being composed."""
        if command and command[0] == "broadcast":
            return await self.composer.start(incoming.user_id, command[1])
        if command and command[0] == "broadcasts":
            return await self.composer.recent(officer)
        draft = await self.composer.draft_of(incoming.user_id)
        if incoming.text.strip().startswith("#bc:"):
            return await self.composer.on_button(officer, draft, incoming.text.strip()[4:])
        if draft is not None and incoming.kind == "photo" and draft.compose_step == "text":
            return await self.composer.on_photo(draft, incoming.photo_file_id or "", incoming.text)
        return [OutMessage(fixed_texts.NOT_UNDERSTOOD_KIND)]

    async def ask_assistant(self, person: Subscriber, text: str) -> list[OutMessage]:
        person = await self._learn_vessel_length(person, text)
        metadata = {
            "channel": self.channel.name, "area": person.area, "vessel_length": person.vessel_length,
            "subscriber": person.status,
        }  # fmt: skip
        waiting = WAITING.get()
        if waiting is not None:
            metadata[timing.RECEIVED_AT] = waiting.received
        sender = sender_id(self.channel.name, person.channel_user_id)
        try:
            answer = await self.rasa.send(sender, text, metadata, MESSAGE_ID.get())
        except RasaUnavailable as error:
            logger.warning("Assistant unavailable for a %s message: %s", self.channel.name, error)
            return [OutMessage(fixed_texts.TRY_AGAIN)]
        if waiting is not None:
            waiting.asked_assistant = True
        if person.status == SubscriberStatus.ACTIVE and any(r.get("response") == ASK_LENGTH_RESPONSE for r in answer):
            self._asked_length[person.channel_user_id] = None
            while len(self._asked_length) > MAX_ASKED:  # people who never answered
                del self._asked_length[next(iter(self._asked_length))]
        messages: list[OutMessage] = []
        for reply in answer:
            action = (reply.get("custom") or {}).get("gateway_action")
            if action == "subscribe":
                messages += await self._command(person, "start")
            elif action == "unsubscribe":
                messages += await self._command(person, "stop")
            elif reply.get("response") == ASK_OFFICER_RESPONSE:  # the text is for the web chat
                messages += await self.desk.ask_for_person(person, "")
            else:
                messages += render([reply], self.channel)
        if any(r.get("response") == DONT_KNOW_RESPONSE for r in answer):
            messages += await self.desk.offer(person, text)
        return messages

    async def _learn_vessel_length(self, person: Subscriber, text: str) -> Subscriber:
        """The length of the person's vessel, if this message states it ("tàu tui 13m", or "13" in reply to the
        assistant's question), kept with their consent (subscribers.remember_vessel_length)."""
        answering = person.channel_user_id in self._asked_length
        self._asked_length.pop(person.channel_user_id, None)
        length = stated_length(text, answering)
        if length is None:
            return person
        return await asyncio.to_thread(subscribers.remember_vessel_length, person, length)

    # ---- commands --------------------------------------------------------------------------------

    async def _command(self, person: Subscriber, command: str) -> list[OutMessage]:
        if command in ASSISTANT_COMMANDS:
            return await self.ask_assistant(person, ASSISTANT_COMMANDS[command])
        handler: Callable[[Subscriber], Awaitable[list[OutMessage]]] = getattr(self, f"_cmd_{command}")
        return await handler(person)

    async def _cmd_start(self, person: Subscriber) -> list[OutMessage]:
        consent = OutMessage(
            fixed_texts.CONSENT.format(channel=self.channel.name.capitalize()),
            (Button(fixed_texts.CONSENT_YES, "#consent:yes"), Button(fixed_texts.CONSENT_NO, "#consent:no")),
        )
        return [OutMessage(fixed_texts.WELCOME), consent]

    async def _cmd_stop(self, person: Subscriber) -> list[OutMessage]:
        if person.status != SubscriberStatus.ACTIVE:
            return [OutMessage(fixed_texts.NOT_SUBSCRIBED)]
        await asyncio.to_thread(subscribers.withdraw, person)
        return [OutMessage(fixed_texts.UNSUBSCRIBED, (Button(fixed_texts.RESUBSCRIBE, "#resubscribe"),))]

    async def _cmd_lienhe(self, person: Subscriber) -> list[OutMessage]:
        return [OutMessage(contacts_reply())]

    async def _cmd_dulieu(self, person: Subscriber) -> list[OutMessage]:
        data = await asyncio.to_thread(subscribers.personal_data, person)
        s = data.subscriber
        area = by_key(s.area)
        tickets_line = await asyncio.to_thread(self._tickets_line, s)
        text = fixed_texts.MY_DATA.format(
            channel=s.channel.capitalize(), user_id=s.channel_user_id, name=s.display_name or "–",
            status=fixed_texts.STATUS_NAMES.get(s.status, s.status), area=area.name if area else "–",
            vessel_length=subscribers.metres(s.vessel_length),
            topics=", ".join(subscribers.TOPICS[t] for t in s.topic_list) or "–",
            consent_at=subscribers.local_time(s.consent_at), consent_text=s.consent_text or "–",
            withdrawn_at=subscribers.local_time(s.withdrawn_at), created_at=subscribers.local_time(s.created_at),
            last_seen_at=subscribers.local_time(s.last_seen_at), publications=data.publications_received,
            messages=data.conversation_messages, tickets=tickets_line,
            quizzes=await asyncio.to_thread(quizzes.taken_by, s.channel, s.channel_user_id),
        )  # fmt: skip
        return [OutMessage(text)]

    @staticmethod
    def _tickets_line(person: Subscriber) -> str:
        listed = [
            fixed_texts.TICKET_LIST_ITEM.format(
                id=t.id, status=fixed_texts.TICKET_STATUS_NAMES.get(t.status, t.status),
                opened=subscribers.local_time(t.opened_at),
            )
            for t in tickets.for_person(person.channel, person.channel_user_id)
        ]  # fmt: skip
        return "; ".join(listed) or "không có"

    async def _cmd_thi(self, person: Subscriber) -> list[OutMessage]:
        return await self.quizzes.open(await self._player(person))

    async def _player(self, person: Subscriber) -> quizzes.Player:
        officer = await asyncio.to_thread(officers.find, self.channel.name, person.channel_user_id)
        return player_of(person, officer)

    async def _cmd_xoadulieu(self, person: Subscriber) -> list[OutMessage]:
        buttons = (Button(fixed_texts.DELETE_YES, "#delete:yes"), Button(fixed_texts.DELETE_NO, "#delete:no"))
        return [OutMessage(fixed_texts.CONFIRM_DELETE, buttons)]

    # ---- buttons of the gateway ------------------------------------------------------------------

    async def _button(self, person: Subscriber, payload: str) -> list[OutMessage]:
        name, _, value = payload.partition(":")
        if name == "consent" and value == "yes":
            wording = fixed_texts.CONSENT.format(channel=self.channel.name.capitalize())
            person = await asyncio.to_thread(subscribers.give_consent, person, wording)
            person = await asyncio.to_thread(subscribers.set_awaiting, person, subscribers.AWAITING_AREA)
            return [OutMessage(fixed_texts.ASK_AREA, self._area_buttons())]
        if name == "consent":
            return [OutMessage(fixed_texts.NO_CONSENT)]
        if name == "resubscribe":
            return await self._cmd_start(person)
        if name == "area" and value == "other":
            await asyncio.to_thread(subscribers.set_awaiting, person, subscribers.AWAITING_AREA)
            return [OutMessage(fixed_texts.ASK_AREA_TYPED)]
        if name == "area" and by_key(value) is not None:
            person = await asyncio.to_thread(subscribers.set_area, person, value)
            return [self._topics_message(person)]
        if name == "topic":
            person = await asyncio.to_thread(subscribers.toggle_topic, person, value)
            return [self._topics_message(person)]
        if name == "topics" and value == "done":
            return [self._subscribed_message(person)]
        if name == "delete" and value == "yes":
            await asyncio.to_thread(subscribers.delete_personal_data, person)
            return [OutMessage(fixed_texts.DELETED)]
        if name == "delete":
            return [OutMessage(fixed_texts.NOT_DELETED)]
        if name == "ticket":
            return await self.desk.on_button(person, value)
        if name == "quiz":
            return await self.quizzes.on_button(await self._player(person), value)
        return [OutMessage(fixed_texts.UNKNOWN_COMMAND)]

    def _area_buttons(self) -> tuple[Button, ...]:
        if self.channel.max_buttons >= len(areas()) + 1:
            chosen = list(areas())
        else:
            chosen = [a for key in FEATURED_AREAS if (a := by_key(key))][: self.channel.max_buttons - 1]
        return (
            *(Button(a.short_name, f"#area:{a.key}") for a in chosen),
            Button(fixed_texts.OTHER_AREA, "#area:other"),
        )

    def _which_area(self, candidates: tuple[Area, ...]) -> OutMessage:
        buttons = (Button(a.name, f"#area:{a.key}") for a in candidates[: self.channel.max_buttons - 1])
        return OutMessage(WHICH_AREA, (*buttons, Button(fixed_texts.OTHER_AREA, "#area:other")))

    def _topics_message(self, person: Subscriber) -> OutMessage:
        chosen = set(person.topic_list)
        buttons = tuple(
            Button(("✓ " if key in chosen else "") + title, f"#topic:{key}")
            for key, title in subscribers.TOPICS.items()
        )
        return OutMessage(fixed_texts.ASK_TOPICS, (*buttons, Button(fixed_texts.TOPICS_DONE, "#topics:done")))

    def _subscribed_message(self, person: Subscriber) -> OutMessage:
        if person.status != SubscriberStatus.ACTIVE:
            return OutMessage(fixed_texts.NOT_SUBSCRIBED)
        if not person.topic_list:
            return dataclasses.replace(self._topics_message(person), text=fixed_texts.NO_TOPIC_CHOSEN)
        area = by_key(person.area)
        return OutMessage(
            fixed_texts.SUBSCRIBED.format(
                area=area.name if area else "chưa chọn",
                topics=", ".join(subscribers.TOPICS[t] for t in person.topic_list),
            )
        )
