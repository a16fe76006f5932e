"""What each channel can do, declared once (after RapidPro's channel types). The renderer and the
senders read these; no channel-specific limits are written anywhere else."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelType:
    name: str
    max_text_length: int  # longer texts are split on sentence boundaries
    max_buttons: int  # quick replies / keyboard buttons per message
    max_button_title: int
    sends_files: bool  # False: a download link is sent instead
    free_reply_hours: int | None  # None: the bot may write at any time; else only this long after the user wrote


TELEGRAM = ChannelType(
    "telegram", max_text_length=4096, max_buttons=8, max_button_title=64, sends_files=True, free_reply_hours=None
)
# Zalo OA consultation messages: about 2,000 characters, up to 5 quick replies, only within a window after
# the user's last message (sources say 24 h to 7 days; we use the strictest common reading, 48 h, see README).
ZALO = ChannelType(
    "zalo", max_text_length=2000, max_buttons=5, max_button_title=100, sends_files=True, free_reply_hours=48
)
WEBCHAT = ChannelType(
    "webchat", max_text_length=4000, max_buttons=5, max_button_title=40, sends_files=False, free_reply_hours=None
)

CHANNELS = {channel.name: channel for channel in (TELEGRAM, ZALO, WEBCHAT)}
