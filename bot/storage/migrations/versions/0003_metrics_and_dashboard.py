"""Interaction log and its daily totals, subscription events, dashboard users and sessions

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcast_deliveries", schema=None) as batch_op:  # per-area figures, index only
        batch_op.drop_index("ix_deliveries_broadcast_status")
        batch_op.create_index("ix_deliveries_broadcast_status_area", ["broadcast_id", "status", "area"], unique=False)
    op.create_table(
        "dashboard_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("user_ref", sa.String(length=64), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("intent", sa.String(length=128), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=24), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=True),
        sa.Column("topic", sa.String(length=32), nullable=True),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("response_ms", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index("ix_interactions_outcome_at", ["outcome", "at", "text", "detail"], unique=False)
        batch_op.create_index("ix_interactions_user_ref", ["user_ref"], unique=False)

    op.create_table(
        "daily_traffic",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "channel", "area", "outcome"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "daily_answers",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "entry_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "daily_response_times",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("response_ms", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "response_ms"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "daily_users",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_ref", sa.String(length=64), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("day", "user_ref", "area"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("daily_users", schema=None) as batch_op:
        batch_op.create_index("ix_daily_users_user_ref", ["user_ref"], unique=False)

    op.create_table(
        "metrics_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("lost", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "subscription_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("user_ref", sa.String(length=64), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("subscription_events", schema=None) as batch_op:
        batch_op.create_index("ix_subscription_events_at", ["at", "kind"], unique=False)

    op.create_table(
        "dashboard_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["dashboard_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )


def downgrade() -> None:
    with op.batch_alter_table("broadcast_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_broadcast_status_area")
        batch_op.create_index("ix_deliveries_broadcast_status", ["broadcast_id", "status"], unique=False)
    op.drop_table("dashboard_sessions")
    with op.batch_alter_table("subscription_events", schema=None) as batch_op:
        batch_op.drop_index("ix_subscription_events_at")

    op.drop_table("subscription_events")
    op.drop_table("metrics_gaps")
    op.drop_table("daily_users")
    op.drop_table("daily_response_times")
    op.drop_table("daily_answers")
    op.drop_table("daily_traffic")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_interactions_user_ref")
        batch_op.drop_index("ix_interactions_outcome_at")

    op.drop_table("interactions")
    op.drop_table("dashboard_users")
