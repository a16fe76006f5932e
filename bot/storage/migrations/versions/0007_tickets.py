"""Tickets: questions passed on to the officers of an area, their messages and who saw or did what

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("channel_user_id", sa.String(length=64), nullable=False),
        sa.Column("user_ref", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=True),
        sa.Column("area", sa.String(length=64), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("taken_by", sa.String(length=96), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=96), nullable=True),
        sa.Column("answered_by_name", sa.String(length=128), nullable=True),
        sa.Column("answered_by_post", sa.String(length=128), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tickets_status_area", "tickets", ["status", "area"])
    op.create_index("ix_tickets_person", "tickets", ["channel", "channel_user_id", "status"])
    op.create_index("ix_tickets_opened_at", "tickets", ["opened_at"])
    op.create_table(
        "ticket_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("channel_user_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("buttons", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("platform_message_id", sa.String(length=64), nullable=True),
        sa.Column("error", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ticket_messages_queue", "ticket_messages", ["status", "next_attempt_at", "id"])
    op.create_index(
        "ix_ticket_messages_reply", "ticket_messages", ["channel", "channel_user_id", "platform_message_id"]
    )
    op.create_index("ix_ticket_messages_ticket", "ticket_messages", ["ticket_id", "kind"])
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ticket_events_ticket", "ticket_events", ["ticket_id", "at"])
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("areas", sa.String(length=512), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("post", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("answering_ticket_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("dashboard_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("areas", sa.String(length=512), nullable=False, server_default=""))
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ticket_consent_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("ticket_consent_at")
    with op.batch_alter_table("dashboard_users", schema=None) as batch_op:
        batch_op.drop_column("areas")
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.drop_column("answering_ticket_id")
        batch_op.drop_column("post")
        batch_op.drop_column("areas")
    op.drop_table("ticket_events")
    op.drop_table("ticket_messages")
    op.drop_table("tickets")
