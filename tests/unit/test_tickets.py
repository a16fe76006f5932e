"""Tickets through the gateway, without servers: a scripted assistant, the real database and the real queue.

A person's question the assistant cannot answer is offered, passed on with consent, reaches the officers of
its area only, is taken and answered once, and the answer is queued for the person; bad input from officers
gets a reason; the person's data lists and erases their tickets.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from bot import fixed_texts
from bot.broadcasts import officers
from bot.broadcasts.senders import Outcome
from bot.broadcasts.worker import claim, record
from bot.channels.types import TELEGRAM, ZALO
from bot.gateways.conversation import DONT_KNOW_RESPONSE, Gateway, Incoming
from bot.gateways.throttle import FloodGuard
from bot.storage import db
from bot.storage.models import DeliveryStatus, Ticket, TicketEvent, TicketMessage, TicketStatus, utcnow
from bot.tickets import outbox, store
from tests.unit.fakes import Assistant

DONT_KNOW = [{"text": "Xin lỗi, tôi chưa có câu trả lời chắc chắn...", "response": DONT_KNOW_RESPONSE}]
ANSWER = [{"text": "Tàu dưới 15 m không phải lắp VMS.", "response": "utter_kb_vms"}]
QUESTION = "tau ca bi giu giay to o cang thi lam sao lay lai"


def with_officers() -> Gateway:
    officers.add("telegram:901", name="Trung úy Lý Sơn", areas=["ly_son"], post="Đồn Biên phòng Lý Sơn")
    officers.add("telegram:902", name="Thiếu úy Sa Huỳnh", areas=["sa_huynh"])
    officers.add("telegram:903", name="Đại úy tỉnh")  # every area
    return Gateway(TELEGRAM, Assistant(ANSWER), FloodGuard(burst=1000))  # type: ignore[arg-type]


@pytest.fixture
def gateway(app_database) -> Gateway:
    return with_officers()


@pytest.fixture
def gateway_on_both(sqlite_and_postgresql) -> Gateway:
    """For what depends on the database's locking: the first answer wins on SQLite and on PostgreSQL."""
    return with_officers()


def say(gateway: Gateway, text: str, user: str = "42", **extra) -> list:
    return asyncio.run(gateway.handle(Incoming(user, text, display_name="Ngư dân Ba", **extra)))


def texts(messages: list) -> list[str]:
    return [m.text for m in messages]


def payloads(messages: list) -> list[str]:
    return [b.payload for m in messages for b in m.buttons]


def queued(kind: str | None = None) -> list[TicketMessage]:
    with db.session() as session:
        query = select(TicketMessage).order_by(TicketMessage.id)
        return list(session.execute(query.where(TicketMessage.kind == kind) if kind else query).scalars())


def ticket(ticket_id: int) -> Ticket:
    with db.session() as session:
        return session.get(Ticket, ticket_id)


def living_in_ly_son(gateway: Gateway, user: str = "42") -> None:
    say(gateway, "#consent:yes", user)
    say(gateway, "#area:ly_son", user)


def pass_on(gateway: Gateway, user: str = "42", question: str = QUESTION) -> int:
    gateway.rasa.script.append(DONT_KNOW)  # type: ignore[attr-defined]
    offer = say(gateway, question, user)
    assert "#ticket:send" in payloads(offer)
    (sent,) = texts(say(gateway, "#ticket:send", user))
    return int(sent.split("số ")[1].split(" ")[0])


def test_an_unanswered_question_is_offered_with_who_will_see_it_and_sent_with_consent(gateway):
    living_in_ly_son(gateway)
    gateway.rasa.script.append(DONT_KNOW)  # type: ignore[attr-defined]
    replies = say(gateway, QUESTION)
    assert replies[0].text.startswith("Xin lỗi")  # the assistant's own words first
    assert "cán bộ biên phòng phụ trách Đặc khu Lý Sơn" in replies[-1].text
    assert "tên hiển thị Telegram" in replies[-1].text  # what they will see
    assert payloads(replies) == ["#ticket:send", "#ticket:no"]
    assert not queued()  # nothing reaches an officer before the person says yes

    (confirmation,) = texts(say(gateway, "#ticket:send"))
    opened = store.for_person("telegram", "42")[0]
    assert confirmation.startswith(f"Đã gửi câu hỏi số {opened.id} tới cán bộ biên phòng phụ trách Đặc khu Lý Sơn")
    assert (opened.status, opened.area, opened.question, opened.display_name) == (
        "open", "ly_son", QUESTION, "Ngư dân Ba"
    )  # fmt: skip
    notices = queued("notice")
    assert sorted(n.channel_user_id for n in notices) == ["901", "903"]  # not the Sa Huỳnh officer
    assert QUESTION in notices[0].text and "Ngư dân Ba" in notices[0].text and "Đặc khu Lý Sơn" in notices[0].text
    assert store.decode_buttons(notices[0].buttons)[0].payload == f"#ticket:take:{opened.id}"


def test_consent_is_asked_once_and_a_question_for_an_officer_then_goes_at_once(gateway):
    living_in_ly_son(gateway)
    pass_on(gateway)
    gateway.rasa.script.append(DONT_KNOW)  # type: ignore[attr-defined]
    (_, offer) = say(gateway, "tàu bị bắt ở nước ngoài thì gia đình liên hệ ai")
    assert offer.text.startswith("Bà con có muốn gửi câu hỏi này") and "tên hiển thị" not in offer.text
    (sent,) = texts(say(gateway, "/hoicanbo tàu tui mất giấy phép khai thác thì xin lại ở đâu"))
    assert sent.startswith("Đã gửi câu hỏi số")
    assert [t.question for t in store.for_person("telegram", "42")][-1].startswith("tàu tui mất giấy phép")


def test_asking_for_an_officer_without_a_question_asks_for_it_and_without_an_area_offers_areas(gateway):
    (ask,) = texts(say(gateway, "/hoicanbo"))
    assert ask == fixed_texts.TICKET_ASK_QUESTION
    (offer,) = say(gateway, "ghe tui bi bien phong lap bien ban ma ko biet loi gi")
    assert "#ticket:send:ly_son" in payloads([offer]) and "#ticket:send:-" in payloads([offer])
    (sent,) = texts(say(gateway, "#ticket:send:-"))
    assert "khu vực của bà con" in sent
    assert sorted(n.channel_user_id for n in queued("notice")) == ["901", "902", "903"]  # nobody is left out


def test_an_emergency_typed_for_an_officer_gets_the_rescue_contacts_first(gateway):
    replies = texts(say(gateway, "/hoicanbo tàu tôi đang chìm cứu với"))
    assert "112" in replies[0] and "7903" in replies[0]
    assert "#ticket:send" in " ".join(payloads(say(gateway, "/hoicanbo")))  # the question is still kept


def test_saying_no_keeps_nothing(gateway):
    gateway.rasa.script.append(DONT_KNOW)  # type: ignore[attr-defined]
    say(gateway, QUESTION)
    assert texts(say(gateway, "#ticket:no")) == [fixed_texts.TICKET_NOT_SENT]
    assert texts(say(gateway, "#ticket:send")) == [fixed_texts.TICKET_NO_DRAFT]
    with db.session() as session:
        assert session.execute(select(Ticket)).first() is None


def test_an_officer_takes_answers_and_the_others_are_told(gateway):
    living_in_ly_son(gateway)
    number = pass_on(gateway)
    (taken,) = texts(say(gateway, f"#ticket:take:{number}", "901"))
    assert taken.startswith(f"Đồng chí nhận câu hỏi số {number}")
    assert [m.channel_user_id for m in queued("taken")] == ["903"]
    (done,) = texts(say(gateway, "Bà con mang giấy tờ tàu đến Đồn Biên phòng Lý Sơn để làm lại.", "901"))
    assert done == fixed_texts.TICKET_ANSWER_SENT.format(id=number)
    (answer,) = queued("answer")
    assert answer.channel_user_id == "42"
    assert answer.text.startswith(f"Trả lời của Đồn Biên phòng Lý Sơn cho câu hỏi số {number}")
    assert "mang giấy tờ tàu" in answer.text
    assert [m.channel_user_id for m in queued("answered")] == ["903"]
    assert ticket(number).status == TicketStatus.ANSWERED and ticket(number).answered_by == "telegram:901"
    with db.session() as session:
        logged = (
            session.execute(select(TicketEvent.action).where(TicketEvent.ticket_id == number).order_by(TicketEvent.id))
            .scalars()
            .all()
        )
    assert logged == ["opened", "taken", "answered"]
    # The officer's next message is theirs again: it goes to the assistant.
    assert texts(say(gateway, "vms là gì", "901")) == [ANSWER[0]["text"]]


def test_a_reply_to_the_notice_answers_and_a_second_answer_is_refused_with_who_answered(gateway):
    living_in_ly_son(gateway)
    number = pass_on(gateway)
    for notice in queued("notice"):
        record(notice, Outcome("sent", message_id=f"7{notice.channel_user_id}"))
    (done,) = texts(say(gateway, "Được, bà con đến đồn nhé.", "903", reply_to="7903"))
    assert done == fixed_texts.TICKET_ANSWER_SENT.format(id=number)
    (late,) = texts(say(gateway, "Bà con đến đồn.", "901", reply_to="7901"))
    assert late.startswith(f"Câu hỏi số {number} đã được Đại úy tỉnh trả lời lúc")
    assert late.endswith(fixed_texts.TICKET_ANSWER_NOT_SENT)
    assert len(queued("answer")) == 1


def test_two_officers_answering_at_once_one_wins(gateway_on_both):
    gateway = gateway_on_both
    living_in_ly_son(gateway)
    number = pass_on(gateway)
    both = [store.officer_actor(officers.find("telegram", i)) for i in ("901", "903")]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda actor: store.answer(number, actor, f"trả lời của {actor.name}"), both))
    assert sorted(r.ok for r in results) == [False, True]
    assert "đã được" in next(r.message for r in results if not r.ok)
    assert len(queued("answer")) == 1


def test_officers_bad_input_gets_a_reason(gateway):
    living_in_ly_son(gateway)
    number = pass_on(gateway)
    assert texts(say(gateway, f"#ticket:take:{number}", "902")) == [fixed_texts.TICKET_NOT_YOUR_AREA.format(id=number)]
    (refused,) = texts(say(gateway, f"/traloi {number} vâng", "902"))
    assert refused.startswith(fixed_texts.TICKET_NOT_YOUR_AREA.format(id=number))
    assert texts(say(gateway, "/traloi", "901")) == [fixed_texts.TICKET_ANSWER_USAGE]
    assert texts(say(gateway, f"/traloi {number}   ", "901")) == [fixed_texts.TICKET_EMPTY_ANSWER]
    assert texts(say(gateway, "/traloi 99999 vâng", "901")) == [fixed_texts.TICKET_UNKNOWN.format(id=99999)]
    assert texts(say(gateway, "#ticket:take:abc", "901")) == [fixed_texts.TICKET_UNKNOWN.format(id="abc")]
    say(gateway, f"#ticket:take:{number}", "901")
    photo = asyncio.run(gateway.handle(Incoming("901", "", kind="photo", photo_file_id="p1")))
    assert texts(photo) == [fixed_texts.TICKET_ANSWER_TEXT_ONLY]
    sticker = asyncio.run(gateway.handle(Incoming("901", "", kind="other")))
    assert texts(sticker) == [fixed_texts.TICKET_ANSWER_TEXT_ONLY]
    (taken,) = texts(say(gateway, f"/traloi {number} Bà con đến đồn.", "903"))
    assert taken.startswith(f"Câu hỏi số {number} đã có cán bộ khác nhận lúc")
    assert texts(say(gateway, "/huy", "901")) == [fixed_texts.TICKET_CANCELLED.format(id=number)]
    assert ticket(number).status == TicketStatus.OPEN
    assert texts(say(gateway, "/huy", "901")) == [fixed_texts.TICKET_NOTHING_TO_CANCEL]
    # A reply to a message that is no ticket's notice is an ordinary question.
    assert texts(say(gateway, "vms là gì", "901", reply_to="123456")) == [ANSWER[0]["text"]]
    assert not queued("answer")


def test_people_who_are_not_officers_cannot_answer(gateway):
    living_in_ly_son(gateway)
    number = pass_on(gateway)
    assert texts(say(gateway, f"/traloi {number} tui trả lời", "555")) == [fixed_texts.OFFICERS_ONLY]
    assert texts(say(gateway, f"#ticket:take:{number}", "555")) == [fixed_texts.OFFICERS_ONLY]
    assert ticket(number).status == TicketStatus.OPEN


def test_an_answer_outside_zalos_window_waits_for_the_person_and_the_officer_is_told(gateway_on_both):
    zalo = Gateway(ZALO, Assistant(ANSWER), FloodGuard(burst=1000))  # type: ignore[arg-type]
    say(zalo, "#consent:yes", "z1")
    say(zalo, "#area:ly_son", "z1")
    number = pass_on(zalo, "z1")
    store.answer(number, store.officer_actor(officers.find("telegram", "901")), "Bà con đến đồn.")
    (answer,) = [m for m in claim("w", 10, utcnow(), TicketMessage) if m.kind == "answer"]
    record(answer, Outcome("skipped", error="outside window"))
    outbox.after_send(answer, Outcome("skipped"))
    assert ticket(number).status == TicketStatus.WAITING
    assert queued("waiting")[0].channel_user_id == "901"

    say(zalo, "alo", "z1")  # the person writes again: the answer goes out
    (again,) = [m for m in claim("w", 10, utcnow(), TicketMessage) if m.kind == "answer"]
    record(again, Outcome("sent", message_id="zm1"))
    outbox.after_send(again, Outcome("sent", message_id="zm1"))
    assert ticket(number).status == TicketStatus.ANSWERED and ticket(number).delivered_at is not None
    assert queued("delivered")[0].text == fixed_texts.TICKET_ANSWER_DELIVERED_LATER.format(id=number)


def test_my_data_lists_tickets_and_deleting_erases_their_content_but_not_the_figures(gateway):
    living_in_ly_son(gateway)
    number = pass_on(gateway)
    (data,) = texts(say(gateway, "/dulieu"))
    assert f"số {number} (đang chờ cán bộ" in data
    say(gateway, "#delete:yes")
    erased = ticket(number)
    assert (erased.question, erased.channel_user_id, erased.display_name) == ("", "", None)
    assert erased.status == TicketStatus.OPEN and erased.opened_at is not None  # still counted
    assert all(m.text == "" for m in queued())
    assert all(m.status == DeliveryStatus.CANCELLED for m in queued())


def test_officers_list_only_their_areas_and_every_view_is_logged(gateway):
    living_in_ly_son(gateway)
    number = pass_on(gateway)
    sa_huynh = store.officer_actor(officers.find("telegram", "902"))
    province = store.officer_actor(officers.find("telegram", "903"))
    assert store.listing(sa_huynh) == []
    assert [t.id for t in store.listing(province, status="open", area="ly_son")] == [number]
    with db.session() as session:
        viewed = session.execute(select(TicketEvent.actor).where(TicketEvent.action == "viewed")).scalars().all()
    assert viewed == ["telegram:903"]
    with pytest.raises(store.TicketError):
        store.listing(province, status="nonsense")
