"""The knowledge file: what the bot may say, with its source, and the questions that ask for it.

``knowledge/kb.yml`` is the single place staff edit. It holds ``topics`` (key -> title) and
``entries``; each entry has an ``id``, ``topic``, short ``title`` (used on buttons), the ``facts`` of
the fact sheet it relies on, the ``answer``, its ``source`` and training ``questions``. From it the
training importer generates one intent and one response per entry (bot/rasa/importer.py).

Two optional fields serve the conversation (bot/rasa/policy.py): ``by_length``, the answer
for each class of vessel length where the law sets different rules by length (a response
``utter_kb_<id>__<from>_<to>`` each), and ``fine``, the entry that answers "vậy phạt bao nhiêu?" next.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from bot.settings import get_settings

INTENT_PREFIX = "kb_"
MAX_TITLE_CHARS = 40
MIN_QUESTIONS = 5
CASE_SEPARATOR = "__"  # utter_kb_<id>__12_15: the answer of entry <id> for vessels of 12 to 15 m
# The law's classes of vessel length (Luật Thủy sản 2017, Nghị định 38/2024): the only allowed bounds.
LENGTH_BOUNDS = (6.0, 12.0, 15.0, 24.0)
# What a draft entry (bot/knowledge/drafts.py) holds in the fields staff must still write and check: an entry
# with it anywhere in its text is refused, so an unverified draft can never go live.
TO_FILL = "TODO"
_RANGE = re.compile(r"^(\d+)-(\d+)?$")


class KnowledgeError(ValueError):
    """The knowledge file is malformed; the message says where and how to fix it."""


@dataclass(frozen=True)
class LengthRange:
    """Vessels from ``low`` metres to under ``high`` (no upper bound when ``high`` is None)."""

    low: float
    high: float | None

    def __contains__(self, length: float) -> bool:
        return self.low <= length and (self.high is None or length < self.high)

    @property
    def key(self) -> str:
        """ "12_15", "24_": the suffix of this case's response name."""
        return f"{self.low:g}_{'' if self.high is None else f'{self.high:g}'}"


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    title: str
    facts: tuple[str, ...]
    answer: str
    source: str
    questions: tuple[str, ...]
    by_length: tuple[tuple[LengthRange, str], ...] = ()
    fine: str | None = None

    @property
    def intent(self) -> str:
        return INTENT_PREFIX + self.id

    @property
    def response(self) -> str:
        return "utter_" + self.intent

    def render(self) -> str:
        """The answer as the user sees it: the text, then where it comes from (every vessel length)."""
        return f"{self.answer}\nNguồn: {self.source}"

    def case(self, length: float) -> tuple[LengthRange, str] | None:
        """The ``by_length`` case of a vessel ``length`` metres long (None when the answer does not vary)."""
        return next((case for case in self.by_length if length in case[0]), None)

    def case_response(self, length: float) -> str:
        """The response that answers for a vessel ``length`` metres long (the whole answer without cases)."""
        case = self.case(length)
        return self.response if case is None else f"{self.response}{CASE_SEPARATOR}{case[0].key}"

    def render_for(self, length: float) -> str:
        """The answer a vessel ``length`` metres long gets (the whole answer when it does not vary)."""
        return self.case_responses().get(self.case_response(length), self.render())

    def case_responses(self) -> dict[str, str]:
        """Response name -> text of every ``by_length`` case, with the source line."""
        return {
            f"{self.response}{CASE_SEPARATOR}{r.key}": f"{text}\nNguồn: {self.source}" for r, text in self.by_length
        }


@dataclass(frozen=True)
class KnowledgeBase:
    topics: dict[str, str]
    entries: tuple[Entry, ...]

    def by_intent(self, intent: str) -> Entry | None:
        """The entry of an intent ``kb_<id>``, also named with a length case (``kb_<id>__12_15``)."""
        return self._by_intent.get(intent.split(CASE_SEPARATOR)[0])

    def by_id(self, entry_id: str) -> Entry | None:
        return self._by_intent.get(INTENT_PREFIX + entry_id)

    def by_response(self, response: str) -> Entry | None:
        """The entry a response answers: ``utter_kb_<id>``, or one of its cases (``utter_kb_<id>__12_15``)."""
        return self.by_intent(response.removeprefix("utter_")) if response.startswith("utter_") else None

    def intents_stating(self, facts: Iterable[str]) -> set[str]:
        """The intents of the entries that state at least one of these fact-sheet ids."""
        return {intent for fact in facts for intent in self._intents_by_fact.get(fact, ())}

    @cached_property
    def _by_intent(self) -> dict[str, Entry]:
        return {entry.intent: entry for entry in self.entries}

    @cached_property
    def _intents_by_fact(self) -> dict[str, tuple[str, ...]]:
        by_fact: dict[str, list[str]] = {}
        for entry in self.entries:
            for fact in entry.facts:
                by_fact.setdefault(fact, []).append(entry.intent)
        return {fact: tuple(intents) for fact, intents in by_fact.items()}


def _nfc(value: object) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def _length_range(key: object, where: str) -> LengthRange:
    match = _RANGE.match(str(key).replace(" ", ""))
    if match is None:
        raise KnowledgeError(f'{where}: by_length key {key!r} must read "a-b" (from a m to under b m) or "a-"')
    low, high = float(match[1]), float(match[2]) if match[2] else None
    for bound in (low, high):
        if bound not in (None, 0.0, *LENGTH_BOUNDS):
            raise KnowledgeError(
                f"{where}: by_length bound {bound:g} m is not one of the law's classes {LENGTH_BOUNDS}"
            )
    if high is not None and high <= low:
        raise KnowledgeError(f"{where}: by_length range {key!r} ends before it starts")
    return LengthRange(low, high)


def _by_length(raw: object, where: str) -> tuple[tuple[LengthRange, str], ...]:
    """The cases, checked to cover every length from 0 m with no gap or overlap."""
    if not raw:
        return ()
    if not isinstance(raw, dict) or len(raw) < 2:
        raise KnowledgeError(f'{where}: by_length needs at least two ranges, e.g. "0-15" and "15-"')
    cases = sorted(
        ((_length_range(k, where), " ".join(_nfc(v).split())) for k, v in raw.items()), key=lambda c: c[0].low
    )
    reached = 0.0
    for length_range, text in cases:
        if not text:
            raise KnowledgeError(f"{where}: by_length {length_range.key} has no answer")
        if length_range.low != reached:
            problem = "a gap" if length_range.low > reached else "an overlap"
            raise KnowledgeError(f"{where}: by_length has {problem} at {min(reached, length_range.low):g} m")
        if length_range.high is None and length_range is not cases[-1][0]:
            raise KnowledgeError(f"{where}: by_length has an overlap after {length_range.low:g} m")
        reached = length_range.high if length_range.high is not None else float("inf")
    if reached != float("inf"):
        raise KnowledgeError(f'{where}: by_length has a gap from {reached:g} m (end with a range "a-")')
    return tuple(cases)


def _entry(raw: dict, position: int, topics: dict[str, str]) -> Entry:
    where = f"entry #{position} ({raw.get('id', 'no id')})"
    missing = [key for key in ("id", "topic", "title", "answer", "source", "questions") if not raw.get(key)]
    if missing:
        raise KnowledgeError(f"{where}: missing {', '.join(missing)}")
    unfilled = [key for key in ("topic", "title", "facts", "answer", "source", "questions", "by_length")
                if TO_FILL in str(raw.get(key) or "")]  # fmt: skip
    if unfilled:
        raise KnowledgeError(f"{where}: {', '.join(unfilled)} still hold {TO_FILL}: write and check them from the "
                             "fact sheet, or remove the draft entry")  # fmt: skip
    entry = Entry(
        id=_nfc(raw["id"]),
        topic=_nfc(raw["topic"]),
        title=_nfc(raw["title"]),
        facts=tuple(_nfc(f) for f in raw.get("facts") or ()),
        answer=" ".join(_nfc(raw["answer"]).split()),
        source=_nfc(raw["source"]),
        questions=tuple(dict.fromkeys(_nfc(q) for q in raw["questions"] if _nfc(q))),
        by_length=_by_length(raw.get("by_length"), where),
        fine=_nfc(raw["fine"]) if raw.get("fine") else None,
    )
    if not entry.id.replace("_", "").isalnum() or not entry.id.isascii() or entry.id != entry.id.lower():
        raise KnowledgeError(f"{where}: id must be lowercase ASCII letters, digits and _")
    if CASE_SEPARATOR in entry.id:
        raise KnowledgeError(f"{where}: id must not contain {CASE_SEPARATOR!r} (it names the by_length cases)")
    if entry.topic not in topics:
        raise KnowledgeError(f"{where}: unknown topic {entry.topic!r}; known: {', '.join(topics)}")
    if len(entry.title) > MAX_TITLE_CHARS:
        raise KnowledgeError(f"{where}: title longer than {MAX_TITLE_CHARS} characters")
    if len(entry.questions) < MIN_QUESTIONS:
        raise KnowledgeError(f"{where}: needs at least {MIN_QUESTIONS} different questions")
    return entry


def parse_knowledge(data: object) -> KnowledgeBase:
    """Validate the parsed YAML of a knowledge file and build the knowledge base."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise KnowledgeError("the knowledge file needs 'topics' and a list of 'entries'")
    topics = {_nfc(k): _nfc(v) for k, v in (data.get("topics") or {}).items()}
    entries = tuple(_entry(raw, i + 1, topics) for i, raw in enumerate(data["entries"]))
    ids = [entry.id for entry in entries]
    for entry_id in {i for i in ids if ids.count(i) > 1}:
        raise KnowledgeError(f"entry id {entry_id!r} appears twice")
    owner: dict[str, str] = {}
    for entry in entries:
        for question in entry.questions:
            if question.lower() in owner and owner[question.lower()] != entry.id:
                raise KnowledgeError(f"question {question!r} is in both {owner[question.lower()]!r} and {entry.id!r}")
            owner[question.lower()] = entry.id
    for entry in entries:
        if entry.fine is not None and entry.fine not in ids:
            raise KnowledgeError(f"entry {entry.id!r}: fine {entry.fine!r} is not the id of an entry")
        if entry.fine == entry.id:
            raise KnowledgeError(f"entry {entry.id!r}: fine must name another entry")
    return KnowledgeBase(topics=topics, entries=entries)


def load_knowledge(path: Path | None = None) -> KnowledgeBase:
    path = path or get_settings().knowledge_file
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path} is not valid YAML: {error}") from error
    return parse_knowledge(data)


@lru_cache(maxsize=1)
def knowledge() -> KnowledgeBase:
    """The knowledge base of the running process (loaded once)."""
    return load_knowledge()
