"""A small, known set of outreach records, and the figures it must produce (tests of the figures,
`bot stats`, the CSV exports and the dashboard in a browser all check against it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Connection, Engine

from bot.metrics import rollups
from bot.metrics.outcomes import ANSWERED, CHOICES, DECLINED, NOT_UNDERSTOOD
from bot.storage.models import (
    Broadcast,
    BroadcastDelivery,
    Officer,
    PublicationSend,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    Subscriber,
    SubscriptionEvent,
    Ticket,
)

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


# Officers (`bot officer add --area --post`): 901 answered every ticket above and sent the broadcast.
OFFICERS = [
    {"channel": "telegram", "channel_user_id": "901", "name": "Trung úy A", "areas": "ly_son", "post": LY_SON},
    {"channel": "zalo", "channel_user_id": "902", "name": "Thiếu úy B", "areas": "sa_huynh", "post": SA_HUYNH},
    {"channel": "telegram", "channel_user_id": "903", "name": "Đại úy C", "areas": "ly_son", "post": LY_SON},
]


def _subscriber(number: int, area: str, consent: str, status: str = "active") -> dict:
    return {"channel": "telegram", "channel_user_id": f"50{number}", "display_name": f"Người nhận {number}",
            "area": area, "topics": "an_toan", "status": status, "consent_at": vn(consent)}  # fmt: skip


# Active by the end of October: three in Lý Sơn, two in Sa Huỳnh (one more subscribed in November).
SUBSCRIBERS = [
    _subscriber(1, "ly_son", "2026-09-01"), _subscriber(2, "ly_son", "2026-10-01"),
    _subscriber(3, "ly_son", "2026-10-20"), _subscriber(4, "ly_son", "2026-11-02"),
    _subscriber(5, "ly_son", "2026-09-01", status="unsubscribed"),
    _subscriber(6, "sa_huynh", "2026-09-01"), _subscriber(7, "sa_huynh", "2026-10-02"),
]  # fmt: skip
CONTEST, TRAINING = "Tìm hiểu Luật Thủy sản 2026", "Tập huấn Luật Biên phòng"
# A contest of two questions: in October two people of Lý Sơn (scores 2 and 1, the first named with consent) and
# one of Sa Huỳnh (0) played it; one more played in September. Officers 901 and 902 finished the training set in
# October (2/2 and 1/2); 903 began it and stopped.
QUIZZES = [
    {"id": 1, "title": CONTEST, "track": "residents", "topic": None, "area": None, "status": "published",
     "starts_at": vn("2026-09-25", 7), "ends_at": vn("2026-11-05", 22), "created_by": "cli:staff"},
    {"id": 2, "title": TRAINING, "track": "officers", "topic": None, "area": None, "status": "published",
     "starts_at": vn("2026-09-25", 7), "ends_at": vn("2026-11-05", 22), "created_by": "cli:staff"},
]  # fmt: skip
QUESTIONS = [
    {"id": 1, "quiz_id": 1, "position": 1, "entry_id": "lanh_hai_rong", "topic": "vung_bien",
     "prompt": "Lãnh hải Việt Nam rộng bao nhiêu hải lý?", "options": "12 hải lý\n24 hải lý\n200 hải lý",
     "correct": 0, "explanation": "Lãnh hải rộng 12 hải lý.", "source": "Luật Biển Việt Nam 2012, Điều 11"},
    {"id": 2, "quiz_id": 1, "position": 2, "entry_id": "vms_bat_24_24", "topic": "nghe_ca",
     "prompt": "Tàu có thiết bị giám sát hành trình phải bật khi nào?", "options": "Khi ra khơi\n24/24 giờ\nKhi có bão",
     "correct": 1, "explanation": "Bật 24/24 giờ.", "source": "Nghị định 26/2019/NĐ-CP"},
    {"id": 3, "quiz_id": 2, "position": 1, "entry_id": "lanh_hai_rong", "topic": "vung_bien",
     "prompt": "Lãnh hải rộng bao nhiêu?", "options": "12 hải lý\n24 hải lý", "correct": 0,
     "explanation": "12 hải lý.", "source": "Luật Biển Việt Nam 2012"},
    {"id": 4, "quiz_id": 2, "position": 2, "entry_id": "vms_bat_24_24", "topic": "nghe_ca",
     "prompt": "VMS bật khi nào?", "options": "24/24 giờ\nKhi có bão", "correct": 0,
     "explanation": "24/24 giờ.", "source": "Nghị định 26/2019/NĐ-CP"},
]  # fmt: skip


def _attempt(number: int, quiz: int, area: str, started: str, answers: list[int], name: str | None = None,
             officer: int | None = None, post: str | None = None) -> dict:  # fmt: skip
    """``answers``: 1 right, 0 wrong, in the order of the quiz's questions; all of them: finished an hour later."""
    finished = len(answers) == 2
    return {"id": number, "quiz_id": quiz, "channel": "telegram", "channel_user_id": f"60{number}",
            "user_ref": f"q{number}", "display_name": name or f"Người chơi {number}", "show_name": int(bool(name)),
            "area": area, "officer_id": officer, "post": post, "question_order": "1,2" if quiz == 1 else "3,4",
            "answered": len(answers), "score": sum(answers), "started_at": vn(started),
            "finished_at": vn(started, 10) if finished else None, "answers": answers}  # fmt: skip


ATTEMPTS = [
    _attempt(1, 1, "ly_son", "2026-10-05", [1, 1], name="Ngư dân Lý Sơn Một"),
    _attempt(2, 1, "ly_son", "2026-10-06", [1, 0]),
    _attempt(3, 1, "sa_huynh", "2026-10-07", [0, 0]),
    _attempt(4, 1, "ly_son", "2026-09-28", [1, 1]),
    _attempt(5, 2, "ly_son", "2026-10-08", [1, 1], officer=1, post=LY_SON),
    _attempt(6, 2, "sa_huynh", "2026-10-20", [1, 0], officer=2, post=SA_HUYNH),
    _attempt(7, 2, "ly_son", "2026-10-21", [0], officer=3, post=LY_SON),
]
EXPECTED_QUIZ_TOTALS = {"quiz_participants": 3, "trainings_completed": 2}
# The rewards table (bot/metrics/rewards.py) for October.
EXPECTED_REWARD_POSTS = {
    LY_SON: {"areas": "Đặc khu Lý Sơn", "subscribers": 3, "broadcasts": 1, "deliveries": 3, "delivery_rate": 0.75,
             "tickets_answered": 3, "ticket_answer_p50_hours": 2.0, "quiz_attempts": 2, "quiz_per_subscriber": 0.667,
             "trainings_completed": 1},
    SA_HUYNH: {"areas": "Phường Sa Huỳnh", "subscribers": 2, "broadcasts": 0, "deliveries": 0, "delivery_rate": None,
               "tickets_answered": 1, "ticket_answer_p50_hours": 10.0, "quiz_attempts": 1, "quiz_per_subscriber": 0.5,
               "trainings_completed": 1},
}  # fmt: skip
EXPECTED_REWARD_OFFICERS = {
    "Trung úy A": {"post": LY_SON, "subscribers": 3, "broadcasts": 1, "delivery_rate": 0.75, "tickets_answered": 5,
                   "ticket_answer_p50_hours": 4.0, "quiz_attempts": 2, "trainings_completed": 1,
                   "training": f"{TRAINING} (2026-10-08 10:00, 2/2)"},
    "Thiếu úy B": {"post": SA_HUYNH, "subscribers": 2, "broadcasts": 0, "delivery_rate": None, "tickets_answered": 0,
                   "ticket_answer_p50_hours": None, "quiz_attempts": 1, "trainings_completed": 1,
                   "training": f"{TRAINING} (2026-10-20 10:00, 1/2)"},
    "Đại úy C": {"post": LY_SON, "subscribers": 3, "broadcasts": 0, "delivery_rate": None, "tickets_answered": 0,
                 "ticket_answer_p50_hours": None, "quiz_attempts": 2, "trainings_completed": 0, "training": ""},
}  # fmt: skip


def seed_quizzes(connection: Connection) -> None:
    """The officers, subscribers, contest and training set above."""
    connection.execute(insert(Officer), OFFICERS)
    connection.execute(insert(Subscriber), SUBSCRIBERS)
    connection.execute(insert(Quiz), QUIZZES)
    connection.execute(insert(QuizQuestion), QUESTIONS)
    connection.execute(insert(QuizAttempt), [{k: v for k, v in a.items() if k != "answers"} for a in ATTEMPTS])
    questions = {(q["quiz_id"], q["position"]): q for q in QUESTIONS}
    connection.execute(insert(QuizAnswer), [
        {"attempt_id": a["id"], "question_id": (q := questions[(a["quiz_id"], i + 1)])["id"],
         "chosen": q["correct"] if right else 1 - q["correct"], "correct": right, "answered_at": a["started_at"]}
        for a in ATTEMPTS for i, right in enumerate(a["answers"])
    ])  # fmt: skip


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
            text="Bão số 3: bà con vào bờ", status="done", created_by_channel="telegram", created_by_user_id="901",
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
        seed_quizzes(connection)
