"""The length of a subscriber's vessel, remembered with their consent

Revision ID: 0005
Revises: 0004

A person who consented and said how long their vessel is is not asked again (bot/subscribers.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vessel_length", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscribers", schema=None) as batch_op:
        batch_op.drop_column("vessel_length")
