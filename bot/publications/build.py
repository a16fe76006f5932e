"""`bot publications build`: (re)generate the handbooks of the catalogue from the knowledge file.

Each handbook carries the QR code and links of a campaign of its own (bot/campaigns/), made the first time and
the same at every rebuild, so the people each handbook brings are counted. Without a usable database (an image
being built, before `bot db upgrade`), the handbooks are built without it and a warning says so.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.campaigns import store as campaigns
from bot.knowledge.base import knowledge
from bot.publications.catalogue import Publication, catalogue
from bot.publications.pdf import build_handbook

logger = logging.getLogger(__name__)


def build_all() -> list[Path]:
    kb = knowledge()
    return [build_handbook(p, kb, p.path, _campaign_code(p)) for p in catalogue() if p.from_topics]


def _campaign_code(publication: Publication) -> str | None:
    try:
        return campaigns.for_publication(publication.id, publication.title).code
    except SQLAlchemyError as error:
        logger.warning("Handbook %s built without a QR code: no campaign database (%s)", publication.id,
                       str(error).splitlines()[0])  # fmt: skip
        return None


def missing_files() -> list[str]:
    """Catalogue entries whose file is not there (a staff PDF not yet copied, or handbooks not built)."""
    return [f"{p.id}: {p.file}" for p in catalogue() if not p.path.is_file()]
