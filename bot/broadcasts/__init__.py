"""Broadcasts: officers send news to subscribers; a durable queue in the database; workers deliver it."""
