"""App limits and retention: token expiry, session activity index, unanswered repeat counting

Revision ID: 0003_app_limits
Revises: 0002_index_events_vectors
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_app_limits"
down_revision: str | Sequence[str] | None = "0002_index_events_vectors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(op.f("ix_api_tokens_expires_at"), ["expires_at"], unique=False)
    with op.batch_alter_table("chat_sessions") as batch:
        batch.create_index(op.f("ix_chat_sessions_updated_at"), ["updated_at"], unique=False)
    with op.batch_alter_table("unanswered") as batch:
        batch.add_column(sa.Column("question_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("repeats", sa.Integer(), server_default="1", nullable=False))
        batch.add_column(sa.Column("last_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(op.f("ix_unanswered_question_key"), ["question_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unanswered") as batch:
        batch.drop_index(op.f("ix_unanswered_question_key"))
        batch.drop_column("last_at")
        batch.drop_column("repeats")
        batch.drop_column("question_key")
    with op.batch_alter_table("chat_sessions") as batch:
        batch.drop_index(op.f("ix_chat_sessions_updated_at"))
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_index(op.f("ix_api_tokens_expires_at"))
        batch.drop_column("expires_at")
