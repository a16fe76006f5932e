"""The rescue contacts, kept in one place: the ``utter_emergency`` response of domain.yml (facts AT-01 to
AT-07 of the fact sheet). The gateways' /lienhe reply and the handbooks' emergency box are made from it,
so a corrected number is corrected everywhere."""

from __future__ import annotations

from functools import lru_cache

import yaml

from bot.settings import PROJECT_ROOT

BORDER_POST = "Đồn biên phòng gần nhất: số đường dây nóng in trên móc khóa, bảng niêm yết của đồn."


@lru_cache(maxsize=1)
def emergency_reply() -> str:
    """The emergency reply: contacts, what to report, sources (paragraphs separated by blank lines)."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"]["utter_emergency"][0]["text"]


def rescue_contacts() -> str:
    """Whom to call: the first paragraph of the emergency reply."""
    return emergency_reply().split("\n\n")[0]


def contacts_reply() -> str:
    """The answer to /lienhe: the rescue contacts, the border post, the sources."""
    paragraphs = emergency_reply().split("\n\n")
    return "\n".join([paragraphs[0], BORDER_POST, paragraphs[-1]])
