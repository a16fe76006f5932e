"""Stand-ins the fast tests share."""

from __future__ import annotations


class Assistant:
    """A stand-in for Rasa behind a gateway: answers with the next scripted replies (else ``default``) and
    keeps the texts and metadata it was sent."""

    def __init__(self, default: list[dict]) -> None:
        self.default = default
        self.script: list[list[dict]] = []
        self.texts: list[str] = []
        self.metadata: list[dict] = []

    async def send(self, sender: str, text: str, metadata: dict, message_id: str | None = None) -> list[dict]:
        self.texts.append(text)
        self.metadata.append(metadata)
        return self.script.pop(0) if self.script else self.default
