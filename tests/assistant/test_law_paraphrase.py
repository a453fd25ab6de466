"""The last try before refusing: a statute the question paraphrases in a citizen's words answers it (real e5
paraphrase check, authored law text)."""

from __future__ import annotations

from pathlib import Path

from answer_hits import article_hit, article_result

from assistant.policy.evidence import best_article
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import Article, PolicyDocument, ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.types import SearchResult

LAW = PolicyDocument(
    id="law-labour",
    title="示例劳动合同法",
    articles=[
        Article(
            number="第三十七条",
            text="劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同。",
        ),
        Article(
            number="第四十七条",
            text="经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。六个月以上不满一年的，"
            "按一年计算；不满六个月的，向劳动者支付半个月工资的经济补偿。",
        ),
    ],
)


def test_a_statute_the_question_paraphrases_answers_before_a_refusal(tmp_path: Path) -> None:
    m = build_manager([], {}, tmp_path / "idx", policies=[LAW], embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="l"), "被公司辞退，经济补偿怎么算").reply
    assert [c.id for c in reply.citations] == ["policy:law-labour#第四十七条"]
    assert "每满一年支付一个月工资" in reply.text
    # nothing of the KB is about the weather: still refused
    oos = m.handle(DialogueState(session_id="w"), "今晚会不会下雨，要不要带伞").reply
    assert not oos.citations


def test_the_paraphrase_check_only_accepts_an_article_it_scores_high() -> None:
    q = "被公司辞退，经济补偿怎么算"
    result = SearchResult(
        query=q, hits=[], confident=False, confidence=0.0, articles=[article_hit(LAW, LAW.articles[1], 0.32)]
    )
    get = {LAW.id: LAW}.get
    assert best_article(q, result, get) is None  # few shared words and a weak retrieval score
    picked = best_article(q, result, get, paraphrase=lambda _q, _a: 0.93)
    assert picked is not None and picked[0].chunk.field == "第四十七条"
    assert best_article(q, result, get, paraphrase=lambda _q, _a: 0.85) is None


def test_a_question_on_what_only_a_guide_states_is_not_answered_by_a_statute(tmp_path: Path) -> None:
    """Statutes give no phone numbers: "补领离婚证嘅咨询电话系几多" gets the 预约 guide's phone, not the article on
    补领, however many words they share."""
    marriage = PolicyDocument(
        id="law-marriage",
        title="示例婚姻登记条例",
        articles=[
            Article(
                number="第十七条",
                text="离婚证遗失或者损毁的，当事人可以持户口簿、身份证向原办理婚姻登记的机关申请补领离婚证。",
            )
        ],
    )
    booking = ServiceGuide(
        id="divorce-cert-booking",
        name="补领离婚证预约",
        region="广东省",
        consult_phone="020-12349",
    )
    m = build_manager([booking], {}, tmp_path / "idx", policies=[marriage], embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="p"), "补领离婚证嘅咨询电话系几多？").reply
    assert "020-12349" in reply.text
    assert [c.id for c in reply.citations] == ["guide:divorce-cert-booking#consult_phone"]
    # a question a statute does answer still gets the article
    law = m.handle(DialogueState(session_id="q"), "离婚证丢了去哪里补领").reply
    assert "policy:law-marriage#第十七条" in [c.id for c in law.citations]


# sample data: authored for this test, in the shape of the real 结婚登记预约 guide and 婚姻登记条例
MARRIAGE_BOOKING = ServiceGuide(
    id="sample-marriage-booking",
    name="结婚登记预约",
    department="广东省民政厅",
    region="广东省",
    consult_phone="020-12349",
    online_url="https://example.invalid/booking",
    is_sample=True,
)
MARRIAGE_LAW = PolicyDocument(
    id="law-sample-marriage",
    title="婚姻登记条例（示例）",
    region="全国",
    articles=[
        Article(
            number="第五条",
            text="办理结婚登记的内地居民应当出具下列证件和证明材料：(一)本人的户口簿、身份证；(二)本人无配偶的签字声明。",
        ),
        Article(number="第八条", text="男女双方补办结婚登记的，适用本条例结婚登记的规定。"),
    ],
)


def test_what_a_booking_guide_does_not_state_is_answered_by_the_statute(tmp_path: Path) -> None:
    """ "结婚要带什么" finds only the booking (预约), which lists no papers: the article stating them answers, asked
    at once or as a follow-up on the booking."""
    m = build_manager(
        [MARRIAGE_BOOKING], {}, tmp_path / "idx", policies=[MARRIAGE_LAW], embedder=HashEmbedder()
    )
    reply = m.handle(DialogueState(session_id="m"), "结婚要带什么").reply
    assert [c.id for c in reply.citations] == ["policy:law-sample-marriage#第五条"]
    st = DialogueState(session_id="m2")
    first = m.handle(st, "结婚登记预约怎么办")
    assert first.reply.citations[0].id.startswith("guide:sample-marriage-booking#")
    follow = m.handle(first.state, "要带咩").reply
    assert [c.id for c in follow.citations] == ["policy:law-sample-marriage#第五条"]


def test_whether_something_is_lawful_is_answered_by_an_article_forbidding_it() -> None:
    """ "…犯法吗": an article that forbids the act, using the question's words, answers at a lower e5 score than a
    paraphrase needs; the same article does not answer a question that does not ask whether it is lawful."""
    # sample data: an authored article in the shape of 广东省固体废物污染环境防治条例 第三十一条
    waste = PolicyDocument(
        id="law-waste",
        title="示例固体废物污染环境防治条例",
        articles=[
            Article(
                number="第三十一条",
                text="禁止下列污染环境的行为：（一）露天焚烧橡胶、轮胎、塑料、电线电缆以及其他产生有毒有害烟尘的物质；"
                "（二）使用未经批准的设施焚烧处理固体废物。",
            )
        ],
    )
    get = {waste.id: waste}.get

    def picked(q: str, close: float):
        result = article_result(q, article_hit(waste, waste.articles[0], 0.3), confidence=0.0)
        return best_article(q, result, get, paraphrase=lambda _q, _a: close)

    assert picked("在空地上露天烧旧电线和轮胎回收铜，犯法吗", 0.87) is not None
    assert picked("在空地上露天烧旧电线和轮胎回收铜，要注意什么", 0.87) is None  # not asked whether lawful
    assert picked("在空地上露天烧旧电线和轮胎回收铜，犯法吗", 0.8) is None  # e5 reads them too far apart


# sample data: authored for this test, worded like the bundled 深圳经济特区外商投资条例
INVESTMENT = PolicyDocument(
    id="law-sample-investment",
    title="示例外商投资条例",
    articles=[
        Article(
            number="第十三条",
            text="市商务部门应当为外国投资者在本市办公司等相关业务提供便利，有什么困难的可以向其反映。",
        ),
        Article(
            number="第十九条",
            text="外国投资者办理投资相关业务，因特殊情况无法到现场办理的，可以通过网上办理、委托代理等方式办理。",
        ),
    ],
)


def test_a_close_paraphrase_of_the_next_article_overrules_the_words_ranking() -> None:
    """The words rank a neighbour first; e5 reads the next articles of its law too, with a higher bar."""
    q = "我是外国投资者，在这边办公司相关业务，但人在国外没法到现场，有什么便利的办法？"
    result = SearchResult(
        query=q,
        hits=[],
        confident=False,
        confidence=0.0,
        articles=[
            article_hit(INVESTMENT, INVESTMENT.articles[0], 0.3),
            article_hit(INVESTMENT, INVESTMENT.articles[1], 0.28),
        ],
    )
    get = {INVESTMENT.id: INVESTMENT}.get

    def scores(runner: float):
        return lambda _q, a: 0.88 if a.startswith("市商务部门") else runner

    picked = best_article(q, result, get, paraphrase=scores(0.93))
    assert picked is not None and picked[0].chunk.field == "第十九条"
    # as close as would confirm the first article is not enough to overrule it
    assert best_article(q, result, get, paraphrase=scores(0.905)) is None
