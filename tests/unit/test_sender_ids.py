from bot.sender_ids import parse_sender_id, sender_id


def test_sender_ids_are_read_back_as_they_were_built():
    for channel, user in (("telegram", "123456"), ("zalo", "8412-77"), ("webchat", "a1b2")):
        assert parse_sender_id(sender_id(channel, user)) == (channel, user)
    assert sender_id("webchat", "a1b2") == "web-a1b2"


def test_other_senders_are_not_mistaken_for_a_channel():
    for sender in ("bench-abc", "telegram-", "rest", "default"):
        assert parse_sender_id(sender) is None
