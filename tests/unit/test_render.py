"""Fitting one reply to each channel's declared limits."""

from bot.channels.render import render, split_text
from bot.channels.types import TELEGRAM, WEBCHAT, ZALO


def test_long_texts_are_split_between_sentences_within_the_limit():
    sentence = "Tàu cá từ 15 m trở lên phải lắp thiết bị giám sát hành trình. "
    text = sentence * 200  # 12,600 characters: 4 messages of at most 4,096
    pieces = split_text(text, TELEGRAM.max_text_length)
    assert len(pieces) == 4 and all(len(p) <= 4096 for p in pieces)
    assert all(p.endswith("hành trình.") for p in pieces)
    assert " ".join(pieces) == text.strip()


def test_a_giant_word_is_still_cut():
    assert all(len(p) <= 100 for p in split_text("a" * 450, 100))


def test_buttons_are_capped_per_channel_and_only_on_the_last_piece():
    reply = {
        "text": "Chọn đi. " * 600,
        "buttons": [{"title": f"Nút số {i} rất dài " * 3, "payload": f"/p{i}"} for i in range(8)],
    }
    zalo = render([reply], ZALO)
    assert len(zalo) > 1 and all(not m.buttons for m in zalo[:-1])
    assert len(zalo[-1].buttons) == 5
    web = render([reply], WEBCHAT)
    assert all(len(b.title) <= 40 for b in web[-1].buttons)


def test_documents_become_links_where_files_cannot_be_sent():
    document = {"publication_id": "x", "title": "Sổ tay", "path": "/tmp/x.pdf", "url": "/publications/x.pdf"}
    (telegram,) = render([{"custom": {"document": document}}], TELEGRAM)
    assert telegram.document is not None and telegram.document.path == "/tmp/x.pdf"
    (web,) = render([{"custom": {"document": document}}], WEBCHAT)
    assert web.document is None and web.text == "Sổ tay: /publications/x.pdf"
