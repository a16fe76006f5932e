"""Redis that may be away for a while. Each user of Redis in the project (conversation locks, the Telegram
updates already handled, the shared broadcast rate) falls back to something local while Redis does not
answer, tries Redis again after a few seconds, and says once when it goes and once when it is back."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
UNAVAILABLE: Any = object()  # what ``call`` returns while Redis is not used: the caller does it locally


class RedisOutage:
    def __init__(self, what: str, meanwhile: str) -> None:
        self.what = what  # "Redis lock store"
        self.meanwhile = meanwhile  # "using local locks"
        self._down_since: float | None = None

    async def call(self, operation: Callable[[], Awaitable[Any]]) -> Any:
        """The operation's result, or ``UNAVAILABLE`` if Redis failed just now or within the last few seconds."""
        down = self._down_since
        if down is not None and time.monotonic() - down < RETRY_AFTER_SECONDS:
            return UNAVAILABLE
        try:
            result = await operation()
        except (RedisError, OSError) as error:
            if down is None:
                logger.warning("%s unreachable (%s): %s meanwhile", self.what, error, self.meanwhile)
            self._down_since = time.monotonic()
            return UNAVAILABLE
        if down is not None:
            logger.warning("%s is back", self.what)
            self._down_since = None
        return result
