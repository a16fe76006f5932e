"""Campaigns (bot/campaigns/): the code format, a start recorded once per person from a deep link, a typed code
or the web chat's link, malformed and unknown codes ignored, the figures per campaign and per border post, the
erasure of a person, and the printable leaflet and handbooks with their QR code and links."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, insert, select

from bot import cli, subscribers
from bot.broadcasts import officers
from bot.campaigns import codes, store
from bot.campaigns.figures import WHOLE_PROVINCE
from bot.campaigns.poster import leaflet
from bot.channels.types import TELEGRAM, ZALO
from bot.gateways.conversation import Gateway, Incoming
from bot.gateways.throttle import FloodGuard
from bot.knowledge.base import knowledge
from bot.metrics.figures import Figures, Period
from bot.publications.catalogue import catalogue
from bot.publications.pdf import build_handbook
from bot.settings import get_settings
from bot.storage import db
from bot.storage.models import CampaignStart, Interaction, Quiz, QuizAttempt, SubscriptionEvent, utcnow
from bot.web.app import create_app
from tests.unit.fakes import Assistant
from tests.unit.test_security import NoRasa

ANSWER = [{"text": "Tàu dưới 15 m không phải lắp VMS.", "response": "utter_kb_vms"}]
ANSWER_TEXTS = [ANSWER[0]["text"]]


def starts() -> list[tuple[int, str, str]]:
    with db.session() as session:
        rows = session.execute(select(CampaignStart.campaign_id, CampaignStart.channel, CampaignStart.user_ref))
        return sorted(tuple(row) for row in rows)  # type: ignore[misc]


def say(gateway: Gateway, text: str, user: str = "42") -> list[str]:
    return [m.text for m in asyncio.run(gateway.handle(Incoming(user, text, display_name="Ngư dân Ba")))]


def test_codes_are_short_random_unambiguous_and_typed_in_any_case():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    for code in made:
        assert len(code) == codes.LENGTH and codes.is_code(code)
        assert not set(code) & set("0O1IL5S2Z8B")  # no look-alikes
        assert any(c.isdigit() for c in code) and any(c.isalpha() for c in code)
    assert codes.parse("k7m-4pq") == codes.parse(" K7M 4PQ ") == "K7M4PQ"
    for malformed in ("", "K7M4P", "K7M4PQX", "KMNPQR", "346797", "K0M4PQ", "/start", "xin chao", "K7M4PQ" * 4,
                      "K7M4P\u00a0Q!", "'; DROP TABLE campaigns; --"):  # fmt: skip
        assert codes.parse(malformed) is None, malformed


def test_a_start_is_recorded_once_per_person_and_unknown_or_malformed_codes_record_nothing(app_database):
    campaign = store.create("Hội nghị Sa Huỳnh 12/2026", "Sa Huỳnh")
    assert campaign.area == "sa_huynh" and codes.is_code(campaign.code)
    assert store.record_start(campaign.code.lower(), "telegram", "42").id == campaign.id
    assert store.record_start(campaign.code, "telegram", "42").id == campaign.id  # again: still once
    store.record_start(campaign.code, "zalo", "42")
    assert starts() == sorted([(campaign.id, "telegram", subscribers.pseudonym("telegram", "42")),
                               (campaign.id, "zalo", subscribers.pseudonym("zalo", "42"))])  # fmt: skip
    unknown = next(c for c in iter(codes.new_code, None) if c != campaign.code)
    for code in (unknown, "xyz", "", "A" * 5000):
        assert store.record_start(code, "telegram", "43") is None
    assert len(starts()) == 2
    with pytest.raises(store.CampaignError):
        store.create("   ")
    with pytest.raises(ValueError, match="Ghi rõ"):
        store.create("Tờ rơi", "Nguyễn Nghiêm")  # a name three communes share


def test_gateways_start_from_a_deep_link_or_a_typed_code_exactly_as_start_does(app_database):
    campaign = store.create("Tờ rơi chợ cá Sa Kỳ", "ly_son")
    telegram = Gateway(TELEGRAM, Assistant(ANSWER), FloodGuard(burst=1000))  # type: ignore[arg-type]
    zalo = Gateway(ZALO, Assistant(ANSWER), FloodGuard(burst=1000))  # type: ignore[arg-type]
    plain = say(telegram, "/start", "1")
    assert say(telegram, f"/start {campaign.code}", "2") == plain  # t.me/<bot>?start=<code>
    assert say(telegram, "/start KHONGCO", "3") == plain  # malformed: a normal start, nothing recorded
    assert say(telegram, "/start 9A9A9A", "3") == plain  # unknown
    assert say(zalo, campaign.code.lower(), "4") == say(zalo, "/start", "5")  # the code typed on Zalo
    assert say(zalo, "9A9A9A", "6") == ANSWER_TEXTS  # an unknown code is just a message to the assistant
    assert {(channel, ref) for _, channel, ref in starts()} == {
        ("telegram", subscribers.pseudonym("telegram", "2")), ("zalo", subscribers.pseudonym("zalo", "4"))}  # fmt: skip


def test_the_web_chat_link_records_the_visitors_start(app_database):
    campaign = store.create("Áp phích đồn Bình Sơn", "binh_son")

    async def visit() -> tuple[str, str]:
        async with TestClient(TestServer(create_app(get_settings(), NoRasa()))) as client:  # type: ignore[arg-type]
            ignored = await client.get("/?c=0000")
            started = await client.get(f"/?c={campaign.code.lower()}")
            assert ignored.status == started.status == 200
            return ignored.cookies.get("visitor", ""), started.cookies["visitor"].value

    ignored, visitor = asyncio.run(visit())
    assert not ignored
    assert starts() == [(campaign.id, "webchat", subscribers.pseudonym("webchat", visitor))]


def _person_starts(campaign_id: int, user: str, at, subscribed=None, asked=None, played=None) -> None:
    ref = subscribers.pseudonym("telegram", user)
    with db.engine().begin() as connection:
        connection.execute(insert(CampaignStart), [dict(campaign_id=campaign_id, channel="telegram", user_ref=ref,
                                                        started_at=at)])  # fmt: skip
        if subscribed:
            connection.execute(insert(SubscriptionEvent), [dict(at=subscribed, channel="telegram", user_ref=ref,
                                                                kind="subscribed")])  # fmt: skip
        for when in asked or ():
            connection.execute(insert(Interaction), [dict(at=when, channel="telegram", user_ref=ref, text="?",
                                                          outcome="answered", detail="knowledge")])  # fmt: skip
        if played:
            quiz = connection.execute(insert(Quiz), [dict(title="Thi", track="residents", starts_at=played,
                                                          ends_at=played, status="open", created_by="t",
                                                          created_at=played)]).inserted_primary_key  # fmt: skip
            connection.execute(insert(QuizAttempt), [dict(quiz_id=quiz[0], channel="telegram", channel_user_id=user,
                                                          user_ref=ref, show_name=0, question_order="", answered=0,
                                                          score=0, started_at=played)])  # fmt: skip


def test_figures_per_campaign_and_per_border_post(sqlite_and_postgresql):
    officers.add("telegram:901", name="Trung úy Hải", areas=["ly_son"], post="Đồn Biên phòng Lý Sơn")
    officers.add("telegram:902", name="Đại úy tỉnh", post="Bộ đội Biên phòng tỉnh")  # every area: no post's own
    ly_son, ly_son_2 = store.create("Hội nghị Lý Sơn", "ly_son"), store.create("Tờ rơi bến cá Lý Sơn", "ly_son")
    sa_huynh, handbook = store.create("Hội nghị Sa Huỳnh", "sa_huynh"), store.for_publication("so_tay", "Sổ tay")
    now = utcnow()
    hour = timedelta(hours=1)
    _person_starts(ly_son.id, "1", now, subscribed=now + hour, asked=[now + hour, now + 2 * hour], played=now + hour)
    _person_starts(ly_son.id, "2", now, subscribed=now - hour, asked=[now - hour])  # before: not this campaign's
    _person_starts(ly_son_2.id, "1", now)  # the same person from a second leaflet of the post: once for the post
    _person_starts(sa_huynh.id, "3", now, asked=[now + hour])
    _person_starts(sa_huynh.id, "4", now - timedelta(days=60), asked=[now])  # started before the period
    found = Figures().campaigns(Period.parse(None, None))
    by_code = {row["code"]: row for row in found["by_campaign"]}
    counts = lambda row: tuple(row[k] for k in ("started", "subscribed", "asked", "played"))  # noqa: E731
    assert counts(by_code[ly_son.code]) == (2, 1, 1, 1)
    assert counts(by_code[ly_son_2.code]) == (1, 1, 1, 1)  # what person 1 did next counts for both
    assert counts(by_code[sa_huynh.code]) == (1, 0, 1, 0)
    assert counts(by_code[handbook.code]) == (0, 0, 0, 0) and by_code[handbook.code]["post"] == WHOLE_PROVINCE
    assert by_code[ly_son.code]["post"] == "Đồn Biên phòng Lý Sơn"
    assert by_code[sa_huynh.code]["post"] == "Phường Sa Huỳnh"  # no officer names a post there: the area
    assert [(row["name"], counts(row)) for row in found["by_post"]] == [
        ("Đồn Biên phòng Lý Sơn", (2, 1, 1, 1)), ("Phường Sa Huỳnh", (1, 0, 1, 0))]  # fmt: skip
    assert counts(found) == (3, 1, 2, 1)
    stats = Figures().stats(Period.parse(None, None))["campaigns"]
    assert stats["by_campaign"][ly_son.code]["started"] == 2 and stats["by_post"]["Phường Sa Huỳnh"]["asked"] == 1


def test_bot_campaign_create_list_and_stats(app_database, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "@TroLyBienDaoBot")
    get_settings.cache_clear()
    out = tmp_path / "to-roi.pdf"
    assert cli.main(["campaign", "create", "--name", "Hội nghị Sa Huỳnh 12/2026", "--area", "Sa Huỳnh",
                     "--out", str(out)]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    code = printed.split()[-1]
    assert codes.is_code(code) and str(out) in printed and f"https://t.me/TroLyBienDaoBot?start={code}" in printed
    store.record_start(code, "telegram", "42")
    assert cli.main(["campaign", "stats", code.lower(), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["code"], stats["area"], stats["started"], stats["subscribed"], stats["asked"]) == (
        code, "sa_huynh", 1, 0, 0)  # fmt: skip
    assert cli.main(["campaign", "list"]) == 0 and code in capsys.readouterr().out
    for argv, message in ((["create", "--name", ""], "needs a name"), (["create", "--name", "x", "--area", "Hà Nội"],
                          "không biết khu vực"), (["stats", "nope"], "is not a campaign code"),
                          (["stats", "9A9A9A"], "no campaign 9A9A9A"),
                          (["stats", code, "--since", "2026-13-01"], "YYYY-MM-DD")):  # fmt: skip
        assert cli.main(["campaign", *argv]) == 2, argv
        assert message in capsys.readouterr().err


def test_deleting_a_person_unlinks_their_campaign_starts(app_database):
    campaign = store.create("Tờ rơi", None)
    person = subscribers.touch("telegram", "42")
    store.record_start(campaign.code, "telegram", "42")
    subscribers.delete_personal_data(person)
    assert [ref.startswith("deleted-") for _, _, ref in starts()] == [True]
    store.record_start(campaign.code, "telegram", "42")  # back later: a new person for the figures
    assert len(starts()) == 2


def _pdf_has_qr_and_links(data: bytes, *links: str) -> None:
    assert b"/Subtype /Image" in data
    for link in links:
        assert f"/URI ({link})".encode() in data, link


def test_the_leaflet_and_every_handbook_carry_the_qr_code_and_links(app_database, tmp_path, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "TroLyBienDaoBot")
    monkeypatch.setenv("PUBLIC_WEB_URL", "https://trolybiendao.example.vn/")
    get_settings.cache_clear()
    campaign = store.create("Hội nghị Sa Huỳnh 12/2026", "sa_huynh")
    for size in ("a5", "a4"):
        data = leaflet(campaign, tmp_path / f"{size}.pdf", size).read_bytes()
        _pdf_has_qr_and_links(data, f"https://t.me/TroLyBienDaoBot?start={campaign.code}",
                              f"https://trolybiendao.example.vn/?c={campaign.code}")  # fmt: skip
        assert data.count(b"/Type /Page\n") == 1  # one sheet
    publication = next(p for p in catalogue() if p.from_topics)
    first = store.for_publication(publication.id, publication.title)
    assert store.for_publication(publication.id, publication.title).code == first.code  # stable across rebuilds
    data = build_handbook(publication, knowledge(), tmp_path / "so-tay.pdf", first.code).read_bytes()
    _pdf_has_qr_and_links(data, f"https://t.me/TroLyBienDaoBot?start={first.code}")
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(CampaignStart)).scalar_one() == 0
