"""Emergency first: rules that make a message an emergency whatever the classifier's confidence.

The classifier learns an ``emergency`` intent from examples, but a person whose boat is sinking must
not depend on a confidence score. This component runs after the classifier:
- a *strong* signal ("SOS", "cứu với", "đang chìm", "người rơi xuống biển", "mất liên lạc"...) makes
  the message an emergency;
- a *weak* one ("chìm", "cháy", "bão", "giúp") does so only if the classifier itself gives the
  emergency intent some weight, since "bảo hiểm có trả khi tàu bị cháy không" is a question;
- neither counts in a message about the past ("năm ngoái tàu tui bị chìm...").
The classifier's own guess is kept in ``danger_override``, so the bot can send the rescue contacts
first and still answer a question such as "thấy tàu khác bị chìm có phải cứu không".
"""

from __future__ import annotations

import unicodedata

import regex
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.rule_component import RuleComponent
from bot.text import folded_terms

EMERGENCY_INTENT = "emergency"
OVERRIDE_KEY = "danger_override"
WEAK_SIGNAL_MIN_CONFIDENCE = 0.1


def _compile(patterns: list[str]) -> regex.Pattern:
    return regex.compile("|".join(f"(?:{p})" for p in patterns))


# Patterns over the folded, teencode-normalised words of the message, joined by single spaces.
_STRONG = _compile(
    [
        # calls for help
        r"\bsos\b", r"\bmayday\b", r"\bman overboard\b", r"^(cuu\s*)+$",
        r"\bcuu (voi|toi|tau|chung|cuu|em|anh|minh|mang|giup|ghe|con)\b", r"\bnguy (roi|lam|qua|to)\b",
        r"\bcan (cuu|ho tro|giup) gap\b", r"\bdang gap nan\b", r"\bgap nan\b.*\b(roi|dang|ngay|gap)\b",
        # sinking, water, capsizing
        r"\b(dang|sap) (bi )?chim\b", r"\bchim (roi|mat|xuong|nhanh|dan)\b", r"\b(tau|ghe) (dang|sap) chim\b",
        r"\bnuoc (vao|vo|tran|ngap|len)\b.*\b(tau|khoang|ham|may|ghe|nhanh)\b", r"\b(ngap|vo) nuoc\b",
        r"\bnuoc\b.*\b(khoang|ham|tau)\b.*\b(len|vao|vo)\b", r"\b(hong|hu) bom\b",
        r"\bthung (tau|day|vo|khoang|lo)\b", r"\b(tau|ghe) (bi )?thung\b",
        r"\b(bi|sap|da|dang) lat\b", r"\blat (tau|ghe|thung|roi)\b", r"\b(tau|ghe|thung) lat\b",
        r"\bnghieng\b.*\b(nuoc|song|lat)\b",
        # fire
        r"\b(dang|bi) boc chay\b", r"\bboc (chay|khoi)\b", r"\bkhoi (mu|den|bay|day)\b", r"\bno (may|binh|gas)\b",
        r"\bhoa hoan\b",
        # people in the water
        r"\b(roi|rot|nga|te|song cuon) (xuong )?(bien|nuoc)\b", r"\bnguoi (roi|rot|nga|te|troi)\b",
        r"\b(xuong|duoi) (bien|nuoc) roi\b", r"\bkeo\b.*\bxuong bien\b", r"\b(dang|bi) duoi nuoc\b",
        r"\b(chet duoi|choi voi)\b", r"\bchua (thay )?(ngoi|noi) len\b", r"\btho lan\b.*\bchua len\b",
        r"\bbam (vao )?(can|phao|thung|van)\b", r"\b(ong hoi|day hoi) (bi )?dut\b",
        # no engine, drifting, weather
        r"\b(hong|chet|tat|hu|mat) may\b.*\b(bao|song|gio|troi|keo)\b", r"\b(bao|song|gio)\b.*\b(hong|chet|hu) may\b",
        r"\btroi dat\b", r"\b(tau|ghe|thuyen|thung) (dang |bi )?troi\b", r"\b(dang|bi) troi\b",
        r"\btroi (ra|ve|vo|vao)\b", r"\b(gay|dut|mat) (banh lai|lai|chan vit|xich neo|neo)\b",
        r"\b(xich neo|neo|banh lai|chan vit) (bi )?(gay|dut|hong|quan)\b", r"\bsong danh\b",
        r"\b(khong|ko) (ve|vo) kip\b", r"\bkhong kip (ve|vo)\b", r"\bbi (day|cuon|keo) (ra|di)\b",
        r"\bloc xoay\b.*\b(tau|ghe|nguoi)\b",
        # grounding, collision, attack
        r"\bmac can\b", r"\b(dam|huc) (vao|va|chim|trung|gay|vo)\b", r"\bva cham\b.*\b(tau|thung|chim|nuoc)\b",
        r"\b(tan cong|ruot duoi|dang bat giu|dang keo tau|ap sat|cam sung)\b", r"\bleo len tau (toi|minh|em|chung)\b",
        r"\bdanh (anh em|ngu dan)\b",
        # injured or ill on board
        r"\b(bat tinh|ngat xiu|ngat|xiu|hon me|dau tim|dot quy|ngo doc|chay mau|kho tho|khong tho)\b",
        r"\b(khong|chua) tinh (lai|day)\b",
        r"\b(tim tai|co giat|gay (chan|tay|xuong))\b", r"\b(ran bien|sua) (can|chich)\b",
        r"\b(ket|de) (trong|duoi|tay)\b",
        # lost or missing
        r"\bmat (lien lac|lien he|gps|dinh vi|la ban|phuong huong)\b", r"\b(lac|mat) duong\b",
        r"\bkhong biet (dang )?o (dau|mo)\b", r"\bhet (dau|xang|nhien lieu|nuoc ngot|nuoc uong|do an)\b",
        r"(?=.*\b(chua (thay )?(ve|dia|vo bo)|khong thay ve)\b)(?=.*\b(bao|song|bien dong|goi|lien lac|lo)\b)",
        r"\bkhong (lien lac|goi) (duoc|dc)\b", r"\bkhong thay (tau|ghe)\b.*\b(dau|mo)\b",
        r"\bkhong ai (bat may|tra loi)\b",
    ]
)  # fmt: skip
_WEAK = _compile(
    [r"\bchim\b", r"\bchay\b", r"\bcuu\b", r"\bgiup\b", r"\bnguy\b", r"\bbao\b", r"\bnan\b", r"\bbi thuong\b",
     r"\bnghieng\b", r"\bmat tin hieu\b", r"\bhelp\b", r"\bkhan cap\b"]
)  # fmt: skip
_PAST = _compile(
    [r"\bnam (ngoai|truoc|roi)\b", r"\b(tuan|thang) truoc\b", r"\bhoi (nam|truoc|do)\b", r"\btruoc day\b",
     r"\bda tung\b", r"\bnam (19|20)\d\d\b", r"\bhom truoc\b"]
)  # fmt: skip
# With diacritics "cháy" (burn) is not "chạy" (run): what is ambiguous when folded is strong here.
_ACCENTED_STRONG = regex.compile(r"\bđang (bốc )?cháy\b|\bbốc cháy\b|\bcháy (tàu|ghe|máy|lớn|hầm|khoang|rồi)\b|\bđắm\b")
_ACCENTED_WEAK = regex.compile(r"\b(cháy|chìm|cứu|nguy)\b")


_REPEATS = regex.compile(r"(\p{L})\1{2,}")


def _folded(text: str) -> str:
    """Folded words, with shouted letters collapsed ("cứuuuu" -> "cuu", "chìmmm" -> "chim")."""
    words = folded_terms(text.replace("🆘", " sos "))
    return " ".join(_REPEATS.sub(lambda m: m.group(1) * (2 if m.group(1) == "u" else 1), w) for w in words)


def danger_level(text: str) -> str:
    """'strong', 'weak' or 'none': how clearly the message reads as danger at sea happening now."""
    folded = _folded(text)
    if _PAST.search(folded):
        return "none"
    accented = unicodedata.normalize("NFC", text.lower())
    if _STRONG.search(folded) or _ACCENTED_STRONG.search(accented):
        return "strong"
    if _ACCENTED_WEAK.search(accented) or (_WEAK.search(folded) and accented == folded):
        return "weak"
    return "none"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DangerDetector(RuleComponent):
    """Sets the intent to ``emergency`` on a strong danger signal, or a weak one the classifier shares."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            emergency = next((r.get("confidence") or 0 for r in ranking if r.get("name") == EMERGENCY_INTENT), 0.0)
            level = danger_level(message.get(TEXT) or "")
            if level == "none" or (level == "weak" and emergency < WEAK_SIGNAL_MIN_CONFIDENCE):
                continue
            intent = message.get(INTENT) or {}
            if intent.get("name") != EMERGENCY_INTENT:
                message.set(OVERRIDE_KEY, dict(intent), add_to_output=True)
            others = [r for r in ranking if r.get("name") != EMERGENCY_INTENT]
            top = {"name": EMERGENCY_INTENT, "confidence": 1.0}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *others], add_to_output=True)
        return messages
