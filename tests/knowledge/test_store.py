"""KnowledgeStore on real SQLite (temp file) and real PostgreSQL (fresh schema per test)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from knowledge.schema import (
    FAQ,
    Article,
    FormField,
    GuideStatus,
    LinkedItem,
    Material,
    Option,
    PolicyDocument,
    ServiceGuide,
    Situation,
    parse_time_limit,
)
from knowledge.store import InvalidBatch, KnowledgeStore, NotFound

META = {"version", "status", "updated_at"}
GUIDES_FILE = Path("/work/shared/data/guides/gdzwfw_guides_2021.jsonl")
PG = [pytest.mark.postgres, pytest.mark.integration]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=PG)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KnowledgeStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kb.db'}"
    else:
        url = request.getfixturevalue("pg_schema_url")
    s = KnowledgeStore(url)
    s.create_all()
    yield s
    s.close()


def guide(gid: str = "G1", **over: object) -> ServiceGuide:
    base = ServiceGuide(
        id=gid,
        name=f"居民身份证换领{gid}",
        catalogue_name="居民身份证",
        sub_name="换领",
        department="广州市公安局",
        region="广州市",
        region_code="440100",
        level="市级",
        type="公共服务",
        audience=["自然人"],
        themes=["户籍办理", "证件办理"],
        conditions="有效期满或证件损坏",
        materials=[
            Material(name="居民户口簿", copies="原件1份"),
            Material(name="近期照片", required=False, situation="photo:no", source="照相馆", notes="白底"),
        ],
        legal_time_limit=parse_time_limit("60(工作日)"),
        promised_time_limit=parse_time_limit("即办"),
        visits=1,
        consult_phone="020-12345",
        online_booking=True,
        courier=False,
        co_departments=["派出所"],
        process=["申请", "受理", "办结"],
        situations=[
            Situation(id="photo", question="是否已有数码照片？", options=[Option(value="yes", label="是")]),
            Situation(id="lost", question="是否遗失？", depends_on={"photo": "no"}),
        ],
        form_fields=[FormField(name="id_no", label="身份证号", type="id_number", hint="18位")],
        linked_items=[LinkedItem(name="户口迁移", promised_days=2.5, result="户口簿")],
        faqs=[FAQ(question="要多久？", answer="即办。")],
        source_url=f"https://example.gov.cn/{gid}",
    )
    return base.model_copy(update=over)


def policy(pid: str = "P1", **over: object) -> PolicyDocument:
    base = PolicyDocument(
        id=pid,
        title=f"居民身份证法{pid}",
        kind="law",
        issuer="全国人民代表大会常务委员会",
        published=date(2003, 6, 28),
        effective=date(2004, 1, 1),
        level="国家",
        articles=[Article(number="第一条", text="为了证明居民身份……", chapter="第一章 总则")],
    )
    return base.model_copy(update=over)


def content(g: ServiceGuide) -> dict[str, object]:
    return g.model_dump(exclude=META)


# ----------------------------------------------------------------------------------------------- ingest


def test_ingest_round_trip_keeps_every_field(store: KnowledgeStore) -> None:
    g, p = guide(), policy()
    res = store.ingest(guides=[g], policies=[p], actor="导入员")
    assert (res.added, res.updated, res.unchanged) == (["G1"], [], [])
    assert res.policies_added == ["P1"]

    got = store.get_guide("G1")
    assert got is not None
    assert content(got) == content(g)
    assert (got.version, got.status) == (1, GuideStatus.PUBLISHED)
    assert got.updated_at is not None and got.updated_at.tzinfo is not None
    assert got.materials[1].situation == "photo:no" and got.materials[1].required is False
    assert got.legal_time_limit is not None and got.legal_time_limit.value == 60.0
    assert got.promised_time_limit is not None and got.promised_time_limit.unit == "即办"
    assert got.situations[1].depends_on == {"photo": "no"}
    assert got.linked_items[0].promised_days == 2.5
    assert store.get_guide("G1", published_only=True) == got

    gp = store.get_policy("P1")
    assert gp is not None
    assert gp.model_dump(exclude={"updated_at"}) == p.model_dump(exclude={"updated_at"})
    assert gp.published == date(2003, 6, 28) and gp.updated_at is not None
    assert store.get_guide("nope") is None and store.get_policy("nope") is None


def test_second_identical_ingest_changes_nothing(store: KnowledgeStore) -> None:
    gs = [guide("G1"), guide("G2")]
    store.ingest(guides=gs, policies=[policy()], actor="a")
    res = store.ingest(guides=gs, policies=[policy()], actor="a")
    assert (res.added, res.updated, sorted(res.unchanged)) == ([], [], ["G1", "G2"])
    assert (res.policies_added, res.policies_updated, res.policies_unchanged) == ([], [], ["P1"])
    assert [v.version for v in store.versions("G1")] == [1]
    assert [v.version for v in store.versions("G2")] == [1]


def test_changed_content_gets_new_version(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide("G1"), guide("G2")], policies=[policy()], actor="a")
    res = store.ingest(
        guides=[guide("G1", fees="免费"), guide("G2")], policies=[policy(preamble="序言")], actor="b"
    )
    assert (res.added, res.updated, res.unchanged) == ([], ["G1"], ["G2"])
    assert res.policies_updated == ["P1"]
    got = store.get_guide("G1", published_only=True)
    assert got is not None and (got.version, got.fees) == (2, "免费")
    assert [(v.version, v.status, v.actor) for v in store.versions("G1")] == [
        (1, GuideStatus.DRAFT, "a"),
        (2, GuideStatus.PUBLISHED, "b"),
    ]
    assert store.get_policy("P1").preamble == "序言"  # type: ignore[union-attr]


def test_ingest_without_publish_keeps_served_version(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide()], policies=[], actor="a")
    store.ingest(guides=[guide(fees="50元"), guide("NEW")], policies=[], actor="a", publish=False)
    served = store.get_guide("G1", published_only=True)
    assert served is not None and (served.version, served.fees) == (1, None)
    head = store.get_guide("G1")
    assert head is not None and (head.version, head.status, head.fees) == (2, GuideStatus.DRAFT, "50元")
    assert store.get_guide("NEW", published_only=True) is None
    assert store.count_guides(status=GuideStatus.PUBLISHED) == 1
    assert store.count_guides(status=GuideStatus.DRAFT) == 2


def test_duplicate_id_in_batch_writes_nothing(store: KnowledgeStore) -> None:
    with pytest.raises(InvalidBatch, match="重复"):
        store.ingest(guides=[guide("G1"), guide("G2"), guide("G1", fees="x")], policies=[policy()], actor="a")
    assert store.count_guides() == 0
    assert store.count_policies() == 0
    assert store.audit_log() == []


def test_db_error_mid_ingest_rolls_everything_back(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide("G1")], policies=[policy("P1")], actor="a")
    # A real failure at the last statement of the transaction: the audit table is gone.
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_log"))
    with pytest.raises(SQLAlchemyError):
        store.ingest(
            guides=[guide("G1", fees="改"), guide("G2")],
            policies=[policy("P1", preamble="改"), policy("P2")],
            actor="b",
        )
    assert store.count_guides() == 1 and store.get_guide("G2") is None
    assert [v.version for v in store.versions("G1")] == [1]
    assert store.get_guide("G1").fees is None  # type: ignore[union-attr]
    assert store.count_policies() == 1 and store.get_policy("P1").preamble is None  # type: ignore[union-attr]


def test_empty_actor_rejected(store: KnowledgeStore) -> None:
    with pytest.raises(ValueError, match="操作人"):
        store.ingest(guides=[guide()], policies=[], actor=" ")


# ------------------------------------------------------------------------------------ edit and publish


def test_save_makes_draft_while_published_stays_served(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide()], policies=[], actor="a")
    edited = guide(name="居民身份证换领（新）", materials=[Material(name="户口簿")])
    saved = store.save_guide(edited, actor="编辑甲", note="更新材料")
    assert (saved.version, saved.status, saved.name) == (2, GuideStatus.DRAFT, "居民身份证换领（新）")
    assert saved.updated_at is not None
    assert store.get_guide("G1") == saved

    served = store.get_guide("G1", published_only=True)
    assert served is not None and (served.version, served.name) == (1, guide().name)
    assert store.get_guide("G1", version=2, published_only=True) is None
    assert [g.version for g in store.list_guides(status=GuideStatus.PUBLISHED)] == [1]
    assert [g.version for g in store.iter_published_guides()] == [1]
    assert [g.version for g in store.list_guides(status=GuideStatus.DRAFT)] == [2]

    published = store.publish("G1", actor="审核员")
    assert (published.version, published.status) == (2, GuideStatus.PUBLISHED)
    assert store.get_guide("G1", published_only=True) == published
    assert store.list_guides(status=GuideStatus.DRAFT) == []
    assert store.get_guide("G1", version=1) is not None
    assert store.get_guide("G1", version=1).status == GuideStatus.DRAFT  # type: ignore[union-attr]


def test_save_identical_content_is_a_noop(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide()], policies=[], actor="a")
    same = store.save_guide(guide(), actor="b")
    assert (same.version, same.status) == (1, GuideStatus.PUBLISHED)
    assert len(store.versions("G1")) == 1
    assert store.audit_log(target="G1", action="guide.save") == []


def test_save_unknown_guide(store: KnowledgeStore) -> None:
    with pytest.raises(NotFound, match="不存在"):
        store.save_guide(guide("X"), actor="b")
    created = store.save_guide(guide("X"), actor="b", note="新建", create=True)
    assert (created.version, created.status) == (1, GuideStatus.DRAFT)
    assert store.get_guide("X", published_only=True) is None
    assert store.count_guides(status=GuideStatus.PUBLISHED) == 0
    assert store.audit_log(target="X")[0].action == "guide.create"


def test_publish_older_version_rolls_back(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide()], policies=[], actor="a")
    store.save_guide(guide(fees="10元"), actor="b")
    store.publish("G1", actor="c")
    back = store.publish("G1", actor="c", version=1)
    assert (back.version, back.fees, back.status) == (1, None, GuideStatus.PUBLISHED)
    head = store.get_guide("G1")
    assert head is not None and (head.version, head.status) == (2, GuideStatus.DRAFT)
    with pytest.raises(NotFound, match="第 9 版"):
        store.publish("G1", actor="c", version=9)


def test_unpublish(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide("G1"), guide("G2")], policies=[], actor="a")
    out = store.unpublish("G1", actor="b")
    assert (out.version, out.status) == (1, GuideStatus.DRAFT)
    assert store.get_guide("G1", published_only=True) is None
    assert [g.id for g in store.iter_published_guides()] == ["G2"]
    assert store.count_guides(status=GuideStatus.PUBLISHED) == 1
    store.unpublish("G1", actor="b")  # already unpublished: no-op
    assert len(store.audit_log(target="G1", action="guide.unpublish")) == 1
    assert store.publish("G1", actor="b").status == GuideStatus.PUBLISHED


def test_versions_and_diff(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide()], policies=[], actor="a")
    store.save_guide(guide(fees="20元", materials=[Material(name="户口簿")]), actor="b", note="改收费")
    infos = store.versions("G1")
    assert [(i.version, i.status, i.is_current, i.actor, i.note) for i in infos] == [
        (1, GuideStatus.PUBLISHED, False, "a", "导入"),
        (2, GuideStatus.DRAFT, True, "b", "改收费"),
    ]
    assert infos[0].created_at <= infos[1].created_at and infos[0].content_hash != infos[1].content_hash

    changes = {c.field: c for c in store.diff("G1", 1, 2)}
    assert set(changes) == {"fees", "materials"}
    assert (changes["fees"].before, changes["fees"].after) == (None, "20元")
    assert changes["materials"].after == [Material(name="户口簿").model_dump(mode="json")]
    assert [c.field for c in store.diff("G1", 2, 1)] == ["materials", "fees"]  # schema field order
    assert store.diff("G1", 1, 1) == []
    with pytest.raises(NotFound):
        store.diff("G1", 1, 3)


def test_not_found_is_a_key_error_with_chinese_message(store: KnowledgeStore) -> None:
    for call in (
        lambda: store.publish("nope", actor="a"),
        lambda: store.unpublish("nope", actor="a"),
        lambda: store.versions("nope"),
        lambda: store.diff("nope", 1, 2),
    ):
        with pytest.raises(KeyError) as exc:
            call()
        assert isinstance(exc.value, NotFound) and str(exc.value) == "办事指南不存在：nope"


# ------------------------------------------------------------------------------------------------ audit


def test_audit_records_who_when_what(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide()], policies=[policy()], actor="导入员")
    store.save_guide(guide(fees="免费"), actor="编辑甲", note="收费")
    store.publish("G1", actor="审核乙")
    store.unpublish("G1", actor="审核乙")

    entries = store.audit_log(target="G1")
    assert [(e.action, e.actor) for e in entries] == [
        ("guide.unpublish", "审核乙"),
        ("guide.publish", "审核乙"),
        ("guide.save", "编辑甲"),
        ("guide.create", "导入员"),
    ]
    assert entries[0].detail == {"previous": 2}
    assert entries[1].detail == {"version": 2, "previous": 1}
    assert entries[2].detail == {"version": 2, "note": "收费", "fields": ["fees"]}
    assert entries[3].detail == {"version": 1, "published": True}
    ats = [e.at for e in reversed(entries)]
    assert ats == sorted(ats) and all(a.tzinfo is not None for a in ats)

    assert [e.action for e in store.audit_log(target="P1")] == ["policy.create"]
    summary = store.audit_log(action="ingest")
    assert len(summary) == 1 and summary[0].target is None
    assert summary[0].detail["added"] == 1 and summary[0].detail["policies_added"] == 1
    assert len(store.audit_log(limit=2)) == 2
    assert {e.actor for e in store.audit_log(actor="审核乙")} == {"审核乙"}


# ------------------------------------------------------------------------------------ listing, reading


def test_list_count_and_query(store: KnowledgeStore) -> None:
    gs = [guide(f"G{i}") for i in range(5)] + [guide("H1", name="营业执照100%办理", department="市场监管局")]
    store.ingest(guides=gs, policies=[], actor="a")
    assert store.count_guides() == 6
    assert [g.id for g in store.list_guides(limit=2, offset=1)] == ["G1", "G2"]
    assert [g.id for g in store.list_guides(query="市场监管")] == ["H1"]
    assert [g.id for g in store.list_guides(query="100%")] == ["H1"]  # % is literal
    assert store.list_guides(query="%") == [store.get_guide("H1")]
    assert store.count_guides(query="公安局") == 5
    with pytest.raises(ValueError):
        store.list_guides(limit=-1)


def test_iter_published_guides_in_batches(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide(f"G{i}") for i in range(7)], policies=[], actor="a")
    store.unpublish("G3", actor="a")
    ids = [g.id for g in store.iter_published_guides(batch_size=3)]
    assert ids == ["G0", "G1", "G2", "G4", "G5", "G6"]


def test_policies_list_iter_count(store: KnowledgeStore) -> None:
    ps = [policy(f"P{i}") for i in range(4)] + [policy("R1", title="政府工作报告", kind="report")]
    store.ingest(guides=[], policies=ps, actor="a")
    assert store.count_policies() == 5 and store.count_policies(kind="report") == 1
    assert [p.id for p in store.list_policies(kind="law", limit=2, offset=1)] == ["P1", "P2"]
    assert [p.id for p in store.list_policies(query="工作报告")] == ["R1"]
    assert [p.id for p in store.iter_policies(batch_size=2)] == ["P0", "P1", "P2", "P3", "R1"]


def test_engine_is_shared_and_sqlite_pragmas(store: KnowledgeStore) -> None:
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        else:
            assert conn.execute(text("SELECT count(*) FROM guides")).scalar_one() == 0


# ---------------------------------------------------------------------------------------- concurrency


def _run_threads(n: int, work: Callable[[int], object]) -> list[BaseException]:
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def target(i: int) -> None:
        barrier.wait()
        try:
            work(i)
        except BaseException as e:  # reported by the test
            errors.append(e)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_concurrent_saves_never_duplicate_versions(store: KnowledgeStore) -> None:
    store.ingest(guides=[guide()], policies=[], actor="a")
    n = 6
    errors = _run_threads(n, lambda i: store.save_guide(guide(fees=f"{i}元"), actor=f"editor{i}"))
    assert errors == []
    infos = store.versions("G1")
    assert [i.version for i in infos] == list(range(1, n + 2))
    assert {i.actor for i in infos[1:]} == {f"editor{i}" for i in range(n)}
    assert store.get_guide("G1").version == n + 1  # type: ignore[union-attr]
    assert len(store.audit_log(target="G1", action="guide.save")) == n


def test_concurrent_creates_of_one_new_guide(store: KnowledgeStore) -> None:
    n = 4
    errors = _run_threads(
        n, lambda i: store.save_guide(guide("NEW", fees=f"{i}"), actor=f"e{i}", create=True)
    )
    assert errors == []
    assert [i.version for i in store.versions("NEW")] == list(range(1, n + 1))
    assert len(store.audit_log(target="NEW", action="guide.create")) == 1


# ------------------------------------------------------------------------------------------- real data


@pytest.mark.integration
@pytest.mark.skipif(not GUIDES_FILE.exists(), reason=f"{GUIDES_FILE} not present")
def test_ingest_all_real_guides_fast(store: KnowledgeStore) -> None:
    from knowledge.loaders.gdzwfw import guide_from_record

    with GUIDES_FILE.open(encoding="utf-8") as f:
        guides = [guide_from_record(json.loads(line)) for line in f if line.strip()]
    assert len(guides) == 2262

    t0 = time.perf_counter()
    res = store.ingest(guides=guides, policies=[], actor="导入")
    elapsed = time.perf_counter() - t0
    assert len(res.added) == len(guides)
    assert elapsed < 5.0, f"ingest of {len(guides)} guides took {elapsed:.1f}s"

    again = store.ingest(guides=guides, policies=[], actor="导入")
    assert len(again.unchanged) == len(guides) and not again.added and not again.updated
    assert store.count_guides(status=GuideStatus.PUBLISHED) == len(guides)
    first = store.get_guide(guides[0].id)
    assert first is not None and content(first) == content(guides[0])
    assert sum(1 for _ in store.iter_published_guides()) == len(guides)
