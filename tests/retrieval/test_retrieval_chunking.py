from __future__ import annotations

from knowledge.schema import Article, Material, PolicyDocument, ServiceGuide
from retrieval.chunking import (
    chunk_documents,
    dense_text,
    guide_chunks,
    index_text,
    policy_chunks,
    split_text,
)
from retrieval.types import DocKind


def test_guide_chunk_ids_fields_and_metadata(guides: list[ServiceGuide]) -> None:
    g = guides[0]
    chunks = guide_chunks(g)
    assert [c.id for c in chunks][0] == f"{g.id}#name#0"
    assert all(c.id == f"{c.doc_id}#{c.field}#{c.id.rsplit('#', 1)[1]}" for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)
    fields = {c.field for c in chunks}
    assert {"name", "meta", "conditions", "materials"} <= fields
    name = chunks[0]
    assert g.name in name.text and name.title == g.name and name.kind == DocKind.GUIDE
    meta = name.metadata
    assert meta["region"] == "广州市" and meta["audience"] == "自然人" and meta["kind"] == "guide"
    assert set(meta) >= {"region", "department", "audience", "type", "level", "kind"}
    materials = next(c for c in chunks if c.field == "materials")
    assert "居民身份证" in materials.text and "身体条件证明" in materials.text


def test_name_chunk_adds_catalogue_and_sub_name_once() -> None:
    g = ServiceGuide(id="X", name="某许可（变更）", catalogue_name="某许可审批", sub_name="变更")
    text = guide_chunks(g)[0].text
    assert text.count("变更") == 1 and "某许可审批" in text


def test_meta_chunk_carries_department_themes_audience() -> None:
    g = ServiceGuide(
        id="Y", name="示例事项", department="示例局", themes=["婚姻登记"], audience=["自然人", "法人"]
    )
    meta = next(c for c in guide_chunks(g) if c.field == "meta")
    assert "示例局" in meta.text and "婚姻登记" in meta.text and "法人" in meta.text
    assert meta.metadata["audience"] == "自然人、法人"


def test_long_conditions_are_split_with_stable_ids() -> None:
    g = ServiceGuide(
        id="Z", name="长条件事项", conditions="申请人应当符合条件。" * 100, materials=[Material(name="表")]
    )
    cond = [c for c in guide_chunks(g, max_chars=120) if c.field == "conditions"]
    assert len(cond) > 1
    assert [c.id for c in cond] == [f"Z#conditions#{i}" for i in range(len(cond))]
    assert all(len(c.text) <= 120 for c in cond)


def test_law_articles_carry_their_chapter(law: PolicyDocument) -> None:
    chunks = policy_chunks(law)
    assert chunks[0].field == "title" and chunks[0].id == "law-demo#title#0"
    art = next(c for c in chunks if c.field == "第十条")
    assert art.id == "law-demo#第十条#0"
    assert art.heading == "第二章 最低生活保障"
    assert art.kind == DocKind.POLICY and art.metadata["kind"] == "policy"
    assert "第二章 最低生活保障" in index_text(art) and law.title in index_text(art)


def test_policy_page_paragraphs_keep_heading_path() -> None:
    page = PolicyDocument(
        id="page",
        title="某区工作报告",
        kind="report",
        articles=[
            Article(number="p1", text="一是推进政务服务标准化。", chapter="一、加快推进 / （一）提升效能"),
            Article(number="p2", text="二是推进一网通办。", chapter="一、加快推进 / （二）一网通办"),
        ],
    )
    chunks = policy_chunks(page)
    p2 = next(c for c in chunks if c.field == "p2")
    assert p2.id == "page#p2#0" and p2.heading == "一、加快推进 / （二）一网通办"


def test_policy_without_articles_uses_preamble_paragraphs() -> None:
    doc = PolicyDocument(id="pre", title="通知", kind="policy", preamble="第一段。\n\n第二段。")
    fields = [c.field for c in policy_chunks(doc)]
    assert fields == ["title", "p1", "p2"]


def test_duplicate_article_numbers_get_distinct_ids() -> None:
    doc = PolicyDocument(
        id="dup",
        title="条例",
        articles=[Article(number="第一条", text="甲"), Article(number="第一条", text="乙")],
    )
    ids = [c.id for c in policy_chunks(doc)]
    assert len(ids) == len(set(ids))


def test_dense_text_skips_contact_and_time_fields(guides: list[ServiceGuide]) -> None:
    by_field = {c.field: c for c in guide_chunks(guides[3])}
    assert dense_text(by_field["location"]) is None and dense_text(by_field["meta"]) is None
    assert dense_text(by_field["name"]) == by_field["name"].text


def test_split_text_keeps_everything() -> None:
    text = "甲。" * 50 + "乙" * 300
    pieces = split_text(text, max_chars=100)
    assert "".join(pieces) == text and all(len(p) <= 100 for p in pieces)


def test_chunk_documents_covers_both_kinds(guides: list[ServiceGuide], law: PolicyDocument) -> None:
    chunks = chunk_documents(guides, [law])
    assert {c.kind for c in chunks} == {DocKind.GUIDE, DocKind.POLICY}
