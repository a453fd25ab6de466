"""Alembic environment: one MetaData (knowledge/sqlbase.py's Base) with every model module imported.

Runs on the connection `app.migrate` passes in `config.attributes["connection"]`, or on `sqlalchemy.url`
when called from the `alembic` command line.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.migrate import target_metadata
from knowledge.engine import make_engine


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can't ALTER most things in place
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `govassist db upgrade`")
run_migrations_online()
