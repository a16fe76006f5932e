from bot.rescue import contacts_reply, emergency_reply, rescue_contacts

CONTACTS = ("112", "7903 kHz", "kênh 16 VHF", "0236.3924.957", "024.3768.3050")


def test_every_form_of_the_rescue_contacts_carries_every_contact():
    for text in (emergency_reply(), rescue_contacts(), contacts_reply()):
        assert all(contact in text for contact in CONTACTS), text


def test_the_emergency_reply_asks_for_the_time_and_place_and_names_its_source():
    reply = emergency_reply()
    assert "giờ" in reply and "vị trí" in reply and "Nguồn:" in reply
    assert "Nguồn:" in contacts_reply() and "Đồn biên phòng" in contacts_reply()
