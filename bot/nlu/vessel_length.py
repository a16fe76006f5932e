"""Vessel lengths and short follow-ups, read by rule: the last step of the NLU pipeline.

- Entity ``vessel_length`` (metres, a float) for a length named next to a vessel word or with a unit:
  "tàu tui 13m", "ghe 13 met", "tau 13,5m", "chiều dài 15 mét". A class is not a length ("dưới 15 m",
  "từ 15 m trở lên", "15-24m"), nor are other units ("tàu 90 CV", "cách bờ 200 m" is out of range).
- Entity ``bare_number`` for a message that is only a number ("13", "khoảng 13,5"): the answer to "Tàu
  của bà con dài bao nhiêu mét?" (domain.yml maps it to the slot only while that question is open).
- Intent ``ask_fine`` for "vậy phạt bao nhiêu?", ``inform_vessel_length`` for a message that says a
  length and nothing else ("còn tàu 24 m thì sao?", "tàu tui 13m"), and ``length_unknown`` for "không rõ",
  "ko biet", "xem hết": their meaning is in the conversation (bot/dialogue/knowledge_policy.py), so the
  classifier's guess is replaced.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.danger import EMERGENCY_INTENT
from bot.nlu.language import OTHER_LANGUAGE_INTENT
from bot.nlu.rule_component import RuleComponent
from bot.text import fold

LENGTH_ENTITY = "vessel_length"
NUMBER_ENTITY = "bare_number"
LENGTH_INTENT = "inform_vessel_length"
FINE_INTENT = "ask_fine"
UNKNOWN_INTENT = "length_unknown"
EXTRACTOR = "VesselLengthReader"
_FOLLOWUPS = (LENGTH_INTENT, FINE_INTENT, UNKNOWN_INTENT)
MIN_LENGTH, MAX_LENGTH = 1.0, 100.0  # "112" is a phone number, "cách bờ 200 m" a distance

_NUMBER = r"(\d+(?:[.,]\d+)?)"
# A number with a unit of length, or after "dài" ("chiều dài 15"); not followed by "trở lên", "-", "m2"...
_LENGTH = re.compile(rf"(?<![\d.,\-–])(?:{_NUMBER}\s*(?:m|met|meter|thuoc)\b|\bdai\s+{_NUMBER}\b)(?!\s*(?:tro|-|–|\d))")
_CLASS_WORDS = {"duoi", "tren", "hon", "qua", "tu", "den", "toi", "khoi", "lon"}
_VESSEL_WORDS = {"tau", "ghe", "thuyen", "dai"}
_BARE = re.compile(rf"^(?:khoang|tam|chung|tau|ghe|dai)?\s*{_NUMBER}\s*(?:m|met)?\s*(?:a|ha|nha|thoi)?$")
# Words of a message that only points back to the conversation ("còn tàu 24 m thì sao?").
_FILLER = set(
    "con the thi sao vay z zay rua rang ntn nao nhu la ra neu tau ghe thuyen cua tui toi minh em anh chu bac "
    "dai chieu khoang tam chung co cai chiec ha a nhi nha m met thuoc".split()
)
_FINE_WORDS = set("phat bao nhieu nhiu bn bnh tien muc bi gi j khong ko k hok hong nang nhe".split())
_WORD = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+")
# "Không rõ / xem hết" typed: the whole message says the person does not know the length.
_UNKNOWN = re.compile(
    r"^(?:(?:tui|toi|em|minh|cung)\s+)?(?:khong|ko|k|hok|hong|chua)\s+(?:ro|biet|nho|chac)(?:\s+\w+){0,2}$"
    r"|^(?:xem|cho xem|coi)\s+(?:het|tat ca)(?:\s+\w+){0,2}$|^tat ca$"
)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def vessel_lengths(text: str) -> list[tuple[float, int, int]]:
    """(metres, start, end) of each vessel length the text names (positions in the NFC text)."""
    folded = fold(text)
    found = []
    for match in _LENGTH.finditer(folded):
        before = folded[: match.start()].split()[-3:]
        if before and before[-1] in _CLASS_WORDS:
            continue
        value = _number(match[1] or match[2])
        near_vessel = bool(match[2]) or any(w in _VESSEL_WORDS for w in before) or len(folded.split()) <= 2
        if MIN_LENGTH <= value <= MAX_LENGTH and near_vessel:
            found.append((value, match.start(), match.end()))
    return found


def bare_number(text: str) -> float | None:
    match = _BARE.match(" ".join(fold(text).strip(" ?.!").split()))
    return _number(match[1]) if match else None


def followup_intent(text: str, has_length: bool) -> str | None:
    """``ask_fine``, ``inform_vessel_length`` or ``length_unknown`` when the message has no content of its own."""
    if not has_length and _UNKNOWN.match(" ".join(_WORD.findall(fold(text))[:6])):
        return UNKNOWN_INTENT
    words = [w for w in _WORD.findall(fold(text)) if not w[0].isdigit()]
    if not words and not has_length:
        return None
    if "phat" in words and set(words) <= _FILLER | _FINE_WORDS:
        return FINE_INTENT
    if has_length and set(words) <= _FILLER:
        return LENGTH_INTENT
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class VesselLengthReader(RuleComponent):
    """Adds the vessel-length entities and sets the follow-up intents (see the module docstring)."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            entities = [
                {"entity": LENGTH_ENTITY, "value": value, "start": start, "end": end, "extractor": EXTRACTOR}
                for value, start, end in vessel_lengths(text)
            ]
            has_length = bool(entities)
            number = bare_number(text)
            if number is not None and MIN_LENGTH <= number <= MAX_LENGTH:
                entities.append(
                    {"entity": NUMBER_ENTITY, "value": number, "start": 0, "end": len(text), "extractor": EXTRACTOR}
                )
            if entities:
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), *entities], add_to_output=True)
            intent = (message.get(INTENT) or {}).get("name")
            followup = followup_intent(text, has_length)
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in _FOLLOWUPS]
            if followup and intent not in (EMERGENCY_INTENT, OTHER_LANGUAGE_INTENT):
                top = {"name": followup, "confidence": 1.0}
                message.set(INTENT, top, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
            elif intent in _FOLLOWUPS and ranking:  # the classifier's guess, but the message has content
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
