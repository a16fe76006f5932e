"""Zalo Official Account: the OA Open API v3 client and its rotating token pair."""
