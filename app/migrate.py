"""Schema migrations with Alembic (`govassist db upgrade`; `serve` and scripts/run.sh run it first).

The migration scripts live in app/migrations/ (shipped inside the package). One MetaData describes the whole
database: knowledge/sqlbase.py's Base, with every model module imported by `target_metadata()`.

A database created before migrations existed (tables made by `create_all`, no `alembic_version` table) is
stamped first: with the head when it already matches the models, else with the baseline (the schema every
pre-migration release created), and then upgraded like any other.
Concurrent upgrades (several hosts starting at once) are serialized: a PostgreSQL advisory lock, or SQLite's
write lock (BEGIN IMMEDIATE), held for the whole upgrade, which runs in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, inspect, text

from knowledge.engine import WRITE_OPTION

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001_baseline"
_LOCK_KEY = 0x6A0F_C0DE  # pg_advisory_xact_lock key of schema upgrades


def target_metadata() -> MetaData:
    """The MetaData of every table of the database (importing the modules registers their tables)."""
    import app.db  # noqa: F401
    import knowledge.orm  # noqa: F401
    import retrieval.vector_sql  # noqa: F401
    from knowledge.sqlbase import Base

    return Base.metadata


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    rev = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert rev is not None
    return rev


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _is_legacy(conn: Connection) -> bool:
    tables = set(inspect(conn).get_table_names())
    return "alembic_version" not in tables and "guides" in tables


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to `revision` in one transaction. Returns (revision before, revision after)."""
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        before = MigrationContext.configure(conn).get_current_revision()
        cfg = alembic_config(conn)
        if before is None and _is_legacy(conn):
            before = "head" if not _differences(conn) else BASELINE
            command.stamp(cfg, before)
        command.upgrade(cfg, revision)
        after = MigrationContext.configure(conn).get_current_revision()
    return before, after


def differences(engine: Engine) -> list[Any]:
    """What the migrated schema lacks against the models (empty = migrations and models agree)."""
    with engine.connect() as conn:
        return _differences(conn)


def _differences(conn: Connection) -> list[Any]:
    ctx = MigrationContext.configure(conn, opts={"compare_type": False})
    return list(compare_metadata(ctx, target_metadata()))
