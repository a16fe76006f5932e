from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.danger import WRITTEN_ON, danger_level, flagged_by_rules, score_detection
from bot.nlu.danger_model import EXAMPLES

DATA = Path(__file__).resolve().parents[1] / "data"


def cases(name: str) -> list[dict]:
    path = EXAMPLES / name if (EXAMPLES / name).exists() else DATA / name
    return yaml.safe_load(path.read_text(encoding="utf-8"))


RULE_SETS = sorted(WRITTEN_ON)


@pytest.mark.parametrize(
    "text",
    [
        "SOS",
        "cứu",
        "cuu voi",
        "help",
        "Tàu tui đang chìm",
        "tau dang chim cuu",
        "ghe đang cháy ngoài khơi",
        "co nguoi roi xuong bien",
        "hong may giua bao tau dang troi",
        "mayday mayday",
        "tau bi thung nuoc vao khoang",
        "cứuuuu tàu chìmmmm",
        "🆘🆘",
        "ghe chồng tui chưa về mà bão vô rồi",
        "het dau roi, tau dang troi, song lon",
        "tau dang chay, lua lon qua",
    ],
)
def test_danger_is_recognised(text):
    assert danger_level(text) == "strong"


@pytest.mark.parametrize(
    "text",
    [
        "số điện thoại trung tâm cứu nạn hàng hải",
        "tàu đang chạy ngoài biển thì vms phải bật không",
        "tau dang chay ra khoi",
        "vms bi hong thi lam sao",
        "lãnh hải rộng bao nhiêu",
        "bao hiem than tau",
        "/help",
    ],
)
def test_ordinary_questions_are_not_a_strong_danger_signal(text):
    assert danger_level(text) != "strong"


@pytest.mark.parametrize(
    "text",
    [
        "gia dau hom nay o cang Sa Ky bao nhieu",  # a price
        "tàu hết dầu thì đổ ở cây xăng nào gần cảng Sa Kỳ",  # buying fuel
        "bảo hiểm có trả khi tàu bị lật không",  # insurance
        "thấy người rơi xuống biển mà không cứu thì bị xử lý thế nào",  # the law
        "năm ngoái tàu tui bị chìm, bảo hiểm có trả không",  # the past
        "tàu về bến an toàn rồi, cảm ơn biên phòng đã cứu",  # over and done
        "đọc báo thấy tàu cá bị chìm ở Hoàng Sa, có thật không",  # the news
        "tuan sau co bao ko",  # a forecast
        "Bấm nhầm nút SOS trên máy VMS thì phải làm gì",  # the SOS button, not a call
    ],
)
def test_calm_questions_are_not_danger_even_with_danger_words(text):
    assert danger_level(text) == "calm"


def test_a_call_for_help_wins_over_a_calm_topic():
    assert danger_level("cứu với, tàu chìm rồi, bảo hiểm gì tính sau") == "strong"


@pytest.mark.parametrize("text", ["tàu chìm ở Sa Huỳnh nhiều không", "tau bi chay"])
def test_weak_signals_alone_are_not_an_emergency(text):
    assert danger_level(text) == "weak"
    assert not flagged_by_rules(text)


def test_no_lookalike_of_the_development_sets_is_a_strong_signal():
    for name in RULE_SETS:
        score = score_detection(cases(name))
        assert score.false_alarms == (), f"{name}: {score.summary()}"


def test_every_emergency_of_the_development_sets_has_a_danger_signal():
    """Strong, or weak ("chay tau roi": on fire, or under way?); never vetoed."""
    emergencies = [c["text"] for name in RULE_SETS for c in cases(name) if c["emergency"]]
    assert [t for t in emergencies if danger_level(t) == "none"] == []
    assert score_detection(cases("emergencies.yml")).missed == ()


def test_score_detection_counts_false_alarms_and_misses():
    score = score_detection(
        [
            {"text": "cứu", "emergency": True},
            {"text": "chay tau roi", "emergency": True},
            {"text": "gia dau hom nay", "emergency": False},
            {"text": "giá dầu hôm nay", "emergency": False},
        ],
        flagged=lambda text: text.startswith(("cứu", "gia")),
    )
    assert score.false_alarms == ("gia dau hom nay",) and score.missed == ("chay tau roi",)
    assert (score.false_alarm_rate, score.recall) == (0.5, 0.5)
    assert score.summary() == "false alarms 1/2 (50.0%), emergencies recognised 1/2 (50.0%)"


def test_foreign_text_gets_the_other_language_intent():
    from bot.rasa.nlu.language import ForeignLanguageDetector

    message = Message(data={TEXT: "who won the football match last night"})
    message.set(INTENT, {"name": "out_of_scope", "confidence": 0.7})
    ForeignLanguageDetector().process([message])
    assert message.get(INTENT) == {"name": "other_language", "confidence": 1.0}
    vietnamese = Message(data={TEXT: "vms bat 24 24 k"})
    vietnamese.set(INTENT, {"name": "kb_vms_bat_24_24", "confidence": 0.9})
    ForeignLanguageDetector().process([vietnamese])
    assert vietnamese.get(INTENT)["name"] == "kb_vms_bat_24_24"


@pytest.mark.parametrize(
    "text",
    [
        "tàu đang chìm thì phải làm sao",
        "tau dang chim thi phai lam sao",
        "có người rơi xuống biển thì phải làm gì bây giờ",
        "may hu giua bien song to qua thi sao",
        "đang bị tàu lạ rượt đuổi thì làm sao",
    ],
)
def test_danger_now_asked_as_a_question_is_still_an_emergency(text):
    assert danger_level(text) == "strong"


def test_development_questions_about_the_law_are_not_read_as_danger():
    """898 questions of the development sets that are not emergencies: at most the 3 long letters that tell
    of a rescue call or a breakdown get the rescue contacts first (then their answer)."""
    questions = [
        q for name in ("dev_questions.yml", "dev_2026_10.yml", "dev_questions_2026_11.yml") for q in cases(name)
    ]
    calm = [q["text"] for q in questions if q["kind"] != "emergency"]
    assert len([t for t in calm if danger_level(t) == "strong"]) <= 3


@pytest.mark.parametrize(
    "text",
    [
        "mấy ông mua cá lật kèo hoài",  # a saying: "lật kèo", "lật mặt"
        "ba chìm bảy nổi, đời ngư dân là vậy",
        "cháy túi luôn rồi, tháng này khỏi đi biển",
        "chuyện đó chìm xuồng lâu rồi",  # "chìm xuồng" typed with diacritics: hushed up
        "anh Ba là cứu tinh của cả xóm",
        "bugi máy tàu bị cháy, sửa hết bao lâu",  # a burnt part
        "ca kho bi chay roi, bua nay an mi",  # burnt food
        "thằng nhỏ làm rơi cái kính xuống nước rồi",  # a thing dropped, not a person
        "lam rot dien thoai xuong bien, co cach lay lai ko",
        "binh chua chay tren tau het han roi",  # fire-fighting equipment, not a fire
    ],
)
def test_figures_of_speech_and_mishaps_are_not_danger(text):
    assert danger_level(text) != "strong"
    assert danger_level(text) in ("calm", "none")


def test_roi_typed_with_diacritics_is_never_a_fall():
    assert danger_level("gió qua rồi biển lặng, mai đi") != "strong"
    assert danger_level("có người rơi biển rồi") == "strong"
    assert danger_level("co nguoi roi bien") == "strong"  # without diacritics "roi" may be "rơi"


@pytest.mark.parametrize(
    "text",
    [
        "nếu thấy ghe khác đang chìm mà mình đang thả lưới thì có phải cứu không",  # "đang" inside the condition
        "neu tau ban dang bi nan ma minh o xa co phai toi cuu ko",
        "khi gặp cháy hầm máy thì xịt bình nào trước",  # "khi ... thì": a general question
        "clip hướng dẫn cứu người đuối nước xem ở mô",
        "phải làm gì để tàu khỏi bị lật khi chất cá",
        "khói trắng ra ống bô là bị gì",
        "vot duoc xac tau thi giao cho ai",
    ],
)
def test_conditions_how_to_and_prevention_are_calm(text):
    assert danger_level(text) == "calm"


def test_danger_now_after_a_condition_is_still_an_emergency():
    assert danger_level("nếu không ai tới thì chết hết, tàu đang chìm") == "strong"
    assert danger_level("khi nãy tàu bị lật, giờ anh em đang bám phao") == "strong"


@pytest.mark.parametrize(
    "text", ["ông hàng xóm vay tiền rồi mất liên lạc luôn, hehe", "mất liên lạc với thằng bạn học cũ :))"]
)
def test_laughing_is_calm(text):
    assert danger_level(text) == "calm"


def test_lost_contact_is_strong_only_about_the_sea_a_boat_or_family():
    assert danger_level("mat lien lac voi tau anh toi tu sang qua") == "strong"
    assert danger_level("mất liên lạc với ghe ông xã 2 ngày rồi") == "strong"
    assert danger_level("mat lien lac voi dua ban cu") == "weak"  # the classifier decides


@pytest.mark.parametrize(
    "text",
    [
        "ghe tui bị nạn ở gần Hòn Mù Cu",  # one's own boat in distress
        "tau gap nan, 5 nguoi",
        "chay buong may",  # a bare "cháy/chạy buồng máy" can only be a fire
        "bình ga nổ trong cabin",
        "tàu lạ xịt vòi rồng vô ghe tụi tui",
        "họ bắt thuyền trưởng đi rồi",
        "gãy trục lái, tàu xoay vòng",
        "ket giua con bao, may yeu",
        "khong biet tau minh dang o dau, troi toi qua",
        "sốt li bì, co giật, tàu còn cách bờ 40 hải lý",
        "ghe nứt rồi, nước phun vô khoang",
        "tàu tui đang ở tâm bão",
        "bị cướp biển, tụi nó có súng",
        "bạn tàu bị dây tời cuốn tay, dập nát",
        "ghe trôi 3 ngày rồi, hết gạo",
        "tau lui vo ran ngam, ket cung",
        "ghe ông Bảy mất tích sau cơn lốc tối qua",
        "con tui đi biển chưa về, trời tối rồi, gọi không được",
        "giup voi",
        "may day may day",
        "nhanh len, ghe lat",  # hurry, with a danger word
        "song to qua, tau ko vo ben duoc, dang tha neo",
    ],
)
def test_new_danger_signals_are_strong(text):
    assert danger_level(text) == "strong"


@pytest.mark.parametrize(
    "text",
    [
        "trời mát lại rồi, mai đi biển",  # "mát lại" is not "mất lái"
        "mai mưa không, tính phơi cá",  # "không, tính" is not "không tỉnh"
        "ngay thang troi nhanh qua",  # time goes by
        "tàu neo dưới chân cầu cảng có an toàn không",
        "đang sốt ruột vì giá cá",
        "tàu bé có được đi xa bờ không",
        "chạy tàu từ Sa Kỳ ra Lý Sơn mất mấy tiếng",
        "tau cach Dung Quat bao xa thi vao bo",
    ],
)
def test_lookalikes_of_the_new_signals_are_not_strong(text):
    assert danger_level(text) != "strong"


@pytest.mark.parametrize(
    "text",
    [
        "theo luật thuyền trưởng có phải cứu người gặp nạn không",  # gặp (meet) folds like gấp (urgent)
        "cuu chien binh o dao co duoc tro cap khong",  # cựu (former) folds like cứu (rescue)
        "cuu voi, quen mat khau zalo roi",  # everyday troubles
        "cứu em với, điện thoại bị khoá sim",
        "hai tau va cham tren bien thi ai chiu boi thuong",
        "cach va ghe go bi thung",
        "chay rung o Ba To da dap tat chua",
    ],
)
def test_everyday_pleas_liability_repairs_and_land_fires_are_not_danger(text):
    assert danger_level(text) != "strong"


@pytest.mark.parametrize(
    "text", ["cuu voi tau chim", "cứu với, tàu tôi bị thủng, điện thoại sắp hết pin", "cuu voi!!!"]
)
def test_a_plea_with_the_sea_or_danger_in_it_is_still_strong(text):
    assert danger_level(text) == "strong"


@pytest.mark.parametrize(
    "text",
    [
        "SOS, ai chỉ cách nấu canh chua với",  # a call for help about cooking
        "cuu tui voi, thang nho khoc ca dem",
        "mo thay ghe bi lat danh con gi",  # a dream, a lottery number
        "phao luoi chim xuong la dinh ca phai khong",  # the net's float sinks: fish in the net
        "chay noi com roi lam sao het mui khet",
        "ghe hu may nam o ben, keo len sua thi tra bao nhieu",
        "Lỡ mà ghe bị lật thì bám vô đâu cho khỏi chìm?",
        "Bot có tự gửi SOS cho biên phòng được không",
    ],
)
def test_everyday_pleas_dreams_repairs_and_what_ifs_are_not_strong(text):
    assert danger_level(text) != "strong"


@pytest.mark.parametrize(
    "text",
    [
        "Nguoi bi dien giat ngat tren tau, khong tho, gio so cuu sao",  # how to help, asked now
        "Dang chay ve bo thi may boc chay, lua to lam",  # heading home is not back home
        "nguoi tren tau bi luoi cau moc vao mat, mau khong cam duoc",
        "tau dag chim thi lm sao",  # "dag" is "đang"
    ],
)
def test_danger_now_asked_on_the_way_or_as_how_to_is_strong(text):
    assert danger_level(text) == "strong"


@pytest.mark.parametrize(
    "text",
    [
        "Tin thử nghiệm của hợp tác xã: SOS, cứu tàu chìm. Đây chỉ là tin tập dượt",  # a drill
        "gọi cấp cứu bằng tiếng Anh thì nói như thế nào, mayday mayday là gì",
        "tv chieu tau ca bi tau la dam chim, thuong qua",  # the news
        "hom qua tau chet may giua bien nhung sua duoc roi, ve toi nha an toan",  # over and done
        "Tàu 15 mét phải có mấy cái phao cứu sinh với bình cứu hỏa?",  # "với" is "and"
        "bai hat nao co cau con thuyen troi giua bien khoi",
        "song lon qua, hom nay o nha choi voi con",  # "chơi với", not "chới với"
    ],
)
def test_drills_the_news_the_past_equipment_and_songs_are_not_strong(text):
    assert danger_level(text) != "strong"


@pytest.mark.parametrize(
    "text",
    [
        "bảo hiểm tính sau, chừ ghe đang chìm, kêu ai cứu?",  # a calm topic cannot outweigh "đang chìm"
        "Cha tụi tui đi ghe một mình từ sáng, chiều sóng lớn, chừ tối rồi chưa vô, điện thoại tắt",
        "Anh em lặn bị tê liệt hai chân sau khi ngoi lên, đang trên tàu cách Lý Sơn 10 hải lý",
        "tàu đg chạy về bờ thì bị sóg đánh vô, nc vô hầm, chạy ko nổi nữa, cứu gấpp",
    ],
)
def test_danger_now_beside_a_calm_topic_or_told_as_a_story_is_strong(text):
    assert danger_level(text) == "strong"


@pytest.mark.parametrize(
    "text",
    [
        "tran chieu nay co cau thu nga gay chan",  # football
        "diem anh van chim xuong con 3",  # a mark that sinks
        "tha thuyen giay tuong nho nguoi mat tich tren bien",  # a memorial
        "nghe don tau o Duc Loi mat tich, thiet hay don bay",  # a rumour
        "phao hieu SOS het han roi con dung duoc khong",  # equipment
        "Người ta cứu mình xong đòi tiền công thì luật có cho không?",
        "tàu nc ngoài vô lãnh hải thì còn tính là đi qua k gây hại ko",  # "là đi qua", not "lả đi"
    ],
)
def test_sport_rumours_memorials_equipment_and_the_law_are_not_strong(text):
    assert danger_level(text) != "strong"


@pytest.mark.parametrize(
    "text",
    [
        "tau toi dang nghieng, nuoc tran vao, lien lac bien phong bang cach nao",
        "vua vot nguoi duoi nuoc len ghe, khong tho, so cuu sao cho nhanh",
        "Nước đang tràn vào tàu rất nhanh, số điện thoại trung tâm cứu nạn là số nào?",
        "mat tich 1 thuyen vien tu 3h sang, tau dang o ngu truong Hoang Sa",
    ],
)
def test_danger_now_asked_as_how_to_or_whom_to_call_is_strong(text):
    assert danger_level(text) == "strong"
