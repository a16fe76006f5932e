"""Questions drafted from the quiz items of knowledge/quiz.yml, for staff to review before a quiz is published.

Each item names a knowledge entry and its right option, written by a person from the entry's answer (and
checked to appear there). The wrong options are the right options of *other* items of the same kind — real
figures of the law, only not this one's — leaving out any value this entry's answer or source states, so
that no wrong option is a true statement of the entry.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.knowledge.base import Entry, KnowledgeBase, knowledge
from bot.settings import PROJECT_ROOT

QUIZ_FILE = PROJECT_ROOT / "knowledge" / "quiz.yml"
OPTIONS = 4
KINDS = ("date", "distance", "length", "money", "count", "duration", "document", "who")
TRACKS = ("residents", "officers")


class QuizItemError(ValueError):
    """A quiz item that does not hold: the message says which and why."""


@dataclass(frozen=True)
class Item:
    entry: Entry
    kind: str
    right: str
    question: str
    tracks: tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    entry_id: str
    topic: str
    prompt: str
    options: tuple[str, ...]
    correct: int
    explanation: str
    source: str

    @property
    def right(self) -> str:
        return self.options[self.correct]


def norm(value: str) -> str:
    """How values are compared: case, spaces, leading zeros and decimal commas do not matter."""
    text = re.sub(r"\s+", " ", value.strip().lower().replace(",", "."))
    return re.sub(r"\b0+(\d)", r"\1", text)


def parse_items(data: object, kb: KnowledgeBase) -> tuple[Item, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise QuizItemError("quiz.yml must have a list `items`")
    items = []
    for number, raw in enumerate(data["items"], 1):
        where = f"quiz item {number}"
        if not isinstance(raw, dict):
            raise QuizItemError(f"{where}: expected a mapping")
        entry = kb.by_id(str(raw.get("entry", "")))
        if entry is None:
            raise QuizItemError(f"{where}: no knowledge entry {raw.get('entry')!r}")
        kind, right = str(raw.get("kind", "")), str(raw.get("right", "")).strip()
        if kind not in KINDS:
            raise QuizItemError(f"{where} ({entry.id}): kind must be one of {', '.join(KINDS)}")
        if not right or norm(right) not in norm(entry.answer):
            raise QuizItemError(f"{where} ({entry.id}): the right option {right!r} is not in the entry's answer")
        track = str(raw.get("track", "residents"))
        tracks = TRACKS if track == "both" else (track,)
        if not set(tracks) <= set(TRACKS):
            raise QuizItemError(f"{where} ({entry.id}): track must be residents, officers or both")
        question = str(raw.get("question") or entry.title).strip()
        items.append(Item(entry, kind, right, question if question.endswith("?") else f"{question}?", tracks))
    for kind in {item.kind for item in items}:
        if sum(item.kind == kind for item in items) < OPTIONS:
            raise QuizItemError(f"kind {kind!r} has fewer than {OPTIONS} items: its questions lack wrong options")
    return tuple(items)


@lru_cache(maxsize=1)
def quiz_items(path: Path = QUIZ_FILE) -> tuple[Item, ...]:
    return parse_items(yaml.safe_load(path.read_text(encoding="utf-8")), knowledge())


def wrong_options(item: Item, items: Iterable[Item]) -> list[str]:
    """Every value another item of the same kind has as its right option, except what this entry states."""
    stated = norm(f"{item.entry.answer} {item.entry.source}")
    found = {norm(o.right): o.right for o in items if o.kind == item.kind and o.entry.id != item.entry.id}
    return sorted(value for key, value in found.items() if key not in stated and key != norm(item.right))


def _number(value: str) -> float | None:
    found = re.match(r"\d+(?:[.,]\d+)?", value.strip())
    return float(found.group(0).replace(",", ".")) if found and found.group(0) == value.split()[0] else None


def _alike(right: str, wrong: list[str], keep: int = OPTIONS + 1) -> list[str]:
    """For numbers, the wrong options closest in size to the right one ("14" among 5, 21, 55, not 91)."""
    target = _number(right)
    sized = [(abs(math.log((n or 0) + 1) - math.log(target + 1)), w) for w in wrong if (n := _number(w)) is not None]
    if target is None or len(sized) < len(wrong):
        return wrong
    return [w for _, w in sorted(sized)[:keep]]


def draft(item: Item, items: Iterable[Item], rng: random.Random) -> Draft | None:
    wrong = wrong_options(item, items)
    if len(wrong) < OPTIONS - 1:
        return None
    options = [item.right, *rng.sample(_alike(item.right, wrong), OPTIONS - 1)]
    rng.shuffle(options)
    entry = item.entry
    return Draft(entry.id, entry.topic, item.question, tuple(options), options.index(item.right),
                 entry.answer, entry.source)  # fmt: skip


def draft_quiz(count: int, track: str = "residents", topic: str | None = None, seed: int | None = None,
               items: tuple[Item, ...] | None = None) -> list[Draft]:  # fmt: skip
    """Up to ``count`` questions, each from a different entry (of ``topic``, if given), in a random order."""
    items = quiz_items() if items is None else items
    rng = random.Random(seed)
    chosen = [i for i in items if track in i.tracks and (topic is None or i.entry.topic == topic)]
    rng.shuffle(chosen)
    drafts = [d for item in chosen if (d := draft(item, items, rng)) is not None]
    return drafts[:count]
