"""Grounded answer composition: every fact cited with its exact source text; missing fields said missing."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from assistant.nlg.answer import (
    GDZWFW_NOTE,
    Aspect,
    article_numbers,
    compose_guide_answer,
    compose_policy_answer,
    detect_aspects,
)
from assistant.state import Citation
from guides.loader import load_sample_guides
from knowledge.loaders.gdzwfw import guide_from_record
from knowledge.schema import SAMPLE_MARK, Article, PolicyDocument, ServiceGuide, TimeLimit
from retrieval.types import Chunk, ChunkHit, DocKind, Hit

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared")
GUIDES_FILE = SHARED / "data" / "guides" / "gdzwfw_guides_2021.jsonl"
PRICE_CODE = "11440000006939756B2440101007000"  # 临时价格干预范围事项提价申报: 法定30 / 承诺7 工作日


def _real_guide(code: str) -> ServiceGuide:
    if not GUIDES_FILE.exists():
        pytest.skip(f"shared data not found: {GUIDES_FILE}")
    with GUIDES_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("TASK_CODE") == code:
                return guide_from_record(rec)
    raise AssertionError(f"{code} not in {GUIDES_FILE}")


@pytest.fixture(scope="module")
def price() -> ServiceGuide:
    return _real_guide(PRICE_CODE)


@pytest.fixture(scope="module")
def samples() -> dict[str, ServiceGuide]:
    return {g.id: g for g in load_sample_guides()}


def _field_source(guide: ServiceGuide, field: str) -> list[str]:
    """The record text(s) a citation of `field` may quote."""
    value: Any = getattr(guide, field)
    if isinstance(value, TimeLimit):
        return [value.raw]
    if isinstance(value, bool):
        return ["是" if value else "否"]
    if isinstance(value, int):
        return [str(value)]
    if field == "materials":
        return [m.name for m in guide.materials]
    if field == "faqs":
        return [f.answer for f in guide.faqs]
    if field == "co_departments":
        return ["、".join(value)]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def assert_grounded(guide: ServiceGuide, citations: list[Citation], text: str) -> None:
    assert citations, "an answer from a guide must carry citations"
    for c in citations:
        prefix = f"guide:{guide.id}#"
        assert c.id.startswith(prefix)
        field = c.id[len(prefix) :]
        assert c.quote in _field_source(guide, field), (c.id, c.quote)
        assert c.title == guide.name
        assert c.source == guide.source_url or guide.source_url is None
        # the quoted fact appears in the answer (time limits are shown as "30个工作日")
        if field not in {
            "legal_time_limit",
            "promised_time_limit",
            "online_booking",
            "courier",
            "visits",
            "name",
        }:
            assert c.quote in text, (c.quote, text)


def test_legal_vs_promised_time_limits(price: ServiceGuide) -> None:
    ans = compose_guide_answer(price, [Aspect.TIME])
    assert "法定办结时限：30个工作日" in ans.text
    assert "承诺办结时限：7个工作日" in ans.text
    by_id = {c.id: c.quote for c in ans.citations}
    assert by_id[f"guide:{price.id}#legal_time_limit"] == price.legal_time_limit.raw == "30(工作日)"
    assert by_id[f"guide:{price.id}#promised_time_limit"] == price.promised_time_limit.raw == "7(工作日)"
    assert_grounded(price, ans.citations, ans.text)


def test_only_one_time_limit_says_the_other_is_missing(price: ServiceGuide) -> None:
    guide = price.model_copy(update={"promised_time_limit": None})
    ans = compose_guide_answer(guide, [Aspect.TIME])
    assert "法定办结时限：30个工作日" in ans.text
    assert "该指南未载明承诺办结时限" in ans.text


def test_materials_are_listed_and_each_cited_exactly(price: ServiceGuide) -> None:
    ans = compose_guide_answer(price, [Aspect.MATERIALS])
    names = [m.name for m in price.materials]
    assert names and all(n in ans.text for n in names)
    assert [c.quote for c in ans.citations if c.id.endswith("#materials")] == names
    assert_grounded(price, ans.citations, ans.text)


def test_missing_fee_is_said_missing_and_routed_on(price: ServiceGuide) -> None:
    assert price.fees is None  # the 2021 crawl has no 收费标准
    ans = compose_guide_answer(price, [Aspect.FEES])
    assert "该指南未载明收费标准，请以窗口/12345答复为准" in ans.text
    assert ans.missing == ["收费标准"]
    assert not any(c.id.endswith("#fees") for c in ans.citations)
    # the consult phone is offered, cited
    assert price.consult_phone in ans.text
    assert any(c.id.endswith("#consult_phone") and c.quote == price.consult_phone for c in ans.citations)


@pytest.mark.parametrize(
    ("aspect", "label"),
    [(Aspect.PROCESS, "办理流程"), (Aspect.BASIS, "设定依据"), (Aspect.FEES, "收费标准")],
)
def test_every_missing_aspect_is_explicit(price: ServiceGuide, aspect: Aspect, label: str) -> None:
    ans = compose_guide_answer(price, [aspect])
    assert f"该指南未载明{label}" in ans.text
    assert label in ans.missing


def test_location_phone_online_quote_the_record(price: ServiceGuide) -> None:
    ans = compose_guide_answer(price, [Aspect.LOCATION, Aspect.PHONE, Aspect.ONLINE])
    assert price.location and price.location in ans.text
    assert "办理地点：" not in price.location  # the loader stripped the label; we add our own once
    assert f"咨询电话：{price.consult_phone}" in ans.text
    assert f"监督投诉电话：{price.complaint_phone}" in ans.text
    assert price.online_url in ans.text
    assert_grounded(price, ans.citations, ans.text)


def test_real_guides_carry_the_2021_reminder(price: ServiceGuide) -> None:
    ans = compose_guide_answer(price, [])
    assert ans.text.endswith(GDZWFW_NOTE)
    assert "2021" in GDZWFW_NOTE


def test_overview_names_department_limits_materials_and_location(price: ServiceGuide) -> None:
    ans = compose_guide_answer(price, [])
    assert price.name in ans.text and price.department in ans.text
    assert f"申请材料共{len(price.materials)}项" in ans.text
    assert "承诺办结时限" in ans.text and price.location in ans.text
    assert_grounded(price, ans.citations, ans.text)


def test_incomplete_conditions_are_flagged_only_when_really_incomplete(price: ServiceGuide) -> None:
    heading = price.model_copy(update={"conditions": "申请人应当符合下列条件："})
    ans = compose_guide_answer(heading, [Aspect.CONDITIONS])
    assert heading.conditions in ans.text and "指南记录在此处不完整" in ans.text
    # no final full stop is no truncation ("…规定的其他条件"): no note, and never "原文较长"
    bare = price.model_copy(update={"conditions": "申请人年满18周岁；市州、县市区人民政府规定的其他条件"})
    ans = compose_guide_answer(bare, [Aspect.CONDITIONS])
    assert "不完整" not in ans.text and "原文较长" not in ans.text
    full = compose_guide_answer(price, [Aspect.CONDITIONS])
    assert "不完整" not in full.text


def test_sample_guides_say_they_are_samples(samples: dict[str, ServiceGuide]) -> None:
    guide = samples["sample-huadu-juzhuzheng-shenling"]
    ans = compose_guide_answer(guide, [Aspect.FEES, Aspect.PROCESS])
    assert SAMPLE_MARK in ans.text
    assert GDZWFW_NOTE not in ans.text
    assert f"收费标准：{guide.fees}" in ans.text
    assert all(step in ans.text for step in guide.process)
    assert_grounded(guide, ans.citations, ans.text)


def test_faq_is_quoted_when_the_question_matches(samples: dict[str, ServiceGuide]) -> None:
    guide = samples["sample-huadu-geti-gongshanghu-sheli"]
    faq = guide.faqs[0]
    ans = compose_guide_answer(guide, [], question="个体工商户一定要起名字吗")
    assert faq.answer in ans.text
    assert any(c.id.endswith("#faqs") and c.quote == faq.answer for c in ans.citations)
    plain = compose_guide_answer(guide, [], question="营业执照多久能拿到")
    assert faq.answer not in plain.text


@pytest.mark.parametrize(
    ("text", "aspects"),
    [
        ("要带什么材料", [Aspect.MATERIALS]),
        ("多久能办好", [Aspect.TIME]),
        ("要什么条件", [Aspect.CONDITIONS]),
        ("在哪里办", [Aspect.LOCATION]),
        ("电话是多少", [Aspect.PHONE]),
        ("收费吗", [Aspect.FEES]),
        ("要跑几次", [Aspect.VISITS]),
        ("网上能办吗", [Aspect.ONLINE]),
        ("办理流程是什么", [Aspect.PROCESS]),
        ("设立依据是什么", [Aspect.BASIS]),
        ("要带什么材料，多久能办好？", [Aspect.MATERIALS, Aspect.TIME]),
        ("社保卡怎么办", []),  # a general "how" -> overview
        # when something starts is a time question; "包括哪些人" asks who counts, not the bundled items
        ("换车补贴是从几号开始算的", [Aspect.TIME]),
        ("汽车补贴啥时候开始实行的", [Aspect.TIME]),
        ("补贴由几时开始有", [Aspect.TIME]),
        ("家庭成员包括哪些人", [Aspect.CONDITIONS]),
        ("一件事包括哪些事项", [Aspect.LINKED]),
        # how many trips, in other words than 跑几次
        ("要跑多少趟", [Aspect.VISITS]),
        ("前后要去多少次", [Aspect.VISITS]),
        ("一年能取几次", [Aspect.FREQUENCY]),  # how often one may withdraw, not trips
        # which statute it rests on
        ("想查下这个一件事背后的条例名称", [Aspect.BASIS]),
        ("按哪部法规审批的", [Aspect.BASIS]),
    ],
)
def test_detect_aspects(text: str, aspects: list[Aspect]) -> None:
    assert detect_aspects(text) == aspects


# --- policies ---------------------------------------------------------------------------------------

LAW = PolicyDocument(
    id="law-test",
    title="住房公积金管理条例",
    articles=[
        Article(number="第十三条", text="住房公积金管理中心应当在受委托银行设立住房公积金专户。"),
        Article(
            number="第二十四条",
            text="职工有下列情形之一的，可以提取职工住房公积金账户内的存储余额：（一）购买、建造、翻建、大修自住住房的；",
        ),
        Article(number="第二十八条", text="住房公积金管理中心不得向他人提供担保。"),
    ],
    source_path="laws/national/住房公积金管理条例(2019-03-24).md",
)


def _hit(number: str, score: float) -> ChunkHit:
    art = LAW.article(number)
    assert art is not None
    chunk = Chunk(
        id=f"{LAW.id}#{number}#0",
        doc_id=LAW.id,
        kind=DocKind.POLICY,
        field=number,
        title=LAW.title,
        text=art.text,
    )
    return ChunkHit(chunk, score, {})


def test_policy_answer_quotes_articles_verbatim() -> None:
    hits = [Hit(LAW.id, DocKind.POLICY, LAW.title, 1.0, [_hit("第二十八条", 0.9), _hit("第十三条", 0.2)])]
    ans = compose_policy_answer(hits, {LAW.id: LAW}.get)
    assert ans is not None
    assert [c.id for c in ans.citations] == [f"policy:{LAW.id}#第二十八条"]  # the weak second hit is dropped
    c = ans.citations[0]
    assert c.quote == LAW.article("第二十八条").text
    assert f"“{c.quote}”" in ans.text
    assert c.title == "《住房公积金管理条例》第二十八条"
    assert c.source == LAW.source_path


def test_policy_answer_prefers_the_named_article() -> None:
    hits = [Hit(LAW.id, DocKind.POLICY, LAW.title, 1.0, [_hit("第十三条", 0.9)])]
    ans = compose_policy_answer(hits, {LAW.id: LAW}.get, question="住房公积金管理条例第24条怎么规定")
    assert ans is not None
    assert [c.id for c in ans.citations] == [f"policy:{LAW.id}#第二十四条"]
    assert LAW.article("第二十四条").text in ans.text


def test_policy_answer_none_when_nothing_resolves() -> None:
    hits = [Hit("unknown", DocKind.POLICY, "x", 1.0, [])]
    assert compose_policy_answer(hits, {LAW.id: LAW}.get) is None


def test_article_numbers() -> None:
    assert article_numbers("第24条和第十条") == ["第二十四条", "第十条"]
    assert article_numbers("第105条") == ["第一百零五条"]


def test_policy_answer_ignores_a_title_chunk_that_outscores_the_articles() -> None:
    title = Chunk(
        id=f"{LAW.id}#title#0",
        doc_id=LAW.id,
        kind=DocKind.POLICY,
        field="title",
        title=LAW.title,
        text=LAW.title,
    )
    hits = [
        Hit(
            LAW.id,
            DocKind.POLICY,
            LAW.title,
            3.0,
            [ChunkHit(title, 2.6, {}), _hit("第二十四条", 0.6), _hit("第十三条", 0.1)],
        )
    ]
    ans = compose_policy_answer(hits, {LAW.id: LAW}.get, question="怎么提取公积金")
    assert ans is not None
    assert [c.id for c in ans.citations] == [f"policy:{LAW.id}#第二十四条"]
    assert LAW.article("第二十四条").text in ans.text
