"""The app tables on the knowledge store's engine: real SQLite (temp file) and real PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import repository as repo
from app.db import AppDB, ApplicationRow, ApplicationStatus
from knowledge.store import KnowledgeStore

PG = [pytest.mark.postgres, pytest.mark.integration]
S = ApplicationStatus


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=PG)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AppDB]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
    else:
        url = request.getfixturevalue("pg_schema_url")
    store = KnowledgeStore(url)
    store.create_all()
    app_db = AppDB(store.engine)
    app_db.create_all()
    yield app_db
    store.close()


def data(**over: object) -> repo.ApplicationData:
    base = {
        "service_id": "S1",
        "flow_id": "f1",
        "service_name": "社保卡补换",
        "answers": {"pickup": "邮寄"},
        "fields": {"name": "张三", "id": "440103199001011234"},
        "materials": [{"name": "居民身份证", "required": True, "provided": False}],
        "missing_materials": ["居民身份证"],
    }
    return repo.ApplicationData(**{**base, **over})


def create(db: AppDB, key: str = "k1", **over: object) -> tuple[repo.ApplicationRecord, bool]:
    return repo.create_or_get_application(
        db=db,
        data=data(**over),
        owner="tok1",
        owner_role="citizen",
        idempotency_key=key,
        actor="citizen:tok1",
    )


def count(db: AppDB) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(ApplicationRow)) or 0)


def test_create_is_idempotent_per_key(db: AppDB) -> None:
    first, created = create(db)
    again, created_again = create(db)
    other, _ = create(db, key="k2")
    assert created and not created_again
    assert again == first and other.id != first.id
    assert first.status == "已提交" and first.id.startswith("GA") and len(first.id) == 17
    assert first.fields["id"] == "440103199001011234"
    with db.read() as session:
        events = repo.list_events(session=session, application_id=first.id)
    assert [(e.from_status, e.to_status) for e in events] == [(None, "已提交")]
    assert count(db) == 2


def test_concurrent_creates_with_one_key_make_one_row(db: AppDB) -> None:
    results: list[tuple[repo.ApplicationRecord, bool]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(create(db, key="same"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({r.id for r, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert count(db) == 1


def test_in_transaction_failure_rolls_back_the_application(db: AppDB) -> None:
    def boom(session: object, record: repo.ApplicationRecord) -> None:
        raise RuntimeError("state save failed")

    with pytest.raises(RuntimeError):
        repo.create_or_get_application(
            db=db,
            data=data(),
            owner="o",
            owner_role="citizen",
            idempotency_key="k",
            actor="a",
            in_transaction=boom,
        )
    assert count(db) == 0


def test_transitions_follow_the_workflow(db: AppDB) -> None:
    app, _ = create(db)

    def move(to: ApplicationStatus, reason: str = "") -> repo.ApplicationRecord:
        with db.write() as session:
            return repo.transition_application(
                session=session,
                application_id=app.id,
                to=to,
                actor="clerk:c1",
                actor_role="clerk",
                reason=reason,
            )

    with pytest.raises(repo.InvalidTransition, match="原因"):
        move(S.NEEDS_CORRECTION)
    assert move(S.NEEDS_CORRECTION, "缺少身份证复印件").status == "需补正"
    with pytest.raises(repo.InvalidTransition, match="不能变更"):
        move(S.COMPLETED)
    assert move(S.SUBMITTED).status == "已提交"
    assert move(S.ACCEPTED).status == "已受理"
    done = move(S.COMPLETED)
    assert done.status == "办结" and done.updated_at >= app.updated_at
    for target in S:
        with pytest.raises(repo.InvalidTransition):
            move(target, "x")
    with db.read() as session:
        events = repo.list_events(session=session, application_id=app.id)
    assert [e.to_status for e in events] == ["已提交", "需补正", "已提交", "已受理", "办结"]
    assert events[1].reason == "缺少身份证复印件" and events[1].actor == "clerk:c1"
    with db.write() as session, pytest.raises(repo.NotFound):
        repo.transition_application(
            session=session, application_id="GA0-0", to=S.ACCEPTED, actor="a", actor_role="clerk"
        )


def test_resubmission_changes_fields(db: AppDB) -> None:
    app, _ = create(db)
    with db.write() as session:
        repo.transition_application(
            session=session,
            application_id=app.id,
            to=S.NEEDS_CORRECTION,
            actor="c",
            actor_role="clerk",
            reason="r",
        )
        updated = repo.transition_application(
            session=session,
            application_id=app.id,
            to=S.SUBMITTED,
            actor="o",
            actor_role="citizen",
            changes={"missing_materials": []},
        )
    assert updated.missing_materials == [] and updated.status == "已提交"


def test_list_applications_filters_and_pages(db: AppDB) -> None:
    ids = [create(db, key=f"k{i}", service_id="S1" if i % 2 else "S2")[0].id for i in range(5)]
    with db.write() as session:
        repo.transition_application(
            session=session, application_id=ids[0], to=S.ACCEPTED, actor="c", actor_role="clerk"
        )
    with db.read() as session:
        all_items, total = repo.list_applications(session=session, limit=2)
        s1, s1_total = repo.list_applications(session=session, service_id="S1")
        accepted, _ = repo.list_applications(session=session, status="已受理")
        none, none_total = repo.list_applications(session=session, owner="someone-else")
    assert total == 5 and len(all_items) == 2
    assert s1_total == 2 and {a.service_id for a in s1} == {"S1"}
    assert [a.id for a in accepted] == [ids[0]]
    assert none == [] and none_total == 0


def test_chat_session_optimistic_lock(db: AppDB) -> None:
    state = {"turns": 1, "history": [{"role": "user", "text": "你好"}]}
    with db.write() as session:
        v1 = repo.save_chat_session(
            session=session,
            session_id="s1",
            owner="t1",
            owner_role="citizen",
            state=state,
            expected_version=None,
        )
    with db.write() as session:
        v2 = repo.save_chat_session(
            session=session,
            session_id="s1",
            owner="t1",
            owner_role="citizen",
            state={**state, "turns": 2},
            expected_version=v1,
        )
    with pytest.raises(repo.StaleSession), db.write() as session:
        repo.save_chat_session(
            session=session,
            session_id="s1",
            owner="t1",
            owner_role="citizen",
            state=state,
            expected_version=v1,
        )
    with pytest.raises(repo.StaleSession), db.write() as session:  # a second "new" session with the same id
        repo.save_chat_session(
            session=session,
            session_id="s1",
            owner="t2",
            owner_role="citizen",
            state=state,
            expected_version=None,
        )
    with db.read() as session:
        rec = repo.get_chat_session(session=session, session_id="s1")
    assert rec is not None and (v1, v2, rec.version, rec.turns, rec.owner) == (1, 2, 2, 2, "t1")


def test_feedback_and_unanswered_queue(db: AppDB) -> None:
    with db.write() as session:
        repo.add_unanswered(
            session=session, kind="low_confidence", question="火星签证", session_id="s1", confidence=0.1
        )
        repo.add_feedback(session=session, session_id="s1", turn=2, rating="up", actor="t1")
        repo.add_feedback(
            session=session,
            session_id="s1",
            turn=3,
            rating="down",
            actor="t1",
            comment="没答到点子上",
            question="社保卡丢了怎么办",
            reply="请携带身份证",
        )
    with db.read() as session:
        items, total = repo.list_unanswered(session=session)
        downs, _ = repo.list_unanswered(session=session, kind="thumbs_down")
    assert total == 2 and {i.kind for i in items} == {"low_confidence", "thumbs_down"}
    assert downs[0].question == "社保卡丢了怎么办" and downs[0].comment == "没答到点子上"
    with db.write() as session:
        done = repo.resolve_unanswered(session=session, item_id=downs[0].id, actor="editor:e", guide_id="S1")
    assert done.resolved and done.guide_id == "S1"
    with db.read() as session:
        assert repo.list_unanswered(session=session)[1] == 1
        assert repo.list_unanswered(session=session, resolved=None)[1] == 2
    with db.write() as session, pytest.raises(repo.NotFound):
        repo.resolve_unanswered(session=session, item_id=999, actor="e")


def test_hostile_strings_are_stored_verbatim(db: AppDB) -> None:
    nasty = "'; DROP TABLE applications; -- <script>alert(1)</script> \u202e 𠀀 %s %(x)s"
    app, _ = create(db, key=nasty, fields={"name": nasty}, service_name=nasty)
    with db.read() as session:
        again = repo.get_application_by_key(session=session, idempotency_key=nasty)
    assert again is not None and again.fields["name"] == nasty and again.service_name == nasty
    assert count(db) == 1
