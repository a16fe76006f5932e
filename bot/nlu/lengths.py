"""Vessel lengths read from a message's text, without Rasa: the NLU pipeline (bot/rasa/nlu/vessel_length.py)
and the gateways (which remember a subscriber's length, bot/gateways/conversation.py) read them the same way.

- ``vessel_lengths``: each length named next to a vessel word or with a unit ("tàu tui 13m", "ghe 13 met",
  "tau 13,5m", "chiều dài 15 mét"). A class is not a length ("dưới 15 m", "từ 15 m trở lên", "15-24m"),
  nor are other units ("tàu 90 CV"); "cách bờ 200 m" is out of range.
- ``bare_number``: a message that is only a number ("13", "khoảng 13,5"), the answer to "Tàu của bà con dài
  bao nhiêu mét?".
"""

from __future__ import annotations

import re

from bot.vietnamese import fold

MIN_LENGTH, MAX_LENGTH = 1.0, 100.0  # "112" is a phone number, "cách bờ 200 m" a distance

_NUMBER = r"(\d+(?:[.,]\d+)?)"
# A number with a unit of length, or after "dài" ("chiều dài 15"); not followed by "trở lên", "-", "m2"...
_LENGTH = re.compile(rf"(?<![\d.,\-–])(?:{_NUMBER}\s*(?:m|met|meter|thuoc)\b|\bdai\s+{_NUMBER}\b)(?!\s*(?:tro|-|–|\d))")
_CLASS_WORDS = {"duoi", "tren", "hon", "qua", "tu", "den", "toi", "khoi", "lon"}
_VESSEL_WORDS = {"tau", "ghe", "thuyen", "dai"}
_BARE = re.compile(rf"^(?:khoang|tam|chung|tau|ghe|dai)?\s*{_NUMBER}\s*(?:m|met)?\s*(?:a|ha|nha|thoi)?$")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def vessel_lengths(text: str) -> list[tuple[float, int, int]]:
    """(metres, start, end) of each vessel length the text names (positions in the NFC text)."""
    folded = fold(text)
    found = []
    for match in _LENGTH.finditer(folded):
        before = folded[: match.start()].split()[-3:]
        if before and before[-1] in _CLASS_WORDS and not match[2]:  # "dưới 15 m"; but "tôi dài 15"
            continue
        value = _number(match[1] or match[2])
        near_vessel = bool(match[2]) or any(w in _VESSEL_WORDS for w in before) or len(folded.split()) <= 2
        if MIN_LENGTH <= value <= MAX_LENGTH and near_vessel:
            found.append((value, match.start(), match.end()))
    return found


def bare_number(text: str) -> float | None:
    match = _BARE.match(" ".join(fold(text).strip(" ?.!").split()))
    return _number(match[1]) if match else None


# "my vessel": a vessel word followed by a first-person word ("tàu tui", "ghe của tôi", "tàu nhà em").
_OWN = re.compile(r"\b(tau|ghe|thuyen)\s+(cua\s+)?(tui|toi|minh|em|nha\s+(tui|toi|minh|em)|nha)\b")


def stated_length(text: str, answering: bool) -> float | None:
    """The one length a message states of the person's OWN vessel: in answer to the length question (a bare
    number, "13", or "tàu 13,5 m"), or named as theirs ("tàu tui 13m", "ghe của tôi dài 15 mét"); not "còn tàu
    24 m thì sao?" (another vessel). None when it states none, or several different ones."""
    named = {value for value, _, _ in vessel_lengths(text)}
    if named and (answering or _OWN.search(fold(text))):
        return named.pop() if len(named) == 1 else None
    if named:
        return None
    number = bare_number(text) if answering else None
    return number if number is not None and MIN_LENGTH <= number <= MAX_LENGTH else None
