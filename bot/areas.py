"""Areas people subscribe for: the commune-level units in force since 1 July 2025 (data/areas.yml),
recognised also by the old names people still use ("Phổ Thạnh" -> Phường Sa Huỳnh)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT
from bot.text import fold

AREAS_FILE = PROJECT_ROOT / "data" / "areas.yml"
_UNIT_WORDS = ("dac khu ", "phuong ", "xa ", "huyen ", "thi tran ", "thi xa ", "thanh pho ")


@dataclass(frozen=True)
class Area:
    key: str
    name: str
    aliases: tuple[str, ...]

    @property
    def short_name(self) -> str:
        """The name without its unit word: "Lý Sơn" for "Đặc khu Lý Sơn" (fits on a button)."""
        return self.name.split(" ", 2)[-1] if self.name.startswith("Đặc khu") else self.name.split(" ", 1)[-1]


def _key(text: str) -> str:
    folded = " ".join(fold(text).split())
    for unit in _UNIT_WORDS:
        if folded.startswith(unit):
            return folded[len(unit) :]
    return folded


@lru_cache(maxsize=1)
def areas(path: Path = AREAS_FILE) -> tuple[Area, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(Area(a["key"], a["name"], tuple(a.get("aliases") or ())) for a in data["areas"])


def by_key(key: str | None) -> Area | None:
    return next((a for a in areas() if a.key == key), None)


def match_area(text: str) -> Area | None:
    """The area a message names: exact name or old name first, else the longest name it contains."""
    wanted = _key(text)
    if not wanted:
        return None
    names = [(_key(name), area) for area in areas() for name in (area.name, *area.aliases)]
    exact = [area for name, area in names if name == wanted]
    if exact:
        return exact[0]
    padded = f" {' '.join(fold(text).split())} "
    contained = [(len(name), area) for name, area in names if name and f" {name} " in padded]
    return max(contained, key=lambda pair: pair[0])[1] if contained else None
