"""Alembic migrations on real SQLite (temp file) and real PostgreSQL (fresh schema per test).

A database made by the previous revision, with data in it, is upgraded to the latest: the data is intact and
usable through the store and repository. A pre-migration database (tables, no `alembic_version`) is adopted.
The migrated schema matches the models (a model change without a revision fails here).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Boolean, Engine, Integer, String, column, insert, inspect, table, text

from app import repository as repo
from app.cli import main
from app.db import AppDB
from app.migrate import BASELINE, alembic_config, current, differences, head, upgrade
from guides.loader import load_sample_guides
from knowledge.engine import make_engine
from knowledge.sqlbase import UTCDateTime
from knowledge.store import KnowledgeStore

PG = [pytest.mark.postgres, pytest.mark.integration]
NOW = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


S, N, J, T, B = String(), Integer(), JSON(), UTCDateTime(), Boolean()


def _table(table_name: str, /, **cols: Any) -> Any:
    """A baseline table as it was (only its baseline columns), independent of today's models."""
    return table(table_name, *(column(c, t) for c, t in cols.items()))


GUIDES = _table("guides", id=S, current_version=N, published_version=N, status=S, name=S, department=S,
                updated_at=T)  # fmt: skip
VERSIONS = _table("guide_versions", guide_id=S, version=N, data=J, content_hash=S, actor=S, note=S,
                  created_at=T)  # fmt: skip
AUDIT = _table("audit_log", at=T, actor=S, action=S, target=S, detail=J)
TOKENS = _table("api_tokens", id=S, token_hash=S, role=S, name=S, created_at=T, revoked=B)
SESSIONS = _table("chat_sessions", id=S, owner=S, owner_role=S, state=J, turns=N, version=N, created_at=T,
                  updated_at=T)  # fmt: skip
APPLICATIONS = _table(
    "applications", id=S, service_id=S, flow_id=S, service_name=S, owner=S, owner_role=S, session_id=S,
    status=S, answers=J, fields=J, materials=J, missing_materials=J, summary=S, idempotency_key=S,
    payload_hash=S, created_at=T, updated_at=T,
)  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=PG)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    e = make_engine(url)
    yield e
    e.dispose()


def previous_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    down = script.get_revision(head()).down_revision
    assert isinstance(down, str)
    return down


def seed_baseline(engine: Engine) -> None:
    """Rows as the baseline schema (commit 62f17f2) stored them: plain inserts, no later columns."""
    guide = load_sample_guides()[0]
    data = guide.model_dump(mode="json", exclude={"version", "status", "updated_at"})
    with engine.begin() as conn:
        conn.execute(
            insert(GUIDES),
            [{"id": guide.id, "current_version": 1, "published_version": 1, "status": "published",
              "name": guide.name, "department": guide.department, "updated_at": NOW}],
        )  # fmt: skip
        conn.execute(
            insert(VERSIONS),
            [{"guide_id": guide.id, "version": 1, "data": data, "content_hash": "0" * 64,
              "actor": "old", "note": "导入", "created_at": NOW}],
        )  # fmt: skip
        conn.execute(
            insert(AUDIT),
            [{"at": NOW, "actor": "old", "action": "guide.create", "target": guide.id, "detail": {}}],
        )
        conn.execute(
            insert(TOKENS),
            [{"id": "t1", "token_hash": "a" * 64, "role": "citizen", "name": "老用户", "created_at": NOW,
              "revoked": False}],
        )  # fmt: skip
        conn.execute(
            insert(SESSIONS),
            [{"id": "s1", "owner": "t1", "owner_role": "citizen", "state": {"turns": []}, "turns": 3,
              "version": 2, "created_at": NOW, "updated_at": NOW}],
        )  # fmt: skip
        conn.execute(
            insert(APPLICATIONS),
            [{"id": "GA20261120-000001", "service_id": guide.id, "flow_id": "", "service_name": guide.name,
              "owner": "t1", "owner_role": "citizen", "session_id": "s1", "status": "已提交",
              "answers": {}, "fields": {"姓名": "张三"}, "materials": [], "missing_materials": [],
              "summary": "", "idempotency_key": "t1:k1", "payload_hash": "b" * 64,
              "created_at": NOW, "updated_at": NOW}],
        )  # fmt: skip


def assert_data_usable(url: str) -> None:
    guide_id = load_sample_guides()[0].id
    with KnowledgeStore(url) as store:
        g = store.get_guide(guide_id, published_only=True)
        assert g is not None and g.version == 1 and g.updated_at == NOW
        assert [e.action for e in store.audit_log(target=guide_id)] == ["guide.create"]
        # the new tables work on the old data: unpublishing records an index event
        before = store.index_version()
        store.unpublish(guide_id, actor="editor")
        assert store.index_version() > before
        assert [e.doc_id for e in store.index_events(after=before)] == [guide_id]
        db = AppDB(store.engine)
        with db.read() as session:
            app = repo.get_application(session=session, application_id="GA20261120-000001")
        assert app is not None and app.fields == {"姓名": "张三"} and app.owner == "t1"


def test_fresh_database_matches_the_models(engine: Engine) -> None:
    assert upgrade(engine) == (None, head())
    assert current(engine) == head()
    assert differences(engine) == []
    assert upgrade(engine) == (head(), head())  # a second run is a no-op


def test_upgrade_from_previous_revision_keeps_data(url: str, engine: Engine) -> None:
    upgrade(engine, BASELINE)
    seed_baseline(engine)  # baseline tables exist in every revision
    upgrade(engine, previous_revision())
    assert upgrade(engine) == (previous_revision(), head())
    assert differences(engine) == []
    assert_data_usable(url)


def test_pre_migration_database_is_adopted(url: str, engine: Engine) -> None:
    """A database made by `create_all` before migrations existed: baseline tables, no alembic_version."""
    upgrade(engine, BASELINE)
    seed_baseline(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    assert "alembic_version" not in inspect(engine).get_table_names()
    assert upgrade(engine) == (BASELINE, head())
    assert differences(engine) == []
    assert_data_usable(url)


def test_cli_db_upgrade_and_current(
    url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOVASSIST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "current"]) == 1  # empty database: not at the latest revision
    assert main(["db", "upgrade"]) == 0
    assert head() in capsys.readouterr().out
    assert main(["db", "current"]) == 0
