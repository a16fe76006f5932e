"""Answer, offer choices, or decline: one decision from three independent opinions on a message.

- the classifier (DIET): a confidence for every intent;
- the nearest training questions (bot/rasa/nlu/neighbours.py): a vote of the most similar wordings, and how
  similar the closest wording of each intent is (its *relevance*);
- a BM25 search of the knowledge file (bot/knowledge/search.py), when it finds more than one shared word.

The rules, with thresholds measured on the development sets (``benchmarks/calibrate.py`` prints the
figures behind each value below):
1. the classifier is sure → its intent, unless the two other opinions agree on another entry with a close
   wording ("nđ 301/2025 sửa những gì": the classifier follows "sửa những gì" to another decree);
2. all three opinions put the same intent first, or two do and a wording of it is close enough → that intent
   (a long letter is far from every short wording, but the three opinions still agree on it); not when the
   classifier names an out-of-scope intent with some confidence and the two others only share a place name
   or a word such as "đăng ký" ("giá cá nục ở Sa Huỳnh", "đăng ký kết hôn ở đâu");
3. otherwise the knowledge entries that are relevant to the message (a wording close enough, and named
   by an opinion) are offered as buttons, best first — never entries that are merely "the least bad"; when
   only one entry is relevant and a wording of it is very close, it is answered (one button is one tap more);
4. the price of goods, unless the classifier is sure: out of scope, with the price pointer;
5. nothing relevant: out of scope ("not my field", with a pointer: the out-of-scope intent the opinions
   name among their first five, else the general one), unless no opinion names one and the message uses
   the bot's own vocabulary (a strong search match): then the bot says it does not know and points to a
   person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import regex

from bot.knowledge.base import INTENT_PREFIX
from bot.vietnamese import folded_terms

OUT_OF_SCOPE = "out_of_scope"
PRICE = OUT_OF_SCOPE + "_price"
# The price of goods ("cá bạc má bán bao nhiêu", "máy cũ bán được bao nhiêu", "hết bao nhiêu tiền"), over folded
# words; not a fine, a fee, support or insurance, which the bot does know, nor "bao nhiêu ngày" after buying a boat.
_PRICE = regex.compile(
    r"(?<!\bnghe )\b(ban|mua|gia)\b(?! tin)(\s\w+){0,8}\sbao nhieu\b"
    r"(?! (ngay|thang|nam|chiec|tau|ghe|nguoi|km|hai ly|met|lau|gio|phan))"
    r"|\bbao nhieu (tien )?(mot|1) (ky|kg|lit|cay|cai|con|thung)\b|\b(ban|mua) (duoc )?(khoang )?bao nhieu\b"
    r"|\bhet bao nhieu tien\b"
)
_KNOWN_MONEY = regex.compile(
    r"\b(phat|ho tro|phi|le phi|bao hiem|vay|nghi dinh|luat|quy dinh|thue|tro cap|boi thuong|den bu|chi tra|muc"
    r"|dang ky|giay phep)\b"
)
MAX_CHOICES = 3
CHOICES_KEY = "choices"  # parse-data key of the entries to offer (read by action_suggest_topics)


@dataclass(frozen=True)
class Opinions:
    classifier: list[tuple[str, float]]  # (intent, confidence), best first
    neighbours: list[tuple[str, float]]  # (intent, share of the vote), best first
    relevance: dict[str, float]  # intent -> similarity of its closest wording
    search: list[tuple[str, float]]  # (knowledge intent, BM25 score), best first
    asks_a_price: bool = False  # the price of goods (``asks_a_price``): no opinion can make that an answer


@dataclass(frozen=True)
class Thresholds:
    sure: float = 0.5  # classifier confidence that needs no second opinion
    agree: float = 0.35  # closest-wording similarity for an intent two opinions agree on
    relevant: float = 0.5  # closest-wording similarity for an entry to be offered as a button
    in_field: float = 12.0  # BM25 score that shows the message is about the bot's field
    single: float = 0.6  # closest-wording similarity at which the only relevant entry is answered, not offered
    search_votes: float = 16.0  # BM25 score below which the search has no opinion (one shared word)
    declines: float = 0.1  # classifier confidence in an out-of-scope intent that two other opinions cannot overrule


@dataclass(frozen=True)
class Decision:
    outcome: str  # "answer", "choices", "dont_know" or "out_of_scope"
    intent: str | None = None  # the intent to answer ("answer", "out_of_scope")
    choices: tuple[str, ...] = field(default_factory=tuple)  # knowledge intents to offer ("choices")


def asks_a_price(text: str) -> bool:
    """True for a question about the price of goods, which the bot cannot know (measured on the development
    sets: no fact question matches)."""
    words = " ".join(folded_terms(text))
    return bool(_PRICE.search(words)) and not _KNOWN_MONEY.search(words)


def is_knowledge(intent: str) -> bool:
    return intent.startswith(INTENT_PREFIX)


def is_out_of_scope(intent: str) -> bool:
    return intent == OUT_OF_SCOPE or intent.startswith(OUT_OF_SCOPE + "_")


def _first(ranking: list[tuple[str, float]]) -> str | None:
    return ranking[0][0] if ranking else None


def decide(opinions: Opinions, thresholds: Thresholds = Thresholds()) -> Decision:
    classifier_first = _first(opinions.classifier)
    if opinions.search and opinions.search[0][1] < thresholds.search_votes:
        opinions = replace(opinions, search=[])
    firsts = [classifier_first, _first(opinions.neighbours), _first(opinions.search)]
    agreed, count = (Counter(i for i in firsts if i).most_common(1) or [(None, 0)])[0]
    close = opinions.relevance.get(agreed or "", 0.0) >= thresholds.agree
    if classifier_first and opinions.classifier[0][1] >= thresholds.sure:
        if agreed and agreed != classifier_first and count == 2 and close and not is_out_of_scope(classifier_first):
            return _answer(agreed)  # the two other opinions overrule it
        return _answer(classifier_first)
    if opinions.asks_a_price:
        return Decision("out_of_scope", intent=PRICE)
    declined = bool(
        classifier_first
        and is_out_of_scope(classifier_first)
        and opinions.classifier[0][1] >= thresholds.declines
        and agreed != classifier_first
    )
    if agreed and not declined and (count == 3 or (count == 2 and close)):
        return _answer(agreed)
    choices = relevant_entries(opinions, thresholds.relevant)
    if len(choices) == 1 and opinions.relevance[choices[0]] >= thresholds.single:
        return _answer(choices[0])
    if choices:
        return Decision("choices", choices=choices)
    named = [i for ranking in (opinions.classifier, opinions.neighbours) for i, _ in ranking[:5] if is_out_of_scope(i)]
    named.sort(key=lambda i: i not in firsts)  # the category an opinion puts first, if any
    search_best = opinions.search[0][1] if opinions.search else 0.0
    if not named and search_best >= thresholds.in_field:
        return Decision("dont_know")
    return Decision("out_of_scope", intent=named[0] if named else OUT_OF_SCOPE)


def _answer(intent: str) -> Decision:
    return Decision("out_of_scope" if is_out_of_scope(intent) else "answer", intent=intent)


def relevant_entries(opinions: Opinions, threshold: float) -> tuple[str, ...]:
    """Knowledge entries named by an opinion whose closest wording is similar enough, most similar first."""
    named = {
        i for ranking in (opinions.classifier[:3], opinions.neighbours[:3], opinions.search[:3]) for i, _ in ranking
    }
    relevant = [i for i in named if is_knowledge(i) and opinions.relevance.get(i, 0.0) >= threshold]
    relevant.sort(key=lambda i: opinions.relevance[i], reverse=True)
    return tuple(relevant[:MAX_CHOICES])
