"""Vessel lengths and short follow-ups, read by rule: the last step of the NLU pipeline.

- Entity ``vessel_length`` (metres, a float) for a length the text names (bot/nlu/lengths.py: "tàu tui
  13m", "ghe 13 met", "chiều dài 15 mét"; not a class, "dưới 15 m"); when the text names none, the length
  a subscriber gave before, which the gateway sends in the message metadata (``vessel_length``), so a
  returning subscriber is not asked again. A length in the text always wins.
- Entity ``bare_number`` for a message that is only a number ("13", "khoảng 13,5"): the answer to "Tàu
  của bà con dài bao nhiêu mét?" (domain.yml maps it to the slot only while that question is open).
- Intent ``ask_fine`` for "vậy phạt bao nhiêu?", ``inform_vessel_length`` for a message that says a
  length and nothing else ("còn tàu 24 m thì sao?", "tàu tui 13m"), and ``length_unknown`` for "không rõ",
  "ko biet", "xem hết": their meaning is in the conversation (bot/rasa/policy.py), so the
  classifier's guess is replaced. A length from the metadata is not said in the message: it sets none.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.danger import EMERGENCY_INTENT
from bot.nlu.lengths import MAX_LENGTH, MIN_LENGTH, bare_number, vessel_lengths
from bot.rasa.nlu.language import OTHER_LANGUAGE_INTENT
from bot.rasa.nlu.rule_component import RuleComponent
from bot.vietnamese import fold

LENGTH_ENTITY = "vessel_length"
NUMBER_ENTITY = "bare_number"
LENGTH_INTENT = "inform_vessel_length"
FINE_INTENT = "ask_fine"
UNKNOWN_INTENT = "length_unknown"
EXTRACTOR = "VesselLengthReader"
METADATA_KEY = "vessel_length"  # the subscriber's stored length (bot/gateways/conversation.py)
_FOLLOWUPS = (LENGTH_INTENT, FINE_INTENT, UNKNOWN_INTENT)
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


def profile_length(metadata: object) -> float | None:
    """The subscriber's stored length the gateway sent with the message, if it is a plausible one (the REST
    channel is open: metadata is input like the text)."""
    value = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and MIN_LENGTH <= value <= MAX_LENGTH:
        return float(value)
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
            known = profile_length(message.get(METADATA))
            if known is not None and not entities:  # no span: the length is not in the text
                entities.append({"entity": LENGTH_ENTITY, "value": known, "start": 0, "end": 0, "extractor": EXTRACTOR})
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
