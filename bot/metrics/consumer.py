"""``bot metrics``: the interaction log's consumer of Rasa's events on RabbitMQ (``RABBITMQ_URL``).

Each event is acknowledged once the log has taken it, in groups (one acknowledgement per event cost
more CPU than the log itself); if this process stops, unacknowledged events stay in the durable queue
for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import aio_pika

from bot.metrics.log import InteractionLog
from bot.settings import Settings

logger = logging.getLogger(__name__)
ACK_EVERY = 100
ACK_SECONDS = 0.5


async def consume(settings: Settings, stop: asyncio.Event) -> None:
    log = InteractionLog()
    connection = await aio_pika.connect_robust(settings.rabbitmq_url)
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=500)
        queue = await channel.declare_queue(settings.rabbitmq_queue, durable=True)

        taken: list[aio_pika.abc.AbstractIncomingMessage] = []

        async def acknowledge() -> None:
            if taken:
                last = taken[-1]
                taken.clear()
                try:
                    await last.ack(multiple=True)
                except Exception as error:  # the channel was lost meanwhile: RabbitMQ delivers them again
                    logger.warning("Interaction log: could not acknowledge events (%s)", error)

        async def take(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            try:
                event = json.loads(message.body)
            except ValueError:
                logger.warning("Interaction log: skipped a message that is not JSON")
                event = None
            if isinstance(event, dict):
                log.feed(event)
            taken.append(message)
            if len(taken) >= ACK_EVERY:
                await acknowledge()

        await queue.consume(take)
        logger.info("Interaction log: consuming Rasa's events from RabbitMQ queue %s", settings.rabbitmq_queue)
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=ACK_SECONDS)
            await acknowledge()
    finally:
        await connection.close()
        log.close()


def run(settings: Settings) -> None:
    asyncio.run(_run_until_signalled(settings))


async def _run_until_signalled(settings: Settings) -> None:
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await consume(settings, stop)
