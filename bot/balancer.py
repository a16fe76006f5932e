"""A small HTTP load balancer in front of several Rasa servers and action servers (``RASA_REPLICAS``).

- Rasa (on ``RASA_PORT``): each conversation goes to the same replica (the sender id, or the
  conversation id in the path, picks it), so its tracker and locks stay warm on one process. If that
  replica does not answer (refused, or the connection drops before a response), the request goes to
  the next one, and the dead replica is skipped for a few seconds: a replica killed under load costs
  no message.
- Action servers (on ``ACTIONS_PORT``): any of them, in turn, with the same fail-over.

Every second each replica is asked for its health page; one that does not answer (dead, or restarting
and still loading its model) gets no traffic until it does. Only requests that got no response are
retried; a replica's own error response is passed on.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
import zlib
from dataclasses import dataclass, field

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from bot.settings import RASA_MAX_REQUEST_BYTES, Settings, get_settings

logger = logging.getLogger(__name__)
SKIP_DEAD_SECONDS = 3.0
HEALTH_EVERY_SECONDS = 1.0
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade", "te", "trailer"}


@dataclass
class Pool:
    name: str
    backends: list[str]
    sticky: bool
    health_path: str
    dead_until: dict[str, float] = field(default_factory=dict)
    answering: set[str] = field(default_factory=set)
    _turn: itertools.count = field(default_factory=itertools.count)

    async def check_health(self, client: ClientSession) -> None:
        """Forever: mark down the replicas whose health page does not answer 200 within a second."""
        while True:
            for backend in self.backends:
                try:
                    async with client.get(backend + self.health_path, timeout=ClientTimeout(total=1.0)) as reply:
                        healthy = reply.status == 200
                except (ClientError, asyncio.TimeoutError, OSError):
                    healthy = False
                if healthy:
                    if backend in self.dead_until or backend not in self.answering:
                        logger.info("%s replica %s is answering", self.name, backend)
                    self.dead_until.pop(backend, None)
                    self.answering.add(backend)
                else:
                    if backend in self.answering:
                        logger.warning("%s replica %s stopped answering its health check", self.name, backend)
                        self.answering.discard(backend)
                    self.dead_until[backend] = time.monotonic() + SKIP_DEAD_SECONDS
            await asyncio.sleep(HEALTH_EVERY_SECONDS)

    def order(self, key: str | None) -> list[str]:
        """The backends to try, the preferred one first, the ones recently dead last."""
        if self.sticky and key:
            start = zlib.crc32(key.encode()) % len(self.backends)
        else:
            start = next(self._turn) % len(self.backends)
        ring = self.backends[start:] + self.backends[:start]
        now = time.monotonic()
        return sorted(ring, key=lambda b: self.dead_until.get(b, 0) > now)


def conversation_key(request: web.Request, body: bytes) -> str | None:
    """The sender of a REST message, or the conversation of an HTTP API call."""
    parts = request.path.strip("/").split("/")
    if len(parts) >= 2 and parts[0] == "conversations":
        return parts[1]
    if request.path.startswith("/webhooks/") and body:
        try:
            payload = json.loads(body)
        except ValueError:
            return None
        if isinstance(payload, dict):
            return str(payload.get("sender") or "") or None
    return None


def make_app(pool: Pool, max_body: int, timeout: float) -> web.Application:
    app = web.Application(client_max_size=max_body)

    async def start(app: web.Application) -> None:
        app["client"] = ClientSession(timeout=ClientTimeout(total=timeout), auto_decompress=False)
        app["health"] = asyncio.create_task(pool.check_health(app["client"]))

    async def stop(app: web.Application) -> None:
        app["health"].cancel()
        await app["client"].close()

    async def forward(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        for backend in pool.order(conversation_key(request, body) if pool.sticky else None):
            try:
                async with request.app["client"].request(
                    request.method, backend + request.path_qs, data=body, headers=headers, allow_redirects=False
                ) as reply:
                    content = await reply.read()
                    response_headers = {k: v for k, v in reply.headers.items() if k.lower() not in HOP_BY_HOP}
                    return web.Response(status=reply.status, body=content, headers=response_headers)
            except (ClientError, asyncio.TimeoutError, OSError) as error:
                if isinstance(error, asyncio.TimeoutError):  # the replica is alive but slow: don't resend
                    break
                logger.warning("%s replica %s did not answer (%s); trying the next", pool.name, backend, error)
                pool.dead_until[backend] = time.monotonic() + SKIP_DEAD_SECONDS
        return web.json_response({"error": f"no {pool.name} server is answering"}, status=503)

    app.router.add_route("*", "/{tail:.*}", forward)
    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


async def serve(settings: Settings) -> None:
    rasa = Pool("Rasa", [f"http://127.0.0.1:{p}" for p in settings.rasa_replica_ports], sticky=True, health_path="/")
    actions = Pool("action", [f"http://127.0.0.1:{p}" for p in settings.actions_replica_ports], sticky=False,
                   health_path="/health")  # fmt: skip
    runners = []
    for pool, port, max_body in (
        (rasa, settings.rasa_port, RASA_MAX_REQUEST_BYTES),
        (actions, settings.actions_port, 8 << 20),
    ):
        runner = web.AppRunner(make_app(pool, max_body, timeout=60.0), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, settings.bind_host, port).start()
        runners.append(runner)
    logger.info("Balancing Rasa on %s and actions on %s", rasa.backends, actions.backends)
    try:
        await asyncio.Event().wait()
    finally:
        for runner in runners:
            await runner.cleanup()


def run() -> None:
    asyncio.run(serve(get_settings()))
