"""An aiohttp application served from its own thread and event loop, so that synchronous tests can
start it, talk to it over real HTTP and stop it. The stand-ins of the Bot API and of Zalo use it."""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web


class ThreadedServer:
    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.port = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None

    def start(self) -> int:
        """Serves on a free port of 127.0.0.1; returns the port."""
        ready = threading.Event()

        def serve() -> None:
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self._runner = web.AppRunner(self.app, access_log=None)
            self.loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=serve, daemon=True).start()
        if not ready.wait(10):
            raise RuntimeError("the stand-in server did not start in 10 s")
        return self.port

    def stop(self) -> None:
        """Closes the server and ends the requests still waiting (long polls) before the loop stops."""
        if self.loop is None or self._runner is None:
            return

        async def shut_down() -> None:
            await self._runner.cleanup()  # type: ignore[union-attr]
            pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shut_down(), self.loop).result(15)
        self.loop.call_soon_threadsafe(self.loop.stop)
