"""The chat side of quizzes, for every channel (Telegram, Zalo, the web chat): channel-neutral, it returns
``OutMessage``s with buttons.

``/thi`` ("thi tìm hiểu") lists the quizzes open to the person: contests for everyone, and for `bot officer`
accounts also the officers' training sets. One open quiz shows its intro with a start button; several, a button
each. Then one question at a time, a button per option; after each answer whether it was right, the right
option, the explanation and its source, then the next question; at the end the score, the time taken and (for
contests) the question whether to show the person's name on the leaderboard. ``/thi`` again resumes an
unfinished attempt; one attempt per person per quiz.

Buttons (the gateway owns ``#...`` payloads): ``#quiz:open:<quiz>``, ``#quiz:go:<quiz>``,
``#quiz:a:<attempt>:<question>:<option>``, ``#quiz:name:<attempt>:yes|no``. An attempt's buttons work only for
the person whose attempt it is.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot import fixed_texts
from bot.channels.render import OutMessage, render
from bot.channels.types import ChannelType
from bot.quizzes import store
from bot.quizzes.store import Player
from bot.storage.models import Officer, Quiz, QuizAttempt, QuizQuestion, Subscriber
from bot.vietnam_time import shown

END_LAYOUT = "%H:%M ngày %d/%m/%Y"


def player_of(person: Subscriber, officer: Officer | None) -> Player:
    """Who plays, as a gateway knows them: an officer (`bot officer`) plays under their name and post."""
    if officer is None:
        return Player(person.channel, person.channel_user_id, person.display_name, person.area)
    area = person.area or next((key for key in (officer.areas or "").split(",") if key), None)
    return Player(person.channel, person.channel_user_id, officer.name or person.display_name, area, officer.id,
                  officer.post)  # fmt: skip


def tracks_of(player: Player) -> tuple[str, ...]:
    return ("residents", "officers") if player.officer_id is not None else ("residents",)


def duration(started: datetime, finished: datetime) -> str:
    seconds = max(0, int((finished - started).total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} phút {seconds} giây" if minutes else f"{seconds} giây"


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


class QuizDesk:
    def __init__(self, channel: ChannelType) -> None:
        self.channel = channel

    async def open(self, player: Player) -> list[OutMessage]:
        """``/thi``: the quizzes open to the person, or the one they are playing."""
        return await asyncio.to_thread(self._open, player)

    async def on_button(self, player: Player, value: str) -> list[OutMessage]:
        """A ``#quiz:`` button (``value`` is what follows ``#quiz:``)."""
        return await asyncio.to_thread(self._button, player, value)

    # ---- listing and starting -----------------------------------------------------------------------

    def _open(self, player: Player) -> list[OutMessage]:
        found = store.open_quizzes(tracks_of(player), player.area)
        if not found:
            return self._say(fixed_texts.QUIZ_NONE)
        if len(found) == 1:
            return self._show(found[0], player)
        buttons = [(self._label(q), f"#quiz:open:{q.id}") for q in found]
        return self._say(fixed_texts.QUIZ_CHOOSE.format(count=len(found)), buttons)

    def _open_quiz(self, player: Player, quiz_id: int | None) -> Quiz | None:
        """The quiz if it is open to this person now (a draft, another area's or a closed one is not)."""
        return next((q for q in store.open_quizzes(tracks_of(player), player.area) if q.id == quiz_id), None)

    def _show(self, quiz: Quiz, player: Player) -> list[OutMessage]:
        """The intro of a quiz the person has not started; else where they are in it."""
        attempt = store.attempt_of(quiz.id, player.channel, player.user_id)
        if attempt is None:
            training = quiz.track == "officers"
            intro = fixed_texts.QUIZ_INTRO_TRAINING if training else fixed_texts.QUIZ_INTRO
            text = intro.format(title=quiz.title, questions=len(store.questions(quiz.id)),
                                end=shown(quiz.ends_at, END_LAYOUT))  # fmt: skip
            return self._say(text, [(fixed_texts.QUIZ_START, f"#quiz:go:{quiz.id}")])
        if attempt.finished_at is not None:
            return self._finished_before(quiz, attempt)
        return self._say(fixed_texts.QUIZ_RESUME.format(title=quiz.title)) + self._question(attempt)

    def _go(self, player: Player, quiz_id: int | None) -> list[OutMessage]:
        quiz = self._open_quiz(player, quiz_id)
        if quiz is None:
            return self._say(fixed_texts.QUIZ_CLOSED)
        attempt = store.start(quiz, player)
        if attempt.finished_at is not None:
            return self._finished_before(quiz, attempt)
        return self._question(attempt)

    # ---- playing ------------------------------------------------------------------------------------

    def _button(self, player: Player, value: str) -> list[OutMessage]:
        action, *rest = value.split(":")
        numbers = [_number(part) for part in rest]
        quiz_id = numbers[0] if len(numbers) == 1 else None
        if action == "go" and quiz_id is not None:
            return self._go(player, quiz_id)
        if action == "open" and quiz_id is not None:
            quiz = self._open_quiz(player, quiz_id)
            return self._show(quiz, player) if quiz else self._say(fixed_texts.QUIZ_CLOSED)
        if action == "a" and len(numbers) == 3 and None not in numbers:
            return self._answer(player, *numbers)  # type: ignore[arg-type]
        if action == "name" and len(rest) == 2 and numbers[0] is not None and rest[1] in ("yes", "no"):
            return self._name(player, numbers[0], rest[1] == "yes")
        return self._say(fixed_texts.QUIZ_OLD_BUTTON)

    def _own_attempt(self, player: Player, attempt_id: int) -> QuizAttempt | None:
        attempt = store.get_attempt(attempt_id)
        if attempt is None or (attempt.channel, attempt.channel_user_id) != (player.channel, player.user_id):
            return None
        return attempt

    def _answer(self, player: Player, attempt_id: int, question_id: int, chosen: int) -> list[OutMessage]:
        attempt = self._own_attempt(player, attempt_id)
        if attempt is None:
            return self._say(fixed_texts.QUIZ_NOT_YOURS)
        quiz = store.get(attempt.quiz_id)
        current = store.current_question(attempt)
        if current is not None and current.id == question_id and not 0 <= chosen < len(store.options_of(current)):
            return self._say(fixed_texts.QUIZ_OLD_BUTTON) + self._question(attempt)
        answered = store.answer(attempt.id, question_id, chosen)
        if answered.status == "late":
            text = fixed_texts.QUIZ_LATE.format(title=quiz.title, end=shown(quiz.ends_at, END_LAYOUT))
            if attempt.answered:
                text += fixed_texts.QUIZ_LATE_SCORE.format(score=attempt.score, answered=attempt.answered)
            return self._say(text)
        if answered.status == "finished_before":
            return self._finished_before(quiz, attempt)
        if answered.status != "recorded" or answered.question is None or answered.attempt is None:
            fresh = store.get_attempt(attempt.id) or attempt
            return self._say(fixed_texts.QUIZ_ALREADY_ANSWERED) + self._question(fresh)
        feedback = self._say(self._feedback(answered.question, answered.correct))
        attempt = answered.attempt
        if attempt.finished_at is None:
            return feedback + self._question(attempt)
        return feedback + self._done(quiz, attempt, player)

    def _name(self, player: Player, attempt_id: int, show: bool) -> list[OutMessage]:
        attempt = self._own_attempt(player, attempt_id)
        if attempt is None:
            return self._say(fixed_texts.QUIZ_NOT_YOURS)
        store.set_show_name(attempt.id, show and bool(attempt.display_name))
        return self._say(fixed_texts.QUIZ_NAME_SHOWN if show else fixed_texts.QUIZ_NAME_HIDDEN)

    # ---- messages -----------------------------------------------------------------------------------

    def _question(self, attempt: QuizAttempt) -> list[OutMessage]:
        question = store.current_question(attempt)
        if question is None:  # answered the last one a moment ago
            quiz = store.get(attempt.quiz_id)
            return self._finished_before(quiz, store.get_attempt(attempt.id) or attempt)
        options = store.options_of(question)
        listed = "\n".join(f"{store.OPTION_LETTERS[i]}. {option}" for i, option in enumerate(options))
        text = fixed_texts.QUIZ_QUESTION.format(n=attempt.answered + 1, total=len(store.order_of(attempt)),
                                                prompt=question.prompt, options=listed)  # fmt: skip
        buttons = [
            (f"{store.OPTION_LETTERS[i]}. {option}", f"#quiz:a:{attempt.id}:{question.id}:{i}")
            for i, option in enumerate(options)
        ]
        return self._say(text, buttons)

    @staticmethod
    def _feedback(question: QuizQuestion, correct: bool) -> str:
        return fixed_texts.QUIZ_FEEDBACK.format(
            verdict=fixed_texts.QUIZ_RIGHT if correct else fixed_texts.QUIZ_WRONG,
            letter=store.OPTION_LETTERS[question.correct], option=store.options_of(question)[question.correct],
            explanation=question.explanation, source=question.source,
        )  # fmt: skip

    def _done(self, quiz: Quiz, attempt: QuizAttempt, player: Player) -> list[OutMessage]:
        took = duration(attempt.started_at, attempt.finished_at or attempt.started_at)
        total = len(store.order_of(attempt))
        if quiz.track == "officers":
            post = f" ({attempt.post})" if attempt.post else ""
            return self._say(fixed_texts.QUIZ_DONE_TRAINING.format(title=quiz.title, score=attempt.score,
                                                                   total=total, duration=took, post=post))  # fmt: skip
        done = self._say(fixed_texts.QUIZ_DONE.format(title=quiz.title, score=attempt.score, total=total,
                                                      duration=took))  # fmt: skip
        if not player.display_name:  # nothing to show: the leaderboard says "(ẩn danh)"
            return done
        buttons = [
            (fixed_texts.QUIZ_NAME_YES, f"#quiz:name:{attempt.id}:yes"),
            (fixed_texts.QUIZ_NAME_NO, f"#quiz:name:{attempt.id}:no"),
        ]
        return done + self._say(fixed_texts.QUIZ_ASK_NAME.format(name=player.display_name), buttons)

    def _finished_before(self, quiz: Quiz, attempt: QuizAttempt) -> list[OutMessage]:
        return self._say(fixed_texts.QUIZ_FINISHED_BEFORE.format(title=quiz.title, score=attempt.score,
                                                                 total=len(store.order_of(attempt))))  # fmt: skip

    @staticmethod
    def _label(quiz: Quiz) -> str:
        return fixed_texts.QUIZ_TRAINING_LABEL.format(title=quiz.title) if quiz.track == "officers" else quiz.title

    def _say(self, text: str, buttons: list[tuple[str, str]] | None = None) -> list[OutMessage]:
        """One message fitted to the channel (long texts split, button titles shortened)."""
        reply = {"text": text, "buttons": [{"title": t, "payload": p} for t, p in buttons or []]}
        return render([reply], self.channel)
