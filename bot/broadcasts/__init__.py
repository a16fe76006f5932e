"""Broadcasts: officers send news to subscribers; a durable queue in the database; workers deliver it.

The gateways use two parts of it: ``officers`` (who may broadcast) and ``composer`` (the officer's
``/broadcast`` dialogue in a chat). Broadcasts never import a gateway: both reach the platforms through
``bot.platforms``.
"""
