"""Evaluation questions and how a reply to one is judged.

Each item of an evaluation file has ``text``, ``style`` (accented, no_diacritics, dialect, typos),
``kind`` (fact, unverified, emergency, out_of_scope, chitchat) and, for fact/unverified, the ``facts``
of the fact sheet whose content answers it. Items are labelled with fact ids, not with our intent
names, so the sets were written without seeing the training data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

STYLES = ("accented", "no_diacritics", "dialect", "typos")


@dataclass(frozen=True)
class Question:
    text: str
    style: str
    kind: str
    facts: tuple[str, ...]
    long: bool = False  # a letter with a backstory before the question


def load_questions(path: Path) -> list[Question]:
    """Questions of an evaluation file; in a look-alike file (``{text, emergency, style}``) each item is an
    ``emergency`` or a ``lookalike`` (reads like danger once folded, but is not)."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Question(
            i["text"],
            i.get("style", "no_diacritics"),
            i["kind"] if "kind" in i else ("emergency" if i["emergency"] else "lookalike"),
            tuple(i.get("facts") or ()),
            bool(i.get("long")),
        )
        for i in items
    ]
