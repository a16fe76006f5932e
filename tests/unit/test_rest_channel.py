import pytest

from bot.rasa.rest_channel import EMPTY_MESSAGE_PAYLOAD, BadRequest, parse_request


def test_a_normal_request_is_cleaned_and_passed_on():
    sender, text, metadata, channel = parse_request(
        {"sender": " u1 ", "message": "ha\u0309i  ly\u0301\x00", "metadata": {"channel": "telegram", "area": "Lý Sơn"}},
        100,
    )
    assert (sender, text, channel) == ("u1", "hải lý", "telegram")
    assert metadata["area"] == "Lý Sơn"


@pytest.mark.parametrize("message", ["", "   ", "😀🌊", "???", None, "\x00\x01"])
def test_messages_without_words_become_the_empty_message_intent(message):
    assert parse_request({"sender": "u1", "message": message}, 100)[1] == EMPTY_MESSAGE_PAYLOAD


def test_long_messages_are_cut():
    assert len(parse_request({"sender": "u1", "message": "cá " * 5000}, 1000)[1]) <= 1000


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"message": "hi"},
        {"sender": "", "message": "hi"},
        {"sender": "x" * 200, "message": "hi"},
        {"sender": "u1", "message": 5},
        {"sender": "u1", "message": "hi", "metadata": "x"},
        {"sender": "u1", "message": "hi", "input_channel": ["x"]},
    ],
)
def test_malformed_requests_are_refused(body):
    with pytest.raises(BadRequest):
        parse_request(body, 100)


def test_numeric_sender_ids_are_accepted():
    assert parse_request({"sender": 12345, "message": "hi"}, 100)[0] == "12345"


def test_replies_name_their_response():
    """Relies on Rasa's BotUttered.message() carrying the event's metadata (utter_action) to send_response."""
    import asyncio

    from rasa.shared.core.events import BotUttered

    from bot.rasa.rest_channel import NamedOutputChannel

    channel = NamedOutputChannel()
    named = BotUttered("Ý bà con muốn hỏi?", {"buttons": [{"title": "A", "payload": "/a"}]}, {"utter_action": "x"})
    asyncio.run(channel.send_response("u1", named.message()))
    asyncio.run(channel.send_response("u1", BotUttered("free text").message()))
    assert [m.get("response") for m in channel.messages] == ["x", None]
    assert channel.messages[0]["buttons"][0]["payload"] == "/a"
