"""One SQLAlchemy engine per database URL, with the SQLite settings the store relies on."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import StaticPool

# Execution option: SQLite write transactions start with BEGIN IMMEDIATE. Other engines ignore it.
WRITE_OPTION = "govassist_write"


def make_engine(url: str, echo: bool = False) -> Engine:
    u = make_url(url)
    serializer = partial(json.dumps, ensure_ascii=False)
    if u.get_backend_name() != "sqlite":
        return create_engine(u, echo=echo, json_serializer=serializer, pool_pre_ping=True)

    memory = u.database in (None, "", ":memory:")
    engine = create_engine(
        u,
        echo=echo,
        json_serializer=serializer,
        connect_args={"check_same_thread": False, "timeout": 30},
        **({"poolclass": StaticPool} if memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front: a deferred read->write upgrade fails under WAL when
        # another writer committed in between, and it would let two savers read the same version.
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
