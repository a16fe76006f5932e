"""Composing a broadcast in a chat (`/broadcast`): content, optional publication or photo, target,
preview with the exact message and the number of recipients, then send or cancel. `/broadcasts`
lists recent ones with their progress and lets an officer stop one that is running.

The draft lives in the database (a broadcast in status ``draft`` with its ``compose_step``), so a
gateway restart loses nothing. Buttons carry ``#bc:`` payloads; the gateway routes them here.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select, update

from bot.areas import by_key
from bot.broadcasts import lifecycle
from bot.channels.render import Button, OutMessage
from bot.channels.types import ChannelType
from bot.publications.catalogue import by_id as publication_by_id
from bot.publications.catalogue import catalogue
from bot.roles import Role
from bot.storage import db
from bot.storage.models import Broadcast, BroadcastStatus, Officer, utcnow
from bot.subscribers import TOPICS, local_time

ASK_TEXT = "Soạn tin gửi bà con: gõ nội dung (hoặc gửi một ảnh kèm chú thích). Bỏ soạn: bấm Hủy."
ASK_ATTACH = "Gửi kèm tài liệu nào không?"
ASK_TARGET = "Gửi đến ai? Hiện chọn: {target}."
ASK_AREAS = "Gõ tên các xã, phường, đặc khu, cách nhau bởi dấu phẩy (ví dụ: Lý Sơn, Sa Huỳnh)."
ASK_TOPICS = 'Chọn chủ đề (bấm để chọn hoặc bỏ), xong bấm "Xong".'
ASK_CHANNEL = "Gửi qua kênh nào?"
PREVIEW = (
    "XEM TRƯỚC – tin sẽ gửi đúng như sau:\n\n{text}\n\n{extra}Đến: {count} người ({target}). Gửi: {when}.{outside}"
)
OUTSIDE_WINDOW = (
    " {n} người dùng Zalo đã quá 48 giờ chưa nhắn cho bot nên Zalo không cho gửi miễn phí: họ sẽ không nhận."
)
QUEUED = "Đã xếp hàng tin #{id} đến {count} người, gửi {when}. Xem tiến độ: /broadcasts"
CANCELLED = "Đã hủy."
STOPPED = "Đã dừng tin #{id}: phần chưa gửi sẽ không gửi nữa."
NOT_YOURS = "Tin #{id} không phải của bạn; chỉ người gửi hoặc quản trị viên được dừng."
NOTHING = "Chưa có tin nào."
NO_DRAFT = "Không có tin đang soạn. Gõ /broadcast để soạn tin mới."


def _current_draft(channel: str, user_id: str) -> Broadcast | None:
    with db.session() as session:
        return session.execute(
            select(Broadcast)
            .where(Broadcast.status == BroadcastStatus.DRAFT, Broadcast.created_by_channel == channel,
                   Broadcast.created_by_user_id == user_id)
            .order_by(Broadcast.id.desc())
        ).scalars().first()  # fmt: skip


def _new_draft(channel: str, user_id: str, at: str | None) -> Broadcast:
    with db.session() as session, session.begin():
        session.execute(
            delete(Broadcast).where(Broadcast.status == BroadcastStatus.DRAFT, Broadcast.created_by_channel == channel,
                                    Broadcast.created_by_user_id == user_id)
        )  # fmt: skip
        draft = Broadcast(text="", status=BroadcastStatus.DRAFT, compose_step="text", created_by_channel=channel,
                          created_by_user_id=user_id, scheduled_at=at)  # fmt: skip
        session.add(draft)
    return draft


def _save(draft_id: int, **values: object) -> Broadcast:
    with db.session() as session, session.begin():
        session.execute(update(Broadcast).where(Broadcast.id == draft_id).values(**values))
        return session.get(Broadcast, draft_id)


def describe_target(b: Broadcast) -> str:
    parts = []
    if b.target_areas:
        parts.append("khu vực " + ", ".join(a.name for k in b.target_areas.split(",") if (a := by_key(k))))
    if b.target_topics:
        parts.append("chủ đề " + ", ".join(TOPICS[t] for t in b.target_topics.split(",") if t in TOPICS))
    if b.target_channel:
        parts.append("kênh " + b.target_channel.capitalize())
    return "; ".join(parts) or "tất cả người đăng ký"


class Composer:
    def __init__(self, channel: ChannelType) -> None:
        self.channel = channel

    async def draft_of(self, user_id: str) -> Broadcast | None:
        return await asyncio.to_thread(_current_draft, self.channel.name, user_id)

    async def start(self, user_id: str, argument: str) -> list[OutMessage]:
        try:
            at = lifecycle.parse_local_time(argument) if argument.strip() else None
        except lifecycle.BroadcastError as error:
            return [OutMessage(f"Lỗi: {error}")]
        await asyncio.to_thread(_new_draft, self.channel.name, user_id, at)
        return [OutMessage(ASK_TEXT, (Button("Hủy", "#bc:cancel"),))]

    async def on_text(self, draft: Broadcast, text: str) -> list[OutMessage]:
        if draft.compose_step == "areas":
            try:
                keys = lifecycle.resolve_areas([n for n in text.split(",") if n.strip()])
            except lifecycle.BroadcastError as error:
                return [OutMessage(f"Lỗi: {error}. {ASK_AREAS}")]
            draft = await asyncio.to_thread(_save, draft.id, target_areas=",".join(keys), compose_step="target")
            return [self._target_message(draft)]
        try:
            lifecycle.validate(text, None, [], None)
        except lifecycle.BroadcastError as error:
            return [OutMessage(f"Lỗi: {error}")]
        draft = await asyncio.to_thread(_save, draft.id, text=text.strip(), compose_step="attach")
        return [self._attach_message()]

    async def on_photo(self, draft: Broadcast, file_id: str, caption: str) -> list[OutMessage]:
        draft = await asyncio.to_thread(_save, draft.id, photo_file_id=file_id, text=caption.strip() or "Ảnh",
                                        compose_step="attach")  # fmt: skip
        return [self._attach_message()]

    async def on_button(self, officer: Officer, draft: Broadcast | None, payload: str) -> list[OutMessage]:
        action, _, value = payload.partition(":")
        if action == "stop":
            return await self._stop(officer, int(value) if value.isdigit() else 0)
        if draft is None:
            return [OutMessage(NO_DRAFT)]
        if action == "cancel":
            await asyncio.to_thread(lifecycle.cancel, draft.id)
            return [OutMessage(CANCELLED)]
        if action == "pub":
            draft = await asyncio.to_thread(
                _save, draft.id, publication_id=None if value == "none" else value, compose_step="target"
            )
            return [self._target_message(draft)]
        if action == "all":
            draft = await asyncio.to_thread(_save, draft.id, target_areas="", target_topics="", target_channel=None)
            return [self._target_message(draft)]
        if action == "areas":
            await asyncio.to_thread(_save, draft.id, compose_step="areas")
            return [OutMessage(ASK_AREAS)]
        if action == "topic" and value in TOPICS:
            chosen = set(t for t in draft.target_topics.split(",") if t) ^ {value}
            draft = await asyncio.to_thread(_save, draft.id, target_topics=",".join(t for t in TOPICS if t in chosen))
            return [self._topics_message(draft)]
        if action == "topics":
            return [self._topics_message(draft)]
        if action == "channel":
            return [OutMessage(ASK_CHANNEL, (Button("Telegram", "#bc:ch:telegram"), Button("Zalo", "#bc:ch:zalo"),
                                             Button("Cả hai", "#bc:ch:all")))]  # fmt: skip
        if action == "ch":
            draft = await asyncio.to_thread(_save, draft.id, target_channel=None if value == "all" else value)
            return [self._target_message(draft)]
        if action == "target":
            return [self._target_message(draft)]
        if action == "preview":
            return [await self._preview(draft)]
        if action == "send":
            return [await self._send(draft)]
        return [OutMessage(NO_DRAFT)]

    async def recent(self, officer: Officer) -> list[OutMessage]:
        mine = None if officer.role == Role.ADMIN else (officer.channel, officer.channel_user_id)
        broadcasts = await asyncio.to_thread(lifecycle.recent, 8, mine)
        if not broadcasts:
            return [OutMessage(NOTHING)]
        lines, buttons = [], []
        for b in broadcasts:
            report = await asyncio.to_thread(lifecycle.report, b.id)
            sent = report.totals.get("sent", 0) if report else 0
            when = local_time(b.scheduled_at)
            lines.append(f"#{b.id} [{b.status}] {sent}/{b.recipients} đã gửi, lúc {when}: {b.text[:60]}")
            if b.status in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING):
                buttons.append(Button(f"Dừng tin #{b.id}", f"#bc:stop:{b.id}"))
        return [OutMessage("\n".join(lines), tuple(buttons[: self.channel.max_buttons]))]

    # ---- screens ---------------------------------------------------------------------------------

    def _attach_message(self) -> OutMessage:
        choices = [Button(p.title, f"#bc:pub:{p.id}") for p in catalogue()][: self.channel.max_buttons - 1]
        return OutMessage(ASK_ATTACH, (*choices, Button("Không kèm tài liệu", "#bc:pub:none")))

    def _target_message(self, draft: Broadcast) -> OutMessage:
        buttons = (
            Button("Tất cả", "#bc:all"),
            Button("Chọn khu vực", "#bc:areas"),
            Button("Chọn chủ đề", "#bc:topics"),
            Button("Chọn kênh", "#bc:channel"),
            Button("Xem trước", "#bc:preview"),
        )
        return OutMessage(ASK_TARGET.format(target=describe_target(draft)), buttons)

    def _topics_message(self, draft: Broadcast) -> OutMessage:
        chosen = set(draft.target_topics.split(","))
        buttons = [Button(("✓ " if k in chosen else "") + title, f"#bc:topic:{k}") for k, title in TOPICS.items()]
        return OutMessage(ASK_TOPICS, (*buttons, Button("Xong", "#bc:target")))

    async def _preview(self, draft: Broadcast) -> OutMessage:
        count, outside = await asyncio.to_thread(lifecycle.count_recipients, draft)
        publication = publication_by_id(draft.publication_id) if draft.publication_id else None
        extra = (f"Kèm tài liệu: {publication.title}\n" if publication else "") + (
            "Kèm ảnh.\n" if draft.photo_file_id else ""
        )
        when = local_time(draft.scheduled_at) if draft.scheduled_at else "ngay"
        text = PREVIEW.format(
            text=draft.text, extra=extra, count=count, target=describe_target(draft), when=when,
            outside=OUTSIDE_WINDOW.format(n=outside) if outside else "",
        )  # fmt: skip
        return OutMessage(text, (Button("Gửi", "#bc:send"), Button("Hủy", "#bc:cancel")))

    async def _send(self, draft: Broadcast) -> OutMessage:
        count, _ = await asyncio.to_thread(lifecycle.count_recipients, draft)
        when = local_time(draft.scheduled_at) if draft.scheduled_at else "ngay"
        await asyncio.to_thread(
            _save, draft.id, status=BroadcastStatus.SCHEDULED, compose_step=None,
            scheduled_at=draft.scheduled_at or utcnow(),
        )  # fmt: skip
        return OutMessage(QUEUED.format(id=draft.id, count=count, when=when))

    async def _stop(self, officer: Officer, broadcast_id: int) -> list[OutMessage]:
        report = await asyncio.to_thread(lifecycle.report, broadcast_id)
        if report is None:
            return [OutMessage(NOTHING)]
        owner = (report.broadcast.created_by_channel, report.broadcast.created_by_user_id)
        if officer.role != Role.ADMIN and owner != (officer.channel, officer.channel_user_id):
            return [OutMessage(NOT_YOURS.format(id=broadcast_id))]
        await asyncio.to_thread(lifecycle.cancel, broadcast_id)
        return [OutMessage(STOPPED.format(id=broadcast_id))]
