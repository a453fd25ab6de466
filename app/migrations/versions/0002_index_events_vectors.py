"""Index events and shared chunk vectors (scale-out: several workers and hosts on one database)

Revision ID: 0002_index_events_vectors
Revises: 0001_baseline
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_index_events_vectors"
down_revision: str | Sequence[str] | None = "0001_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chunk_vectors",
        sa.Column("embedder", sa.String(length=64), nullable=False),
        sa.Column("chunk_id", sa.String(length=300), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("embedder", "chunk_id", name=op.f("pk_chunk_vectors")),
    )
    op.create_table(
        "index_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('guide', 'policy')", name=op.f("ck_index_events_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_events")),
    )
    op.create_index(op.f("ix_index_events_at"), "index_events", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_index_events_at"), table_name="index_events")
    op.drop_table("index_events")
    op.drop_table("chunk_vectors")
