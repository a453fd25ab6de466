"""Faults a blind set of unseen guides showed (blind35, read in the thirty-first session)."""

from __future__ import annotations

from pathlib import Path

from assistant.nlu.normalize import canonical
from assistant.nlu.offices import office_said
from assistant.policy.agreed_facts import asks_named_office, office_choices, office_elsewhere
from assistant.policy.evidence import Candidate
from assistant.policy.linking import asks_auxiliary, record_lookup
from assistant.policy.name_words import lacking_matter
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import FAQ, ServiceGuide, TimeLimit
from retrieval.aspects import Aspect, detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.passages import ScoredPassage, guide_passages
from retrieval.tokenize import expand_synonyms, synonym_table


def test_the_one_lookup_among_close_services_is_what_a_check_asks() -> None:
    names = ["示例法律服务工作者信息查询", "示例法律服务工作者注销", "示例法律服务工作者执业申请"]
    q = "村口有人自称法律工作者，我想查下他是不是真的示例法律服务工作者，普通人查不查得？"
    assert record_lookup(q, names) == 0
    # no check asked: a choice stays
    assert record_lookup("示例法律服务工作者有什么要求？", names) is None
    # two lookups: no telling which
    assert record_lookup(q, [*names, "示例法律服务工作者执业证查询"]) is None
    # a lookup of another matter than the one named
    assert record_lookup("我想查下我的社保交了多少年", ["示例律师信息查询", "示例律师执业申请"]) is None


def test_published_results_wanted_are_a_lookup() -> None:
    assert asks_auxiliary("想了解省教育研究院在高等教育方面的研究成果，打哪个电话问？")
    assert asks_auxiliary("想知道研究所最新的科研动态")
    assert not asks_auxiliary("高等教育研究院在哪里")


def _pair(gid: str, department: str, region: str) -> Candidate:
    guide = ServiceGuide(
        id=gid,
        name="开办示例企业一件事",
        department=department,
        region=region,
        faqs=[FAQ(question="开办示例企业一件事办理时限多久", answer="5个工作日")],
    )
    faq = next(p for p in guide_passages(guide) if p.field == "faq")
    return Candidate(guide, None, ScoredPassage(faq, 0.5, 0.1, 1.0, 0.5), 2)


def _office_guide(gid: str, name: str, department: str) -> Candidate:
    guide = ServiceGuide(
        id=gid,
        name=name,
        department=department,
        region="广东省",
        promised_time_limit=TimeLimit(value=1, raw="1"),
    )
    time = next(p for p in guide_passages(guide) if p.field == "time")
    return Candidate(guide, None, ScoredPassage(time, 0.5, 0.1, 1.0, 0.5), 1)


def test_another_places_pair_is_not_what_a_question_to_a_named_office_asks() -> None:
    pair = _pair("elsewhere", "示例市交通运输局", "湖南省示例市")
    office = [
        _office_guide("animals", "省示例实验动物中心动物实验查询", "广东省示例实验动物中心"),
        _office_guide("drugs", "药品检测", "广东省示例实验动物中心"),
    ]
    q = "新药样品想送去省示例实验动物中心检一检，先咨询一下，多久会有回复？"
    assert office_elsewhere(q, [*office, pair], pair)
    # no office named, or the pair's own office named: the pair may still answer
    assert not office_elsewhere("新药样品检测多久会有回复？", [*office, pair], pair)
    assert not office_elsewhere("示例市交通运输局办理时限多久", [*office, pair], pair)
    # a kind of office every place has, not said as the province's, singles out none
    sports = [_office_guide("sports", "省示例体育局体育场馆查询", "广东省体育局"), pair]
    assert not office_elsewhere("我们想借区里体育局的体育馆办个比赛，要去审批吗", sports, pair)
    assert office_elsewhere("我们想借省体育局的体育馆办个比赛，要去审批吗", sports, pair)


def test_a_named_offices_own_fact_is_asked_of_its_guides() -> None:
    office = [
        _office_guide("pests", "林业有害生物发生动态咨询", "广东省示例林业局"),
        _office_guide("policy", "林业有害生物防治政策咨询", "广东省示例林业局"),
        _office_guide("other", "示例林权争议调处", "广东省示例自然资源厅"),
    ]
    q = "怀疑有虫害，想问省示例林业局最近病虫害嘅情况，问咗之后要等几耐先有回复？"
    assert asks_named_office(q, office, [Aspect.TIME])
    # what a statute may state, or no office named, or the first guide another office's: not its fact
    assert not asks_named_office(q, office, [Aspect.CONDITIONS])
    assert not asks_named_office("最近病虫害嘅情况，要等几耐先有回复？", office, [Aspect.TIME])
    assert not asks_named_office(q, office[::-1], [Aspect.TIME])
    assert [c.guide.id for c in office_choices(q, office)] == ["pests", "policy"]
    assert office_choices(q, office[1:]) == []  # one alone is no choice
    # a kind of office every place has, not said as the province's, singles out none of them
    assert (
        office_choices(
            q.replace("省示例林业局", "区里林业局"),
            [_office_guide("a", "甲", "广东省林业局"), _office_guide("b", "乙", "广东省林业局")],
        )
        == []
    )
    assert office_choices(q, office[::-1]) == []  # nor when another office's guide is found first


def test_offices_are_named_by_their_everyday_contractions() -> None:
    assert office_said("省科技情报研究所有没有网上查文献的平台？", "广东省科学技术情报研究所")
    assert office_said("想搵省林科院要啲资料", "广东省林业科学研究院")
    assert office_said("省社科院的讲座", "广东省社会科学院")
    assert not office_said("省科技情报研究所有没有网上查文献的平台？", "广东省科学技术厅")


def test_a_threshold_asked_is_the_conditions() -> None:
    assert Aspect.CONDITIONS in detect_aspects("我退休了想去美术馆做志愿者，有没有什么门槛要求？")
    assert Aspect.CONDITIONS in detect_aspects("门槛高吗")


def test_cantonese_family_words_are_read() -> None:
    assert "弟弟" in canonical("我细佬系残疾人")
    assert "姐姐" in canonical("我家姐想办居住证")


def test_the_service_of_the_office_named_goes_before_another_offices_of_its_name(tmp_path: Path) -> None:
    # sample data: authored for this test, in the shape of two provincial institutes' testing services
    def guide(gid: str, name: str, department: str, days: int) -> ServiceGuide:
        limit = TimeLimit(value=days, unit="工作日", raw=f"{days}（工作日）")
        return ServiceGuide(
            id=gid,
            name=name,
            department=department,
            region="广东省",
            region_path=["广东省"],
            promised_time_limit=limit,
            is_sample=True,
        )

    guides = [
        guide("herb", "检测/技术服务流程查看", "广东省示例中药研究所", 1),
        guide("lab", "检测服务", "广东省示例实验动物中心", 45),
        guide("drug", "药品检测", "广东省示例实验动物中心", 30),
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    q = "想把自家种的药材送去省示例中药研究所检测，先向他们咨询一下检测服务的流程，一般多久能给答复？"
    reply = m.handle(DialogueState(session_id="h"), q).reply
    assert "1个工作日" in reply.text, reply.text
    assert reply.citations and all(c.id.startswith("guide:herb#") for c in reply.citations)


def test_a_contracts_term_running_out_is_no_card_to_renew() -> None:
    q = "我在广州租房，合同还有半年先到期，业主突然说要收回房子，他可以说解约就解约吗？"
    assert lacking_matter(q) is None
    assert lacking_matter("身份证过期了怎么办") == "身份证换领"


def test_pests_and_diseases_read_as_the_forestry_term() -> None:
    assert "有害生物" in expand_synonyms("想问省林业局最近病虫害嘅情况", synonym_table())
    assert "有害生物" in expand_synonyms("怀疑松树有虫害", synonym_table())
