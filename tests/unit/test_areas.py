"""Area names: a name several areas share is never resolved to one of them (a storm warning must not go
to the wrong commune): the subscription dialogue asks with buttons, `bot broadcast send` refuses."""

from __future__ import annotations

import asyncio

import pytest

from bot import cli, subscribers
from bot.areas import WHICH_AREA, AmbiguousArea, area_candidates, match_area
from bot.channels.types import TELEGRAM
from bot.gateways.conversation import Gateway, Incoming


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Nguyễn Nghiêm", ["cam_thanh", "duc_pho", "nguyen_nghiem"]),  # two old wards and the new commune
        ("nguyen nghiem", ["cam_thanh", "duc_pho", "nguyen_nghiem"]),
        ("tui ở Nguyễn Nghiêm", ["cam_thanh", "duc_pho", "nguyen_nghiem"]),
        ("xã Nguyễn Nghiêm", ["nguyen_nghiem"]),  # the full name with its unit word is one place
        ("tui o xa nguyen nghiem", ["nguyen_nghiem"]),
        ("Bình Sơn", ["binh_son", "dong_son"]),
        ("xa binh son", ["binh_son"]),
        ("Phổ Thạnh", ["sa_huynh"]),
        ("tui o sa huynh", ["sa_huynh"]),
        ("đảo Lý Sơn", ["ly_son"]),
        ("hello", []),
        ("", []),
    ],
)
def test_area_candidates(text, keys):
    assert [a.key for a in area_candidates(text)] == keys


def test_match_area_never_guesses():
    assert match_area("Phổ Thạnh").key == "sa_huynh"
    assert match_area("không có nơi này") is None
    with pytest.raises(AmbiguousArea) as raised:
        match_area("Nguyễn Nghiêm")
    assert [a.key for a in raised.value.candidates] == ["cam_thanh", "duc_pho", "nguyen_nghiem"]
    assert "Phường Cẩm Thành (cam_thanh)" in str(raised.value) and "Xã Nguyễn Nghiêm" in str(raised.value)


def test_a_broadcast_to_an_ambiguous_area_is_refused_with_the_candidates(capsys):
    assert cli.main(["broadcast", "send", "--text", "Bão số 3: bà con vào bờ", "--area", "Nguyễn Nghiêm"]) == 2
    error = capsys.readouterr().err
    assert "Phường Cẩm Thành (cam_thanh)" in error and "Phường Đức Phổ (duc_pho)" in error
    assert "Xã Nguyễn Nghiêm (nguyen_nghiem)" in error


class NoAssistant:
    async def send(self, *args: object) -> list[dict]:
        raise AssertionError("an area reply must not go to the assistant")


def test_the_subscription_dialogue_asks_which_area_with_buttons(app_database):
    gateway = Gateway(TELEGRAM, NoAssistant())  # type: ignore[arg-type]

    def say(text: str) -> list:
        return asyncio.run(gateway.handle(Incoming("42", text)))

    say("#consent:yes")
    (question,) = say("Nguyễn Nghiêm")
    assert question.text == WHICH_AREA
    assert [b.payload for b in question.buttons] == ["#area:cam_thanh", "#area:duc_pho", "#area:nguyen_nghiem",
                                                     "#area:other"]  # fmt: skip
    person = subscribers.touch("telegram", "42")
    assert (person.area, person.awaiting) == (None, subscribers.AWAITING_AREA)  # nothing chosen for them
    say("xã Nguyễn Nghiêm")
    assert subscribers.touch("telegram", "42").area == "nguyen_nghiem"
