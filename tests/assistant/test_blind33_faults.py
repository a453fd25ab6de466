"""Faults a blind set of unseen guides showed (blind33, read in the twenty-ninth session)."""

from __future__ import annotations

from pathlib import Path

from assistant.nlu.intent import classify
from assistant.policy.evidence import asks_sanction, best_article
from assistant.policy.linking import asks_auxiliary
from assistant.policy.negated_variants import ruled_out
from assistant.state import DialogueState, Intent
from eval.dialogue import build_manager
from knowledge.schema import Article, PolicyDocument, ServiceGuide
from retrieval.aspects import Aspect, detect_aspects
from retrieval.embedders import HashEmbedder


def test_asking_how_long_a_written_complaint_takes_is_a_question_not_a_complaint() -> None:
    # the person tells they wrote or complained, and asks when the office answers: the service's time limit does
    for q in (
        "我喺图书馆网站度留言投诉借书嘅问题，佢哋通常几耐会回复？",
        "我给局长信箱写了封信反映情况，一般多久会处理回复？",
        "我想写信向政府部门反映问题，信里必须写清楚哪些内容？",
    ):
        assert classify(q) is not Intent.COMPLAINT, q
    # the grievance is another's ("俾乘客投诉"): its consequences are asked
    assert classify("有个司机成日俾乘客投诉服务态度差，会唔会俾人暂停佢嘅从业资格？") is not Intent.COMPLAINT
    # a complaint itself still is one
    assert classify("我要投诉窗口工作人员态度差") is Intent.COMPLAINT
    assert classify("窗口工作人员态度太差了，我想投诉，去哪里投诉") is Intent.COMPLAINT


def test_asking_who_may_use_a_progress_lookup_is_no_lookup_of_ones_own_case() -> None:
    q = "我哋公司喺网上申请咗工程设计资质，想查下审批去到边一步，要满足咩前提先查得到进度？"
    assert classify(q) is not Intent.APPLICATION_STATUS
    assert classify("我的申请办到哪一步了") is Intent.APPLICATION_STATUS
    # the conditions asked with a wish are a question; a grievance told before a wish stays a complaint
    assert classify("我想办港澳探亲签注，点先算符合条件") is Intent.SERVICE_QUESTION
    assert classify("窗口工作人员态度太差了，我能申请换个人办吗") is Intent.COMPLAINT
    # (an application's number told is a lookup, whatever else is asked)
    assert classify("申请编号GA2024001，要满足什么条件才能查到进度？") is Intent.APPLICATION_STATUS


def test_whether_a_kind_of_person_may_use_a_service_asks_its_conditions() -> None:
    assert Aspect.CONDITIONS in detect_aspects("想查下某间盐厂系唔系定点企业，个人可唔可以查，定系只限企业？")
    assert Aspect.CONDITIONS in detect_aspects("想了解有哪些省级经济开发区，个人能不能查？")
    assert Aspect.CONDITIONS not in detect_aspects("网上能不能查到进度？")


def test_where_to_go_asks_the_place_and_wanting_to_go_asks_no_visits() -> None:
    asked = detect_aspects("方案报上去审批了，想到现场查审批结果，要去省水利厅哪里？")
    assert Aspect.LOCATION in asked and Aspect.VISITS not in asked
    assert Aspect.VISITS in detect_aspects("办这个要不要本人到现场？")


def test_an_a_not_a_question_rules_no_variant_out() -> None:
    names = ["食盐定点生产企业证书结果查询", "食盐定点批发企业证书结果查询"]
    assert ruled_out("想查下某间盐厂系唔系定点生产食盐嘅企业", names) == set()
    assert ruled_out("想查下某间盐厂是不是定点生产的企业", names) == set()
    # a "not" said still rules one out
    assert ruled_out("我们唔系生产企业，系做批发的", names) == {0}


def test_looking_up_a_result_asks_the_lookup_service() -> None:
    assert asks_auxiliary("想到现场查审批结果，要去省水利厅哪里？")
    assert not asks_auxiliary("审批要多久？")
    assert not asks_auxiliary("俾人查到结果会点")


def test_a_sanction_asked_is_answered_by_the_article_imposing_it(tmp_path: Path) -> None:
    assert asks_sanction("这种药店会受到什么处罚？")
    # test data in the shape of 医疗保障基金使用监督管理条例: a duty, and the article fining its breach without citing it
    law = PolicyDocument(
        id="law-fund",
        title="示例医疗保障基金使用条例",
        articles=[
            Article(
                number="第十五条",
                text="定点医药机构应当核验参保人员医疗保障凭证，如实出具费用单据，不得诱导、协助他人冒名或者虚假就医、购药。",
            ),
            Article(
                number="第四十条",
                text="定点医药机构通过下列方式骗取医疗保障基金支出的，由医疗保障行政部门责令退回，"
                "处骗取金额2倍以上5倍以下的罚款：（一）协助他人冒名购药；（二）伪造医学证明。",
            ),
        ],
    )
    m = build_manager([], {}, tmp_path / "idx", policies=[law], embedder=HashEmbedder())

    def picked(q: str) -> str | None:
        found = m.answering.search(q, None, top_k=8, chunks_per_hit=64, faq_top=4, article_top=4)
        assert found is not None
        best = best_article(q, found, m.get_policy)
        return best[0].chunk.field if best is not None else None

    # the act told in the duty's own words: the duty is no answer to the fine asked
    assert picked("定点医药机构协助他人冒名购药，不如实出具费用单据，会受到什么处罚？") != "第十五条"
    assert picked("定点医药机构协助他人冒名购药，会受到什么处罚？") == "第四十条"
    # a duty asked is still answered by the duty
    assert picked("定点医药机构可以协助他人冒名购药吗？") == "第十五条"


def test_materials_unlisted_are_quoted_from_conditions_that_speak_of_them(tmp_path: Path) -> None:
    # sample data, in the shape of a real 结果公布 guide: no materials list, its conditions say none are needed
    notice = ServiceGuide(
        id="sample-notice",
        name="示例考核结果公布",
        department="示例生态环境厅",
        region="广东省",
        region_path=["广东省"],
        conditions="不是行政许可，无需受理资料。",
    )
    silent = notice.model_copy(
        update={"id": "sample-silent", "name": "示例名录发布", "conditions": "无特定条件。"}
    )
    m = build_manager([notice, silent], {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="n"), "看示例考核结果公布，需要提交什么申请材料吗？").reply
    assert "无需受理资料" in reply.text
    assert any(c.id == "guide:sample-notice#conditions" for c in reply.citations)
    other = m.handle(DialogueState(session_id="s"), "示例名录发布需要提交什么申请材料？").reply
    assert "未载明申请材料" in other.text and "无特定条件" not in other.text
