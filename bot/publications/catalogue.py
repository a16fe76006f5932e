"""The publications catalogue (publications/catalogue.yml) and finding what a person asks for."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT
from bot.vietnamese import folded_terms

PUBLICATIONS_DIR = PROJECT_ROOT / "publications"
CATALOGUE_FILE = PUBLICATIONS_DIR / "catalogue.yml"
# Words of a request that say nothing about which publication ("gửi cho tôi tài liệu về...").
_REQUEST_WORDS = frozenset(
    "gui cho toi xin tai lieu so tay to roi cam nang file pdf ve co khong minh voi nhe di cai quyen ban".split()
)


class CatalogueError(ValueError):
    """The catalogue is malformed; the message says which entry and why."""


@dataclass(frozen=True)
class Publication:
    id: str
    title: str
    topic: str
    summary: str
    issuer: str
    date: str
    language: str
    file: str
    keywords: tuple[str, ...]
    from_topics: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return PUBLICATIONS_DIR / self.file

    @property
    def url(self) -> str:
        return f"/publications/{self.id}.pdf"


def _publication(raw: dict) -> Publication:
    missing = [k for k in ("id", "title", "topic", "summary", "issuer", "date", "language", "file") if not raw.get(k)]
    if missing:
        raise CatalogueError(f"publication {raw.get('id', '?')}: missing {', '.join(missing)}")
    return Publication(
        **{k: str(raw[k]) for k in ("id", "title", "topic", "summary", "issuer", "date", "language", "file")},
        keywords=tuple(str(k) for k in raw.get("keywords") or ()),
        from_topics=tuple(str(t) for t in raw.get("from_topics") or ()),
    )


@lru_cache(maxsize=1)
def catalogue(path: Path = CATALOGUE_FILE) -> tuple[Publication, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    publications = tuple(_publication(raw) for raw in data.get("publications") or ())
    ids = [p.id for p in publications]
    if len(ids) != len(set(ids)):
        raise CatalogueError("two publications have the same id")
    return publications


def by_id(publication_id: str) -> Publication | None:
    return next((p for p in catalogue() if p.id == publication_id), None)


def find(text: str) -> list[Publication]:
    """Publications matching a request, best first; empty when the request names no subject."""
    wanted = {w for w in folded_terms(text) if w not in _REQUEST_WORDS}
    if not wanted:
        return []
    scored = []
    for publication in catalogue():
        phrases = [publication.title, *publication.keywords]
        words = {w for phrase in phrases for w in folded_terms(phrase)} - _REQUEST_WORDS
        whole = sum(2 for k in publication.keywords if set(folded_terms(k)) <= wanted)
        score = whole + len(wanted & words)
        if score:
            scored.append((score, publication))
    if not scored:
        return []
    best = max(score for score, _ in scored)
    return [p for score, p in sorted(scored, key=lambda pair: -pair[0]) if score >= best - 1]
