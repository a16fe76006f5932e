"""The web application on port 8000: the web chat (/), the staff dashboard (/dashboard, /login), the
publications' downloads and, when configured, the Zalo webhook."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.gateways.throttle import FloodGuard
from bot.gateways.zalo import ZaloWebhook
from bot.rasa_client import RasaClient
from bot.settings import Settings, get_settings
from bot.web import campaigns, chat, dashboard, quizzes, rewards, tickets

STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY_BYTES = 64 * 1024  # a chat message, a Zalo event or a form: never more


async def _close_clients(app: web.Application) -> None:
    await app["rasa"].close()


def create_app(settings: Settings | None = None, rasa: RasaClient | None = None) -> web.Application:
    settings = settings or get_settings()
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[dashboard.security])
    app["static_dir"] = STATIC_DIR
    app["rasa"] = rasa or RasaClient()
    app["visitors"] = FloodGuard(rate=1.0, burst=5)
    app["addresses"] = FloodGuard(rate=20.0, burst=60)
    app.add_routes(chat.routes)
    app.add_routes(dashboard.routes)
    app.add_routes(tickets.routes)
    app.add_routes(quizzes.routes)
    app.add_routes(rewards.routes)
    app.add_routes(campaigns.routes)
    app.router.add_static("/static/", STATIC_DIR)
    if settings.zalo_enabled:
        ZaloWebhook(settings, app["rasa"]).install(app)
    app.on_cleanup.append(_close_clients)
    return app


def serve() -> None:
    settings = get_settings()
    web.run_app(create_app(settings), host=settings.bind_host, port=settings.web_port, print=None)
