"""Telegram gateway on python-telegram-bot: long polling by default (works behind NAT), webhook mode
with Telegram's secret token when TELEGRAM_WEBHOOK_URL is set. The handlers only translate between
Telegram and the platform-neutral ``Gateway``; everything else happens there.

The Bot API server it talks to is ``bot.platforms.telegram``'s.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import secrets
from collections import OrderedDict

from telegram import BotCommand, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import subscribers
from bot.channels.render import OutMessage
from bot.channels.types import TELEGRAM
from bot.gateways.conversation import Gateway, Incoming
from bot.gateways.once import HandledOnce
from bot.platforms import telegram as telegram_api
from bot.rasa_client import RasaClient
from bot.settings import Settings

logger = logging.getLogger(__name__)

COMMANDS = [
    ("start", "Bắt đầu, đăng ký nhận tin"),
    ("help", "Hướng dẫn hỏi đáp"),
    ("tailieu", "Tài liệu, sổ tay"),
    ("lienhe", "Số điện thoại khẩn cấp, liên hệ"),
    ("hoicanbo", "Gửi câu hỏi cho cán bộ biên phòng"),
    ("dulieu", "Xem dữ liệu của tôi"),
    ("xoadulieu", "Xóa dữ liệu của tôi"),
    ("stop", "Ngừng nhận tin"),
]
MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data


class CallbackPayloads:
    """Button payloads longer than Telegram allows are kept here and sent as a short key."""

    def __init__(self, size: int = 10_000) -> None:
        self._long: OrderedDict[str, str] = OrderedDict()
        self._size = size

    def encode(self, payload: str) -> str:
        if len(payload.encode()) <= MAX_CALLBACK_BYTES:
            return payload
        key = "~" + hashlib.sha1(payload.encode()).hexdigest()[:20]
        self._long[key] = payload
        self._long.move_to_end(key)
        while len(self._long) > self._size:
            self._long.popitem(last=False)
        return key

    def decode(self, data: str) -> str:
        return self._long.get(data, "") if data.startswith("~") else data


class TelegramGateway:
    def __init__(self, gateway: Gateway, once: HandledOnce) -> None:
        self.gateway = gateway
        self.once = once
        self.payloads = CallbackPayloads()

    async def first_time(self, update: Update) -> bool:
        """False for a copy of an update already handled (Telegram sends an update again when unsure)."""
        if await self.once.first_time(str(update.update_id)):
            return True
        logger.info("Telegram update %s was already handled: copy dropped", update.update_id)
        return False

    async def deliver(self, chat_id: int, messages: list[OutMessage], context: ContextTypes.DEFAULT_TYPE) -> None:
        bot = context.bot
        try:
            for message in messages:
                markup = telegram_api.keyboard(message.buttons, self.payloads.encode)
                if message.text:
                    await bot.send_message(chat_id, message.text, reply_markup=markup)
                if message.document is not None:
                    with open(message.document.path, "rb") as file:
                        await bot.send_document(
                            chat_id, file, filename=f"{message.document.publication_id}.pdf",
                            caption=message.document.title, reply_markup=None if message.text else markup,
                        )  # fmt: skip
                    await asyncio.to_thread(
                        subscribers.record_publication_send, message.document.publication_id, "telegram", str(chat_id)
                    )
        except Forbidden:
            logger.info("A Telegram user blocked the bot; marking them blocked")
            await asyncio.to_thread(subscribers.mark_blocked, "telegram", str(chat_id))

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        user = update.effective_user
        if message is None or user is None or update.effective_chat is None:
            return
        if message.location is not None:
            incoming = Incoming(str(user.id), display_name=user.full_name, kind="location")
        elif message.photo:
            incoming = Incoming(str(user.id), message.caption or "", user.full_name, "photo", message.photo[-1].file_id)
        elif message.text is not None:
            incoming = Incoming(str(user.id), message.text, user.full_name)
        else:
            incoming = Incoming(str(user.id), display_name=user.full_name, kind="other")
        replied = message.reply_to_message
        incoming = dataclasses.replace(
            incoming, message_id=f"telegram-{update.update_id}", reply_to=str(replied.message_id) if replied else None
        )
        chat_id = update.effective_chat.id
        await self.gateway.respond(  # the copy check waits in the person's turn: their messages stay in order
            incoming, lambda messages: self.deliver(chat_id, messages, context), lambda: self.first_time(update)
        )

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.from_user is None or not await self.first_time(update):
            return
        await query.answer()
        payload = self.payloads.decode(query.data or "")
        chat_id = query.message.chat.id if query.message else query.from_user.id
        if not payload:  # a button older than the gateway's memory
            payload = "/help"
        incoming = Incoming(str(query.from_user.id), payload, query.from_user.full_name,
                            message_id=f"telegram-{update.update_id}")  # fmt: skip
        await self.gateway.respond(incoming, lambda messages: self.deliver(chat_id, messages, context))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    logger.error("Telegram update failed: %r", context.error, exc_info=isinstance(context.error, Exception))


async def _post_init(application: Application) -> None:
    try:
        await application.bot.set_my_commands([BotCommand(name, description) for name, description in COMMANDS])
    except TelegramError as error:
        logger.warning("Could not set the command menu: %s", error)


def build_application(settings: Settings, rasa: RasaClient | None = None) -> Application:
    once = HandledOnce(settings.redis_url, key_prefix=f"trolybiendao:update:telegram:{telegram_api.bot_id(settings)}:")
    gateway = TelegramGateway(Gateway(TELEGRAM, rasa or RasaClient()), once)
    application = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(telegram_api.base_url(settings))
        .base_file_url(telegram_api.base_file_url(settings))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(64)  # people are served in parallel; each person's messages stay in order
        .post_init(_post_init)
        .build()
    )
    command_names = [name for name, _ in COMMANDS]
    application.add_handler(CommandHandler(command_names, gateway.on_message))
    application.add_handler(CallbackQueryHandler(gateway.on_button))
    application.add_handler(MessageHandler(filters.ALL, gateway.on_message))
    application.add_error_handler(on_error)
    return application


def run(settings: Settings) -> None:
    application = build_application(settings)
    if settings.telegram_webhook_url:
        application.run_webhook(
            listen=settings.bind_host,
            port=settings.telegram_webhook_port,
            url_path="webhooks/telegram",
            webhook_url=settings.telegram_webhook_url,
            # Telegram echoes this in X-Telegram-Bot-Api-Secret-Token; the library refuses requests without it.
            secret_token=settings.telegram_webhook_secret or secrets.token_urlsafe(32),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
