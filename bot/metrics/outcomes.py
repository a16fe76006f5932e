"""What the bot did with a message, read from the NAMES of the responses it sent (the ``utter_action``
of Rasa's bot events), never from their wording:

- ``utter_kb_*`` (a knowledge answer, or one case of an entry: ``utter_kb_<id>...``) and
  ``utter_emergency``: answered;
- ``utter_did_you_mean``: offered choices (buttons of relevant entries);
- ``utter_out_of_scope``, ``utter_out_of_scope_*``: declined as out of scope;
- ``utter_dont_know``: not understood (in the bot's field, but it has no answer);
- ``utter_ask_*`` alone: a clarifying question, no outcome of its own (the answer that follows gives
  it, see log.py);
- anything else (greetings, publications, subscriptions): answered, the detail by the intent.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.knowledge.base import Entry, knowledge

ANSWERED, CHOICES, DECLINED, NOT_UNDERSTOOD = "answered", "choices", "declined", "not_understood"
OUTCOMES = (ANSWERED, CHOICES, DECLINED, NOT_UNDERSTOOD)
# How the dashboard, its CSV files and the report name them.
OUTCOME_LABELS = {
    ANSWERED: "Trả lời được", CHOICES: "Đưa ra lựa chọn (nút bấm)", DECLINED: "Từ chối: ngoài phạm vi",
    NOT_UNDERSTOOD: "Chưa hiểu, chưa có câu trả lời",
}  # fmt: skip
ASK_PREFIX = "utter_ask_"
KNOWLEDGE_PREFIX = "utter_kb_"
# The detail of an answer that is neither knowledge nor an emergency, by the intent.
INTENT_DETAILS = {
    "other_language": "other_language", "empty_message": "empty", "request_publication": "publication",
    "subscribe": "subscription", "unsubscribe": "subscription",
}  # fmt: skip


def outcome_of(responses: Sequence[str], intent: str | None) -> tuple[str, str] | None:
    """(outcome, detail) of a turn's responses, or None if the bot only asked a clarifying question."""
    said = [name for name in responses if not name.startswith(ASK_PREFIX)]
    if not said and responses:
        return None
    if "utter_emergency" in said:
        return ANSWERED, "emergency"
    if any(name.startswith(KNOWLEDGE_PREFIX) for name in said):
        return ANSWERED, "knowledge"
    if "utter_did_you_mean" in said:
        return CHOICES, "suggestions"
    if any(name == "utter_out_of_scope" or name.startswith("utter_out_of_scope_") for name in said):
        return DECLINED, "out_of_scope"
    if "utter_dont_know" in said:
        return NOT_UNDERSTOOD, "dont_know"
    return ANSWERED, INTENT_DETAILS.get(intent or "", "conversation")


def answered_entry(responses: Sequence[str]) -> Entry | None:
    """The knowledge entry a turn answered (``utter_kb_<id>``, or one of its length cases)."""
    kb = knowledge()
    return next((entry for name in responses if (entry := kb.by_response(name)) is not None), None)
