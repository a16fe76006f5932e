"""Alembic environment: migrations run against the URL given by bot.storage.db.alembic_config."""

from alembic import context

from bot.storage.engine import create
from bot.storage.models import Base

url = context.config.get_main_option("sqlalchemy.url")
engine = create(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
