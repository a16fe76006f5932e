"""Quizzes in the database: created as drafts from the quiz items, reviewed and edited by staff, published
(announced to subscribers), played one question at a time, one attempt per person, resumable.

Times are stored as naive UTC like everything else; people type and read Vietnam time (bot/vietnam_time.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channels.types import CHANNELS
from bot.knowledge.base import knowledge
from bot.quizzes.drafting import TRACKS, Item, draft_quiz
from bot.storage import db
from bot.storage.models import Quiz, QuizAnswer, QuizAttempt, QuizQuestion, QuizStatus, utcnow
from bot.subscribers import pseudonym

MAX_QUESTIONS = 30
# As many options as every channel shows as buttons under one message (Zalo and the web chat: 5).
MAX_OPTIONS = min(channel.max_buttons for channel in CHANNELS.values())
OPTION_LETTERS = "ABCDEFGH"[:MAX_OPTIONS]


class QuizError(ValueError):
    """Bad input from staff (CLI, dashboard): the message says what is wrong, in Vietnamese, for both."""


def options_of(question: QuizQuestion) -> list[str]:
    return question.options.split("\n")


def create(
    title: str, count: int, starts_at: datetime, ends_at: datetime, created_by: str, track: str = "residents",
    topic: str | None = None, area: str | None = None, seed: int | None = None,
    items: tuple[Item, ...] | None = None,
) -> Quiz:  # fmt: skip
    """A draft quiz with up to ``count`` questions drafted from the quiz items, for staff to review."""
    title = title.strip()
    if not title:
        raise QuizError("Tên cuộc thi không được để trống.")
    if not 1 <= count <= MAX_QUESTIONS:
        raise QuizError(f"Số câu hỏi phải từ 1 đến {MAX_QUESTIONS}.")
    if ends_at <= starts_at:
        raise QuizError("Giờ kết thúc phải sau giờ bắt đầu.")
    if track not in TRACKS:
        raise QuizError(f"Đối tượng phải là một trong: {', '.join(TRACKS)}.")
    if topic is not None and topic not in knowledge().topics:
        raise QuizError(f"Không có chủ đề này ({topic}). Các chủ đề: {', '.join(knowledge().topics)}.")
    drafts = draft_quiz(count, track, topic, seed, items)
    if not drafts:
        raise QuizError("Ngân hàng câu hỏi (knowledge/quiz.yml) chưa có câu nào cho lựa chọn này: chọn chủ đề khác.")
    with db.session() as session, session.begin():
        quiz = Quiz(title=title[:200], track=track, topic=topic, area=area, starts_at=starts_at, ends_at=ends_at,
                    status=QuizStatus.DRAFT, created_by=created_by)  # fmt: skip
        session.add(quiz)
        session.flush()
        for position, found in enumerate(drafts, 1):
            session.add(QuizQuestion(
                quiz_id=quiz.id, position=position, entry_id=found.entry_id, topic=found.topic,
                prompt=found.prompt, options="\n".join(found.options), correct=found.correct,
                explanation=found.explanation, source=found.source,
            ))  # fmt: skip
    return quiz


def get(quiz_id: int) -> Quiz | None:
    with db.session() as session:
        return session.get(Quiz, quiz_id)


def all_quizzes() -> list[Quiz]:
    with db.session() as session:
        return list(session.execute(select(Quiz).order_by(Quiz.id.desc())).scalars())


def questions(quiz_id: int) -> list[QuizQuestion]:
    with db.session() as session:
        query = select(QuizQuestion).where(QuizQuestion.quiz_id == quiz_id).order_by(QuizQuestion.position)
        return list(session.execute(query).scalars())


def _draft_question(session: Session, question_id: int) -> QuizQuestion:
    question = session.get(QuizQuestion, question_id)
    if question is None:
        raise QuizError("Không còn câu hỏi này (có thể vừa bị xóa). Tải lại trang.")
    quiz = session.get(Quiz, question.quiz_id)
    if quiz.status != QuizStatus.DRAFT:
        raise QuizError("Cuộc thi đã xuất bản thì không sửa được nữa: có thể đã có người thi.")
    return question


def edit_question(question_id: int, prompt: str | None = None, options: list[str] | None = None,
                  correct: int | None = None) -> QuizQuestion:  # fmt: skip
    """Staff's review: reword the question or the options, or say which option is right (drafts only)."""
    with db.session() as session, session.begin():
        question = _draft_question(session, question_id)
        if prompt is not None:
            if not prompt.strip():
                raise QuizError("Câu hỏi không được để trống.")
            question.prompt = prompt.strip()
        if options is not None:
            cleaned = [o.strip() for o in options]
            if not 2 <= len(cleaned) <= MAX_OPTIONS or not all(cleaned) or len(set(cleaned)) < len(cleaned):
                raise QuizError(f"Cần từ 2 đến {MAX_OPTIONS} phương án khác nhau, không để trống.")
            question.options = "\n".join(cleaned)
        if correct is not None:
            question.correct = correct
        if not 0 <= question.correct < len(options_of(question)):
            raise QuizError("Đáp án đúng phải là một trong các phương án.")
    return question


def remove_question(question_id: int) -> None:
    with db.session() as session, session.begin():
        question = _draft_question(session, question_id)
        quiz_id, position = question.quiz_id, question.position
        session.delete(question)
        session.flush()
        if not session.execute(select(QuizQuestion.id).where(QuizQuestion.quiz_id == quiz_id).limit(1)).first():
            raise QuizError("Cuộc thi phải còn ít nhất một câu hỏi.")
        session.execute(
            update(QuizQuestion)
            .where(QuizQuestion.quiz_id == quiz_id, QuizQuestion.position > position)
            .values(position=QuizQuestion.position - 1)
        )


def publish(quiz_id: int, published_by: str) -> Quiz:
    """Approve a reviewed draft: it opens at its start time."""
    with db.session() as session, session.begin():
        quiz = session.get(Quiz, quiz_id)
        if quiz is None:
            raise QuizError("Không có cuộc thi này.")
        if quiz.status != QuizStatus.DRAFT:
            raise QuizError("Cuộc thi này đã được xuất bản rồi.")
        if quiz.ends_at <= utcnow():
            raise QuizError("Giờ kết thúc đã qua: hãy tạo lại cuộc thi với ngày mới.")
        quiz.status, quiz.published_at, quiz.published_by = QuizStatus.PUBLISHED, utcnow(), published_by
    return quiz


def set_announcement(quiz_id: int, broadcast_id: int) -> None:
    with db.session() as session, session.begin():
        session.execute(update(Quiz).where(Quiz.id == quiz_id).values(broadcast_id=broadcast_id))


def open_quizzes(tracks: tuple[str, ...], area: str | None, now: datetime | None = None) -> list[Quiz]:
    """Published quizzes one may play now: of these tracks, for everyone or for this area."""
    now = now or utcnow()
    with db.session() as session:
        found = session.execute(
            select(Quiz)
            .where(Quiz.status == QuizStatus.PUBLISHED, Quiz.starts_at <= now, Quiz.ends_at > now,
                   Quiz.track.in_(tracks))
            .order_by(Quiz.ends_at)
        ).scalars()  # fmt: skip
        return [q for q in found if q.area is None or q.area == area]


# ---- playing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Player:
    channel: str
    user_id: str
    display_name: str | None
    area: str | None
    officer_id: int | None = None
    post: str | None = None


def attempt_of(quiz_id: int, channel: str, user_id: str) -> QuizAttempt | None:
    with db.session() as session:
        return session.execute(
            select(QuizAttempt).where(QuizAttempt.quiz_id == quiz_id, QuizAttempt.channel == channel,
                                      QuizAttempt.channel_user_id == user_id)
        ).scalar_one_or_none()  # fmt: skip


def get_attempt(attempt_id: int) -> QuizAttempt | None:
    with db.session() as session:
        return session.get(QuizAttempt, attempt_id)


def taken_by(channel: str, user_id: str) -> int:
    """How many quizzes the person started (their personal data, /dulieu)."""
    with db.session() as session:
        return session.execute(
            select(func.count()).select_from(QuizAttempt)
            .where(QuizAttempt.channel == channel, QuizAttempt.channel_user_id == user_id)
        ).scalar_one()  # fmt: skip


def start(quiz: Quiz, player: Player) -> QuizAttempt:
    """The person's attempt at this quiz: a new one (questions in an order of their own), or the one they left."""
    found = attempt_of(quiz.id, player.channel, player.user_id)
    if found is not None:
        return found
    order = [q.id for q in questions(quiz.id)]
    random.SystemRandom().shuffle(order)
    try:
        with db.session() as session, session.begin():
            attempt = QuizAttempt(
                quiz_id=quiz.id, channel=player.channel, channel_user_id=player.user_id,
                user_ref=pseudonym(player.channel, player.user_id), display_name=player.display_name,
                area=player.area, officer_id=player.officer_id, post=player.post,
                question_order=",".join(map(str, order)),
            )  # fmt: skip
            session.add(attempt)
        return attempt
    except IntegrityError:  # the same person pressed twice at once: theirs is the one that got in
        return attempt_of(quiz.id, player.channel, player.user_id)  # type: ignore[return-value]


def order_of(attempt: QuizAttempt) -> list[int]:
    return [int(i) for i in attempt.question_order.split(",") if i]


def current_question(attempt: QuizAttempt) -> QuizQuestion | None:
    """The next question the person has not answered, or None when they are done."""
    order = order_of(attempt)
    if attempt.answered >= len(order):
        return None
    with db.session() as session:
        return session.get(QuizQuestion, order[attempt.answered])


@dataclass(frozen=True)
class Answered:
    status: str  # recorded | late | not_current | finished_before
    correct: bool = False
    question: QuizQuestion | None = None
    attempt: QuizAttempt | None = None


def answer(attempt_id: int, question_id: int, chosen: int, now: datetime | None = None) -> Answered:
    """Record the person's choice for the question they are at. Refused after the quiz's end, and for a button
    of an earlier question (pressed again, or from an old message)."""
    now = now or utcnow()
    with db.session() as session, session.begin():
        attempt = session.get(QuizAttempt, attempt_id)
        if attempt is None:
            return Answered("not_current")
        quiz = session.get(Quiz, attempt.quiz_id)
        if attempt.finished_at is not None:
            return Answered("finished_before", attempt=attempt)
        if now >= quiz.ends_at:
            return Answered("late", attempt=attempt)
        order = order_of(attempt)
        if attempt.answered >= len(order) or order[attempt.answered] != question_id:
            return Answered("not_current", attempt=attempt)
        question = session.get(QuizQuestion, question_id)
        correct = int(chosen == question.correct)
        moved = session.execute(
            update(QuizAttempt)
            .where(QuizAttempt.id == attempt_id, QuizAttempt.answered == attempt.answered)
            .values(answered=QuizAttempt.answered + 1, score=QuizAttempt.score + correct,
                    finished_at=now if attempt.answered + 1 == len(order) else None)
            .execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        if not moved:  # the same button pressed twice at once
            return Answered("not_current", attempt=attempt)
        session.add(QuizAnswer(attempt_id=attempt_id, question_id=question_id, chosen=chosen, correct=correct,
                               answered_at=now))  # fmt: skip
        session.flush()
        session.refresh(attempt)
    return Answered("recorded", bool(correct), question, attempt)


def set_show_name(attempt_id: int, show: bool) -> None:
    with db.session() as session, session.begin():
        session.execute(update(QuizAttempt).where(QuizAttempt.id == attempt_id).values(show_name=int(show)))


def erase_person(session: Session, channel: str, user_id: str, unlinked_ref: str) -> None:
    """Part of deleting a person's data: their attempts keep only scores, area and times, for the figures."""
    session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.channel == channel, QuizAttempt.channel_user_id == user_id)
        .values(channel_user_id=f"deleted-{unlinked_ref[-12:]}", user_ref=unlinked_ref, display_name=None,
                show_name=0)
        .execution_options(synchronize_session=False)
    )  # fmt: skip


def participants(quiz_id: int) -> int:
    with db.session() as session:
        return session.execute(
            select(func.count()).select_from(QuizAttempt).where(QuizAttempt.quiz_id == quiz_id)
        ).scalar_one()
