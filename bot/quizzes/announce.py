"""A published contest is announced to its subscribers through a broadcast, sent when it opens."""

from __future__ import annotations

from bot.broadcasts import lifecycle
from bot.quizzes import store
from bot.storage.models import Quiz, utcnow
from bot.vietnam_time import shown

ANNOUNCEMENT = (
    "Cuộc thi “{title}”: {questions} câu hỏi về luật biển, thủy sản, an toàn trên biển, mỗi câu có đáp án và "
    "nguồn văn bản. Mở từ {start} đến {end}. Tham gia: gõ /thi (hoặc “thi tìm hiểu”)."
)


def announce(quiz: Quiz, by: str) -> int | None:
    """Broadcast the contest (officers' training sets are not announced); the broadcast's id."""
    if quiz.track != "residents":
        return None
    text = ANNOUNCEMENT.format(
        title=quiz.title, questions=len(store.questions(quiz.id)),
        start=shown(quiz.starts_at, "%H:%M %d/%m/%Y"), end=shown(quiz.ends_at, "%H:%M %d/%m/%Y"),
    )  # fmt: skip
    channel, _, user = by.partition(":")
    broadcast = lifecycle.create(
        text, created_by_channel=channel, created_by_user_id=user, areas=[quiz.area] if quiz.area else [],
        at=quiz.starts_at if quiz.starts_at > utcnow() else None,
    )  # fmt: skip
    store.set_announcement(quiz.id, broadcast.id)
    return broadcast.id
