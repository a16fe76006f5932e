"""The knowledge file: what the bot may say, with its source, and the questions that ask for it.

``knowledge/kb.yml`` is the single place staff edit. It holds ``topics`` (key -> title) and
``entries``; each entry has an ``id``, ``topic``, short ``title`` (used on buttons), the ``facts`` of
the fact sheet it relies on, the ``answer``, its ``source`` and training ``questions``. From it the
training importer generates one intent and one response per entry (bot/knowledge/importer.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from bot.settings import get_settings

INTENT_PREFIX = "kb_"
MAX_TITLE_CHARS = 40
MIN_QUESTIONS = 5


class KnowledgeError(ValueError):
    """The knowledge file is malformed; the message says where and how to fix it."""


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    title: str
    facts: tuple[str, ...]
    answer: str
    source: str
    questions: tuple[str, ...]

    @property
    def intent(self) -> str:
        return INTENT_PREFIX + self.id

    @property
    def response(self) -> str:
        return "utter_" + self.intent

    def render(self) -> str:
        """The answer as the user sees it: the text, then where it comes from."""
        return f"{self.answer}\nNguồn: {self.source}"


@dataclass(frozen=True)
class KnowledgeBase:
    topics: dict[str, str]
    entries: tuple[Entry, ...]

    def by_intent(self, intent: str) -> Entry | None:
        return self._by_intent.get(intent)

    def by_id(self, entry_id: str) -> Entry | None:
        return self._by_intent.get(INTENT_PREFIX + entry_id)

    @cached_property
    def _by_intent(self) -> dict[str, Entry]:
        return {entry.intent: entry for entry in self.entries}


def _nfc(value: object) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def _entry(raw: dict, position: int, topics: dict[str, str]) -> Entry:
    where = f"entry #{position} ({raw.get('id', 'no id')})"
    missing = [key for key in ("id", "topic", "title", "answer", "source", "questions") if not raw.get(key)]
    if missing:
        raise KnowledgeError(f"{where}: missing {', '.join(missing)}")
    entry = Entry(
        id=_nfc(raw["id"]),
        topic=_nfc(raw["topic"]),
        title=_nfc(raw["title"]),
        facts=tuple(_nfc(f) for f in raw.get("facts") or ()),
        answer=" ".join(_nfc(raw["answer"]).split()),
        source=_nfc(raw["source"]),
        questions=tuple(dict.fromkeys(_nfc(q) for q in raw["questions"] if _nfc(q))),
    )
    if not entry.id.replace("_", "").isalnum() or not entry.id.isascii() or entry.id != entry.id.lower():
        raise KnowledgeError(f"{where}: id must be lowercase ASCII letters, digits and _")
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
