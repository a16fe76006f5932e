"""Campaigns in the database, and the people who started the bot from one.

A start is recorded once per person per campaign (``uq_campaign_start_person``), under the person's
pseudonym (bot.subscribers.pseudonym): never their platform id. An unknown or malformed code records
nothing, and the caller starts the bot as usual.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.areas import resolve
from bot.campaigns.codes import new_code, parse
from bot.storage import db
from bot.storage.models import Campaign, CampaignStart
from bot.subscribers import pseudonym

logger = logging.getLogger(__name__)
MAX_NAME = 200
PUBLICATION_AUTHOR = "publication:{id}"  # the campaign of a generated handbook (bot/publications/build.py)


class CampaignError(ValueError):
    """Bad input from staff: the message says what is wrong."""


def create(name: str, area: str | None = None, created_by: str = "cli") -> Campaign:
    """A new campaign with a fresh code. ``area``: an area key or name (old names too), for its border post."""
    name = " ".join(name.split())
    if not name:
        raise CampaignError("the campaign needs a name (--name), as people will read it on the leaflet")
    if len(name) > MAX_NAME:
        raise CampaignError(f"the name is {len(name)} characters long; at most {MAX_NAME}")
    area_key = resolve([area])[0] if area else None  # UnknownArea, AmbiguousArea: both ValueErrors
    for _ in range(5):  # a code already taken (one chance in millions): draw again
        try:
            with db.session() as session, session.begin():
                campaign = Campaign(code=new_code(), name=name, area=area_key, created_by=created_by)
                session.add(campaign)
            return campaign
        except IntegrityError:
            logger.warning("Campaign code taken; drawing another")
    raise CampaignError("no free campaign code after 5 draws")


def find(code: str) -> Campaign | None:
    canonical = parse(code)
    if canonical is None:
        return None
    with db.session() as session:
        return session.execute(select(Campaign).where(Campaign.code == canonical)).scalar_one_or_none()


def listing() -> list[Campaign]:
    with db.session() as session:
        return list(session.execute(select(Campaign).order_by(Campaign.id.desc())).scalars())


def record_start(text: str, channel: str, user_id: str) -> Campaign | None:
    """The campaign whose code ``text`` is (a deep link's parameter, or a message typed on Zalo), after
    recording that this person started from it (once); None when ``text`` is no known code."""
    campaign = find(text)
    if campaign is None:
        return None
    ref = pseudonym(channel, user_id)
    try:
        with db.session() as session, session.begin():
            known = session.execute(
                select(CampaignStart.id).where(CampaignStart.campaign_id == campaign.id, CampaignStart.user_ref == ref)
            ).first()
            if known is None:
                session.add(CampaignStart(campaign_id=campaign.id, channel=channel, user_ref=ref))
    except IntegrityError:
        pass  # the same person's start recorded at the same moment by another process
    return campaign


def for_publication(publication_id: str, title: str) -> Campaign:
    """The campaign of a generated handbook: made once, the same code at every rebuild."""
    author = PUBLICATION_AUTHOR.format(id=publication_id)
    with db.session() as session:
        found = session.execute(
            select(Campaign).where(Campaign.created_by == author).order_by(Campaign.id).limit(1)
        ).scalar_one_or_none()
    return found or create(title, created_by=author)
