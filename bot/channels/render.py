"""Turn the bot's replies (Rasa's REST format) into messages a channel can carry.

The core renders once: text, buttons and documents. Here each reply is fitted to the channel's
declared limits (``bot.channels.types``): long texts split on sentence boundaries, buttons capped and
shortened, documents kept only where the channel sends files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.channels.types import ChannelType


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Document:
    publication_id: str
    title: str
    path: str  # local file, for channels that upload
    url: str  # download link, for channels that do not


@dataclass(frozen=True)
class OutMessage:
    text: str = ""
    buttons: tuple[Button, ...] = ()
    document: Document | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut between sentences (or words, for a giant sentence)."""
    if len(text) <= limit:
        return [text]
    from underthesea import sent_tokenize  # Vietnamese-aware: "22,2 km." and "Điều 11." are handled

    pieces: list[str] = []
    current = ""
    for paragraph in text.split("\n"):
        for sentence in [*sent_tokenize(paragraph), "\n"] if paragraph else ["\n"]:
            for chunk in _hard_split(sentence, limit):
                joiner = "" if not current or current.endswith("\n") or chunk == "\n" else " "
                if len(current) + len(joiner) + len(chunk) > limit:
                    pieces.append(current.strip())
                    current, joiner = "", ""
                current += joiner + chunk
    if current.strip():
        pieces.append(current.strip())
    return [p for p in pieces if p]


def _hard_split(sentence: str, limit: int) -> list[str]:
    if len(sentence) <= limit:
        return [sentence]
    words, chunks, current = sentence.split(" "), [], ""
    for word in words:
        while len(word) > limit:
            chunks.append(word[:limit])
            word = word[limit:]
        if current and len(current) + 1 + len(word) > limit:
            chunks.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*chunks, current] if current else chunks


def _shorten(title: str, limit: int) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def render(replies: list[dict[str, Any]], channel: ChannelType) -> list[OutMessage]:
    messages: list[OutMessage] = []
    for reply in replies:
        custom = reply.get("custom") or {}
        document = custom.get("document")
        doc = Document(**{k: document[k] for k in ("publication_id", "title", "path", "url")}) if document else None
        buttons = tuple(
            Button(_shorten(str(b.get("title", "")), channel.max_button_title), str(b.get("payload", "")))
            for b in (reply.get("buttons") or [])[: channel.max_buttons]
        )
        texts = split_text(reply.get("text") or "", channel.max_text_length) if reply.get("text") else []
        if doc is not None and not channel.sends_files:
            texts = [*texts, f"{doc.title}: {doc.url}"]
            doc = None
        for i, text in enumerate(texts):
            last = i == len(texts) - 1
            messages.append(OutMessage(text=text, buttons=buttons if last else (), document=doc if last else None))
        if not texts and (doc or buttons):
            messages.append(OutMessage(buttons=buttons, document=doc))
    return messages
