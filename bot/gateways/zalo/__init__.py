"""Zalo Official Account gateway: a webhook on the web app and a client of the OA Open API v3."""
