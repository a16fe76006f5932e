"""The one format of a campaign code: six characters, letters and digits, random, opaque.

Codes are typed from paper (on Zalo, which has no start parameter) by people who may not tell 0 from O or
1 from I and l: the alphabet leaves out those, and S/5, Z/2, B/8. A code always mixes letters and digits,
so no code is a word anyone would type for another reason. Case, spaces and dashes do not matter
("k7m-4pq" is K7M4PQ). Codes say nothing about a person or a place.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LENGTH = 6
_FORMAT = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")
_IGNORED = re.compile(r"[\s\-._]")


def new_code() -> str:
    """A fresh random code (the store checks it is not taken)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if is_code(code):
            return code


def is_code(code: str) -> bool:
    """Already in the canonical form (upper case, nothing else), with a letter and a digit."""
    return bool(_FORMAT.match(code)) and any(c.isdigit() for c in code) and any(c.isalpha() for c in code)


def parse(text: str) -> str | None:
    """The code a message or a link parameter holds, in canonical form; None for anything else."""
    if len(text) > 3 * LENGTH:
        return None
    candidate = _IGNORED.sub("", text).upper()
    return candidate if is_code(candidate) else None
