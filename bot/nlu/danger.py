"""Danger rules: the emergency check where no trained model is loaded (a question passed to an officer,
bot/tickets/desk.py). The NLU pipeline decides with the danger model instead (bot/nlu/danger_model.py):
on the files of sixteen writers who came after these rules, the rules flagged 102 of 2,880 look-alikes and missed
288 of 1,920 emergencies, the model 72 and 37 (README "Measured").

Folded Vietnamese is ambiguous (dầu/đâu/đau, cháy/chạy, chìm, cứu, bão), so the rules read a message so:
- a *call for help* ("SOS", "cứu với", "cứu gấp", "help") is an emergency, whatever else the message says;
- a *calm* message (about a price, insurance or support, the law and fines, paperwork, the past or a
  rescued person, the news, statistics or causes, a forecast, how to do something, an illness) is not,
  even with danger words in it: "bảo hiểm có trả khi tàu bị lật không", "năm ngoái tàu tui bị chìm";
- otherwise a *strong* signal ("đang chìm", "người rơi xuống biển", "mất liên lạc"...) makes an emergency;
  a *weak* one ("chìm", "cháy", "bão", "giúp") alone does not;
- figures of speech and everyday mishaps are taken out first ("chết đuối vớ được cọc", "lật kèo", "cháy
  túi", "máy bị cháy bugi", "nồi cá kho bị cháy", "làm rơi điện thoại xuống biển"); "rồi" typed with
  diacritics is never "rơi" (fall); what a condition says ("nếu ... đang ... thì") is not happening now; a
  laughing message is calm; "mất liên lạc" is strong only with a boat, the sea, a relative or a time span.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from bot.vietnamese import Syllable, fold, syllables, unshout

EMERGENCY_INTENT = "emergency"
OVERRIDE_KEY = "danger_override"
# The files of knowledge/danger/ these rules were written on; only the others measure them fairly.
WRITTEN_ON = frozenset(
    ["emergencies.yml", "lookalikes.yml", "danger_2.yml", "lookalikes_3.yml", "lookalikes_heldout_2026_11.yml"]
    + [f"lookalikes_{n}.yml" for n in range(5, 10)]
)


def _compile(patterns: list[str]) -> regex.Pattern:
    return regex.compile("|".join(f"(?:{p})" for p in patterns))


# Patterns over the folded, teencode-normalised words of the message, joined by single spaces
# ("tụi tui" -> "tui toi", "ghe" -> "tau", "mô" -> "dau", "r" -> "roi", "ko" -> "khong").
_CALL = _compile(
    [
        r"(?<!\b(nut|bam|chu|tin hieu|tu gui|the gui|cach gui|de gui|keu|nhan|gia|hieu|de goi|cach goi"
        r"|thiet bi) )\bsos\b"
        r"(?! (la|nghia|tu dong|cho bot))",
        r"\bmayday\b(?! (mayday )*la\b)",
        r"\bman overboard\b",
        r"^(cuu\s*)+$", r"^cuu (?!tro|sinh|ho|nan|duoc|nguoi|tinh|van|canh|(tau|thuyen) (nguoi ta|khac|ban))",
        r"\bcuu (?!(sinh|hoa)\b)(\w+ ){0,3}(voi|gium|giup|gap+)\b(?! (nan|su co|tai nan|bao|kho|van de))",
        r"\bcuu (truoc|ngay|lien|nhanh) (di|da|voi)\b",
        r"(?<!\b(phai|duoc|se|nen|buoc|ai|ta) )\bcuu (toi|em|minh|chung toi|tui toi|con|anh em)\b",
        r"\bnguy (roi|lam|qua|to)\b",
        r"^(giup|cuu giup|khan cap|cap cuu|cu+) (voi|gap)$",
        r"^(giup|cuu giup) (toi|em|chung toi|toi toi|tau toi) gap$",
        r"^khan cap$",
        r"^(may day ?)+$",
    ]
)  # fmt: skip
# Drills, tests, fake alarms and how a distress call works: even with "SOS" or "mayday" in them, not a call.
_DRILL = _compile(
    [
        r"\b(tin gia|bao gia sos|thu nghiem|tap duot|dien tap|chi la thu|thu nhan|cai dat|tu dong)\b",
        r"\b(nhu the nao|la gi)\b.*\bmayday\b|\bmayday\b.*\b(nhu the nao|la gi)\b",
    ]
)  # fmt: skip
# Happening now, whatever else the message says ("bảo hiểm tính sau, chừ ghe đang chìm").
_URGENT = _compile(
    [
        r"\b(tau|thuyen) ((toi|em|minh|chung toi|toi toi|nha toi) )?dang (bi )?(chim|lat|boc chay|nghieng)\b",
        r"\b(vua|dang) (\w+ ){0,8}(khong|ko|hong) (con )?tho\b",
        r"(?=.*\btau dang chay\b)(?=.*\b(bao nan|cuu|goi ai)\b)",
        r"(?=.*\bgoi ai (bay gio|gio|ngay)\b)(?=.*\b(chay|chim|lat|thung|troi|nan)\b)",
    ]
)  # fmt: skip
# Calls over the folded text with its punctuation: "..., cứu", "HELP!!!" (not the "/help" command), "cần ... gấp".
_CALL_IN_CLAUSE = _compile(
    [
        r"(^|[,.!?;:])\s*cuu+\s*(voi|vs)?\s*([,.!?;:]|$)",
        r"(?<!\b(ai|se|phai|duoc|dc|da|di|de|nao|phong|bp|nguoi|co|ho|hieu cap|ban|so) )\bcuu+\W*$", r"\boi,? cuu\b",
        r"(?<![/\w])help\b", r"\bgoi (gium|giup|dum) (bien phong|bp|cuu ho|cuu nan)\b",
        r"\b(can|xin)\b[^,.!?;]{0,40}\b(gap|khan cap)\s*([,.!?;]|$)",
    ]
)  # fmt: skip
# What "mất liên lạc" needs around it to be about danger at sea: a boat, the sea, a relative, a time span.
_AT_SEA = (
    r"tau|thuyen|thung chai|bien|khoi|bao|song|dao|hoang sa|truong sa|ngu truong|hai ly|chong|cha|ba|bo|anh|em|"
    r"con|ong xa|nguoi|thuyen vien|ban tau|tu (hom|sang|chieu|toi|dem)|\d+ ngay|may ngay|hai ngay|ba ngay"
)
# "Cứu với" is also what people type about everyday troubles (a password, a SIM, homework): without a word of
# the sea or of danger such a call is not an emergency.
_EVERYDAY_TROUBLE = _compile(
    [
        r"\b(mat khau|pass|zalo|facebook|face|fb|sim|wifi|mang yeu|tai khoan|ung dung|app|game|may tinh|laptop)\b",
        r"\b(bai tap|bai kiem tra|de thi|bai thi|mon (toan|van|anh|ly|hoa)|lam toan|giai toan|hoc bai)\b",
        r"\b(dien thoai|dt) (bi )?(khoa|treo|liet|do|loi|het pin)\b",
        r"\b(nau|mon an|cong thuc|may lanh|tu lanh|may giat|tho sua|khoc|khong chiu ngu|mat ngu|em be|thang nho)\b",
        r"\b(hoc|tieng anh|on thi|bot|bi treo|rep|lag|rua chen|vo bat|giat do|don nha|nau com)\b",
    ]
)  # fmt: skip
_SEA_OR_DANGER = regex.compile(
    r"\b(tau|thuyen|thung chai|bien|khoi|dao|chim|chay|nuoc|lat|thung|troi|nan|bi thuong|mau|chet|song|bao)\b"
)
_STRONG = _compile(
    [
        r"\bdang gap nan\b", r"\bgap nan\b(?!.*\bkhi dang\b).*\b(roi|dang|ngay|gap)\b",
        r"\b(tau|thuyen) (toi|em|minh|chung toi|toi toi|anh em|nha toi) (\w+ )?(bi|gap) nan\b",
        r"^(tau|thuyen) (dang |vua )?(bi|gap) nan\b",
        r"^(boc )?chay (may|buong may|ham may|cabin|khoang)( tau| thuyen)?( roi)?$",
        r"\bbinh (ga|gas|khi|oxy) (\w+ )?no\b",
        r"\b(xin|can|dua) (?!hoi\b)(\w+ ){0,5}cap cuu\b",
        r"(?=.*\b(gap gap|gap lam|nhanh len)\b)(?=.*\b(chim|chay|lat|troi|nan|thung|dam)\b)",
        # sinking, water, capsizing
        r"\b(dang|sap) (bi )?chim\b", r"\bchim (roi|mat|xuong|nhanh|dan)\b", r"\b(tau|thuyen) (dang|sap) chim\b",
        r"\bnuoc (dang )?(vao|vo|tran|ngap|len)\b.*\b(tau|khoang|ham|may|nhanh|goi|boong|cabin)\b",
        r"\b(ngap|vo) nuoc\b",
        r"\bnuoc\b.*\b(khoang|ham|tau)\b.*\b(len|vao|vo)\b", r"\b(hong|hu) bom\b",
        r"\bthung (tau|day|vo|khoang|lo|mui|man|than|van)\b", r"\b(tau|thuyen) (\w+ ){0,2}(bi )?thung\b",
        r"\bnuoc (vao|vo) (du|nhieu|nhanh|manh|ao)\b",
        r"\b(bi|sap|da|dang) lat\b", r"\blat (tau|thung|roi)\b", r"\b(tau|thung) lat\b",
        r"\bnghieng\b.*\b(nuoc|song|lat)\b",
        # fire ("chay" is also "chạy", to run: fire words around it, or typed with diacritics below)
        r"\b(dang|bi) boc chay\b", r"\bboc (chay|khoi)\b", r"\bkhoi (mu|den|bay|day)\b", r"\bno (may|binh|gas)\b",
        r"\bhoa hoan\b", r"\bchay (lan|bung|du)\b",
        r"(?=.*\bchay\b)(?=.*\b(lua (lon|lan|bung|boc|du|to|chay)|ngun ngut|dap (khong|chua) (duoc|noi|kip|tat)))",
        # people in the water (a fall is _IN_THE_WATER)
        r"\bnguoi (dang |con |o )?(duoi|giua) (nuoc|bien)\b",
        r"\b(xuong|duoi) (bien|nuoc) roi\b", r"\bkeo\b.*\bxuong (bien|nuoc)\b", r"\b(dang|bi) duoi nuoc\b",
        r"\b(chet duoi|choi voi(?! (con|chau|ban|vo|em|be)))\b", r"\b(te liet|liet (hai )?(chan|tay|nguoi))\b",
        r"\bchua (thay )?(ngoi|noi) len\b", r"\blan\b (\w+ ){0,4}chua (ngoi |noi )?len\b",
        r"\btho lan\b.*\bchua len\b",
        r"\bbam (vao )?(can|phao|thung|van)\b", r"\b(ong hoi|day hoi) (bi )?dut\b",
        # no engine, drifting, weather
        r"\b((hong|chet|tat|hu|mat) may|may (hu|hong|chet|tat))\b.*\b(bao|song|gio|troi|keo)\b",
        r"\b(bao|song|gio)\b.*\b(hong|chet|hu) may\b",
        r"\btroi dat\b", r"\b(tau|thuyen|thung) (dang |bi )?troi\b", r"\b(dang|bi) troi\b",
        r"\btroi (ra|ve|vo|vao)\b",
        r"(?<!\b(troi|gio|nuoc|thoi tiet) )\b(gay|dut|mat|hong|hu) (lai|chan vit|xich neo|neo)\b",
        r"\b(gay|dut|mat|ket|hong|hu|be) (day|truc|banh|tay|ca) (lai|chan vit)\b",
        r"\b(gay|dut|be) (truc|cot) may\b",
        r"\b(xich neo|neo|banh lai|day lai|truc lai|tay lai|chan vit) (bi )?(gay|dut|hong|hu|quan|ket)\b",
        r"\bsong danh\b",
        r"\b(khong|ko) (ve|vo) kip\b", r"\bkhong kip (ve|vo)\b", r"\bbi (day|cuon|keo) (ra|di)\b",
        r"\bloc xoay\b.*\b(tau|nguoi)\b", r"\b(o|ket|dang o|van o|con o|mac ket) (giua (con )?|trong con )bao\b",
        r"\bbao (dang )?danh (tau|thuyen|vao tau|vo tau)\b",
        # a storm here now, no way back in
        r"\b(tau|thuyen|toi|chung toi|em) (\w+ ){0,3}(dang )?o (giua )?tam bao\b",
        r"\b(tau|thuyen|may) (\w+ ){0,2}chiu (het |khong |ko )noi\b",
        r"\b(khong|chua) (chay )?(ve|vo|vao) (bo |ben |cang )?(kip|noi)\b",
        r"\b(khong|chua) (ve|vo|vao) (bo|ben) duoc\b",
        r"(?<!\blien )\b(lac huong|lac (roi|luon))\b",
        r"\bbi lac (\w+ )?(trong dem|roi|luon|giua|tren|ngoai|khong biet)\b",
        r"\bkhong (biet|bt|thay) (duong|huong) (ve|vo|nao)\b", r"\bkhong thay (bo|dat lien)\b",
        r"\b(chay|ve|vo) (khong|ko) noi (ve|vo|vao)\b", r"\bchua (tim|kiem) (duoc )?(cho|noi) (tranh|nup|tru)\b",
        r"(?=.*\b(khong|chua) (ve|vo|vao) duoc\b)(?=.*\b((gio|song|bao) (lon|to|manh)|giong|bao)\b)",
        r"\b(chet|hong|hu) may (giua|ngoai|tren) (bien|khoi)\b",
        r"\b(tau|thuyen|dang|da|bi) troi (\w+ )?(\d+|mot|hai|ba|may) (ngay|dem|tieng)\b",
        # grounding, collision, attack
        r"\bmac can\b",
        r"\b(ket|mac|lui|dam|dung|va|xo|day|truon|troi) (\w+ ){0,3}(ran ngam|ran da|da ngam|bai da|ghenh|tang da|"
        r"vat ngam|bo da|ran san ho)\b", r"\bket (tren|giua|vo|vao) (ran|da|ghenh|hai tang)\b",
        r"\bdung (phai|trung) (tau|da|ran|vat|thuyen|cano)\b", r"\bdung tau (roi|nhau)\b",
        r"\bbi (tau|thuyen|ca no|cano) (\w+ )?dung\b",
        r"\b(ca no|cano|tau|thuyen) (\w+ ){0,2}bi dung\b",
        r"\b(tau|thuyen|thung) (toi|em|minh|chung toi|toi toi) (bi )?lat\b",
        r"(?<!\b(xe|lop|sam|ruot|ao|tui|non|ong|noi) )\bbi thung\b(?! (luoi|lop|sam|ruot))",
        r"\bkhoi (\w+ )?boc (len|ra)\b", r"\btieng no (lon|manh|to)\b",
        r"\b(dang|bi) (\w+ ){0,4}(?<!\bsot )(ruot(?! (thua|non|gia))|truy duoi|duoi theo)\b",
        r"\bbi tau (\w+ ){0,2}duoi\b(?! (viec|hoc|khoi|ra))", r"\b(ruot|truy duoi|duoi theo) (toi|em|minh)\b",
        r"\b(ruot|truy duoi|duoi theo) (toi toi|chung toi|tau toi)\b", r"\bduoi (toi toi|chung toi)\b",
        r"\b(cuop bien|bi cuop)\b", r"\bsong (\w+ )?cuon (\w+ ){0,2}(di|troi|mat|ra|xuong|nguoi|ban|anh|em|khach)\b",
        r"\bbi song (\w+ )?cuon\b", r"\bbi (\w+ )?cuon (theo|ra|di|troi|mat)\b",
        r"\blen tau (\w+ ){0,3}(dap|cuop|tich thu)\b", r"\bep (tau|thuyen) (toi|em|minh|chung toi|toi toi)\b",
        r"\bbi giu (o|tai) (dao|nuoc ngoai|tren tau)\b", r"\bdap (vo|vao) (dau|nguoi|nguc)\b",
        r"\bchuot rut (giua|duoi|ngoai) (bien|nuoc)\b", r"\b(dam|huc) (vao|va|chim|trung|gay|vo)\b",
        r"\bva cham\b.*\b(tau|thung|chim|nuoc)\b",
        r"\b(tau|thuyen) (\w+ )?bi (\w+ ){0,3}(dam|huc)\b", r"\bthung (lon|to|nang|nhieu)\b",
        r"\b(vua|dang|bi) no\b", r"\bset danh\b", r"\bno tung\b",
        r"\bbi (\w+ ){0,5}tong\b", r"\btong (vao|vo|trung|tau|ghe)\b", r"\bdam ngang\b",
        r"\b(dang|vua) (dam|huc|tong)\b",
        r"\b(dam|huc|tong) (tau|ghe) (toi|tui|em|e|minh)\b",
        r"\b(nut|be|vo) (toac|mui|man|day)\b", r"\b(tau|ghe) (\w+ )?bi (vo|be|nut)\b", r"\bro nuoc\b",
        r"\b(tau|thuyen|thung|man|day|van) (tau )?(nut|lung)\b", r"\b(man|day|van|mui|vo) tau be\b",
        r"\bnuoc (phun|xi|ao|tran) (vo|vao)\b",
        r"\bvoi rong\b", r"\bbat (nguoi|thuyen truong|tai cong|anh em|ngu dan|thuyen vien|ban tau)\b",
        r"\bban (vao|trung) (tau|ghe|nguoi|anh)\b", r"\bban chet\b", r"\btrung dan\b",
        r"\bbi ban\b", r"\bcam (dao|sung|bua)\b",
        r"\bleo len (tau|ghe)\b", r"\b(vay|duoi theo|ruot)\b.*\b(tau|ghe) (toi|tui|em|minh)\b",
        r"\b(tau|ghe) (toi|tui|em|minh) (bi )?(vay|duoi|ruot)\b", r"\bbi (\w+ ){0,3}(vay|ruot|duoi theo)\b",
        r"\b(bat|keo) (tau|ghe) (toi|tui|em|minh)\b",
        r"\b(tan cong|ruot duoi|dang bat giu|dang keo tau|ap sat|cam sung)\b", r"\bleo len tau (toi|minh|em|chung)\b",
        r"\bdanh (anh em|ngu dan)\b", r"\bbi (\w+ ){0,4}bat (roi|giu|di|mat|len)\b",
        # injured or ill on board
        r"\b(bat tinh|ngat xiu|ngat|xiu|hon me|dau tim|dot quy|ngo doc|chay mau|mau chay|kho tho|khong tho)\b",
        r"\b(khong|chua) tinh (lai|day)\b",
        r"(?=.*\b(dau|sot|non|co giat)\b (\w+ ){0,2}(du doi|du qua|du lam|lan lon|li bi))"
        r"(?=.*\b(cach bo|hai ly|ngoai khoi|giua bien|tren tau|ngoai bien)\b)",
        r"\b(tim tai|co giat|gay (chan|tay|xuong))\b", r"\bdien giat\b", r"\btim ngung\b",
        r"\b(tuc|dau) nguc\b", r"\b(giam ap|dap nat|dut lia|mau phun|gay cot song|khong cu dong)\b",
        r"(?=.*\b(ket|kep|quan|cuon|nghien|dap)\b)(?=.*\b(tay|chan|ngon)\b)"
        r"(?=.*\b(day toi|may toi|toi keo|toi cuon|vo toi|vao toi|rong roc|day cap|cap toi|xich neo|day neo)\b)",
        r"\bmat mau (nhieu|qua|lam)\b", r"\bmau (khong|ko|chua) (cam|ngung|dung)\b",
        r"\b(moc|dam|cat|ghim) (vao|trung) (mat|co|bung|nguc|dau)\b", r"\b(non|oi|ho|khac) ra mau\b",
        r"\b(de|do) len (nguoi|chan|tay|lung)\b", r"\bgay de\b", r"\btho (khong|ko) (duoc|ra|noi)\b",
        r"\bran (\w+ )?can\b",
        r"\b(phong|bong) (nuoc|nang|het|lua)\b",
        r"\bdut (tay|chan|ngon)\b", r"\bcuon (vao|vo) (tay|chan|nguoi)\b",
        r"\b(khong|ko) tinh\b(?! (phoi|di|ra|lam|mua|ban|dong|xin|hoi|nghi|sua|chuyen|cho|gui|nhu|toan|tien))",
        r"\b(la|ngat) di\b(?! (qua|lai|dau|choi|bien|lam))",
        r"\bbong (nang|nhieu|het)\b",
        r"\bmau (ra|chay) (nhieu|khong|qua)\b", r"\bnguoi bi thuong\b", r"\b(ran bien|sua) (can|chich)\b",
        r"\b(ket|de) (trong|duoi|tay)\b",
        # lost or missing
        r"\bmat (gps|dinh vi|la ban|phuong huong)\b", rf"(?=.*\bmat (lien lac|lien he)\b)(?=.*\b({_AT_SEA})\b)",
        r"\b(lac|mat) duong\b",
        r"\b(tau|ghe|nguoi)\b.*\bmat tich\b.*\b(bao|song|gio|hom qua|roi)\b", r"\b(bao|song)\b.*\bmat tich\b",
        r"\b(dang|dag) chim\b", r"\bchim tau roi\b", r"\btha troi\b", r"\bbam (tren|vao) (phao|can|thung|van)\b",
        r"\bbao (dang|sap) (vao|vo|toi)\b.*\b(may|tau|ghe) (hu|hong|chet)\b",
        r"\b(may|tau|ghe) (hu|hong|chet)\b.*\bbao (dang|sap)\b",
        r"\b(bi |dang )?lac (tren|giua|ngoai) bien\b",
        r"\bkhong biet (dang )?o (dau|mo)\b", r"\bkhong (biet|bt) (\w+ ){1,3}dang o dau\b",
        r"\bhet (dau|xang|nhien lieu|nuoc ngot|nuoc uong|do an)\b",
        r"(?=.*\b(chua (thay )?(ve|vo|dia|vo bo|toi noi|den noi|len)|khong thay ve|chua thay (dau|tau|thuyen)"
        r"|chua co tin)\b)"
        r"(?=.*\b(bao|song|bien (dang )?dong|goi|lien lac|lo|troi (da )?toi|tat may|qua gio|ve het|hoang|sot ruot"
        r"|(hom|chieu|toi|dem|sang) qua|tu (hom|sang|chieu|toi|dem))\b)",
        r"\bmat tich (sau|tu) (\w+ )?(con )?(giong|bao|loc|hom|dem|toi|sang|chieu)\b",
        r"\bmat tich (\d+|mot|hai|ba) (thuyen vien|nguoi|ban tau)\b",
        r"(?=.*\bmat tin hieu\b)(?=.*\b(chong|cha|bo|con trai|ong xa|ba toi|ba em|anh toi|anh em)\b)",
        r"\b(thuyen vien|ban tau|nguoi|tau|thuyen) (\w+ ){0,4}(bi |dang )?mat tich (tren|ngoai|giua|sau|tu|roi)\b",
        r"\bmat tin hieu (\w+ )?tu (hom|sang|chieu|toi|dem)\b", r"\bkhong thay (tau|thuyen) (\w+ ){0,3}nua\b",
        r"\bkhong (ai )?(lien lac|goi) (duoc|dc)\b", r"\bqua han (\d+|mot|hai|ba|may) ngay\b",
        r"\bkhong thay (tau|ghe)\b.*\b(dau|mo)\b",
        r"\bkhong ai (bat may|tra loi)\b",
    ]
)  # fmt: skip
# Danger words that need the classifier to agree; "chạy" (run), "cứu trợ" (relief), "bão" in "bao nhiêu" are not.
_WEAK = _compile(
    [
        r"(?<!\b(luoi|re|ha) )\bchim\b(?! (lang|trong))",
        r"(?<!\b(gio|troi) )\bchay\b(?! (tau |thuyen )?(ra|vo|vao|tu|den|toi|qua|ve|bang|cham|nhanh|xe|thu|chuyen"
        r"|hang|nang|bong|khong|lien|suot|tiep|di|ban dem|duoc|bao nhieu|ngoai|ngon|tot|on|em|deu|thang))",
        r"(?<!\b(tra|nghien|so|cap) )\bcuu\b(?! (tro|sinh|ho|nan|tinh|van|canh))", r"\bgiup\b", r"\bnguy\b",
        r"(?<!\bcuu )\bnan\b",
        r"(?<!\b(canh|thong|du|tin|doc|tren|bai) )\bbao\b(?! (nhieu|gio|lau|hiem|cao|tin|ve|chi|dam|quan|ho|gia))",
        r"\bbi thuong\b", r"\bnghieng\b", r"\bmat (tin hieu|tich|lien lac|lien he)\b",
        r"\b(la ban|dinh vi|gps) (bi )?(hu|hong|chet|mat)\b", r"\bhelp\b", r"\bkhan cap\b", r"\bbi bat\b",
        r"\bbat giu\b", r"\b(song|gio) (lon|to|manh|giat|cao)\b", r"\blac\b",
        r"\b((?<!\bqua )troi(?! (chay|lanh|nang|mua|toi|sang|dep|oi|nong|am|u|mat|ret))|lat|dam|huc|thung)\b",
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
        r"\bnhan tho\b", r"\btra (tien )?khi\b", r"\bhop phap\b", r"\bhet bao nhieu\b",
        r"\bthu tuc\b", r"\bgiay (to|phep)\b", r"\bdang (ky|kiem)\b", r"\bvay (von|tien|ngan hang)\b", r"\bgian no\b",
        r"\bkhen thuong\b", r"\bcuu tro\b", r"\bung ho\b", r"\b(duoc|muc|chinh sach) ho tro\b",
        r"\bho tro (bao nhieu|nhung gi|gi)\b", r"\bkiem dinh\b", r"\bduoc huong\b",
        # the law
        r"\bluat\b", r"\bnghi dinh\b", r"\bquy dinh\b", r"\bdieu (may|nao|\d+)\b", r"\bnghia vu\b", r"\btrach nhiem\b",
        r"\b(bi|muc|xu) phat\b", r"\bphat (bao nhieu|the nao|sao)\b", r"\bxu ly (the nao|sao|ra sao)\b",
        r"\bvan ban\b", r"\bbi cam\b", r"\bbat buoc\b",
        r"\b(ben nao|ai|nguoi nao) (phai )?(chiu|den|boi thuong|tra tien|chi tra)\b",
        r"\bchiu (trach nhiem|chi phi|phat)\b",
        r"\b(loi|sai) (la )?(cua )?(ai|ben nao)\b",
        # the past, over and done
        r"\bnam (ngoai|truoc|roi)\b", r"\b(tuan|thang) truoc\b", r"\bhoi (nam|truoc|do|thang|tuan|bao)\b",
        r"\btruoc day\b", r"\bda tung\b", r"\bhoi xua\b", r"(?<!\b(chua|dang|chay) )\b(quay ve|ve (roi|r|bo|ben))\b",
        r"\b(nam|hoi|tu) (19|20)\d\d\b", r"\bhom (truoc|bua)\b", r"\bbua (truoc|hom)\b",
        r"\bve (toi |den )?(ben|bo) (an toan|roi)\b", r"\b(da duoc cuu|duoc cuu (roi|het))\b", r"\b(on|khoe) roi\b",
        r"\bcam on\b", r"\bgioi (qua|lam|that)\b", r"\bhoi (cap|nho|be|di hoc)\b",
        r"\b(sua xong|da sua|sua lai xong)\b",
        # a storm that has passed, a calm sea asked about, tomorrow
        r"\bbao (da )?(di qua|qua|di|tan|het|yeu di) (roi|chua|het)\b", r"\bsau (con |tran )?bao\b(?! (lau|nhieu|gio))",
        r"\bbien (da |co )?(em|lang|yen|dep) (chua|khong|hong)\b", r"^mai (\w+ )?(co|troi|mua|gio|song|bien|di|ra)\b",
        # sayings and words asked about
        r"\b(tuc ngu|thanh ngu|ca dao|nghia la|y nghia)\b",
        # the news, statistics, causes
        r"(?<!\b(chua|khong) co )\btin tuc\b", r"\bchuyen (truoc|roi)\b", r"\b(thiet|that) hay gia\b",
        r"\bco (that|thiet) (khong|ko|hong)\b",
        r"\b(doc|tren|bai|coi) bao\b", r"\btren (tivi|tv|mang|facebook|face)\b", r"\bthong ke\b",
        r"\b(bao nhieu|may|nhung) vu\b", r"\bbao nhieu (tau|ghe|nguoi|chiec|ngu dan)\b",
        r"\bvu (tau|chay|chim|no|dam|tai nan)\b", r"\bnguyen nhan\b",
        r"\bthuong (do|bi|xay)\b", r"\b(hay|de) bi\b", r"\bphim\b", r"\bkinh nghiem\b", r"\b(la gi|la sao)$",
        # forecasts and storms to come
        r"\bdu bao\b", r"\b(tuan|thang|nam) (sau|toi)\b", r"\b(ngay|sang|chieu|toi) mai\b", r"\bmai co\b",
        r"\bco bao (khong|chua)\b", r"\bbao gio (vo|vao|toi|den|tan)\b", r"\bmua bao (nam nay|bat dau)\b",
        r"\bcanh bao\b", r"\bban tin\b", r"\bbao tan\b", r"\bcam bien\b", r"\bbao cap may\b", r"\bbao (dang )?o dau\b",
        # how to, learning, equipment, health in general
        r"\b(cach|lam sao de|lam the nao de) (so cuu|phong|chat|dung(?! quat)|xu ly|cuu|tranh|su dung|bam)\b",
        r"\b(hoc|lop|tap huan)\b", r"\bphong (chay|khi|tranh|ngua)\b", r"\bde phong\b", r"\bloai (nao|dau|gi)\b",
        r"\bcach (va|han|tram|tret) (vo|lo|tau|ghe|thuyen|luoi|day|ong|van)\b", r"\bcach (sua|thay|boc)\b",
        r"\bchay (rung|nha may|cho|xuong|kho|quan|cong ty)\b",
        r"\b(cho|o) (dau|nao) (duc|sua|ban|mua|lam|han|thay)\b", r"\b(ban|mua) re\b", r"\b(duc|han) lai\b",
        r"\b(mo thay|nam mo|giac mo|chiem bao)\b", r"\b(ngam san ho|tham quan)\b", r"\bvang dau\b",
        r"(?<!\bkhong )\bbinh thuong\b", r"\b(go|thao) xong\b", r"\bton (khong|ko|hong)\b",
        r"\b(tra|ton|het|mat|tinh) bao nhieu\b", r"\bnam (o|tai) (ben|bo|cang|u)\b",
        r"\b(xu ly|giai quyet) (toi|den|ra) (dau|sao)\b",
        r"\b(an toan roi|ve (toi|den) (nha|bo|ben|cang)|ve het roi|vo bo het|het roi ha)\b",
        r"\b(sua|keo|bom) (duoc|xong|ra het) (roi|r)\b", r"\b(da )?duoc cuu (sau|song|roi|het|ve)\b",
        r"\b(tv|ti vi|tivi|loa (xa|phuong|thon)|dai phat thanh|doc ma|dua tin|thuong qua)\b",
        r"\bthang roi\b", r"\b(da )?tim (duoc|thay) chua\b", r"\b(chi tien|giam dinh|mat cap|bi trom)\b",
        r"\b(keo|dua) (\w+ )?len (da|u|bai)\b", r"\btho (nao|moc|han|va|sua)\b", r"\bxuong (dong|sua) tau\b",
        r"\b(dang o|nam o|neo o|dau o) (ben|cang)\b", r"\bnam bo\b", r"\bnen thay (gi|cai gi)\b",
        r"\b(ong nuoc nha|bon nuoc|nha ve sinh|mai nha|voi nuoc)\b", r"\b(bai hat|cau hat|loi bai|ten bai)\b",
        r"\bthuong (ba con|cho ba con|anh em)\b", r"\b(hom nay o nha|o nha (choi|va luoi|nghi|voi))\b",
        r"\b(doi tuyen|bong da|da banh|thung luoi|tran dau|ghi ban|cau thu|tran chieu)\b",
        r"\b(nghe don|tin don|don bay|hoa ra|khoi lo|ve toi roi|thoi su|mung cho)\b", r"\bbao cao\b", r"\btot hon\b",
        r"\b(tau|ghe) (cua )?(ong|ba|chu|bac|co|di|anh) \w+ o\b", r"\bso cuu\b.*\b(cap giay|chung chi|o dau|lop)\b",
        r"\b(cap giay|nam ben|tram bang|mai ton|boi (gi|thuoc|kem))\b", r"\bong nuoc (\w+ )?nha\b",
        r"\b(wifi|rot mang|mat mang|mang yeu|tong dai)\b", r"\bdiem (\w+ ){0,2}(chim|xuong|con)\b",
        r"\b(tuong nho|thuyen giay|cau sieu|tuong niem)\b", r"\b(nau|canh ca|kho ca|phoi (ca|muc|luoi|kho|do))\b",
        r"\b(xe cuu hoa|hang xom|lich tau)\b", r"\btau cao toc (\w+ ){0,4}chay (chua|khong|ko|may gio)\b",
        r"\bkhong ai bi (gi|sao)\b", r"\b(tuan|thang) roi\b",
        r"\b(nam vien|benh vien|phong kham)\b", r"\b(so cap cuu|ep tim|bai kiem tra|hoi choi)\b",
        r"\bmang theo\b", r"\bbenh (dau )?(tim|gi|nay)\b", r"\bbi benh\b", r"\bco (duoc|nen) di bien\b",
        r"\bso cuu\b.*\bnhu the nao\b", r"\b(cau chi|bong den)\b", r"\b(uong|bai|tu) thuoc\b",
        r"\bthuoc (gi|nao)\b", r"\bkham (suc khoe|benh|o dau)\b", r"\bsuc khoe\b",
    ]
)  # fmt: skip
# The general case ("nếu...", "trường hợp...", "X thì sao / phải / có bị..."): calm only when nothing says it is
# happening now ("tàu đang chìm thì phải làm sao" is a call for help in the form of a question).
_HYPOTHETICAL = _compile(
    [
        r"\b(neu|gia su|truong hop|lo may|lo ma|lo mai|phong khi|khi nao)\b",
        r"\blo (gio|ghe|tau|minh|nhu|khi|bi)\b", r"\bnho (tau|ghe|minh|khi|ma|bi)\b",
        r"(?<!\broi )\bthi (sao|lam sao|phai|co|bi|ai|xu ly|tinh|duoc|giao|bao|nen)\b",
        r"\bhoi (de|cho) (biet|bik|day|hoc)\b", r"\bde day\b", r"\bso cuu (the nao|sao|ra sao|nhu the nao)\b",
        # "khi X thì Y" (when), how to, to prevent, what is wrong with
        r"\bkhi (?!nay)(\w+ ){1,8}thi\b", r"\b(co )?cach (nao|gi)\b", r"\bhuong dan\b", r"\b(video|clip)\b",
        r"\bde (\w+ ){0,2}(khoi|tranh|khong bi|phong)\b", r"\bchuan bi\b", r"\bla bi (gi|benh gi)\b",
        r"(?<!\broi )\bthi (nop|giao|dung|xai|lam gi)\b", r"\b(vot|cuu) duoc (nguoi|tau|xac|phao|luoi|hang|do|het)\b",
    ]
)  # fmt: skip
# "rồi" (already) and "rơi" (fall) fold alike: "người rơi xuống biển" says nothing about the time.
_NOW = _compile(
    [
        r"\b(dang(?! (tinh|nghi|muon|can|hoc|tim hieu|doc|coi|xem|hoi))|bay gio|gio nay|luc nay|hien gio|ngay)\b",
        r"\b(to|lon|manh|nhieu|nhanh) qua\b",
        r"\bgio (\w+ ){0,2}(sao|lam sao|tinh sao|phai lam gi)\b",
        r"(?<!\b(nguoi|bi|nga|te|ai) )\broi\b(?! (xuong|khoi|bien|vao|vo))",
    ]
)  # fmt: skip
# What a condition says ("nếu thấy tàu khác gặp nạn mà mình đang kéo lưới thì...") is not happening now.
_CONDITION = regex.compile(
    r"(\b(neu|gia su|gia nhu|phong khi|truong hop|lo may|lo ma|nhung khi)|^khi (?!nay))\b.*?\bthi\b"
    r"|^(neu|gia su|gia nhu|phong khi|truong hop|lo may|lo ma)\b.*\b(khong|hong|chua|gi|sao|ai|nao)$"
)
# Falls into the water. Matched where "rồi" typed with diacritics (already) cannot be read as "rơi" (fall).
_IN_THE_WATER = _compile(
    [
        r"\b(roi|rot|nga|te|song cuon|nhay|van) (\w+ )?(xuong )?(bien|nuoc)\b", r"\bnguoi (roi|rot|nga|te|troi)\b",
        r"\b(van|rot|roi|nga) (xuong bien|khoi tau|khoi ghe)\b",
        r"\b(rot|roi|nga|te|van|vang|hat) (\w+ ){1,3}xuong (bien|nuoc)\b",
    ]
)  # fmt: skip
# Words that look like danger but say something else; taken out before the danger words are looked for:
# sayings and figures of speech, burnt parts and burnt food, things (not people) dropped in the water.
_FIGURATIVE = _compile(
    [
        r"\bchet duoi vo (duoc )?coc\b", r"\b(vu|chuyen|viec) (\w+ ){0,2}chim xuong\b", r"\bcuu (tinh|van|canh)\b",
        r"\bcuu (chien binh|can bo|quan nhan|giao vien|hoc sinh|sinh vien|nhan vien|lanh dao|chu tich|giam doc"
        r"|bo truong|thu tuong|tong thong|dai bieu|thanh nien xung phong|thu truong|bi thu|truong (thon|xom|ban))\b",
        r"\blat (mat|keo|long|bai)\b", r"\b(thoi gian|ngay thang|nam thang|thang ngay) (\w+ )?troi\b",
        r"\bchay (tui|da)\b", r"\bcom chay\b", r"\bchay (noi|com|chao|thit|ca kho|do an|banh)\b",
        r"\bphao (luoi|cau) (\w+ )?chim\b", r"\b(nuong|chien|rang|kho) (\w+ ){0,2}(bi )?chay\b", r"\bchay khet\b",
        r"\bluoi (\w+ )?(bi )?troi\b", r"\bchay (day )?noi\b", r"\brot nuoc (mam|ngot|che|soi|vao|vo|ra|cho)\b",
        r"\bda lat\b", r"\btroi (dat )?oi\b", r"\bthung (gao|rac|xop|son|hang|carton)\b", r"\bbo dam\b",
        r"\b(ca|rac|dau|xac ca|go|cui) (chet )?troi (dat )?(vao|vo)\b",
        r"\b(binh|he thong|thiet bi|voi|tap huan|phong|doi|canh sat|xe|dung cu) (\w+ )?chua chay\b",
        r"\b(ba|bay) (chim|noi) (ba|bay) (chim|noi)\b",
        r"\b(noi com|noi canh|noi ca|com|ca kho|thit kho|thuc an|do an) (bi )?chay( khet| day)?\b",
        r"\b(bi )?chay (bugi|cau chi|bong( den)?|cuon day|mo to|motor|than|bo mach|ic|role|sac|cau dao)\b",
        r"\b(bugi|cau chi|bong den|mo to|motor|bo mach|ac quy) (\w+ ){0,2}(bi )?chay\b",
        r"\b(lam|danh) (roi|rot)( mat)?(( \w+){0,4}? xuong (bien|nuoc|song|khoang|ham|cau cang)( roi)?)?\b",
        r"\b(roi|rot) (mat )?(cai|chiec|cay|cuon|chia khoa|dien thoai|vi|non|dep|kinh)( \w+){0,4}? xuong "
        r"(bien|nuoc|song|khoang|ham|cau cang)( roi)?\b",
        r"\b(dien thoai|dep|non|chia khoa|luoi cau|kinh|vi tien) (\w+ )?(bi )?(roi|rot) xuong (bien|nuoc)( roi)?\b",
    ]
)  # fmt: skip
# The same in words only typed with diacritics ("chìm xuồng": hushed up, not sunk into the sea).
_FIGURATIVE_ACCENTED = regex.compile(r"\bchìm xuồng\b|\bthuyền thúng\b")
# Laughing is not what a person in danger types.
_LAUGHING = regex.compile(r"\b(ha|hi|he|ke){2,}\b|\bkk+\b|[=:]\)\)|[😂🤣😆😁]")

# With diacritics "cháy" (burn) is not "chạy" (run): what is ambiguous when folded is strong here.
_ACCENTED_STRONG = regex.compile(
    r"\bđang (bốc )?cháy\b|\bbốc cháy\b|\bcháy (tàu|ghe|máy|buồng|lớn|hầm|khoang|rồi|r|lan)\b|\blửa cháy\b|\bđắm\b"
)
_ACCENTED_WEAK = regex.compile(
    r"\bcháy\b(?! (nắng|hàng|bóng|hoài))|(?<!\b(lưới|rê|hạ) )\bchìm\b(?! (lắng|trong))|\bnguy\b"
    r"|(?<!\b(tra|nghiên|sơ|cấp) )\bcứu\b(?! (trợ|sinh|hộ|nạn))"
)


def _words(tokens: list[tuple[str, Syllable]]) -> str:
    return " ".join(word for word, _ in tokens)


def _tokens(accented: str) -> list[tuple[str, Syllable]]:
    """The folded, normalised words of the message, each with the syllable it comes from."""
    return [(unshout(lemma), s) for s in syllables(accented) for lemma in s.lemmas]


def _fall_words(tokens: list[tuple[str, Syllable]]) -> list[str]:
    """The words, with "rồi" typed with diacritics (already) as "xong": it is never "rơi" (fall)."""
    return ["xong" if s.text.lower() == "rồi" else word for word, s in tokens]


def _without_figures(accented: str) -> str:
    """The message without its figures of speech (_FIGURATIVE): blanks where they were."""
    accented = _FIGURATIVE_ACCENTED.sub(" ", accented)
    tokens = _tokens(accented)
    words = _fall_words(tokens)
    starts, position = [], 0
    for word in words:
        starts.append(position)
        position += len(word) + 1
    cuts = []
    for match in _FIGURATIVE.finditer(" ".join(words)):
        inside = [s for start, (_, s) in zip(starts, tokens, strict=True) if match.start() <= start < match.end()]
        if inside:
            cuts.append((inside[0].start, inside[-1].end))
    for start, end in reversed(cuts):
        accented = accented[:start] + " " + accented[end:]
    return accented


def danger_level(text: str) -> str:
    """'strong', 'weak', 'none' or 'calm' (a calm topic: never danger now): how clearly the message reads as
    danger at sea happening now."""
    accented = unshout(text)
    accented = _without_figures(accented)
    tokens = _tokens(accented)
    words = _words(tokens)
    fall_words = " ".join(_fall_words(tokens))  # "bão đi qua rồi, biển êm chưa": nobody fell into the sea
    plain = unshout(fold(accented))
    if _DRILL.search(words):
        return "calm"
    if _URGENT.search(words):
        return "strong"
    if _CALL.search(words) or _CALL_IN_CLAUSE.search(plain):
        everyday = _EVERYDAY_TROUBLE.search(words)
        return "calm" if everyday and not _SEA_OR_DANGER.search(_EVERYDAY_TROUBLE.sub(" ", words)) else "strong"
    hypothetical = _HYPOTHETICAL.search(words) and not _NOW.search(_CONDITION.sub(" ", words))
    if _CALM.search(words) or hypothetical or _LAUGHING.search(accented):
        return "calm"
    if _STRONG.search(words) or _IN_THE_WATER.search(fall_words) or _ACCENTED_STRONG.search(accented):
        return "strong"
    if _ACCENTED_WEAK.search(accented) or (_WEAK.search(words) and plain == accented):
        return "weak"
    return "none"


def flagged_by_rules(text: str) -> bool:
    """The rules' decision: only a strong signal makes an emergency."""
    return danger_level(text) == "strong"


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
    """Score a detector on items ``{text, emergency}`` (knowledge/danger/): the rules by default, or e.g.
    ``DangerModel.is_emergency``."""
    items = [(str(c["text"]), bool(c["emergency"])) for c in cases]
    verdicts = [(text, emergency, flagged(text)) for text, emergency in items]
    return DetectionScore(
        false_alarms=tuple(text for text, emergency, flag in verdicts if flag and not emergency),
        missed=tuple(text for text, emergency, flag in verdicts if emergency and not flag),
        non_emergencies=sum(not emergency for _, emergency in items),
        emergencies=sum(emergency for _, emergency in items),
    )
