"""Faults a blind set of unseen guides showed (blind23, read in the nineteenth session)."""

from __future__ import annotations

from pathlib import Path

from assistant.nlg.answer import Aspect, detect_aspects
from assistant.nlu.intent import classify
from assistant.nlu.normalize import canonical
from assistant.policy.linking import singled_out
from assistant.policy.name_words import later_step_only
from assistant.policy.negated_variants import ruled_out
from assistant.state import DialogueState, Intent
from eval.dialogue import build_manager
from knowledge.schema import ServiceGuide, TimeLimit
from retrieval.embedders import HashEmbedder
from retrieval.regions import home_levels_over, region_rank

HOME = ("广东省", "广州市", "花都区")

# sample names in the shape of the portal's variants (authored for these tests)
_WITH = "建设工程规划许可证核发（示例）(社会投资类带方案出让用地的工业项目)"
_WITHOUT = "建设工程规划许可证核发（示例）(社会投资类不带方案出让用地的工业项目)"
_SMALL = "建设工程规划许可证核发（示例）(社会投资类中小型项目)"
_USUAL = "建设工程规划许可证核发（示例）(社会投资类一般项目)"


def _guide(gid: str, name: str, path: tuple[str, ...] = ("广东省",), **kw: object) -> ServiceGuide:
    return ServiceGuide(id=gid, name=name, region="".join(path), region_path=list(path), **kw)


def test_a_variant_the_question_negates_is_ruled_out() -> None:
    pair = [_WITH, _WITHOUT]
    # said plainly, with words between ("带设计方案"): the negated variant is out
    assert ruled_out("拿了块带设计方案出让的工业地，规划许可证要几天", pair) == {1}
    # said negated: the plain one is out
    assert ruled_out("出让时没有带方案，规划许可证要几天", pair) == {0}
    # 带 in another sense says neither
    assert ruled_out("规划许可证要带什么材料", pair) == set()
    # a kind the question says it is not
    assert ruled_out("普通的社会投资项目，不算中小型那种", [_SMALL, _USUAL]) == {0}
    # ... unless every name is of that kind
    assert ruled_out("不算中小型那种", [_SMALL, _SMALL + "（延续）"]) == set()


def test_variants_differing_inside_their_qualifier_are_told_apart_by_it() -> None:
    stem = "省重点文艺作者（业余编剧家、业余编舞家、业余作曲家）认定示例"
    names = [f"{stem}(业余编剧家认定)", f"{stem}(业余编舞家认定)", f"{stem}(业余作曲家认定)"]
    assert singled_out("我写咗好多年剧本，想申请认定做省级嘅业余编剧家，要几耐？", names) == 0
    # two characters shared with the stem's other words say nothing ("文物部门" is no 文物点)
    stem = "参观未开放的文物点和考古发掘现场审批示例"
    sites = [f"{stem}(组织参观未开放的考古发掘现场审批)", f"{stem}(组织参观未开放的文物点审批)"]
    assert singled_out("想参观一个考古发掘现场，要哪一级文物部门出意见？", sites) == 0
    # no bracketed qualifier: the plain item's words in another name's tail decide nothing
    plain = ["往来台湾通行证办理示例", "往来台湾通行证办理示例团队旅游签注(办理往来台湾通行证团队游签注)"]
    assert singled_out("办往来台湾嘅通行证本身，要去几多次？", plain) is None
    # the question's words pointing at several names ("退役士官": 士官 of one, 退役士 of another) decide nothing
    stem = "退役人员接收预报到示例("
    kinds = [f"{stem}士官（自主就业）接收预报到)", f"{stem}易地安置（自主就业退役士兵）接收预报到)"]
    assert singled_out("自主就业的退役士官网上预报到，在哪个网站办", kinds) is None
    # nor does a tail repeating the stem beside one with no words of its own
    stem = "无线电台（站）的设置使用审批示例（"
    radio = [
        f"{stem}新申请）(业余)",
        f"{stem}新申请）(其他无线电台（站）的设置使用审批)",
        f"{stem}延续）(业余)",
    ]
    assert singled_out("我是无线电爱好者，想设个人业余电台，要多少天？", radio, formal=False) is None


def test_a_new_establishment_is_the_first_step() -> None:
    name = "律师事务所名称预核准初审（含新设、名称变更）(新设律师事务所名称预核准申请)"
    assert not later_step_only("开一家新律所，所名预核准要不要附律师执业证？", name)
    assert later_step_only("开一家新律所，所名预核准要不要附律师执业证？", "律师事务所名称变更")


def test_another_city_of_the_province_is_served_by_the_province_s_guides() -> None:
    assert home_levels_over("番禺区", HOME) == 2
    assert home_levels_over("湛江市", HOME) == 1
    assert home_levels_over("长沙市", HOME) == 0 and home_levels_over("花都区", HOME) == 0
    # the province's guide ranks with the home chain for 湛江; the city's and the district's do not
    assert region_rank(("广东省",), HOME, ["湛江市"]) == 1
    assert region_rank(("广东省", "广州市"), HOME, ["湛江市"]) == 2
    assert region_rank(("广东省", "广州市", "花都区"), HOME, ["番禺区"]) == 1


def test_a_provincial_guide_answers_for_another_city_of_the_province(tmp_path: Path) -> None:
    # sample data: authored for this test
    prov = _guide(
        "prov-oyster",
        "水域滩涂养殖证核发示例(延期)",
        department="广东省农业农村厅",
        promised_time_limit=TimeLimit(value=10, unit="工作日", raw="10(工作日)"),
    )
    city = _guide("city-ld", "最低生活保障申请示例", ("广东省", "广州市"), department="广州市民政局")
    booking = _guide("prov-ld-book", "最低生活保障业务申请预约示例", department="广东省民政厅")
    m = build_manager([prov, city, booking], {}, tmp_path / "idx", embedder=HashEmbedder())
    a = m.answering
    # no "没有湛江市的指南…仅供参考" hedge before a guide of the province
    assert a._region_note(prov, ["湛江市"], ["湛江市"]) == ""
    assert "湛江市" in a._region_note(city, ["湛江市"], ["湛江市"])
    r = m.handle(DialogueState(), "我在湛江养蚝，水域滩涂养殖证延期要几个工作日？")
    assert "10个工作日" in r.reply.text and "没有湛江市" not in r.reply.text
    assert any(c.id.startswith("guide:prov-oyster") for c in r.reply.citations)
    # neither the city's guide nor the province's booking service answers for 深圳: an honest reply
    far = m.handle(DialogueState(), "深圳市南山区最低生活保障申请条件是什么")
    assert "没有深圳市" in far.reply.text and not far.reply.citations
    # nothing of the province answers a question of another city of it: the plain reply naming that city
    none = m.handle(DialogueState(), "在阳江遛狗，可以让小孩自己牵狗出门吗？")
    assert "没有阳江市" in none.reply.text and not none.reply.citations


def test_a_reward_applied_for_and_a_complaint_channel_are_asked_about() -> None:
    for q in (
        "上个月我举报了有人偷拆航标，听说可以申请保护航标的奖励，审批要多少个工作日？",
        "被人拖欠货款，听说工商联可以帮企业维权，能在网上投诉吗？",
    ):
        assert classify(canonical(q)) is not Intent.COMPLAINT, q
    assert classify("我要投诉窗口工作人员态度差") is Intent.COMPLAINT


def test_a_form_named_after_what_it_is_asks_the_materials() -> None:
    assert Aspect.MATERIALS in detect_aspects("想报省体育局的突出贡献表彰，要交什么推荐表？")
    assert Aspect.MATERIALS not in detect_aspects("要交什么钱")


def test_an_article_on_its_law_s_subject_answers_only_a_question_saying_it() -> None:
    from assistant.policy.article_filters import law_subject, subject_unsaid
    from retrieval.passages import content_bigrams

    assert law_subject("广州市幼儿园条例") == "幼儿园"
    assert law_subject("中华人民共和国居民身份证法") == "居民身份证"
    # sample article text in the shape of a local regulation's (authored for this test)
    text = "任何单位和个人发现幼儿园有违法行为的，有权向有关部门举报。收到举报的部门应当在十个工作日内反馈。"
    reward = content_bigrams("我举报了有人偷拆航标，听说可以申请保护航标的奖励，审批要多少个工作日")
    assert subject_unsaid(reward, "广州市幼儿园条例", text)
    asked = content_bigrams("发现幼儿园乱收费，举报后多少个工作日有回复")
    assert not subject_unsaid(asked, "广州市幼儿园条例", text)
    # an article not naming the subject is not judged by it
    assert not subject_unsaid(reward, "广州市幼儿园条例", "收到举报的部门应当在十个工作日内反馈。")
