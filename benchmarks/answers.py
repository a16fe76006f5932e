"""Answer accuracy through the REST channel: what a fisherman would actually receive.

Starts Rasa and the action server with the given model (the same processes `bot run` starts, on
their own ports and a temporary database), sends every question from a fresh sender, and judges the
replies by the names of their responses (the REST channel gives each reply's ``response``):

- ``right``: a knowledge answer of an entry that covers one of the question's facts (for an out-of-scope
  question: "not my field"; for an emergency: the rescue contacts first);
- ``wrong``: another knowledge answer (or, for anything but an emergency, the emergency reply: a false alarm);
- ``choices``: buttons were offered (``choices_right`` when the right entry was among them);
- ``declined``: "not my field" or "I don't know, ask a person" (for an out-of-scope question, only "not my
  field" with its pointer is right; "I don't know" is ``dont_know``).

When the bot asks a clarifying question (``utter_ask_*``, e.g. the vessel's length), the benchmark answers
it as a person who does not know would (the last button: the whole answer) and judges what follows.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

import httpx

from benchmarks.questions import Question
from bot.knowledge.answering import OUT_OF_SCOPE
from bot.knowledge.base import KnowledgeBase

EMERGENCY = "utter_emergency"
CHOICES = "utter_did_you_mean"
DONT_KNOW = "utter_dont_know"
ASK_PREFIX = "utter_ask_"
MAX_CLARIFICATIONS = 2


@dataclass(frozen=True)
class Judge:
    kb: KnowledgeBase

    def verdict(self, question: Question, replies: list[dict]) -> str:
        names = [r.get("response") or "" for r in replies]
        first = names[0] if names else ""
        if question.kind == "emergency":
            return "right" if first == EMERGENCY else "wrong"
        if EMERGENCY in names:
            return "false_alarm"
        if question.kind == "lookalike":  # looks like danger once folded, but is not
            return "right"
        answered = [entry.intent for n in names if (entry := self.kb.by_response(n)) is not None]
        not_my_field = any(n.startswith("utter_" + OUT_OF_SCOPE) for n in names)
        offered = [
            b.get("payload", "").lstrip("/") for r in replies if r.get("response") == CHOICES for b in r["buttons"]
        ]
        if question.kind in ("out_of_scope", "chitchat"):
            if answered:
                return "wrong"
            if offered:
                return "choices"
            if question.kind == "out_of_scope":
                return "right" if not_my_field else ("dont_know" if DONT_KNOW in names else "other")
            return "declined" if not_my_field or DONT_KNOW in names else "right"
        covers = self.kb.intents_stating(question.facts)
        if answered:
            return "right" if covers & set(answered) else "wrong"
        if offered:
            return "choices_right" if covers & set(offered) else "choices"
        return "declined"


async def ask_all(webhook: str, questions: list[Question], concurrency: int = 4) -> list[list[dict]]:
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=60) as client:

        async def send(sender: str, message: str) -> list[dict]:
            response = await client.post(webhook, json={"sender": sender, "message": message})
            response.raise_for_status()
            return response.json()

        async def ask(question: Question) -> list[dict]:
            async with semaphore:
                sender = f"bench-{uuid.uuid4().hex}"
                replies = await send(sender, question.text)
                for _ in range(MAX_CLARIFICATIONS):
                    asking = [
                        r for r in replies if (r.get("response") or "").startswith(ASK_PREFIX) and r.get("buttons")
                    ]
                    if not asking:
                        break
                    replies = await send(sender, asking[-1]["buttons"][-1]["payload"])
                return replies

        return await asyncio.gather(*(ask(q) for q in questions))


def group_of(question: Question) -> str:
    """Fact questions by style (long letters apart), other kinds by kind."""
    if question.kind not in ("fact", "unverified"):
        return question.kind
    return "long" if question.long else question.style


def summarise(questions: list[Question], replies: list[list[dict]], judge: Judge) -> dict:
    by_group: dict[str, Counter] = defaultdict(Counter)
    mistakes = []
    for question, reply in zip(questions, replies, strict=True):
        verdict = judge.verdict(question, reply)
        by_group[group_of(question)][verdict] += 1
        if verdict not in ("right",):
            mistakes.append(
                {
                    "text": question.text,
                    "kind": question.kind,
                    "facts": question.facts,
                    "verdict": verdict,
                    "replies": [r.get("response") for r in reply],
                }
            )
    return {"by_group": {k: dict(v) for k, v in by_group.items()}, "mistakes": mistakes}
