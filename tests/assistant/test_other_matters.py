"""A guide, pair or article about another matter than the one asked does not answer it, however many characters it
shares: notaries' guides, a guide that renews or replaces nothing, variants and statutes for a group not named, a
word inside its false friend, a lookup, a document asked about or lacked; and what a bare name, a plain how-to or
an aspect asked of the service in focus get instead."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from answer_hits import article_hit, article_result

from assistant.nlu.groups import for_unasked_group
from assistant.policy.evidence import Candidate, best_article
from assistant.policy.faq_evidence import answers_lookup
from assistant.policy.linking import asks_notary, is_notary
from assistant.policy.name_words import (
    after_loss,
    asks_later_step,
    renewal_not_served,
    step_not_served,
    step_thing,
)
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from knowledge.schema import FAQ, Article, Material, PolicyDocument, ServiceGuide
from retrieval.aspects import detect_aspects
from retrieval.embedders import HashEmbedder
from retrieval.passages import ScoredPassage, guide_passages
from retrieval.types import DocKind, Hit

# test data in the shape of the real 中国税收居民身份证明的开具 guide, which used to answer ID-card questions
TAX_RESIDENCE = ServiceGuide(
    id="tax-residence",
    name="中国税收居民身份证明的开具",
    region="广东省",
    department="示例税务局",
    materials=[Material(name="《中国税收居民身份证明》申请表")],
)


def _law(doc_id: str, title: str, number: str, text: str) -> PolicyDocument:
    """An authored one-article statute (test data)."""
    return PolicyDocument(id=doc_id, title=title, articles=[Article(number=number, text=text)])


def _reply(tmp_path: Path, guide: ServiceGuide, question: str, law: PolicyDocument | None = None):
    """The answer path's last step on one guide of the home province, with only `law`'s first article found."""
    m = build_manager([guide], {}, tmp_path / "idx", policies=[law] if law else [], embedder=HashEmbedder())
    candidate = Candidate(guide, Hit(guide.id, DocKind.GUIDE, guide.name, 3.0, []), None, 1)
    result = article_result(question, *([article_hit(law, law.articles[0], 0.6)] if law else []))
    return m.answering._answer_from(
        DialogueState(session_id="m"), candidate, detect_aspects(question), question, [], [], [], result
    )


def test_notary_guides_and_questions_about_notarization() -> None:
    assert is_notary("不动产物权公证指引") and not is_notary("不动产登记")
    assert asks_notary("已婚公证在哪里办") and not asks_notary("不动产证要几天")


def test_a_notary_s_guide_answers_only_a_question_about_notarization(tmp_path: Path) -> None:
    # test data in the shape of the real 公证指引 guides of the KB
    notary = ServiceGuide(
        id="notary-property",
        name="不动产物权公证指引",
        region="广东省",
        department="示例公证处",
        location="示例市示例路5号公证处窗口",
    )
    refused = _reply(tmp_path, notary, "不动产证在哪里办")
    assert "无法准确回答" in refused.text and "公证" not in refused.text
    assert not refused.citations
    asked = _reply(tmp_path / "asked", notary, "房产公证在哪里办")
    assert asked.citations and asked.citations[0].id.startswith("guide:notary-property")
    assert "示例路5号" in asked.text


def test_an_expired_card_is_renewed_only_by_a_guide_that_renews(tmp_path: Path) -> None:
    assert renewal_not_served("身份证过期了怎么换", "中国税收居民身份证明的开具")
    assert renewal_not_served("身份证快到期了在哪里换新的", "中国税收居民身份证明的开具")
    assert renewal_not_served(
        "我张身份证就来过期，要去哪里换", "中国税收居民身份证明的开具"
    )  # across a comma
    # a plain guide whose materials hold the old card for a renewal does renew
    assert not renewal_not_served("港澳通行证过期了要换新的吗", "办理往来港澳通行证 原往来港澳通行证（换发）")
    assert not renewal_not_served("身份证要带什么", "中国税收居民身份证明的开具")  # nothing to renew

    law = _law("law-id-card", "示例居民身份证法", "第十一条", "居民身份证有效期满的，公民应当换领新证。")
    tax = TAX_RESIDENCE
    expired = _reply(tmp_path, tax, "身份证过期了怎么换", law)
    assert [c.id for c in expired.citations] == ["policy:law-id-card#第十一条"]
    assert "税收" not in expired.text
    # no statute on it either: an honest refusal, not the tax guide's papers
    alone = _reply(tmp_path / "alone", tax, "身份证过期了怎么换")
    assert "无法准确回答" in alone.text and "税收" not in alone.text


def test_a_statute_for_a_group_not_named_gives_way_to_the_one_for_everyone() -> None:
    # test data: two authored articles in the shape of 广东省华侨权益保护条例 and 社会保险法
    overseas = _law(
        "law-overseas",
        "示例华侨权益保护条例",
        "第十一条",
        "华侨达到领取基本养老金法定条件的，享受养老保险待遇，缴费年限累计计算。",
    )
    everyone = _law(
        "law-insurance",
        "示例社会保险法",
        "第十六条",
        "参加基本养老保险的个人，累计缴费满十五年的，按月领取基本养老金。",
    )
    laws = {d.id: d for d in (overseas, everyone)}

    def picked(question: str) -> str | None:
        result = article_result(
            question,
            article_hit(overseas, overseas.articles[0], 0.6),
            article_hit(everyone, everyone.articles[0], 0.55),
        )
        found = best_article(question, result, laws.get)
        return found[1].id if found else None

    assert picked("交了多少年社保才能领养老金") == "law-insurance"
    assert picked("华侨回国后交了多少年社保才能领养老金") == "law-overseas"  # the group named: its own law


def test_a_lost_document_is_answered_only_by_an_article_saying_so_of_it() -> None:
    # test data: authored articles in the shape of 居住证暂行条例第十三条 and 居民身份证法第十一条
    residence = _law(
        "law-residence",
        "示例居住证条例",
        "第十三条",
        "居住证持有人享受下列便利：（一）换领、补领居民身份证；（二）申领机动车驾驶证。",
    )
    card = _law("law-card", "示例居民身份证法", "第十一条", "居民身份证丢失的，应当申请补领。")
    laws = {d.id: d for d in (residence, card)}

    def picked(question: str, law: PolicyDocument) -> str | None:
        result = article_result(question, article_hit(law, law.articles[0], 0.7))
        found = best_article(question, result, laws.get, formal_shared=True)
        return found[1].id if found else None

    assert picked("驾驶证丢了", residence) is None  # 补领 is said of the ID card, 驾驶证 of another matter
    assert picked("身份证丢了怎么办", card) == "law-card"
    assert picked("申领驾驶证要什么", residence) == "law-residence"  # nothing lost: the article may answer
    # the article's own word for the step (补领) stands for the question's (补办, 丢了)
    assert picked("身份证丢了怎么补办", card) == "law-card"


def test_a_loss_told_before_another_service_asked_is_no_question_about_the_loss() -> None:
    assert after_loss("驾驶证丢了") == "了"
    assert after_loss("中专毕业证丢了，开中职学力证明书要多长时间").endswith("开中职学力证明书要多长时间")
    assert after_loss("驾驶证要带什么") is None
    assert asks_later_step("营业执照丢了怎么补") and asks_later_step("身份证过期了怎么换")
    assert asks_later_step("个体户注销要什么材料") and not asks_later_step("个体户要什么材料")


def test_the_answer_path_refuses_a_lost_document_no_guide_replaces(tmp_path: Path) -> None:
    # test data: guides in the shape of the real 持境外驾驶证申领 variants, none of them replaces a lost licence
    guides = [
        ServiceGuide(
            id=f"licence-{n}",
            name=f"机动车驾驶证持境外驾驶证申领({kind})",
            region="广东省",
            department="示例公安局",
            materials=[Material(name="境外机动车驾驶证")],
        )
        for n, kind in enumerate(("小型汽车", "摩托车"))
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    lost = m.handle(DialogueState(session_id="lost"), "驾驶证丢了怎么办").reply
    assert "无法准确回答" in lost.text
    assert not lost.choices and not lost.citations
    asked = m.handle(DialogueState(session_id="asked"), "持境外驾驶证申领小型汽车要带什么").reply
    assert asked.citations and asked.citations[0].id.startswith("guide:licence-")


def test_a_later_step_of_another_certificate_is_no_answer(tmp_path: Path) -> None:
    # test data in the shape of the real 残疾人证挂失补办 guide and 居民身份证法's articles
    disability = ServiceGuide(
        id="disability-card-reissue",
        name="《中华人民共和国残疾人证》挂失补办",
        region="广东省",
        department="示例残联",
        materials=[Material(name="居民身份证")],
    )
    law = _law(
        "id-card",
        "中华人民共和国居民身份证法",
        "第十一条",
        "居民身份证丢失的，应当向常住户口所在地的公安机关申请补领。",
    )
    assert step_thing("身份证能不能在外地补办") == ("身份证", "补办")  # not "身份证能不能在外地"
    reply = _reply(tmp_path, disability, "身份证能不能在外地补办", law)
    assert "第十一条" in reply.text and "残疾人证" not in reply.text
    # the step of the certificate it names is served
    own = _reply(tmp_path, disability, "残疾证丢了在哪里补办", law)
    assert "残疾人证" in own.text and "第十一条" not in own.text


def test_a_question_names_a_group_in_its_own_words() -> None:
    assert for_unasked_group("退役军人接收预报到(士官（自主就业）接收预报到)", "驾照分扣完了怎么办")
    assert not for_unasked_group(
        "退役军人接收预报到(士官（自主就业）接收预报到)", "自主就业的退役士官网上预报到"
    )
    assert not for_unasked_group("机动车驾驶证初次申领", "驾照分扣完了怎么办")
    # a death and its survivors: an event with services of its own, asked only when said
    assert for_unasked_group("企业职工养老保险死亡待遇申领", "养老保险交了十年可以领吗")
    assert not for_unasked_group("企业职工养老保险死亡待遇申领", "我老豆上个月过世了，养老金还能领吗")
    assert not for_unasked_group("企业职工养老保险待遇申领", "养老保险交了十年可以领吗")
    # a foreign-invested firm: its variants are asked only by one who says so
    assert for_unasked_group("非公司外商投资企业设立登记", "公司注册要多少钱")
    assert not for_unasked_group("非公司外商投资企业设立登记", "外资公司注册要多少钱")


def test_only_other_groups_variants_are_no_choice_to_offer(tmp_path: Path) -> None:
    # test data: variants in the shape of the real 持军警驾驶证申领 guides, each for a group of applicants
    guides = [
        ServiceGuide(
            id=f"military-{n}",
            name=f"机动车驾驶证持军警驾驶证申领({who}持军队（{kind}）驾驶证申请机动车驾驶证)",
            region="广东省",
            department="示例公安局",
        )
        for n, (who, kind) in enumerate(
            (("现役军人", "摩托车"), ("退役军人", "摩托车"), ("退役军人", "小型汽车"))
        )
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    plain = m.handle(DialogueState(session_id="plain"), "驾驶证扣分扣完了怎么办").reply
    assert "无法准确回答" in plain.text and not plain.choices
    veteran = m.handle(DialogueState(session_id="veteran"), "退伍了拿军队的驾驶证怎么换").reply
    assert "无法准确回答" not in veteran.text


def test_a_document_lacked_names_no_service_and_a_bare_aspect_follows_up(tmp_path: Path) -> None:
    m = build_manager(load_sample_guides(), load_flows(), tmp_path / "idx", embedder=HashEmbedder())
    # 租房合同 is in 住房公积金租房提取's name; 居住证 names the service asked about
    asked = "办居住证没有租房合同怎么办"
    # in the real KB the 公积金 guide tops the search for it; the guides the rest of the question finds go first
    fund = Hit("sample-huadu-gongjijin-zufang-tiqu", DocKind.GUIDE, "住房公积金租房提取", 3.4, [])
    ordered = m.answering._named_first(asked, [fund])
    assert [h.doc_id for h in ordered][:1] == ["sample-huadu-juzhuzheng-shenling"]
    assert m.answering._named_first("在广州开律师事务所审批要几天", [fund]) == [fund]  # no document asked
    lacked = m.handle(DialogueState(session_id="lack"), asked).reply
    assert lacked.citations[0].id.startswith("guide:sample-huadu-juzhuzheng-shenling")
    assert "房屋租赁合同" in lacked.text and "公积金" not in lacked.text
    # no intent cue, yet an aspect of the service in focus asked in few other words
    st = DialogueState(session_id="focus")
    st = m.handle(st, "社保卡补换要多久").state
    for asked in ("老人不方便去可以吗", "小孩也要本人去吗"):
        reply = m.handle(st, asked).reply
        assert reply.citations and reply.citations[0].id.startswith("guide:sample-huadu-shebaoka-buhuan"), (
            asked
        )
    other = m.handle(st, "居住证要本人去吗").reply  # names another service: not a follow-up on the card
    assert not any(c.id.startswith("guide:sample-huadu-shebaoka-buhuan") for c in other.citations)


def test_a_guide_naming_the_word_only_inside_a_false_friend_is_no_candidate(tmp_path: Path) -> None:
    tax = TAX_RESIDENCE
    # the real search for it: a progress lookup (auxiliary) and a foreigners' variant first, then the tax guide
    others = [
        ServiceGuide(
            id="card-progress", name="居民身份证办理进度查询", region="广东省", department="示例公安厅"
        ),
        ServiceGuide(
            id="pr-card", name="首次办理外国人永久居留身份证", region="广东省", department="示例公安局"
        ),
    ]
    m = build_manager([tax, *others], {}, tmp_path / "idx", embedder=HashEmbedder())
    card = m.handle(DialogueState(session_id="card"), "办身份证要带什么材料").reply
    assert "税收" not in card.text and not any("tax-residence" in c.id for c in card.citations)
    asked = m.handle(DialogueState(session_id="tax"), "税收居民身份证明要带什么").reply
    assert asked.citations and asked.citations[0].id.startswith("guide:tax-residence")


def test_a_lookup_is_answered_only_by_a_pair_or_statute_about_looking_up(tmp_path: Path) -> None:
    # test data in the shape of a real 员工录用“一件事” guide's pairs
    hire = ServiceGuide(
        id="hire",
        name="员工录用“一件事”",
        region="湖南省长沙市",
        faqs=[
            FAQ(question="哪些人才能办理社会保障卡申领？", answer="未制卡人员。"),
            FAQ(question="参保后怎么查询缴费记录？", answer="可在人社网上服务平台查询。"),
        ],
    )

    def pair(n: int) -> Candidate:
        p = next(p for p in guide_passages(hire) if p.field == "faq" and p.key == str(n))
        return Candidate(hire, None, ScoredPassage(p, 1.0, 0.5, 0.5, 0.5), 2)

    assert not answers_lookup("我想查一下我的社保交了多少年", pair(0))
    assert answers_lookup("我想查一下我的社保交了多少年", pair(1))
    assert answers_lookup("谁能申领社保卡", pair(0))  # nothing looked up: any pair may answer
    # a lookup asked of a guide granting something else, naming part of it, is no fit for its overview
    fund = ServiceGuide(id="fund", name="住房公积金租房提取", region="广东省", department="示例公积金中心")
    law = _law(
        "law-fund", "示例住房公积金管理条例", "第三十六条", "职工有权查询本人住房公积金的缴存、提取情况。"
    )
    reply = _reply(tmp_path, fund, "公积金余额怎么查", law)
    assert "租房提取" not in reply.text and not any(c.id.startswith("guide:fund") for c in reply.citations)
    asked = _reply(tmp_path / "asked", fund, "公积金租房提取怎么办", law)  # no lookup: its overview
    assert asked.citations and asked.citations[0].id.startswith("guide:fund")


def test_a_plain_how_to_naming_a_document_gets_the_home_service_s_overview(tmp_path: Path) -> None:
    # test data: a notary's guide in the shape of the real 出生公证指引 beside the bundled sample guides
    notary = ServiceGuide(id="birth-notary", name="出生公证指引", region="广东省", department="示例公证处")
    m = build_manager(
        [notary, *load_sample_guides()], load_flows(), tmp_path / "idx", embedder=HashEmbedder()
    )
    for asked in ("出生证怎么办", "出世纸点样办"):
        reply = m.handle(DialogueState(session_id="birth"), asked).reply
        assert reply.citations and reply.citations[0].id.startswith("guide:sample-huadu-xinshenger"), asked
        assert "#faq" not in reply.citations[0].id and "公证" not in reply.text, asked


def test_a_bare_service_name_gets_the_first_time_variant_however_far_down(tmp_path: Path) -> None:
    # test data with the real guides' names: four later steps search above the first-time one
    steps = ("换领", "迁入", "迁出", "注销", "新办证申请")
    guides = [
        ServiceGuide(
            id=f"card-{i}", name=f"《中华人民共和国残疾人证》{s}", region="广东省", department="示例残联"
        )
        for i, s in enumerate(steps)
    ]
    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="bare"), "残疾证").reply
    assert reply.citations and reply.citations[0].id.startswith("guide:card-4"), reply.text
    moved = m.handle(DialogueState(session_id="move"), "残疾证迁出").reply  # a later step asked: its guide
    assert moved.citations and moved.citations[0].id.startswith("guide:card-2"), moved.text


def test_a_guide_serving_either_step_asked_serves_the_question() -> None:
    asked = "残疾人证的变更和注销"
    assert step_not_served(asked, "《中华人民共和国残疾人证》注销") is None
    assert step_not_served(asked, "《中华人民共和国残疾人证》类别/等级变更") is None
    assert step_not_served(asked, "《中华人民共和国残疾人证》新办证申请") == "变更"


def test_a_loan_is_not_served_by_a_withdrawal(tmp_path: Path) -> None:
    # test data in the shape of the sample 住房公积金租房提取 guide and 住房公积金管理条例's articles
    withdrawal = ServiceGuide(
        id="fund-rent-withdrawal", name="住房公积金租房提取", region="广东省", department="示例公积金中心"
    )
    assert step_not_served("交公积金的可以申请公积金贷款吗", withdrawal.name) == "贷款"
    # a mortgage secures a loan: an official pair on it serves one
    assert step_not_served("拿宅基地去银行抵押贷款行不行", "农村建房一件事 宅基地能抵押吗？") is None
    loan = _law(
        "fund",
        "住房公积金管理条例",
        "第二十六条",
        "缴存住房公积金的职工，在购买、建造、翻建、大修自住住房时，可以向住房公积金管理中心申请住房公积金贷款。",
    )
    reply = _reply(tmp_path, withdrawal, "交公积金的可以申请公积金贷款吗", loan)
    assert "第二十六条" in reply.text and "租房提取" not in reply.text
    # an article naming a loan only as one case of withdrawing says nothing of applying for one
    law = PolicyDocument(
        id="fund",
        title="住房公积金管理条例",
        articles=[
            Article(
                number="第二十四条",
                text="职工有下列情形之一的，可以提取职工住房公积金账户内的存储余额：\n(一)离休、退休的；\n"
                "(二)偿还购房贷款本息的。",
            ),
            loan.articles[0],
        ],
    )
    assert _article_picker(law, (0.95, 0.5))("交公积金的可以申请公积金贷款吗") == "第二十六条"


def test_an_article_on_sanctions_answers_only_a_question_about_them() -> None:
    # test data in the shape of 婚姻登记条例: the fee, and the sanctions for registrars who overcharge
    law = PolicyDocument(
        id="law-marriage-fee",
        title="示例婚姻登记条例",
        articles=[
            Article(
                number="第十八条",
                text="婚姻登记机关及其婚姻登记员办理婚姻登记或者补发结婚证、离婚证超过收费标准收取费用的，对直接责任人员依法给予行政处分。",
            ),
            Article(number="第二十一条", text="当事人办理婚姻登记或者补领结婚证、离婚证应当交纳工本费。"),
        ],
    )
    hits = [article_hit(law, a, 0.9 - i / 10) for i, a in enumerate(law.articles)]

    def pick(q: str) -> str | None:
        found = best_article(q, article_result(q, *hits), lambda _id: law, formal_shared=True)
        return found[0].chunk.field if found else None

    assert pick("结婚登记要钱吗") == "第二十一条"
    assert pick("婚姻登记员乱收费会受什么处分") == "第十八条"  # sanctions asked
    # with the fee article missing, the sanctions are still no answer to what it costs
    law.articles = law.articles[:1]
    hits = hits[:1]
    assert pick("结婚登记要钱吗") is None


def _article_picker(law: PolicyDocument, scores: tuple[float, ...]) -> Callable[[str], str | None]:
    """The article best_article picks of `law` when retrieval found its articles with `scores` (formal terms shared)."""
    hits = [article_hit(law, a, score) for a, score in zip(law.articles, scores, strict=True)]

    def pick(q: str) -> str | None:
        found = best_article(q, article_result(q, *hits), lambda _id: law, formal_shared=True)
        return found[0].chunk.field if found else None

    return pick


def test_an_article_saying_the_thing_only_with_a_later_step_of_it_is_about_that_step() -> None:
    # test data in the shape of 广东省优化营商环境条例: one article on closing a business, one on getting a licence
    law = PolicyDocument(
        id="law-business",
        title="示例优化营商环境条例",
        articles=[
            Article(
                number="第十五条",
                text="建立注销服务专区，集中受理营业执照、税务、社会保险等各类注销业务申请，规范办理时限。",
            ),
            Article(
                number="第十三条",
                text="企业办理营业执照时，可以同时申办经营涉及的多项许可事项，减少办理时限。",
            ),
        ],
    )
    pick = _article_picker(law, (0.95, 0.3))
    assert pick("办营业执照要多久") == "第十三条"
    assert pick("营业执照注销要多久") == "第十五条"  # the later step asked


def test_an_article_saying_the_first_step_by_its_formal_term_is_not_only_about_a_later_one() -> None:
    # test data in the shape of 婚姻登记条例: a fee article saying the registration (婚姻登记, the formal term of
    # 结婚证) and the replacement of a certificate in one sentence, and one on issuing the certificate
    law = PolicyDocument(
        id="law-marriage",
        title="示例婚姻登记条例",
        articles=[
            Article(number="第七条", text="对当事人符合结婚条件的，应当当场予以登记，发给结婚证。"),
            Article(
                number="第二十一条",
                text="当事人办理婚姻登记或者补领结婚证、离婚证应当交纳工本费。工本费的收费标准由国务院规定。",
            ),
        ],
    )
    assert _article_picker(law, (0.57, 0.5))("结婚证要多少钱") == "第二十一条"


def test_another_place_s_regulation_answers_only_the_aspect_asked() -> None:
    # test data in the shape of 深圳经济特区学前教育条例's article on staff health checks
    law = _law(
        "law-preschool",
        "示例经济特区学前教育条例",
        "第三十四条",
        "幼儿园保育教育工作人员应当按照卫生健康部门的规定参加健康检查，取得健康证明后方可上岗。",
    )
    q = "办健康证去哪里"
    found = article_result(q, article_hit(law, law.articles[0], 0.9))

    def pick(applies: bool) -> str | None:
        got = best_article(q, found, lambda _id: law, applies=lambda _d: applies)
        return got[0].chunk.field if got else None

    # where one gets it is not what the article says: no answer from another place's regulation
    assert pick(applies=False) is None
    # (a statute in force here is still weighed as before)
    assert pick(applies=True) == "第三十四条"


def test_what_something_costs_is_answered_only_by_an_article_stating_money() -> None:
    # test data in the shape of 居住证暂行条例第十三条, which names 驾驶证 among conveniences, and a fee article
    law = PolicyDocument(
        id="law-permit",
        title="示例居住证暂行条例",
        articles=[
            Article(
                number="第十三条",
                text="居住证持有人在居住地享受下列便利：\n(一)机动车登记；\n(二)申领机动车驾驶证。",
            ),
        ],
    )
    pick = _article_picker(law, (0.9,))
    assert pick("驾驶证要多少钱") is None
    assert pick("驾驶证在哪里申领") == "第十三条"  # another aspect is still weighed as before
    law.articles.append(
        Article(number="第十五条", text="申领机动车驾驶证应当交纳工本费，收费标准由价格主管部门核定。")
    )
    assert _article_picker(law, (0.9, 0.5))("驾驶证要多少钱") == "第十五条"


def test_an_official_pair_on_a_later_step_not_asked_is_no_answer(tmp_path: Path) -> None:
    # test data in the shape of the real Hunan 居民个人信息变更一件事 guide and its pair on renewing an ID card
    guide = ServiceGuide(
        id="info-change",
        name="居民个人信息变更一件事",
        region="湖南省",
        faqs=[FAQ(question="居民身份证换领是否可以在线上申请？", answer="可以线上申请，全程网办。")],
    )
    m = build_manager([guide], {}, tmp_path / "idx", embedder=HashEmbedder())
    pair = next(p for p in guide_passages(guide) if p.field == "faq")
    candidate = Candidate(guide, None, ScoredPassage(pair, 0.8, 0.5, 0.8, 1.0), 2)

    def reply(question: str) -> str:
        return m.answering._answer_from(
            DialogueState(session_id="p"),
            candidate,
            detect_aspects(question),
            question,
            [],
            [],
            [],
            article_result(question),
        ).text

    assert "全程网办" not in reply("小朋友几岁可以办身份证")
    assert "全程网办" in reply("身份证换领可以网上申请吗")  # the step it is about
