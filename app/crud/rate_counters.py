"""A `limits` storage on the app database, so rate limits hold across workers and hosts sharing one database
(GOVASSIST_RATE_LIMIT_STORAGE=database). Fixed windows only: one row per limit/window/identifier with its count
and expiry. Each call is its own short transaction."""

from __future__ import annotations

from datetime import timedelta

from limits.storage import Storage
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.db import AppDB, RateCounterRow, utcnow

_ATTEMPTS = 5


class DatabaseStorage(Storage):
    STORAGE_SCHEME = None  # built directly, not from a URI

    def __init__(self, db: AppDB) -> None:
        super().__init__()
        self.db = db

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        for _ in range(_ATTEMPTS):
            try:
                with self.db.write() as session:
                    now = utcnow()
                    row = session.scalars(
                        select(RateCounterRow).where(RateCounterRow.key == key).with_for_update()
                    ).first()
                    if row is None:
                        row = RateCounterRow(key=key, count=0, expires_at=now + timedelta(seconds=expiry))
                        session.add(row)
                    elif row.expires_at <= now:  # the window is over: start a new one
                        row.count, row.expires_at = 0, now + timedelta(seconds=expiry)
                    row.count += amount
                    session.flush()
                    return int(row.count)
            except IntegrityError:  # another worker created the row first: count on it
                continue
        raise RuntimeError(f"rate counter {key!r} is contended")

    def _live(self, key: str) -> RateCounterRow | None:
        with self.db.read() as session:
            row = session.get(RateCounterRow, key)
        return row if row is not None and row.expires_at > utcnow() else None

    def get(self, key: str) -> int:
        row = self._live(key)
        return int(row.count) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live(key)
        return (row.expires_at if row else utcnow()).timestamp()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self.db.write() as session:
            return int(session.execute(delete(RateCounterRow)).rowcount or 0)

    def clear(self, key: str) -> None:
        with self.db.write() as session:
            session.execute(delete(RateCounterRow).where(RateCounterRow.key == key))

    def purge_expired(self) -> int:
        """Drop finished windows (the retention purge calls it)."""
        with self.db.write() as session:
            stmt = delete(RateCounterRow).where(RateCounterRow.expires_at <= utcnow())
            return int(session.execute(stmt).rowcount or 0)
