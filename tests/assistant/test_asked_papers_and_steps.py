"""Everyday wordings of what a question asks: the papers to produce ("要出咩文件", "相片要几寸", "审查意见",
"体检报告", "中文翻译件"), the thing whose later step is asked ("变更要等多久" names no thing "要等"; "不再做基层法律
服务工作者，要把执业证注销" names the guide's holder), who a variant is for (澳洲 / 平台 are no 港澳台), and a reward
for reporting (a service, not a complaint)."""

from __future__ import annotations

import pytest

from assistant.nlg.passage_answer import asked_thing
from assistant.nlu.groups import for_named_residents, for_unasked_group
from assistant.nlu.intent import classify
from assistant.policy.linking import asks_auxiliary
from assistant.policy.name_words import certificate_unnamed, names_step_holder, step_thing
from assistant.state import Intent
from retrieval.aspects import Aspect, detect_aspects
from retrieval.regions import foreign_countries


@pytest.mark.parametrize(
    "q",
    [
        "除咗护照同相，我哋作为接待单位要出咩文件？",
        "换发技能证书，相片要几寸、什么底色？",
        "需不需要业务主管单位出审查意见？",
        "想再注册，要不要交体检报告？",
        "那张驾照全是英文的，要不要另外弄个中文翻译件？",
    ],
)
def test_papers_asked_in_everyday_words_are_a_materials_question(q: str) -> None:
    from assistant.nlu.normalize import canonical

    assert Aspect.MATERIALS in detect_aspects(canonical(q))


def test_the_paper_asked_is_named_without_the_words_getting_it() -> None:
    assert asked_thing("那张驾照全是英文的，要不要另外弄个中文翻译件？") == "中文翻译件"
    assert asked_thing("要不要交体检报告？") == "体检报告"
    assert asked_thing("要不要租赁合同") == "租赁合同"


def test_the_words_asking_about_a_step_are_no_thing_of_it() -> None:
    q = "我们公司在广州拿了无线电频率使用许可，现在要改些参数，变更要等多久？"
    found = step_thing(q)
    assert found is None or found[0] != "要等"
    assert step_thing("注销营业执照要什么材料") == ("营业执照", "注销")


def test_a_certificate_of_the_holder_the_question_names_is_the_guide_s() -> None:
    q = "我不再做基层法律服务工作者了，要把执业证注销，在广州去哪个窗口交？"
    name = "基层法律服务工作者注销"
    assert certificate_unnamed("执业证", name, q) is not None  # the name does not say 执业证 …
    assert names_step_holder(q, name)  # … but the question names whose it is
    assert not names_step_holder("营业执照怎么注销", "律师执业证书注销审核")


def test_australia_and_a_platform_are_no_hong_kong_macao_or_taiwan() -> None:
    variant = "机动车驾驶证初次申领(港澳台居民申领摩托车准驾车型)"
    assert for_unasked_group(variant, "我在澳洲考了摩托车驾照，回广州想换成国内的")
    assert for_unasked_group(variant, "可以在网上平台申请驾照吗")
    assert not for_unasked_group(variant, "我是香港居民，想在广州考驾照")
    assert not for_unasked_group(variant, "我系台湾人，点样考驾照")
    assert foreign_countries("我在澳洲考了摩托车驾照") == ["澳洲"]


def test_a_reward_for_reporting_is_a_service_not_a_complaint() -> None:
    assert classify("我举报了一家卖过期食品的超市，查实后申请举报奖励，多久能办好？") is not Intent.COMPLAINT
    assert classify("我要举报一家卖过期食品的超市") is Intent.COMPLAINT


def test_whether_it_can_be_looked_up_or_checked_genuine_asks_a_lookup() -> None:
    assert asks_auxiliary("有人拿残疾人证给我看，我想核实一下是不是真的，有没有网站可以查？")
    assert asks_auxiliary("学位证书可以上网查吗")
    assert not asks_auxiliary("残疾人证怎么换领")


def test_a_certificate_named_asks_no_result_and_a_plan_names_no_paper() -> None:
    assert Aspect.RESULT not in detect_aspects("公司HR说要核查我的学位证书，他们可以直接上网查吗")
    assert Aspect.RESULT not in detect_aspects("社工师证书登记要跑几次现场？")
    assert Aspect.RESULT in detect_aspects("办完以后发什么证书？")
    assert asked_thing("我准备出国打工，要把以前考的技能等级证书换发一下，相片要几寸？") is None
    assert asked_thing("要不要准备户口本？") == "户口本"


def test_a_clause_telling_what_one_does_asks_no_paper() -> None:
    """A verb with no modal, its words ending a clause, tells: "做交流访问，" asks no paper "流访问"."""
    assert asked_thing("我们公司请了个外国专家来广州做交流访问，要出什么文件？") is None
    assert asked_thing("广东户口带小孩跟团去台湾，孩子还没办身份证，办签注要带户口本吗？") == "户口本"
    assert asked_thing("怀疑收到假发票，想拿去税务局鉴定真假，要带什么") is None
    assert asked_thing("带户口本吗") == "户口本"  # a question particle still asks
    assert asked_thing("要交租房合同") == "租房合同"  # so does a modal
    assert asked_thing("原来那本旧证需要一起交上去吗？") is None  # where it goes, no paper "去吗"


def test_a_person_saying_they_are_from_taiwan_names_the_variant_for_them() -> None:
    name = "台湾居民申请在大陆从事律师职业许可"
    assert for_named_residents(name, "我是台湾人，想在广州执业当律师，需要满足哪些条件？")
    assert for_named_residents(name, "我系香港居民，想喺广州执业")
    assert not for_named_residents(name, "我老公是台湾人，想在广州执业当律师")  # someone they know
    assert not for_named_residents(
        "专职律师执业许可(在我省注销律师执业证书后重新申请执业)", "我是台湾人，想当律师"
    )
