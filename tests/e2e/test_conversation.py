"""The assistant through Rasa's REST channel and the web chat, with the trained model."""

from __future__ import annotations

import uuid

import httpx
import pytest

from bot.knowledge.base import knowledge

pytestmark = pytest.mark.e2e


def ask(stack, text: object, sender: str | None = None) -> list[dict]:
    body = {"sender": sender or uuid.uuid4().hex, "message": text}
    response = httpx.post(stack.settings.rest_webhook_url, json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def texts(replies_: list[dict]) -> list[str]:
    return [r.get("text") or "" for r in replies_]


@pytest.mark.parametrize(
    "question",
    [
        "Lãnh hải Việt Nam rộng bao nhiêu hải lý?",
        "lanh hai viet nam rong bao nhieu hai ly",
        "la\u0303nh ha\u0309i ro\u0323ng bao nhie\u0302u",  # NFD, as some phones send it
    ],
)
def test_a_fact_question_gets_its_answer_and_source_in_one_message(stack, question):
    assert texts(ask(stack, question)) == [knowledge().by_id("lanh_hai_rong").render()]


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("ghe 15 met co phai lap may giam sat hanh trinh k", "vms_tau_nao_phai_lap"),
        ("răng phải bật VMS 24/24?", "vms_bat_24_24"),
        ("so dien thoai trung tam cuu nan hang hai da nang", "so_dien_thoai_cuu_nan_hang_hai"),
    ],
)
def test_dialect_and_teencode_questions_are_understood(stack, question, entry):
    answered = [knowledge().by_response(r.get("response") or "") for r in ask(stack, question)]
    assert knowledge().by_id(entry) in answered  # the whole answer, or its case when the length is given


@pytest.mark.parametrize(
    "message", ["cuu voi tau chim", "SOS", "Ghe tui đang cháy ngoài khơi Sa Huỳnh", "co nguoi roi xuong bien"]
)
def test_an_emergency_gets_the_rescue_contacts_first(stack, message):
    first = texts(ask(stack, message))[0]
    for contact in ("112", "7903 kHz", "kênh 16 VHF", "0236.3924.957"):
        assert contact in first


def test_danger_now_phrased_as_a_question_gets_the_contacts_first(stack):
    got = texts(ask(stack, "ghe tui đang chìm, phải báo cho ai?"))
    assert "112" in got[0] and "7903 kHz" in got[0] and "vị trí" in got[0]


def test_a_calm_question_about_rescue_is_just_answered(stack):
    got = texts(ask(stack, "Thấy tàu khác bị chìm thì tôi có bắt buộc phải cứu không?"))
    assert got[-1] == knowledge().by_id("thay_tau_khac_gap_nan_co_phai_cuu").render()


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "😀🌊🐟",
        "?!?",
        "cá " * 2000,
        "<script>alert('x')</script>",
        "\x00\x07\x1b[31m",
        "a" * 5000,
        "What is the weather tomorrow please?",
        "今天天气怎么样",
    ],
)
def test_bad_input_gets_a_polite_reply_and_the_conversation_goes_on(stack, message):
    sender = uuid.uuid4().hex
    got = texts(ask(stack, message, sender))
    assert got and all(got)
    assert not any("Traceback" in t or "<script>" in t for t in got)
    assert knowledge().by_id("lanh_hai_rong").render() in texts(ask(stack, "lanh hai rong bao nhieu", sender))


def test_messages_without_words_are_told_what_to_do(stack):
    assert "Tôi chưa thấy câu hỏi" in texts(ask(stack, "   "))[0]


@pytest.mark.parametrize("message", ["What is the territorial sea of Vietnam? Please explain", "今天天气怎么样"])
def test_another_language_is_told_we_speak_vietnamese(stack, message):
    (reply,) = texts(ask(stack, message))
    assert "chỉ hiểu tiếng Việt" in reply and "only understand Vietnamese" in reply


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'{"message": "hi"}', 400),
        (b'{"sender": "a", "message": 5}', 400),
        (b'{"sender": "a", "message": "' + b"x" * 100_000 + b'"}', 413),
    ],
)
def test_malformed_requests_get_a_clear_4xx(stack, content, status):
    response = httpx.post(
        stack.settings.rest_webhook_url, content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status
    if status == 400:
        assert "error" in response.json()


def test_the_web_chat_page_and_its_api(stack):
    base = f"http://127.0.0.1:{stack.settings.web_port}"
    page = httpx.get(base + "/")
    assert page.status_code == 200 and "Trợ lý biển đảo" in page.text
    with httpx.Client(base_url=base) as client:
        first = client.post("/api/chat", json={"message": "lanh hai rong bao nhieu"})
        assert first.status_code == 200 and "visitor" in first.cookies
        assert knowledge().by_id("lanh_hai_rong").render() in texts(first.json()["replies"])
        assert client.post("/api/chat", content=b"nope").status_code == 400
        assert client.post("/api/chat", json={"message": ["x"]}).status_code == 400


def test_the_web_chat_offers_publications_as_downloads(stack):
    base = f"http://127.0.0.1:{stack.settings.web_port}"
    with httpx.Client(base_url=base) as client:
        replies = client.post("/api/chat", json={"message": "gửi cho tôi tài liệu về an toàn trên biển"}).json()
        documents = [r["custom"]["document"] for r in replies["replies"] if r.get("custom")]
        assert documents == [{"title": "An toàn và cứu nạn trên biển", "url": "/publications/an_toan_cuu_nan.pdf"}]
        pdf = client.get(documents[0]["url"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        assert pdf.headers["content-type"] == "application/pdf"
        assert client.get("/publications/khong_co.pdf").status_code == 404
        assert client.get("/publications/..%2Fcatalogue.yml.pdf").status_code == 404


def test_every_message_is_logged_for_the_outreach_figures(stack):
    import time

    from sqlalchemy import select

    from bot.storage.models import Interaction
    from bot.subscribers import pseudonym

    sender = f"telegram-{uuid.uuid4().int % 10**9}"
    ask(stack, "lanh hai rong bao nhieu", sender)
    ask(stack, "xyzzy qwerty vvv", sender)
    user_ref = pseudonym("telegram", sender.removeprefix("telegram-"))
    deadline = time.monotonic() + 15
    rows = []
    while len(rows) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
        with stack.db.connect() as connection:
            rows = connection.execute(
                select(Interaction.__table__).where(Interaction.user_ref == user_ref).order_by(Interaction.id)
            ).fetchall()
    answered, unsure = rows
    assert (answered.channel, answered.outcome, answered.detail) == ("telegram", "answered", "knowledge")
    assert (answered.entry_id, answered.topic, answered.replies) == ("lanh_hai_rong", "vung_bien", 1)
    assert answered.response_ms is not None and 0 <= answered.response_ms < 5000
    assert (unsure.outcome, unsure.detail, unsure.text) == ("declined", "out_of_scope", "xyzzy qwerty vvv")
    assert sender.removeprefix("telegram-") not in answered.user_ref  # pseudonymous


def test_a_retried_message_is_answered_once(stack):
    """Clients resend a message (same message_id) when an answer got lost: same replies, one turn."""
    sender = f"retry-{uuid.uuid4().hex}"
    body = {"sender": sender, "message": "lanh hai rong bao nhieu", "message_id": "telegram-42"}
    first = httpx.post(stack.settings.rest_webhook_url, json=body, timeout=30).json()
    second = httpx.post(stack.settings.rest_webhook_url, json=body, timeout=30).json()
    assert first and second == first
    other = httpx.post(stack.settings.rest_webhook_url, json={**body, "message_id": "telegram-43"}, timeout=30).json()
    assert other == first  # a new message with the same words is a new turn
    tracker = httpx.get(f"{stack.settings.rasa_url}/conversations/{sender}/tracker",
                        params={"token": stack.settings.rasa_api_token()}, timeout=30).json()  # fmt: skip
    assert [e["message_id"] for e in tracker["events"] if e["event"] == "user"] == ["telegram-42", "telegram-43"]
