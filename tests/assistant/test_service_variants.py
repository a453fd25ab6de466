"""Variants of one service (assistant/policy/variants.py): for a group of applicants (外国人, 现役军人, 香港、澳门
applicants themselves, 机关事业单位人员) and of the same service in several places."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy.evidence import Candidate
from assistant.policy.variants import for_household, for_ordinary_residents, ordinary_counterparts
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.regions import household_code
from retrieval.types import DocKind, Hit


def _cand(name: str, score: float, region: str = "广东省广州市") -> Candidate:
    g = ServiceGuide(id=name, name=name, region=region)
    return Candidate(g, Hit(name, DocKind.GUIDE, name, score, []), None, 1)


def test_variants_for_a_group_of_applicants_give_way_unless_the_question_names_the_group() -> None:
    cands = [
        _cand("机动车驾驶证持军警驾驶证申领(现役军人持军队（摩托车）驾驶证申请机动车驾驶证)", 3.0),
        _cand("机动车驾驶证初次申领(外国人申领小型汽车准驾车型)", 2.9),
        _cand("机动车驾驶证增加准驾车型", 2.8),
    ]
    assert [c.guide.name for c in for_ordinary_residents("增驾考完要等几天拿证", cands)] == [
        "机动车驾驶证增加准驾车型"
    ]
    named = for_ordinary_residents("我是退伍军人，军队的驾驶证怎么换", cands)
    assert [c.guide.name for c in named][0].startswith("机动车驾驶证持军警")  # the group is named: it stays
    only_groups = cands[:2]
    assert for_ordinary_residents("考驾照要多久", only_groups) == only_groups  # nothing else: all stay


def test_a_service_for_hong_kong_and_macau_applicants_is_a_group_variant() -> None:
    hk = _cand("香港、澳门律师事务所与广东境内律师事务所联营设立许可", 3.2)
    plain = _cand("律师事务所设立许可", 3.0)
    assert for_ordinary_residents("律师事务所设立许可的咨询电话是多少", [hk, plain]) == [plain]
    assert for_ordinary_residents("香港律所想同内地律所联营，点申请", [hk, plain]) == [hk, plain]
    # services for mainland residents travelling there are no group variants
    trips = [_cand("办理往来港澳通行证探亲签注", 3.0), _cand("办理往来台湾通行证探亲签注", 2.9)]
    assert for_ordinary_residents("探亲签注要多久", trips) == trips


def test_a_public_sector_variant_gives_way_to_its_ordinary_counterpart() -> None:
    cands = [
        _cand("机关事业单位人员领取养老保险待遇资格认证", 3.4),
        _cand("暂停企业职工养老保险待遇申请", 3.1),
        _cand("企业职工领取养老保险待遇资格认证", 2.9),
    ]
    kept = [c.guide.name for c in ordinary_counterparts("领养老金每年要做认证，可以网上认证吗", cands)]
    assert kept == ["暂停企业职工养老保险待遇申请", "企业职工领取养老保险待遇资格认证"]
    # the question names the public sector: every variant stays
    assert ordinary_counterparts("我是公务员，退休后养老金认证怎么做", cands) == cands
    # no true counterpart (the names end differently): the variant stays
    apart = [_cand("机关事业单位养老保险待遇申领", 3.0), _cand("企业职工一次性养老保险待遇申领", 2.9)]
    assert ordinary_counterparts("办退休领养老金要审批多久", apart) == apart


def test_a_question_between_a_service_and_its_public_sector_variant_is_answered_without_a_choice(
    tmp_path: Path,
) -> None:
    """Both variants are close and the question names neither group: the ordinary scheme answers; a question
    naming the public sector still gets asked which."""
    base = "领取养老保险待遇资格认证"
    ordinary = ServiceGuide(
        id="qy", name=f"企业职工{base}", region="广东省", online_url="https://example.gov.cn/qy（示例）"
    )
    public = ServiceGuide(
        id="jg",
        name=f"机关事业单位人员{base}",
        region="广东省",
        online_url="https://example.gov.cn/jg（示例）",
    )
    m = build_manager([public, ordinary], {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="o"), "领养老保险待遇每年要做资格认证，网上可以认证吗").reply
    assert not reply.choices or "机关事业单位" not in " ".join(reply.choices)
    assert "https://example.gov.cn/qy" in reply.text and "example.gov.cn/jg" not in reply.text
    named = m.handle(
        DialogueState(session_id="p"), "机关事业单位人员领养老保险待遇，资格认证网上可以认证吗"
    ).reply
    assert "example.gov.cn/jg" in named.text or any("机关事业单位" in c for c in named.choices)


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("我系清远户口，喺花都返工", "4418"),
        ("佛山市户籍的人在广州办签注", "4406"),
        ("户口在湛江，人在花都", "4408"),
        ("我是湖南长沙的户口", "4301"),
        ("我是广州户口", "4401"),
        ("要带户口本吗", None),  # the booklet, not where one is registered
        ("去户籍所在地派出所办", None),
        ("我是外地户口", None),  # no place named
    ],
)
def test_where_a_household_is_registered(text: str, prefix: str | None) -> None:
    code = household_code(text)
    assert (code[: len(prefix)] if code and prefix else code) == prefix


def test_the_variant_for_the_household_the_question_names_is_kept() -> None:
    gz = _cand("办理往来港澳通行证团队游签注(广州市户籍居民)", 4.1)
    gd = _cand("办理往来港澳通行证团队游签注(广东省内户籍居民)", 3.5)
    cn = _cand("办理往来港澳通行证团队游签注(符合“全国通办”的户籍居民)", 3.4)
    plain = _cand("出入境证件办理进度查询", 3.0)
    cands = [gz, gd, cn, plain]
    assert for_household("我系清远户口，团队游签注几耐先攞到", cands) == [gd, plain]
    assert for_household("我是广州户口，团队游签注要几天", cands) == [gz, plain]
    assert for_household("我户口在长沙，在广州能办团队游签注吗", cands) == [cn, plain]
    assert for_household("团队游签注要几天", cands) == cands  # no household named
    assert for_household("我系清远户口，团队游签注几耐先攞到", [gz, cn]) == [
        gz,
        cn,
    ]  # its variant is not there


def test_a_name_that_also_says_the_first_time_serves_the_first_step() -> None:
    """ "首次、延期、换发、补发工作类外国人居留证件" is the first application too: a question naming no later step does not
    drop it for another place's guide that merely shares its words (外国人来华工作“一件事” of Hunan)."""
    from assistant.policy.name_words import first_step_first, later_step_only

    hits = [
        Hit("gz", DocKind.GUIDE, "首次、延期、换发、补发工作类外国人居留证件", 3.8, []),
        Hit("hn", DocKind.GUIDE, "外国人来华工作“一件事”", 2.9, []),
    ]
    q = "外国同事来广州工作，办工作类居留证件要几个工作日"
    assert [h.doc_id for h in first_step_first(q, hits, lambda h: h.title)] == ["gz", "hn"]
    assert not later_step_only(q, hits[0].title)
    # a name serving only a later step still gives way
    later = [Hit("re", DocKind.GUIDE, "工作类外国人居留证件补发", 3.8, []), hits[1]]
    assert [h.doc_id for h in first_step_first(q, later, lambda h: h.title)] == ["hn"]
    assert later_step_only(q, later[0].title)
