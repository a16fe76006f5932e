"""Outcomes told apart (answered, offered choices, declined, not understood), what people wait for a reply

Revision ID: 0004
Revises: 0003

The old outcome "fallback" is split by the stored detail: suggestions -> choices, out_of_scope ->
declined, anything else (dont_know) -> not_understood; the daily totals are split the same way, from
the raw rows (messages of people erased since, no longer in the raw rows, count as not understood).
Response times stored so far were measured inside Rasa: they are kept, labelled ``rasa``.
"""

from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OUTCOME_OF_DETAIL = {"suggestions": "choices", "out_of_scope": "declined"}
SPLIT_OUTCOMES = ("choices", "declined", "not_understood")


def upgrade() -> None:
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(length=128), nullable=True))
        batch_op.create_index("ix_interactions_message_id", ["message_id"], unique=False)
    _split_fallbacks()

    op.create_table(
        "daily_response_times_new",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("measured", sa.String(length=8), nullable=False),
        sa.Column("response_ms", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "measured", "response_ms"),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO daily_response_times_new (day, measured, response_ms, messages) "
        "SELECT day, 'rasa', response_ms, messages FROM daily_response_times"
    )
    op.drop_table("daily_response_times")
    op.rename_table("daily_response_times_new", "daily_response_times")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE daily_response_times RENAME CONSTRAINT daily_response_times_new_pkey "
                   "TO daily_response_times_pkey")  # fmt: skip

    op.create_table(
        "reply_times",
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("response_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )


def _split_fallbacks() -> None:
    connection = op.get_bind()
    interactions = sa.table(
        "interactions", sa.column("at", sa.DateTime()), sa.column("channel"), sa.column("area"), sa.column("outcome"),
        sa.column("detail"), sa.column("replies"),
    )  # fmt: skip
    traffic = sa.table(
        "daily_traffic", sa.column("day", sa.Date()), sa.column("channel"), sa.column("area"), sa.column("outcome"),
        sa.column("messages"), sa.column("replies"),
    )  # fmt: skip
    for detail, outcome in OUTCOME_OF_DETAIL.items():
        connection.execute(
            interactions.update()
            .where(interactions.c.outcome == "fallback", interactions.c.detail == detail)
            .values(outcome=outcome)
        )
    connection.execute(
        interactions.update().where(interactions.c.outcome == "fallback").values(outcome="not_understood")
    )
    counted: Counter = Counter()
    for at, channel, area, outcome, replies in connection.execute(
        sa.select(interactions.c.at, interactions.c.channel, interactions.c.area, interactions.c.outcome,
                  interactions.c.replies).where(interactions.c.outcome.in_(SPLIT_OUTCOMES))
    ):  # fmt: skip
        key = ((at + timedelta(hours=7)).date(), channel, area or "")
        counted[(*key, outcome, "messages")] += 1
        counted[(*key, outcome, "replies")] += replies or 0
    rows = []
    for day, channel, area, messages, replies in connection.execute(
        sa.select(traffic.c.day, traffic.c.channel, traffic.c.area, traffic.c.messages, traffic.c.replies).where(
            traffic.c.outcome == "fallback"
        )
    ):
        left = {"messages": messages, "replies": replies}
        for outcome in SPLIT_OUTCOMES:
            split = {k: counted[(day, channel, area, outcome, k)] for k in left}
            if outcome == "not_understood":  # and what erased people sent
                split = left
            left = {k: left[k] - split[k] for k in left}
            if split["messages"]:
                rows.append({"day": day, "channel": channel, "area": area, "outcome": outcome, **split})
    connection.execute(traffic.delete().where(traffic.c.outcome == "fallback"))
    if rows:
        connection.execute(traffic.insert(), rows)


def downgrade() -> None:
    op.drop_table("reply_times")
    op.create_table(
        "daily_response_times_old",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("response_ms", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "response_ms"),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO daily_response_times_old (day, response_ms, messages) "
        "SELECT day, response_ms, SUM(messages) FROM daily_response_times GROUP BY day, response_ms"
    )
    op.drop_table("daily_response_times")
    op.rename_table("daily_response_times_old", "daily_response_times")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE daily_response_times RENAME CONSTRAINT daily_response_times_old_pkey "
                   "TO daily_response_times_pkey")  # fmt: skip

    outcomes = ", ".join(f"'{o}'" for o in SPLIT_OUTCOMES)
    op.execute(
        "INSERT INTO daily_traffic (day, channel, area, outcome, messages, replies) "
        f"SELECT day, channel, area, 'fallback', SUM(messages), SUM(replies) FROM daily_traffic "
        f"WHERE outcome IN ({outcomes}) GROUP BY day, channel, area"
    )
    op.execute(f"DELETE FROM daily_traffic WHERE outcome IN ({outcomes})")
    op.execute(f"UPDATE interactions SET outcome = 'fallback' WHERE outcome IN ({outcomes})")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_message_id")
        batch_op.drop_column("message_id")
