"""Fines and deadlines asked in citizens' words: "会罚几多钱" asks the amount of a fine (an article stating it
answers, not a fee question), "畀人查到" is being found out (not a lookup), and "我自己几耐内可以申请" asks the
article setting the person's own deadline, not the office's ("60日内作出…决定"). The law texts are authored samples
in the shape of the bundled laws."""

from __future__ import annotations

from answer_hits import article_hit

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlu.deadline import deadline_act, sets_deadline_to_act
from assistant.nlu.intent import classify
from assistant.policy.evidence import best_article
from assistant.policy.linking import asks_auxiliary
from assistant.state import Intent
from knowledge.schema import Article, PolicyDocument
from retrieval.types import SearchResult

# sample data: authored for these tests, worded like the bundled regulations
INJURY = PolicyDocument(
    id="law-sample-injury",
    title="工伤保险条例（示例）",
    level="国家",
    region="全国",
    articles=[
        Article(
            number="第十七条",
            text="职工发生事故伤害，所在单位应当自事故伤害发生之日起30日内，向社会保险行政部门提出工伤认定申请。"
            "用人单位未按前款规定提出的，工伤职工或者其近亲属可以在事故伤害发生之日起1年内，直接提出工伤认定申请。",
        ),
        Article(
            number="第二十条",
            text="社会保险行政部门应当自受理工伤认定申请之日起60日内作出工伤认定的决定，并书面通知申请工伤认定的职工。",
        ),
        Article(
            number="第五十五条",
            text="申请工伤认定的职工或者其近亲属、该职工所在单位对工伤认定申请不予受理的决定不服的，可以依法申请行政复议。",
        ),
    ],
)
WASTE = PolicyDocument(
    id="law-sample-waste",
    title="广东省建筑垃圾管理条例（示例）",
    level="省",
    region="广东省",
    articles=[
        Article(number="第六条", text="建筑垃圾处理实行收费制度，收费标准依据国家有关规定执行。"),
        Article(
            number="第二十二条",
            text="违反本条例规定，将工程渣土、工程泥浆与其他建筑垃圾混合运输的，由建筑垃圾主管部门责令改正，"
            "处三万元以上三十万元以下的罚款。",
        ),
    ],
)

DOGS = PolicyDocument(
    id="law-sample-dogs",
    title="江门市文明行为促进条例（示例）",
    level="市",
    region="江门市",
    articles=[
        Article(number="第二十三条", text="饲养犬只应当遵守下列规定：（一）不得在城市市区范围内饲养危险犬。"),
        Article(
            number="第五十条",
            text="违反本条例第二十三条规定，在城市市区范围内饲养危险犬的，由公安机关责令限期依法处置，"
            "对个人处每只犬二千元罚款。",
        ),
    ],
)


def _result(q: str, law: PolicyDocument, scores: list[float]) -> SearchResult:
    arts = [article_hit(law, a, s) for a, s in zip(law.articles, scores, strict=True)]
    return SearchResult(query=q, hits=[], confident=False, confidence=0.1, articles=arts)


def test_a_fine_asked_is_an_amount_not_a_fee() -> None:
    assert detect_aspects("会罚几多钱？") == [Aspect.AMOUNT]
    assert detect_aspects("罚款多少") == [Aspect.AMOUNT]
    assert detect_aspects("办这个证要多少钱") == [Aspect.FEES]  # a fee is still a fee
    q = "泥头车将工程渣土、泥浆同其他建筑垃圾混在一齐运，会罚多少钱？"
    picked = best_article(q, _result(q, WASTE, [0.5, 0.45]), {WASTE.id: WASTE}.get)
    assert picked is not None and picked[0].chunk.field == "第二十二条"


def test_being_found_out_is_no_lookup() -> None:
    assert not asks_auxiliary("在禁养区养猪，给人查到仲不停手，会罚多少？")
    assert asks_auxiliary("我的申请查到进度了吗")


def test_the_person_s_own_deadline_is_the_article_setting_it() -> None:
    assert deadline_act("公司不帮我申请工伤认定，我自己多久内可以申请") == {"申请"}
    assert deadline_act("规定他多少日内要交接撤出？") == {"交接"}
    assert sets_deadline_to_act(INJURY.articles[0].text, {"申请"})
    assert not sets_deadline_to_act(INJURY.articles[1].text, {"申请"})  # the office's deadline
    q = "公司不帮我申请工伤认定，我自己多久内可以申请"
    # retrieval ranks the others first; the article setting the deadline to apply answers
    picked = best_article(q, _result(q, INJURY, [0.55, 0.6, 0.6]), {INJURY.id: INJURY}.get)
    assert picked is not None and picked[0].chunk.field == "第十七条"


def test_a_deadline_before_expiry_or_a_notice_period_is_one_set_for_the_person() -> None:
    renew = "被许可人需要延续行政许可的有效期的，应当在该行政许可有效期届满三十日前向行政机关提出申请。"
    assert sets_deadline_to_act(renew, deadline_act("许可证快到期了，要提前多久申请延续"))
    notice = "劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同。"
    assert sets_deadline_to_act(notice, deadline_act("我想辞工，要提前多久同公司讲？"))
    assert not sets_deadline_to_act("行政机关应当在该行政许可有效期届满前作出是否准予延续的决定。", {"申请"})


def test_a_penalty_asked_is_the_article_imposing_it() -> None:
    q = "我在江门市区养了只危险犬，被人举报了，会怎么处罚？"
    # retrieval ranks the article stating the duty first; the one setting the penalty answers
    # (both articles read as close paraphrases: the rank decides)
    picked = best_article(
        q, _result(q, DOGS, [0.45, 0.43]), {DOGS.id: DOGS}.get, paraphrase=lambda _q, _a: 0.92
    )
    assert picked is not None and picked[0].chunk.field == "第五十条"


# sample data: authored for this test, worded like 广东省地理标志条例
ORIGIN = PolicyDocument(
    id="law-sample-origin",
    title="广东省地理标志条例（示例）",
    level="省",
    region="广东省",
    articles=[
        Article(
            number="第十五条", text="县级以上人民政府知识产权部门应当加强地理标志专用标志使用日常监督管理。"
        ),
        Article(number="第二十条", text="任何单位和个人不得有下列行为：（一）擅自使用地理标志专用标志。"),
        Article(number="第二十五条", text="县级以上人民政府应当加大地理标志人才培养力度。"),
        Article(
            number="第二十六条",
            text="违反本条例第二十条规定的，由县级以上人民政府知识产权部门责令限期改正，没收违法生产、销售的产品，"
            "并处违法生产、销售产品货值金额等值以下的罚款。",
        ),
    ],
)


def test_a_penalty_asked_is_in_the_article_sanctioning_the_duty_found_though_not_retrieved() -> None:
    """The sanction cites the duty by number and shares few of the question's words: retrieval found only the
    duty and the supervision article."""
    q = "广东这边要是有人乱用地理标志专用标志卖货，会被怎么处罚？"
    arts = [article_hit(ORIGIN, ORIGIN.articles[0], 0.5), article_hit(ORIGIN, ORIGIN.articles[1], 0.48)]
    result = SearchResult(query=q, hits=[], confident=False, confidence=0.1, articles=arts)
    picked = best_article(q, result, {ORIGIN.id: ORIGIN}.get)
    assert picked is not None and picked[0].chunk.field == "第二十六条"
    # no penalty asked: the sanction is no answer to what the rule is
    plain = "广东这边可以随便用地理标志专用标志卖货吗？"
    picked = best_article(
        plain,
        SearchResult(query=plain, hits=[], confident=False, confidence=0.1, articles=arts),
        {ORIGIN.id: ORIGIN}.get,
    )
    assert picked is None or picked[0].chunk.field != "第二十六条"


def test_being_reported_is_no_complaint() -> None:
    assert classify("我养的狗俾人举报咗，会点样处罚？") is not Intent.COMPLAINT
    assert classify("我的店被人投诉了会不会罚款") is not Intent.COMPLAINT
    assert classify("我要举报一家卖过期食品的超市") is Intent.COMPLAINT


def test_the_named_place_s_regulation_is_read_in_its_formal_terms() -> None:
    smoking = PolicyDocument(
        id="law-sample-smoking",
        title="江门市控烟示例条例（示例）",
        level="市",
        region="江门市",
        articles=[
            Article(
                number="第四十七条",
                text="在禁止吸烟场所吸烟的，由卫生健康主管部门责令改正，可以处五十元罚款。",
            )
        ],
    )
    q = "在江门禁烟的地方抽烟被抓到，会罚多少钱？"
    result = _result(q, smoking, [0.32])
    close = {"paraphrase": lambda _q, _a: 0.92}
    # the question shares no word of its own with the article, only the formal terms of 禁烟 / 抽烟
    assert best_article(q, result, {smoking.id: smoking}.get, **close) is None
    picked = best_article(
        q, result, {smoking.id: smoking}.get, named_law=lambda d: d.region == "江门市", **close
    )
    assert picked is not None and picked[0].chunk.field == "第四十七条"
