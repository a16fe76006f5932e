"""Emergency first, and only for danger now: rules that decide the ``emergency`` intent.

The classifier learns an ``emergency`` intent from examples, but a person whose boat is sinking must
not depend on a confidence score, and folded Vietnamese is ambiguous (dầu/đâu/đau, cháy/chạy, chìm,
cứu, bão), so a question about the price of fuel must not get the rescue contacts either. These
rules (without Rasa; the pipeline step is bot/rasa/nlu/danger.py, after the classifier) make the decision:
- a *call for help* ("SOS", "cứu với", "cứu gấp", "help") is an emergency, whatever else the message says;
- a *calm* message (about a price, insurance or support, the law and fines, paperwork, the past or a
  rescued person, the news, statistics or causes, a forecast, how to do something, an illness) is not,
  even with danger words in it: "bảo hiểm có trả khi tàu bị lật không", "năm ngoái tàu tui bị chìm";
- otherwise a *strong* signal ("đang chìm", "người rơi xuống biển", "mất liên lạc"...) makes an emergency;
- a *weak* one ("chìm", "cháy", "bão", "giúp") does so only if the classifier gives the emergency
  intent some weight;
- without any danger word the classifier's own ``emergency`` is not trusted, however sure it is (it
  gave 0.9 and more to "bầu cử tổng thống Mỹ năm nay ai thắng"): the next intent of its ranking stands.
The classifier's own guess is kept in ``danger_override``, so the bot can send the rescue contacts
first and still answer a question such as "thấy tàu khác bị chìm có phải cứu không".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from bot.vietnamese import fold, folded_terms

EMERGENCY_INTENT = "emergency"
OVERRIDE_KEY = "danger_override"
WEAK_SIGNAL_MIN_CONFIDENCE = 0.5  # measured on the development sets (benchmarks/danger.py)


def _compile(patterns: list[str]) -> regex.Pattern:
    return regex.compile("|".join(f"(?:{p})" for p in patterns))


# Patterns over the folded, teencode-normalised words of the message, joined by single spaces
# ("tụi tui" -> "tui toi", "ghe" -> "tau", "mô" -> "dau", "r" -> "roi", "ko" -> "khong").
_CALL = _compile(
    [
        r"(?<!\b(nut|bam|chu|tin hieu) )\bsos\b(?! (la|nghia))", r"\bmayday\b", r"\bman overboard\b",
        r"^(cuu\s*)+$", r"^cuu (?!tro|sinh|ho|nan|duoc|nguoi)", r"\bcuu (\w+ ){0,3}(voi|gium|giup|gap)\b",
        r"\bcuu (toi|em|minh|chung toi|tui toi|con|anh em)\b", r"\bnguy (roi|lam|qua|to)\b",
    ]
)  # fmt: skip
# Calls over the folded text with its punctuation: "..., cứu", "HELP!!!" (not the "/help" command), "cần ... gấp".
_CALL_IN_CLAUSE = _compile(
    [
        r"(^|[,.!?;:])\s*cuu+\s*(voi|vs)?\s*([,.!?;:]|$)",
        r"(?<!\b(ai|se|phai|duoc|dc|da|di|de|nao|phong|bp|nguoi|co|ho) )\bcuu+\W*$", r"\boi,? cuu\b",
        r"(?<![/\w])help\b", r"\bgoi (gium|giup|dum) (bien phong|bp|cuu ho|cuu nan)\b",
        r"\b(can|xin)\b[^,.!?;]{0,40}\b(gap|khan cap)\s*([,.!?;]|$)",
    ]
)  # fmt: skip
_STRONG = _compile(
    [
        r"\bdang gap nan\b", r"\bgap nan\b.*\b(roi|dang|ngay|gap)\b",
        r"\b(xin|can|dua) (\w+ ){0,5}cap cuu\b",
        # sinking, water, capsizing
        r"\b(dang|sap) (bi )?chim\b", r"\bchim (roi|mat|xuong|nhanh|dan)\b", r"\b(tau|thuyen) (dang|sap) chim\b",
        r"\bnuoc (vao|vo|tran|ngap|len)\b.*\b(tau|khoang|ham|may|nhanh|goi|boong|cabin)\b", r"\b(ngap|vo) nuoc\b",
        r"\bnuoc\b.*\b(khoang|ham|tau)\b.*\b(len|vao|vo)\b", r"\b(hong|hu) bom\b",
        r"\bthung (tau|day|vo|khoang|lo|mui|man|than)\b", r"\b(tau|thuyen) (\w+ )?(bi )?thung\b",
        r"\bnuoc (vao|vo) (du|nhieu|nhanh|manh)\b",
        r"\b(bi|sap|da|dang) lat\b", r"\blat (tau|thung|roi)\b", r"\b(tau|thung) lat\b",
        r"\bnghieng\b.*\b(nuoc|song|lat)\b",
        # fire ("chay" is also "chạy", to run: fire words around it, or typed with diacritics below)
        r"\b(dang|bi) boc chay\b", r"\bboc (chay|khoi)\b", r"\bkhoi (mu|den|bay|day)\b", r"\bno (may|binh|gas)\b",
        r"\bhoa hoan\b", r"\bchay (lan|bung|du)\b",
        r"(?=.*\bchay\b)(?=.*\b(lua (lon|lan|bung|boc|du|to|chay)|ngun ngut|dap (khong|chua) (duoc|noi|kip|tat)))",
        # people in the water
        r"\b(roi|rot|nga|te|song cuon|nhay|van) (\w+ )?(xuong )?(bien|nuoc)\b", r"\bnguoi (roi|rot|nga|te|troi)\b",
        r"\bnguoi (dang |con |o )?(duoi|giua) (nuoc|bien)\b",
        r"\b(xuong|duoi) (bien|nuoc) roi\b", r"\bkeo\b.*\bxuong bien\b", r"\b(dang|bi) duoi nuoc\b",
        r"\b(chet duoi|choi voi)\b", r"\bchua (thay )?(ngoi|noi) len\b", r"\btho lan\b.*\bchua len\b",
        r"\bbam (vao )?(can|phao|thung|van)\b", r"\b(ong hoi|day hoi) (bi )?dut\b",
        # no engine, drifting, weather
        r"\b((hong|chet|tat|hu|mat) may|may (hu|hong|chet|tat))\b.*\b(bao|song|gio|troi|keo)\b",
        r"\b(bao|song|gio)\b.*\b(hong|chet|hu) may\b",
        r"\btroi dat\b", r"\b(tau|thuyen|thung) (dang |bi )?troi\b", r"\b(dang|bi) troi\b",
        r"\btroi (ra|ve|vo|vao)\b", r"\b(gay|dut|mat) (banh lai|lai|chan vit|xich neo|neo)\b",
        r"\b(xich neo|neo|banh lai|chan vit) (bi )?(gay|dut|hong|quan)\b", r"\bsong danh\b",
        r"\b(khong|ko) (ve|vo) kip\b", r"\bkhong kip (ve|vo)\b", r"\bbi (day|cuon|keo) (ra|di)\b",
        r"\bloc xoay\b.*\b(tau|nguoi)\b",
        # grounding, collision, attack
        r"\bmac can\b", r"\b(dam|huc) (vao|va|chim|trung|gay|vo)\b", r"\bva cham\b.*\b(tau|thung|chim|nuoc)\b",
        r"\b(tau|thuyen) (\w+ )?bi (\w+ ){0,3}(dam|huc)\b", r"\bthung (lon|to|nang|nhieu)\b",
        r"\b(vua|dang|bi) no\b", r"\bset danh\b", r"\bno tung\b",
        r"\bbi (\w+ ){0,5}tong\b", r"\btong (vao|vo|trung|tau|ghe)\b", r"\bdam ngang\b",
        r"\b(dang|vua) (dam|huc|tong)\b",
        r"\b(dam|huc|tong) (tau|ghe) (toi|tui|em|e|minh)\b",
        r"\b(nut|be|vo) (toac|mui|man|day)\b", r"\b(tau|ghe) (\w+ )?bi (vo|be|nut)\b", r"\bro nuoc\b",
        r"\bphun voi rong\b", r"\bban (vao|trung) (tau|ghe|nguoi|anh)\b", r"\bban chet\b", r"\btrung dan\b",
        r"\bbi ban\b", r"\bcam (dao|sung|bua)\b",
        r"\bleo len (tau|ghe)\b", r"\b(vay|duoi theo|ruot)\b.*\b(tau|ghe) (toi|tui|em|minh)\b",
        r"\b(tau|ghe) (toi|tui|em|minh) (bi )?(vay|duoi|ruot)\b", r"\bbi (\w+ ){0,3}(vay|ruot|duoi theo)\b",
        r"\b(bat|keo) (tau|ghe) (toi|tui|em|minh)\b",
        r"\b(tan cong|ruot duoi|dang bat giu|dang keo tau|ap sat|cam sung)\b", r"\bleo len tau (toi|minh|em|chung)\b",
        r"\bdanh (anh em|ngu dan)\b", r"\bbi (\w+ ){0,4}bat (roi|giu|di|mat)\b",
        # injured or ill on board
        r"\b(bat tinh|ngat xiu|ngat|xiu|hon me|dau tim|dot quy|ngo doc|chay mau|mau chay|kho tho|khong tho)\b",
        r"\b(khong|chua) tinh (lai|day)\b",
        r"\b(tim tai|co giat|gay (chan|tay|xuong))\b", r"\bdien giat\b", r"\btim ngung\b",
        r"\b(tuc|dau) nguc\b", r"\btho (khong|ko) (duoc|ra|noi)\b", r"\bran (\w+ )?can\b",
        r"\b(phong|bong) (nuoc|nang|het|lua)\b",
        r"\bdut (tay|chan|ngon)\b", r"\bcuon (vao|vo) (tay|chan|nguoi)\b", r"\b(khong|ko) tinh\b", r"\b(la|ngat) di\b",
        r"\b(van|rot|roi|nga) (xuong bien|khoi tau|khoi ghe)\b", r"\bbong (nang|nhieu|het)\b",
        r"\bmau (ra|chay) (nhieu|khong|qua)\b", r"\bnguoi bi thuong\b", r"\b(ran bien|sua) (can|chich)\b",
        r"\b(ket|de) (trong|duoi|tay)\b",
        # lost or missing
        r"\bmat (lien lac|lien he|gps|dinh vi|la ban|phuong huong)\b", r"\b(lac|mat) duong\b",
        r"\b(tau|ghe|nguoi)\b.*\bmat tich\b.*\b(bao|song|gio|hom qua|roi)\b", r"\b(bao|song)\b.*\bmat tich\b",
        r"\b(dang|dag) chim\b", r"\bchim tau roi\b", r"\btha troi\b", r"\bbam (tren|vao) (phao|can|thung|van)\b",
        r"\bbao (dang|sap) (vao|vo|toi)\b.*\b(may|tau|ghe) (hu|hong|chet)\b",
        r"\b(may|tau|ghe) (hu|hong|chet)\b.*\bbao (dang|sap)\b",
        r"\b(bi |dang )?lac (tren|giua|ngoai) bien\b",
        r"\bkhong biet (dang )?o (dau|mo)\b", r"\bhet (dau|xang|nhien lieu|nuoc ngot|nuoc uong|do an)\b",
        r"(?=.*\b(chua (thay )?(ve|dia|vo bo)|khong thay ve)\b)(?=.*\b(bao|song|bien (dang )?dong|goi|lien lac|lo)\b)",
        r"\bkhong (lien lac|goi) (duoc|dc)\b", r"\bkhong thay (tau|ghe)\b.*\b(dau|mo)\b",
        r"\bkhong ai (bat may|tra loi)\b",
    ]
)  # fmt: skip
# Danger words that need the classifier to agree; "chạy" (run), "cứu trợ" (relief), "bão" in "bao nhiêu" are not.
_WEAK = _compile(
    [
        r"(?<!\b(luoi|re|ha) )\bchim\b(?! (lang|trong))",
        r"(?<!\b(gio|troi) )\bchay\b(?! (tau |thuyen )?(ra|vo|vao|tu|den|toi|qua|ve|bang|cham|nhanh|xe|thu|chuyen"
        r"|hang|nang|bong|khong|lien|suot|tiep|di|ban dem|duoc|bao nhieu|ngoai|ngon|tot|on|em|deu|thang))",
        r"(?<!\b(tra|nghien|so|cap) )\bcuu\b(?! (tro|sinh|ho|nan))", r"\bgiup\b", r"\bnguy\b", r"(?<!\bcuu )\bnan\b",
        r"(?<!\b(canh|thong|du|tin|doc|tren|bai) )\bbao\b(?! (nhieu|gio|lau|hiem|cao|tin|ve|chi|dam|quan|ho|gia))",
        r"\bbi thuong\b", r"\bnghieng\b", r"\bmat (tin hieu|tich)\b", r"\bhelp\b", r"\bkhan cap\b", r"\bbi bat\b",
        r"\bbat giu\b", r"\b(troi(?! chay)|lat|dam|huc|thung)\b", r"\b(song|gio) (lon|to|manh|giat|cao)\b", r"\blac\b",
    ]
)  # fmt: skip
# Calm topics: a question about these is not danger now, unless it calls for help.
_CALM = _compile(
    [
        # prices, money, buying
        r"\bgia (ca|dau|xang|nhot|ban|mua|thu mua|ve|hom nay|hien nay|bao nhieu|the nao|sao|cao|re|tang|giam|len)\b",
        r"\b(tang|giam|len|bang|bao) gia\b", r"\bbao nhieu tien\b", r"\b(chi phi|le phi|tra phi|mat tien|dong tien)\b",
        r"\btien (dau|xang|cuu tro|lai dat|keo|ho tro|bao hiem|boi thuong|phat|kham|ve)\b",
        r"\bton (hon|bao nhieu|co|nhieu|it|kem)\b", r"\b(re (nhat|hon|khong)|o dau re)\b",
        r"\b(mot|1) (lit|ky|kg|cai)\b",
        r"\blit dau\b", r"\bcay xang\b", r"\bdo dau\b", r"\bthu mua\b", r"\bthi truong\b",
        r"\b(mua|ban|lam|hoc|sua|kham|nhan|xem|tai|gui|doc|dau tau|tranh tru) (\w+ ){0,4}o dau\b",
        # insurance, support, paperwork
        r"\bbao hiem\b", r"\bboi thuong\b", r"\bden (bu|tien)\b", r"\btro cap\b", r"\bchi tra\b", r"\bho so\b",
        r"\bthu tuc\b", r"\bgiay (to|phep)\b", r"\bdang (ky|kiem)\b", r"\bvay (von|tien|ngan hang)\b", r"\bgian no\b",
        r"\bkhen thuong\b", r"\bcuu tro\b", r"\bung ho\b", r"\b(duoc|muc|chinh sach) ho tro\b",
        r"\bho tro (bao nhieu|nhung gi|gi)\b", r"\bkiem dinh\b", r"\bduoc huong\b",
        # the law
        r"\bluat\b", r"\bnghi dinh\b", r"\bquy dinh\b", r"\bdieu (may|nao|\d+)\b", r"\bnghia vu\b", r"\btrach nhiem\b",
        r"\b(bi|muc|xu) phat\b", r"\bphat (bao nhieu|the nao|sao)\b", r"\bxu ly (the nao|sao|ra sao)\b",
        r"\bvan ban\b", r"\bbi cam\b", r"\bbat buoc\b",
        # the past, over and done
        r"\bnam (ngoai|truoc|roi)\b", r"\b(tuan|thang) truoc\b", r"\bhoi (nam|truoc|do|thang|tuan|bao)\b",
        r"\btruoc day\b", r"\bda tung\b", r"\bhoi xua\b", r"(?<!\bchua )\b(quay ve|ve (roi|r|bo|ben))\b",
        r"\bnam (19|20)\d\d\b", r"\bhom (truoc|bua)\b", r"\bbua (truoc|hom)\b",
        r"\bve (toi |den )?(ben|bo) (an toan|roi)\b", r"\b(da duoc cuu|duoc cuu (roi|het))\b", r"\b(on|khoe) roi\b",
        r"\bcam on\b", r"\bgioi (qua|lam|that)\b",
        # the news, statistics, causes
        r"\btin tuc\b", r"\b(thiet|that) hay gia\b", r"\bco (that|thiet) (khong|ko|hong)\b",
        r"\b(doc|tren|bai|coi) bao\b", r"\btren (tivi|tv|mang|facebook|face)\b", r"\bthong ke\b",
        r"\b(bao nhieu|may|nhung) vu\b", r"\bbao nhieu (tau|ghe|nguoi|chiec|ngu dan)\b",
        r"\bvu (tau|chay|chim|no|dam|tai nan)\b", r"\bnguyen nhan\b",
        r"\bthuong (do|bi|xay)\b", r"\b(hay|de) bi\b", r"\bphim\b", r"\bkinh nghiem\b", r"\b(la gi|la sao)$",
        # forecasts and storms to come
        r"\bdu bao\b", r"\b(tuan|thang|nam) (sau|toi)\b", r"\b(ngay|sang|chieu|toi) mai\b", r"\bmai co\b",
        r"\bco bao (khong|chua)\b", r"\bbao gio (vo|vao|toi|den|tan)\b", r"\bmua bao (nam nay|bat dau)\b",
        r"\bcanh bao\b", r"\bban tin\b", r"\bbao tan\b", r"\bcam bien\b", r"\bbao cap may\b", r"\bbao (dang )?o dau\b",
        # how to, learning, equipment, health in general
        r"\b(cach|lam sao de|lam the nao de) (so cuu|phong|chat|dung|xu ly|cuu|tranh|su dung|bam)\b",
        r"\b(hoc|lop|tap huan)\b", r"\bphong (chay|khi|tranh|ngua)\b", r"\bde phong\b", r"\bloai (nao|dau|gi)\b",
        r"\bmang theo\b", r"\bbenh (dau )?(tim|gi|nay)\b", r"\bbi benh\b", r"\bco (duoc|nen) di bien\b",
        r"\bso cuu\b.*\bnhu the nao\b", r"\b(cau chi|bong den)\b", r"\b(uong|bai|tu) thuoc\b",
        r"\bthuoc (gi|nao)\b", r"\bkham (suc khoe|benh|o dau)\b", r"\bsuc khoe\b",
    ]
)  # fmt: skip
# The general case ("nếu...", "trường hợp...", "X thì sao / phải / có bị..."): calm only when nothing says it is
# happening now ("tàu đang chìm thì phải làm sao" is a call for help in the form of a question).
_HYPOTHETICAL = _compile(
    [
        r"\b(neu|gia su|truong hop|lo may|phong khi|khi nao)\b",
        r"(?<!\broi )\bthi (sao|lam sao|phai|co|bi|ai|xu ly|tinh|duoc|giao|bao|nen)\b",
        r"\bhoi (de|cho) (biet|bik|day|hoc)\b", r"\bde day\b", r"\bso cuu (the nao|sao|ra sao|nhu the nao)\b",
    ]
)  # fmt: skip
# "rồi" (already) and "rơi" (fall) fold alike: "người rơi xuống biển" says nothing about the time.
_NOW = _compile(
    [
        r"\b(dang|bay gio|gio nay|luc nay|hien gio|ngay)\b", r"\b(to|lon|manh|nhieu|nhanh) qua\b",
        r"(?<!\b(nguoi|bi|nga|te|ai) )\broi\b(?! (xuong|khoi|bien|vao|vo))",
    ]
)  # fmt: skip
# With diacritics "cháy" (burn) is not "chạy" (run): what is ambiguous when folded is strong here.
_ACCENTED_STRONG = regex.compile(
    r"\bđang (bốc )?cháy\b|\bbốc cháy\b|\bcháy (tàu|ghe|máy|buồng|lớn|hầm|khoang|rồi|r|lan)\b|\blửa cháy\b|\bđắm\b"
)
_ACCENTED_WEAK = regex.compile(
    r"\bcháy\b(?! (nắng|hàng|bóng|hoài))|(?<!\b(lưới|rê|hạ) )\bchìm\b(?! (lắng|trong))|\bnguy\b"
    r"|(?<!\b(tra|nghiên|sơ|cấp) )\bcứu\b(?! (trợ|sinh|hộ|nạn))"
)

_REPEATS = regex.compile(r"(\p{L})\1{2,}")


def _shouted(text: str) -> str:
    """Shouted letters collapsed ("cuuuu" -> "cuu", "chìmmm" -> "chìm")."""
    return _REPEATS.sub(lambda m: m.group(1) * (2 if m.group(1) == "u" else 1), text)


def danger_level(text: str) -> str:
    """'strong', 'weak', 'none' or 'calm' (a calm topic: never danger now): how clearly the message reads as
    danger at sea happening now."""
    accented = _shouted(unicodedata.normalize("NFC", text.replace("🆘", " sos ")).lower())
    words = " ".join(_shouted(w) for w in folded_terms(accented))
    plain = _shouted(fold(accented))
    if _CALL.search(words) or _CALL_IN_CLAUSE.search(plain):
        return "strong"
    if _CALM.search(words) or (_HYPOTHETICAL.search(words) and not _NOW.search(words)):
        return "calm"
    if _STRONG.search(words) or _ACCENTED_STRONG.search(accented):
        return "strong"
    if _ACCENTED_WEAK.search(accented) or (_WEAK.search(words) and plain == accented):
        return "weak"
    return "none"


def is_emergency(level: str, emergency_confidence: float) -> bool:
    """The decision: a strong signal, or a weak one the classifier shares; never a calm message, and never
    the classifier's guess alone."""
    return level == "strong" or (level == "weak" and emergency_confidence >= WEAK_SIGNAL_MIN_CONFIDENCE)


def flagged_by_rules(text: str) -> bool:
    """The rules' decision without a classifier: only a strong signal makes an emergency."""
    return is_emergency(danger_level(text), 0.0)


@dataclass(frozen=True)
class DetectionScore:
    """How a danger detector did on labelled messages: false alarms and missed emergencies."""

    false_alarms: tuple[str, ...]
    missed: tuple[str, ...]
    non_emergencies: int
    emergencies: int

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.non_emergencies if self.non_emergencies else 0.0

    @property
    def recall(self) -> float:
        return 1 - len(self.missed) / self.emergencies if self.emergencies else 1.0

    def summary(self) -> str:
        return (
            f"false alarms {len(self.false_alarms)}/{self.non_emergencies} ({100 * self.false_alarm_rate:.1f}%), "
            f"emergencies recognised {self.emergencies - len(self.missed)}/{self.emergencies} "
            f"({100 * self.recall:.1f}%)"
        )


def score_detection(
    cases: Iterable[Mapping[str, Any]], flagged: Callable[[str], bool] = flagged_by_rules
) -> DetectionScore:
    """Score a detector on items ``{text, emergency}`` (tests/data/dev_lookalikes.yml, dev_emergencies.yml).

    ``flagged`` tells whether a message got the emergency reply: the rules alone by default, or for a
    trained model e.g. ``lambda text: parses[text]["intent"]["name"] == "emergency"``.
    """
    items = [(str(c["text"]), bool(c["emergency"])) for c in cases]
    verdicts = [(text, emergency, flagged(text)) for text, emergency in items]
    return DetectionScore(
        false_alarms=tuple(text for text, emergency, flag in verdicts if flag and not emergency),
        missed=tuple(text for text, emergency, flag in verdicts if emergency and not flag),
        non_emergencies=sum(not emergency for _, emergency in items),
        emergencies=sum(emergency for _, emergency in items),
    )
