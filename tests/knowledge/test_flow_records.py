"""Flow records on real SQLite and PostgreSQL: versions, no-op saves, publish / rollback, audit, seeding."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import knowledge.flow_records  # noqa: F401  (registers nothing new; the tables live in knowledge.orm)
from knowledge.flow_records import SYSTEM_ACTOR, FlowRecordStore
from knowledge.records import NotFound
from knowledge.store import KnowledgeStore

PG = [pytest.mark.postgres, pytest.mark.integration]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=PG)])
def records(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[KnowledgeStore, FlowRecordStore]]:
    url = (
        f"sqlite:///{tmp_path / 'kb.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_schema_url")
    )
    store = KnowledgeStore(url)
    store.create_all()
    yield store, FlowRecordStore(store.engine)
    store.close()


def test_versions_publish_rollback_and_audit(records: tuple[KnowledgeStore, FlowRecordStore]) -> None:
    store, rec = records
    v1 = rec.save_draft("g-S1", "S1", "id: g-S1\ntitle: a\n", actor="editor:1", note="first")
    assert (v1.version, v1.published, v1.is_current) == (1, False, True)
    assert rec.get("g-S1", published_only=True) is None and rec.published() == []
    assert (
        rec.save_draft("g-S1", "S1", "id: g-S1\ntitle: a\n", actor="editor:1").version == 1
    )  # identical: no-op
    rec.publish("g-S1", actor="editor:1")
    v2 = rec.save_draft("g-S1", "S1", "id: g-S1\ntitle: b\n", actor="editor:2")
    assert v2.version == 2 and rec.get("g-S1", published_only=True).version == 1  # type: ignore[union-attr]
    assert "-title: a" in rec.diff("g-S1", 1, 2) and "+title: b" in rec.diff("g-S1", 1, 2)
    stamp = rec.version_stamp()
    rec.publish("g-S1", actor="editor:2")
    assert rec.version_stamp() != stamp
    assert [p.version for p in rec.published()] == [2]
    rec.publish("g-S1", actor="editor:2", version=1)  # roll back
    assert rec.for_service("S1", published_only=True).version == 1  # type: ignore[union-attr]
    actions = [e.action for e in store.audit_log(target="flow:g-S1")]
    assert actions == ["flow.publish", "flow.publish", "flow.save", "flow.publish", "flow.save"]
    with pytest.raises(NotFound):
        rec.publish("g-S1", actor="x", version=9)
    with pytest.raises(ValueError):
        rec.save_draft("g-S1", "OTHER", "id: g-S1\n", actor="x")  # a flow belongs to one service
    assert [v.version for v in rec.versions("g-S1")] == [1, 2]


def test_seed_is_idempotent_and_keeps_staff_edits(records: tuple[KnowledgeStore, FlowRecordStore]) -> None:
    _, rec = records
    assert rec.seed([("f1", "S1", "v: 1\n"), ("f2", "S2", "v: 1\n")]) == ["f1", "f2"]
    assert rec.seed([("f1", "S1", "v: 1\n"), ("f2", "S2", "v: 1\n")]) == []
    assert rec.get("f1", published_only=True).actor == SYSTEM_ACTOR  # type: ignore[union-attr]
    # the bundle changed: an unedited flow follows it; a flow staff edited keeps the staff's version
    rec.save_draft("f2", "S2", "v: staff\n", actor="editor:1")
    assert rec.seed([("f1", "S1", "v: 2\n"), ("f2", "S2", "v: 2\n")]) == ["f1"]
    assert rec.get("f1", published_only=True).body == "v: 2\n"  # type: ignore[union-attr]
    assert rec.get("f2").body == "v: staff\n"  # type: ignore[union-attr]
