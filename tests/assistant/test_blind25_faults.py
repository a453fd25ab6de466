"""Faults a blind set of unseen guides showed (blind25, read in the twenty-first session)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlu.normalize import canonical
from assistant.policy.agreed_facts import listed_alike
from assistant.policy.evidence import Candidate
from assistant.policy.name_words import ends_matter, names_step_thing, step_thing
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import Material, ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.types import DocKind, Hit


def test_when_it_happened_is_no_part_of_the_thing_a_step_is_asked_of() -> None:
    q = "我是胸外科医生，以前有肺移植的资格后来被注销了，现在想重新申请认定，需不需要开一个证明？"
    assert step_thing(q) == ("资格", "注销")
    assert names_step_thing(q, "人体器官肺脏移植医师执业资格认定（注销后重新认定）")
    assert step_thing("营业执照去年丢了怎么补办") == ("营业执照", "补办")
    # a measure word after its owner, as Cantonese says it, is no part of the thing either
    assert step_thing(canonical("我本护照之前唔见咗，报咗失，仲用唔用得？")) == ("护照", "补办")
    assert step_thing("我本人身份证丢了") == ("本人身份证", "补办")


def test_a_name_listing_an_ending_beside_another_step_is_not_for_ending_only() -> None:
    assert not ends_matter("内地律师事务所向香港律师事务所驻粤代表机构派驻、撤销内地律师担任内地法律顾问备案")
    assert not ends_matter("个体工商户变更、注销登记")
    # an ending already past: the service grants anew
    assert not ends_matter("人体器官肺脏移植医师执业资格认定（注销后重新认定）")
    assert ends_matter("注销税务登记")
    assert ends_matter("律师事务所注销")
    # two endings listed together are still an ending
    assert ends_matter("吊销、撤销许可证")


def test_a_step_required_before_another_said_without_a_modal_asks_the_conditions() -> None:
    q = "我是一级注册结构工程师，准备跳槽，办变更注册之前一定要先跟原单位解除劳动关系吗？"
    assert detect_aspects(q) == [Aspect.CONDITIONS]
    assert detect_aspects("办证之前必须先体检吗") == [Aspect.CONDITIONS]
    # a booking first is no condition
    assert Aspect.CONDITIONS not in detect_aspects("去之前一定要先预约吗")
    # whether a piece of work must be done for it
    q = "我们要在江边建个码头，附近有个保护区，做环评时是不是一定要专门做一份对保护区影响的专题论证？"
    assert detect_aspects(q) == [Aspect.CONDITIONS]
    assert detect_aspects("是不是一定要本人去") == [Aspect.VISITS]


def _cand(gid: str, name: str, score: float, dept: str | None, papers: tuple[str, ...]) -> Candidate:
    g = ServiceGuide(id=gid, name=name, department=dept, materials=[Material(name=p) for p in papers])
    return Candidate(guide=g, hit=Hit(gid, DocKind.GUIDE, name, score, []), best=None, rank=1)


def test_a_paper_all_close_services_of_the_office_asked_list_is_answered() -> None:
    office = "广东省示例资源厅"
    q = "我想去示例资源厅问问那片海被划成什么功能区了，填咨询单的时候还要带身份证复印件吗？"
    policy = _cand("p", "海洋功能区划政策咨询（示例）", 2.81, office, ("咨询单", "有效身份证件复印件"))
    lookup = _cand("l", "海洋功能区划成果查询（示例）", 2.78, office, ("有效身份证件复印件",))
    picked = listed_alike(q, [policy, lookup], [Aspect.MATERIALS])
    # the same answer whichever was meant; the one whose name the question says most of (咨询) is quoted
    assert picked is not None and picked.guide.id == "p"
    # not all of them list it: no one answer
    lookup.guide.materials.clear()
    assert listed_alike(q, [policy, lookup], [Aspect.MATERIALS]) is None
    # the office not named: no answer from its services
    lookup.guide.materials.append(Material(name="有效身份证件复印件"))
    assert listed_alike("填咨询单的时候还要带身份证复印件吗？", [policy, lookup], [Aspect.MATERIALS]) is None


def _ReadAs(closeness: dict[str, float]) -> SimpleNamespace:  # noqa: N802 (stands in for a scorer class)
    """e5 as measured on the bundled data for the texts the test uses (a stand-in: the decision is tested)."""
    return SimpleNamespace(similarity=lambda question, text: closeness.get(text, 0.85))


# sample data, in the shape of a real provincial 查询 guide whose conditions quote the rule asked about
OBJECTION = ServiceGuide(
    id="objection",
    name="电子监控交通违法行为异议受理窗口地址查询（示例）",
    region="广东省",
    region_path=["广东省"],
    conditions="对交通技术监控资料记录的违法行为事实有异议的，应当向违法行为发生地公安机关交通管理部门提出（示例）。",
)
OTHER = ServiceGuide(id="other", name="机动车登记示例", region="广东省", region_path=["广东省"])
Q_OBJECTION = "我的车在佛山被电子眼拍到违章，我觉得拍错了，能不能直接在广州的交警那里提异议？"


def test_a_guide_read_as_asked_by_a_wide_lead_answers_a_yes_no_question_with_its_conditions(tmp_path) -> None:
    m = build_manager([OBJECTION, OTHER], {}, tmp_path / "idx", embedder=HashEmbedder())
    answering = m.answering
    hits = [
        Hit(OBJECTION.id, DocKind.GUIDE, OBJECTION.name, 3.13, []),
        Hit(OTHER.id, DocKind.GUIDE, OTHER.name, 2.2, []),
    ]
    cands = [Candidate(OBJECTION, hits[0], None, 1), Candidate(OTHER, hits[1], None, 1)]
    # e5 reads the name as close as right guides with such a lead get, not as close as a name said in other words
    answering.paraphrase = _ReadAs({OBJECTION.name: 0.911})
    lead = answering._read_alone(Q_OBJECTION, cands, hits)
    assert lead is not None and lead.read
    st = DialogueState(session_id="objection")
    reply = answering._answer_from(st, lead, detect_aspects(Q_OBJECTION), Q_OBJECTION, [], [], [])
    assert "违法行为发生地公安机关交通管理部门提出" in reply.text
    assert reply.citations and reply.citations[0].id == f"guide:{OBJECTION.id}#conditions"
    # the same guide not singled out that way: the question names too little of it to answer
    plain = answering._answer_from(st, replace(lead, read=False), [], Q_OBJECTION, [], [], [])
    assert not plain.citations


def test_one_service_far_ahead_that_e5_reads_as_asked_is_no_choice_to_offer(tmp_path) -> None:
    m = build_manager([OBJECTION, OTHER], {}, tmp_path / "idx", embedder=HashEmbedder())
    answering = m.answering
    answering.paraphrase = _ReadAs({OBJECTION.name: 0.924})
    cands_for = lambda second: (  # noqa: E731
        [Candidate(OBJECTION, Hit(OBJECTION.id, DocKind.GUIDE, OBJECTION.name, 3.59, []), None, 1)],
        [
            Hit(OBJECTION.id, DocKind.GUIDE, OBJECTION.name, 3.59, []),
            Hit(OTHER.id, DocKind.GUIDE, OTHER.name, second, []),
        ],
    )
    # 26% ahead of the next service: the one asked
    cands, hits = cands_for(2.64)
    wide = answering._wide_read(Q_OBJECTION, cands, hits)
    assert wide is not None and wide.guide.id == OBJECTION.id
    # 20% ahead: a choice is still offered, however close e5 reads it
    cands, hits = cands_for(2.87)
    assert answering._read_alone(Q_OBJECTION, cands, hits) is not None
    assert answering._wide_read(Q_OBJECTION, cands, hits) is None
    # e5 reading it only as close as out-of-scope questions get: a choice
    answering.paraphrase = _ReadAs({OBJECTION.name: 0.899})
    cands, hits = cands_for(2.64)
    assert answering._wide_read(Q_OBJECTION, cands, hits) is None


def test_a_pledge_serves_a_loan_and_a_registration_changed_is_its_change() -> None:
    from assistant.policy.name_words import step_not_served

    loan = "公司想拿专利去银行质押贷款，先向市场监管局咨询质押登记的事，他们承诺多长时间内给答复？"
    assert step_not_served(loan, "专利质押登记咨询服务") is None
    assert step_not_served(loan, "专利权转让登记") == "贷款"
    moved = canonical("我系注册监理工程师，啱啱跳槽去第二间监理公司，要改注册资料，注册证书使唔使交返？")
    assert step_not_served(moved, "注册监理工程师变更注册") is None
    assert step_not_served(moved, "注册监理工程师注销注册") is not None


def test_handing_back_said_in_cantonese_is_read() -> None:
    from assistant.nlg.passage_answer import asked_thing

    # where it is handed back is no paper asked
    assert asked_thing(canonical("原本嗰本注册证书正本使唔使交返上去？")) is None
    assert asked_thing("要不要交回旧证？") == "旧证"


def test_an_island_no_one_lives_on_and_work_abroad_are_said_in_their_formal_terms() -> None:
    from retrieval.tokenize import expand_synonyms, synonym_table

    assert "无居民海岛" in expand_synonyms("想开发一个没人住的小岛要交多少使用金", synonym_table())
    # and work abroad arranged by an agency in its formal term
    assert "对外劳务合作" in expand_synonyms("核实下佢系唔系有资质做外派劳务嘅公司", synonym_table())


def test_a_paper_moved_by_ba_before_the_verb_is_the_one_asked() -> None:
    from assistant.nlg.passage_answer import asked_thing

    assert asked_thing("去司法厅备案的时候要把双方签的雇佣合同一起交上去吗？") == "双方签的雇佣合同"
    assert asked_thing("需要把结婚证也带上吗") == "结婚证"
    assert asked_thing("是不是要把营业执照原件一起带过去？") == "营业执照原件"
    # who it goes to, or the question's particle, is no paper
    assert asked_thing("要把材料交给谁") is None
    assert asked_thing("带上吗") is None
