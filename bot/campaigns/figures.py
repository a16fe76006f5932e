"""What each campaign brought, for a period: per campaign and per border post.

A person counts for a campaign when they started the bot from its link or typed its code in the period
(``started``, once per person per campaign); of them, ``subscribed`` gave consent to receive news, ``asked``
asked the assistant something and ``played`` took part in a contest, each at any time since that start (so
what a leaflet handed out last month brought keeps growing while its people use the bot).

A campaign's border post is that of the officers covering its area (``bot officer add ... --area --post``;
the post most of them name), else the area's name; a campaign without an area (the handbooks) counts for the
whole province. Per post, a person who started from two of its campaigns counts once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, exists, select
from sqlalchemy.engine import Connection

from bot.areas import name_of
from bot.broadcasts.officers import posts_by_area
from bot.storage.models import Campaign, CampaignStart, Interaction, QuizAttempt, SubscriptionEvent

if TYPE_CHECKING:
    from bot.metrics.figures import Period

COUNTS = ("started", "subscribed", "asked", "played")
WHOLE_PROVINCE = "Toàn tỉnh (không gắn khu vực)"


def _since_start(table: Any, column: Any, *conditions: Any) -> Any:
    """1 when the person of the start has a row of ``table`` at or after the start, else 0."""
    found = exists().where(table.user_ref == CampaignStart.user_ref, column >= CampaignStart.started_at, *conditions)
    return case((found, 1), else_=0)


def post_of(area: str | None, posts: dict[str, str]) -> str:
    if area is None:
        return WHOLE_PROVINCE
    return posts.get(area) or name_of(area, "–")


def campaign_figures(connection: Connection, period: Period) -> dict[str, Any]:
    """``COUNTS`` for everyone (distinct people), with ``by_campaign`` rows (every campaign made by the end of
    the period: code, name, area, post and the counts; newest first) and ``by_post`` rows (name and counts,
    busiest first)."""
    people = connection.execute(
        select(
            CampaignStart.campaign_id, CampaignStart.user_ref,
            _since_start(SubscriptionEvent, SubscriptionEvent.at, SubscriptionEvent.kind == "subscribed"),
            _since_start(Interaction, Interaction.at), _since_start(QuizAttempt, QuizAttempt.started_at),
        ).where(period.where(CampaignStart.started_at))
    ).all()  # fmt: skip
    campaigns = connection.execute(
        select(Campaign.id, Campaign.code, Campaign.name, Campaign.area)
        .where(Campaign.created_at < period.end).order_by(Campaign.id.desc())
    ).all()  # fmt: skip
    posts = posts_by_area(connection)
    post_by_campaign = {c.id: post_of(c.area, posts) for c in campaigns}
    by_campaign: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    by_post: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    everyone: dict[str, set[str]] = defaultdict(set)
    for campaign_id, ref, *flags in people:
        for count, flag in zip(COUNTS, (1, *flags), strict=True):
            if flag:
                for tally in (by_campaign[campaign_id], by_post[post_by_campaign.get(campaign_id, "–")], everyone):
                    tally[count].add(ref)
    sized = lambda tally: {count: len(tally[count]) for count in COUNTS}  # noqa: E731
    rows = [
        {"code": c.code, "name": c.name, "area": name_of(c.area, "–"), "post": post_by_campaign[c.id],
         **sized(by_campaign[c.id])}
        for c in campaigns
    ]  # fmt: skip
    post_rows = sorted(({"name": post, **sized(tally)} for post, tally in by_post.items()),
                       key=lambda row: (-row["started"], row["name"]))  # fmt: skip
    return {**sized(everyone), "by_campaign": rows, "by_post": post_rows}
