"""`bot publications build`: (re)generate the handbooks of the catalogue from the knowledge file."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.base import knowledge
from bot.publications.catalogue import catalogue
from bot.publications.pdf import build_handbook


def build_all() -> list[Path]:
    kb = knowledge()
    return [build_handbook(p, kb, p.path) for p in catalogue() if p.from_topics]


def missing_files() -> list[str]:
    """Catalogue entries whose file is not there (a staff PDF not yet copied, or handbooks not built)."""
    return [f"{p.id}: {p.file}" for p in catalogue() if not p.path.is_file()]
