"""Areas people subscribe for: the commune-level units in force since 1 July 2025 (data/areas.yml),
recognised also by the old names people still use ("Phổ Thạnh" -> Phường Sa Huỳnh). An old name now
shared by several areas ("Nguyễn Nghiêm") is never resolved to one of them: the person is asked which.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT
from bot.vietnamese import fold

AREAS_FILE = PROJECT_ROOT / "data" / "areas.yml"
# Asked with one button per candidate when a typed name fits several areas.
WHICH_AREA = "Tên này có ở nhiều nơi (xã, phường đã sắp xếp lại từ 1/7/2025). Bà con ở nơi nào? Bấm chọn bên dưới."
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


def _folded(text: str) -> str:
    return " ".join(fold(text).split())


def _key(text: str) -> str:
    folded = _folded(text)
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


class AmbiguousArea(ValueError):
    """A name several areas share (an old name now split, or reused): the person must say which."""

    def __init__(self, text: str, candidates: tuple[Area, ...]) -> None:
        self.candidates = candidates
        listed = ", ".join(f"{a.name} ({a.key})" for a in candidates)
        super().__init__(f"{text.strip()!r} có thể là: {listed}. Ghi rõ tên hoặc mã khu vực.")


def area_candidates(text: str) -> tuple[Area, ...]:
    """Every area a message may name, in file order: none, one, or several when the name is shared.

    A full name with its unit word ("xã Bình Sơn") names that area alone; otherwise every area with that
    name or old name counts ("Nguyễn Nghiêm": two old wards and the new commune); failing that, the
    areas whose longest name the message contains ("tui ở Sa Huỳnh").
    """
    wanted = _key(text)
    if not wanted:
        return ()
    folded = _folded(text)
    full = [(_folded(name), area) for area in areas() for name in (area.name, *area.aliases)]
    named = tuple(dict.fromkeys(area for name, area in full if name == folded))
    if len(named) == 1 and folded != wanted:
        return named
    names = [(_key(name), area) for area in areas() for name in (area.name, *area.aliases)]
    exact = [area for name, area in names if name == wanted]
    if not exact:
        padded = f" {folded} "
        contained = [(len(name), area) for name, area in names + full if name and f" {name} " in padded]
        longest = max((n for n, _ in contained), default=0)
        exact = [area for n, area in contained if n == longest]
    return tuple(dict.fromkeys(exact))


def match_area(text: str) -> Area | None:
    """The area a message names, or None. Raises ``AmbiguousArea`` when several areas share the name:
    never guess (a storm warning must not go to the wrong commune)."""
    candidates = area_candidates(text)
    if len(candidates) > 1:
        raise AmbiguousArea(text, candidates)
    return candidates[0] if candidates else None


class UnknownArea(ValueError):
    """A name that is no area of data/areas.yml."""


def resolve(names: list[str]) -> list[str]:
    """Area keys from keys or names (old names too), as staff type them on the command line or dashboard.
    Raises ``UnknownArea`` or ``AmbiguousArea`` (a shared name: say which)."""
    keys = []
    for name in names:
        area = by_key(name) or match_area(name)
        if area is None:
            raise UnknownArea(f"không biết khu vực {name!r}")
        keys.append(area.key)
    return list(dict.fromkeys(keys))


def split_areas(value: str | None) -> tuple[str, ...]:
    """Area keys stored comma-separated (officers', accounts' and broadcasts' areas); empty: none given."""
    return tuple(a for a in (value or "").split(",") if a)


def name_of(key: str | None, unknown: str) -> str:
    """An area's name for people to read, or ``unknown`` (each page says it its own way) for no known area."""
    area = by_key(key)
    return area.name if area else unknown
