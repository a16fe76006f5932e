"""Who may do what: one vocabulary for the dashboard's accounts and for the officers who broadcast from a chat.

Each role may do everything the roles before it may: ``staff`` reads the dashboard, ``officer`` also
broadcasts, ``admin`` also manages the dashboard's accounts and sees and cancels every officer's broadcasts.
Officers (``bot officer``, who broadcast from Telegram or Zalo) are officers or admins.
"""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    STAFF = "staff"
    OFFICER = "officer"
    ADMIN = "admin"

    def __str__(self) -> str:
        return self.value

    def may(self, needed: str) -> bool:
        """Whether this role may do what ``needed`` may: ``Role.ADMIN.may("officer")`` is true."""
        order = list(Role)
        return order.index(self) >= order.index(Role(needed))


ROLES = tuple(role.value for role in Role)
OFFICER_ROLES = (Role.OFFICER.value, Role.ADMIN.value)
