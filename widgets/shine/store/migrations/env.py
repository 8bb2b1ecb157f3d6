"""Alembic environment. The store hands us an open connection inside its migration lock."""

from alembic import context

from shine.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
