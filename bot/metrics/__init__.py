"""Outreach metrics: the interaction log and the figures computed from it."""
