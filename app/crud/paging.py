"""One paging helper for the listing functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def page(
    session: Session, row: type[Any], conds: list[Any], order: tuple[Any, ...], limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of `row` matching `conds`, newest first, and the total count."""
    total = session.scalar(select(func.count()).select_from(row).where(*conds)) or 0
    rows = session.scalars(select(row).where(*conds).order_by(*order).limit(limit).offset(offset))
    return list(rows), int(total)
