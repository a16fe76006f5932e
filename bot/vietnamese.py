"""Vietnamese text helpers shared by the NLU tokenizer, the knowledge search and the channels.

Three jobs, kept apart:
- ``clean_message``: make an incoming message safe to process (NFC, no control characters, bounded length);
- ``fold``: the diacritic-free, lowercase key under which accented and unaccented typing meet;
- ``syllables`` / ``normalise_syllable``: split text into syllables and map teencode and dialect
  words onto standard Vietnamese, so that "ko", "hok", "hông" all read as "không".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

# A syllable: letters with their combining marks (NFD input), or digits (with , or . inside numbers).
_SYLLABLE = regex.compile(r"\d+(?:[.,]\d+)*|[\p{L}\p{M}]+")
_CONTROL = regex.compile(r"[\p{Cc}\p{Cf}\p{Co}\p{Cs}]")
_SPACES = regex.compile(r"\s+")
_REPEATS = regex.compile(r"(\p{L})\1{2,}")  # a letter held down: "cứuuuu", "chìmmm"
_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")
_FOREIGN_SCRIPT = regex.compile(r"[\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}\p{Thai}\p{Cyrillic}\p{Arabic}]")
_VIETNAMESE_LETTER = regex.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ]|[\p{Latin}][\u0300\u0301\u0303\u0309\u0323]")

# A Vietnamese syllable without its diacritics: onset, vowel group, final consonant.
_VIETNAMESE_SYLLABLE = regex.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"(?:uye|uya|uyu|uoi|uou|oai|oay|oeo|ieu|yeu|uay|uai|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye"
    r"|a|e|i|o|u|y)(?:ch|ng|nh|[cmnpt])?$"
)
# Acronyms that appear in Vietnamese questions about the sea and are not syllables.
_ACRONYMS = frozenset("vms iuu eez ec eu unclos vhf khz mhz mmsi gps sos vneid ok bdbp sdt mrcc gmdss".split())

# Tone marks moved to the "old" placement used by most official texts: hoà -> hòa, thuỷ -> thủy.
_TONE_PLACEMENT = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_TONE_PLACEMENT_RE = regex.compile(r"(?<![qQ])(" + "|".join(_TONE_PLACEMENT) + r")$")

# Teencode and central-coast dialect. Accented dialect words are recognised by their surface form
# ("hông" = không, but "hỏng" = broken); teencode only when typed without diacritics. One syllable
# may expand to several ("ntn" -> như thế nào). Ambiguous forms ("hong", "mo", "dk") are left to the model.
_DIALECT: dict[str, tuple[str, ...]] = {
    "răng": ("sao",),
    "mô": ("dau",),
    "rứa": ("the",),
    "hông": ("khong",),
    "hổng": ("khong",),
    "chừ": ("gio",),
    "tê": ("kia",),
    "mần": ("lam",),
    "nớ": ("do",),
    "ghe": ("tau",),
}
_TEENCODE: dict[str, tuple[str, ...]] = {
    "k": ("khong",),
    "ko": ("khong",),
    "kh": ("khong",),
    "khg": ("khong",),
    "hok": ("khong",),
    "hk": ("khong",),
    "hem": ("khong",),
    "j": ("gi",),
    "ji": ("gi",),
    "z": ("vay",),
    "zay": ("vay",),
    "ntn": ("nhu", "the", "nao"),
    "rang": ("sao",),
    "rua": ("the",),
    "ri": ("nay",),
    "ni": ("nay",),
    "bn": ("bao", "nhieu"),
    "bnhieu": ("bao", "nhieu"),
    "bh": ("bao", "gio"),
    "bgio": ("bao", "gio"),
    "dc": ("duoc",),
    "vs": ("voi",),
    "ng": ("nguoi",),
    "tui": ("toi",),
    "ghe": ("tau",),
    "sdt": ("so", "dien", "thoai"),
    "dt": ("dien", "thoai"),
    "dthoai": ("dien", "thoai"),
    "tr": ("trieu",),
    "hl": ("hai", "ly"),
    "gp": ("giay", "phep"),
    "bik": ("biet",),
    "ik": ("di",),
    "mn": ("moi", "nguoi"),
    "m": ("met",),
    "h": ("gio",),
    "ms": ("moi",),
    "r": ("roi",),
    "cx": ("cung",),
    "trc": ("truoc",),
    "nc": ("nuoc",),
    "nx": ("nua",),
    "bdbp": ("bien", "phong"),
    "bp": ("bien", "phong"),
    "nd": ("nghi", "dinh"),
    "qd": ("quyet", "dinh"),
    "qh": ("quoc", "hoi"),
    "qn": ("quang", "ngai"),
    "qng": ("quang", "ngai"),
    "ns": ("noi",),
    "lm": ("lam",),
    "wa": ("qua",),
    "hnay": ("hom", "nay"),
    "hqua": ("hom", "qua"),
    "mk": ("minh",),
    "oy": ("roi",),
    "ruj": ("roi",),
    "nhiu": ("nhieu",),
    "ktra": ("kiem", "tra"),
    "dag": ("dang",),
    "dg": ("dang",),
    "qngai": ("quang", "ngai"),
    "tq": ("trung", "quoc"),
    "vn": ("viet", "nam"),
    "ae": ("anh", "em"),
    "dqkt": ("dac", "quyen", "kinh", "te"),
}
# "chi" typed without diacritics is dialect "gì" unless a word follows that makes it "chi" (spend).
_CHI_AS_WORD = {"phi", "tra", "tieu", "cuc", "bo", "nhanh", "tiet", "tien", "ho", "viec", "dung"}


@dataclass(frozen=True)
class Syllable:
    """One syllable of a message: its surface text, offsets and normalised folded forms."""

    text: str
    start: int
    end: int
    lemmas: tuple[str, ...]


def clean_message(text: object, max_chars: int) -> str:
    """Return the message as safe NFC text: no control characters, single spaces, bounded length."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
    return text


def has_words(text: str) -> bool:
    """True when the text has at least one letter or digit (not only emoji or punctuation)."""
    return bool(_LETTER_OR_DIGIT.search(text))


def looks_foreign(text: str) -> bool:
    """True for text in another language: another script, or Latin-script words most of which cannot
    be Vietnamese syllables ("tell me a joke"), as opposed to Vietnamese typed without diacritics."""
    if _FOREIGN_SCRIPT.search(text):
        return True
    if _VIETNAMESE_LETTER.search(unicodedata.normalize("NFD", text)) or _VIETNAMESE_LETTER.search(text):
        return False
    words = [
        w
        for w in (fold(w) for w in regex.findall(r"\p{L}+", text))
        if w not in _TEENCODE and w not in _ACRONYMS and regex.search("[aeiouy]", w)  # not abbreviations
    ]
    if len(words) < 3:
        return False
    foreign = sum(not _VIETNAMESE_SYLLABLE.match(w) for w in words)
    return foreign / len(words) >= 0.65


def unshout(text: str) -> str:
    """Lowercase, NFC, letters held down cut back ("CỨUUUU" -> "cứuu", "chìmmm" -> "chìm"; "u" keeps two for
    "cuu"), and 🆘 as the word "sos"."""
    text = unicodedata.normalize("NFC", text.replace("🆘", " sos ")).lower()
    return _REPEATS.sub(lambda m: m.group(1) * (2 if m.group(1) == "u" else 1), text)


def fold(text: str) -> str:
    """Lowercase and remove every diacritic: "Thủy sản ĐÀ NẴNG" -> "thuy san da nang"."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return stripped.replace("đ", "d")


def normalise_tone_placement(word: str) -> str:
    """Move the tone mark of a lowercase syllable to the usual place (hoà -> hòa, thuỷ -> thủy)."""
    return _TONE_PLACEMENT_RE.sub(lambda m: _TONE_PLACEMENT[m.group(1)], unicodedata.normalize("NFC", word))


def syllables(text: str) -> list[Syllable]:
    """Split text into syllables with offsets, each with its folded, teencode-expanded lemmas.

    Digits glued to units are split ("15m" -> "15", "m"). Offsets index into ``text`` as given
    (NFC or NFD), so callers can map syllables back to the original message.
    """
    raw = [(m.group(), m.start(), m.end()) for m in _SYLLABLE.finditer(text)]
    result: list[Syllable] = []
    for i, (surface, start, end) in enumerate(raw):
        word = normalise_tone_placement(surface.lower())
        if word in _DIALECT:
            lemmas = _DIALECT[word]
        elif word == "chi":
            following = fold(raw[i + 1][0]) if i + 1 < len(raw) else ""
            lemmas = ("chi",) if following in _CHI_AS_WORD else ("gi",)
        elif (typed := word.replace("đ", "d")).isascii() and typed in _TEENCODE:  # "đc" as "dc"
            lemmas = _TEENCODE[typed]
        else:
            lemmas = (fold(word),)
        result.append(Syllable(surface, start, end, lemmas))
    return result


def folded_terms(text: str) -> list[str]:
    """The normalised, folded words of a text: what search and matching compare."""
    return [lemma for s in syllables(text) for lemma in s.lemmas]
