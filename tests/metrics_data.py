"""A small, known set of outreach records, and the figures it must produce (tests of the figures,
`bot stats`, the CSV exports and the dashboard in a browser all check against it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bot.metrics import rollups
from bot.metrics.outcomes import ANSWERED, CHOICES, DECLINED, NOT_UNDERSTOOD
from bot.storage.models import Broadcast, BroadcastDelivery, PublicationSend, SubscriptionEvent, Ticket

SINCE, UNTIL = "2026-10-01", "2026-10-31"


def vn(day: str, hour: int = 9) -> datetime:
    """A Vietnam-time moment, as the naive UTC the database stores."""
    return datetime.fromisoformat(f"{day} {hour:02d}:00") - timedelta(hours=7)


OUTCOME_OF_DETAIL = {"suggestions": CHOICES, "out_of_scope": DECLINED, "dont_know": NOT_UNDERSTOOD}


def _turn(day: str, user: str, channel: str, area: str | None, text: str, detail: str, entry: str | None = None,
          topic: str | None = None, replies: int = 1, ms: int = 100, hour: int = 9) -> dict:  # fmt: skip
    """A message through a gateway or the web app: what the person waited (``ms``) is its ReplyTime."""
    return {"at": vn(day, hour), "channel": channel, "user_ref": user, "area": area, "text": text, "intent": None,
            "confidence": 0.9, "outcome": OUTCOME_OF_DETAIL.get(detail, ANSWERED), "detail": detail, "entry_id": entry,
            "topic": topic, "replies": replies, "response_ms": None, "message_id": f"{channel}-{day}-{hour}-{user}",
            "waited_ms": ms}  # fmt: skip


INTERACTIONS = [
    _turn("2026-10-01", "u1", "telegram", "ly_son", "lanh hai rong bao nhieu", "knowledge", "lanh_hai_rong", "vung_bien", ms=10),
    _turn("2026-10-01", "u1", "telegram", "ly_son", "vms bat 24/24 ko", "knowledge", "vms_bat_24_24", "nghe_ca", ms=20, hour=10),
    _turn("2026-10-01", "u1", "telegram", "ly_son", "<script>alert('x')</script> thoi tiet mai?", "dont_know", ms=30, hour=11),
    _turn("2026-10-02", "u2", "zalo", "sa_huynh", "VMS phải bật 24/24 không", "knowledge", "vms_bat_24_24", "nghe_ca", ms=40),
    _turn("2026-10-02", "u2", "zalo", "sa_huynh", "răng phải bật vms", "knowledge", "vms_bat_24_24", "nghe_ca", ms=50, hour=10),
    _turn("2026-10-02", "u3", "webchat", None, "Giá cá ngừ?", "suggestions", ms=60),
    _turn("2026-10-02", "u3", "webchat", None, "gia ca ngu", "suggestions", ms=70, hour=10),
    _turn("2026-10-05", "u4", "telegram", "ly_son", "cuu voi tau chim", "emergency", replies=2, ms=80),
    _turn("2026-10-05", "u4", "telegram", "ly_son", "lãnh hải", "knowledge", "lanh_hai_rong", "vung_bien", ms=90, hour=10),
    _turn("2026-10-05", "u1", "telegram", "ly_son", "gui tai lieu luat thuy san", "publication", ms=100, hour=11),
    _turn("2026-09-20", "u9", "telegram", "ly_son", "ngoài khoảng ngày", "knowledge", "lanh_hai_rong", "vung_bien"),
]  # fmt: skip

EXPECTED_OVERVIEW = {
    "users": 4, "messages_in": 10, "messages_out": 11, "answered": 7, "choices": 2, "declined": 0,
    "not_understood": 1, "fallbacks": 3, "answered_rate": 0.7, "choices_rate": 0.2, "declined_rate": 0.0,
    "not_understood_rate": 0.1, "fallback_rate": 0.3, "median_response_ms": 50, "median_rasa_ms": None, "new_subscribers": 2, "publications_sent": 2, "broadcasts": 1,
    "broadcast_deliveries": 3, "broadcast_delivery_rate": 0.75,
}  # fmt: skip
EXPECTED_UNANSWERED = [("Giá cá ngừ?", 2), ("<script>alert('x')</script> thoi tiet mai?", 1)]
EXPECTED_BY_CHANNEL = {
    "telegram": {"users": 2, "messages_in": 6, "answered": 5, "choices": 0, "declined": 0, "not_understood": 1,
                 "fallbacks": 1},
    "zalo": {"users": 1, "messages_in": 2, "answered": 2, "choices": 0, "declined": 0, "not_understood": 0,
             "fallbacks": 0},
    "webchat": {"users": 1, "messages_in": 2, "answered": 0, "choices": 2, "declined": 0, "not_understood": 0,
                "fallbacks": 2},
}  # fmt: skip


LY_SON, SA_HUYNH = "Đồn Biên phòng Lý Sơn", "Đồn Biên phòng Sa Huỳnh"


def _ticket(number: int, status: str, area: str | None, opened: tuple[str, int] | None,
            answered: tuple[str, int] | None = None, post: str | None = None) -> dict:  # fmt: skip
    """A question passed on to officers: opened and answered at Vietnam (day, hour)."""
    return {"status": status, "channel": ("telegram", "zalo")[number % 2], "channel_user_id": f"{700 + number}",
            "user_ref": f"t{number}", "display_name": f"Ngư dân {number}", "area": area,
            "question": f"Câu hỏi gửi cán bộ số {number}", "created_at": vn(*opened) if opened else vn("2026-10-07"),
            "opened_at": vn(*opened) if opened else None, "answered_at": vn(*answered) if answered else None,
            "answer": f"Trả lời câu hỏi số {number}" if answered else None, "answered_by_post": post,
            "answered_by": "telegram:901" if answered else None, "answered_by_name": "Trung úy A" if answered else None,
            "taken_by": "telegram:902" if status == "taken" else None}  # fmt: skip


# Answered in October after 1, 2, 4, 10 and 12 hours; opened in October: eight (a draft is no ticket).
TICKETS = [
    _ticket(1, "answered", "ly_son", ("2026-10-01", 9), ("2026-10-01", 10), LY_SON),
    _ticket(2, "answered", "ly_son", ("2026-10-02", 9), ("2026-10-02", 11), LY_SON),
    _ticket(3, "waiting", "sa_huynh", ("2026-10-03", 9), ("2026-10-03", 13)),  # no post: the province's
    _ticket(4, "answered", "sa_huynh", ("2026-10-04", 9), ("2026-10-04", 19), SA_HUYNH),
    _ticket(5, "open", "ly_son", ("2026-10-05", 9)),
    _ticket(6, "taken", "sa_huynh", ("2026-10-05", 10)),
    _ticket(7, "closed", None, ("2026-10-06", 9)),
    _ticket(8, "answered", "ly_son", ("2026-09-30", 20), ("2026-10-01", 8), LY_SON),  # opened in September
    _ticket(9, "answered", "ly_son", ("2026-10-31", 22), ("2026-11-01", 6), LY_SON),  # answered in November
    _ticket(10, "draft", "ly_son", None),
]
EXPECTED_TICKETS = {"tickets": 8, "tickets_answered": 5, "ticket_answer_p50_hours": 4.0,
                    "ticket_answer_p90_hours": 11.2}  # fmt: skip


def seed(engine: Engine) -> None:
    with engine.begin() as connection:
        rollups.record(connection, [{k: v for k, v in turn.items() if k != "waited_ms"} for turn in INTERACTIONS])
        for turn in INTERACTIONS:
            rollups.record_wait(connection, {"message_id": turn["message_id"], "channel": turn["channel"],
                                             "received_at": turn["at"], "response_ms": turn["waited_ms"]})  # fmt: skip
        connection.execute(insert(PublicationSend), [
            {"publication_id": "so_tay_luat_thuy_san", "channel": "telegram", "user_ref": "u1", "sent_at": vn("2026-10-05", 11)},
            {"publication_id": "an_toan_cuu_nan", "channel": "webchat", "user_ref": "u3", "sent_at": vn("2026-10-02")},
            {"publication_id": "an_toan_cuu_nan", "channel": "webchat", "user_ref": "u9", "sent_at": vn("2026-09-15")},
        ])  # fmt: skip
        broadcast = connection.execute(insert(Broadcast).values(
            text="Bão số 3: bà con vào bờ", status="done", created_by_channel="cli", created_by_user_id="staff",
            recipients=4, started_at=vn("2026-10-03"), scheduled_at=vn("2026-10-03"), created_at=vn("2026-10-03"),
        )).inserted_primary_key[0]  # fmt: skip
        deliveries = [("ly_son", "sent"), ("ly_son", "sent"), ("sa_huynh", "sent"), ("ly_son", "blocked")]
        connection.execute(insert(BroadcastDelivery), [
            {"broadcast_id": broadcast, "channel": "telegram", "channel_user_id": str(i), "user_ref": f"r{i}",
             "area": area, "status": status, "attempts": 1, "next_attempt_at": vn("2026-10-03")}
            for i, (area, status) in enumerate(deliveries)
        ])  # fmt: skip
        connection.execute(insert(SubscriptionEvent), [
            {"at": vn("2026-10-01"), "channel": "telegram", "user_ref": "u1", "area": "ly_son", "kind": "subscribed"},
            {"at": vn("2026-10-02"), "channel": "zalo", "user_ref": "u2", "area": "sa_huynh", "kind": "subscribed"},
            {"at": vn("2026-10-04"), "channel": "zalo", "user_ref": "u2", "area": "sa_huynh", "kind": "unsubscribed"},
        ])  # fmt: skip
        connection.execute(insert(Ticket), TICKETS)
