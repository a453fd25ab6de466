"""Homophone typos read as the KB words they sound like (retrieval.typos), on the bundled sample guides with the
real jieba dictionary; the retriever rebuilds its fixer when the index changes, and the answer path uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.events import TypoCorrected, of_type
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_sample_guides
from knowledge.schema import ServiceGuide
from retrieval.tokenize import Tokenizer
from retrieval.typos import MIN_GAIN, WORD_CHAR_MIN_GAIN, TypoFixer, kb_phrases, kb_words, sound


@pytest.fixture(scope="module")
def guides() -> list[ServiceGuide]:
    return load_sample_guides()


@pytest.fixture(scope="module")
def fixer(guides: list[ServiceGuide]) -> TypoFixer:
    tok = Tokenizer()
    texts = [
        t
        for g in guides
        for t in (
            g.name,
            g.conditions or "",
            *(m.name for m in g.materials),
            *(f.question + f.answer for f in g.faqs),
        )
    ]
    return TypoFixer(tok.jieba(), kb_words(tok.words(t) for t in texts))


def test_same_sound_typos_become_the_kb_words(fixer: TypoFixer) -> None:
    assert sound("申情") == sound("申请")
    assert fixer.fix("低保申情要什么条件") == ("低保申请要什么条件", [("申情", "申请")])
    assert fixer.fix("残急人证怎么办") == ("残疾人证怎么办", [("残急", "残疾")])


def test_words_that_read_well_are_left_alone(fixer: TypoFixer) -> None:
    for text in (
        "我是城里户口，能办居住证吗",  # 我 + 是 read better than 我市
        "社会保障卡补换要带什么材料",  # no typo
    ):
        assert fixer.fix(text) == (text, [])


def test_a_common_short_name_is_no_typo_of_a_kb_word_of_the_same_sound() -> None:
    """ "交强险" (compulsory motor insurance) is one term, not "交" + a typo of 抢险 (the KB's 防汛抢险)."""
    tok = Tokenizer()
    texts = ["防汛抢险物资调用", "抢险救灾车辆通行", "机动车注册登记"]
    fixer = TypoFixer(tok.jieba(), kb_words(tok.words(t) for t in texts))
    assert fixer.fix("上牌之前要先买好交强险吗") == ("上牌之前要先买好交强险吗", [])


def test_a_window_joined_to_its_neighbour_is_no_typo(fixer: TypoFixer) -> None:
    # "情书" is a word: "申情书" is not read as 申请 + 书 (the window is no unit)
    assert fixer.fix("申请低保要写申情书吗")[1] == []


def test_the_retriever_rebuilds_its_fixer_after_the_index_changed(
    guides: list[ServiceGuide], tmp_path: Path
) -> None:
    from retrieval.embedders import HashEmbedder
    from retrieval.hybrid import HybridRetriever

    r = HybridRetriever(tmp_path / "idx", HashEmbedder())
    others = [g for g in guides if "残疾" not in g.name and "残疾" not in (g.conditions or "")]
    r.build(others, [], progress=False)
    assert r.fix_typos("残急人两项补贴") == ("残急人两项补贴", [])  # the KB has no 残疾 yet
    disabled = next(g for g in guides if g.name == "残疾人两项补贴申请")
    r.upsert_guide(disabled, persist=False)
    r.fix_typos("残急人两项补贴")  # answered by the previous fixer; the new one is built in the background
    assert r.typos.wait(timeout=120)
    assert r.fix_typos("残急人两项补贴") == ("残疾人两项补贴", [("残急", "残疾")])


def test_the_answer_path_reads_the_typo_and_answers_from_the_right_guide(
    guides: list[ServiceGuide], tmp_path: Path
) -> None:
    from retrieval.embedders import HashEmbedder

    m = build_manager(guides, {}, tmp_path / "idx", embedder=HashEmbedder())
    res = m.handle(DialogueState(session_id="typo"), "残急人两项补贴要什么材料")
    assert of_type(res.events, TypoCorrected)[0].fixes == [("残急", "残疾")]
    assert any(c.id.startswith("guide:sample-huadu-canji") for c in res.reply.citations), res.reply.citations


def test_a_wish_to_apply_finds_its_form_through_a_typo(guides: list[ServiceGuide], tmp_path: Path) -> None:
    from guides.loader import load_flows
    from retrieval.embedders import HashEmbedder

    m = build_manager(guides, load_flows(), tmp_path / "idx", embedder=HashEmbedder())
    res = m.handle(DialogueState(session_id="typo-apply"), "我要办残急人补贴")
    assert res.state.flow_id is not None
    assert m.flows[res.state.flow_id].service_id == "sample-huadu-canjiren-butie"


def test_a_replaced_fixer_is_freed(guides: list[ServiceGuide]) -> None:
    # one fixer per index version: its segmentation cache must not keep the replaced ones alive
    import gc
    import weakref

    tok = Tokenizer()
    old = TypoFixer(tok.jieba(), kb_words(tok.words(g.name + (g.conditions or "")) for g in guides))
    assert old.fix("低保申情要什么条件")[1]  # the route cache was used
    ref = weakref.ref(old)
    del old
    gc.collect()
    assert ref() is None


def test_a_typo_that_makes_real_words_is_read_as_the_kb_term_it_sounds_like() -> None:
    """ "失业等记" and "学力证明" are typos made of real words (等 + 记, 学力 + 证明), so no single-character window
    shows them; they sound exactly like a four-character term the KB writes in several chunks (失业登记, 学历证明)
    and the sentence reads better with it. A term the KB itself uses is left alone, and so is a window that would
    read worse ("通过一件事" is no typo of the KB's "通过意见")."""
    tok = Tokenizer()
    texts = [
        "办理失业登记需要什么条件",
        "失业登记后可以享受就业服务",
        "失业登记注销",
        "开具学历证明需要身份证",
        "学历证明的办理时限",
        "学历证明补办",
        "技能等级证书核发",
        "技能等级认定",
        "技能等级评价",
        "审议通过意见",
        "会议通过意见后公布",
        "通过意见征集",
    ]
    lists = [tok.words(t) for t in texts]
    fixer = TypoFixer(tok.jieba(), kb_words(lists), kb_phrases(lists))
    assert fixer.fix("能不能去做个失业等记？") == ("能不能去做个失业登记？", [("失业等记", "失业登记")])
    assert fixer.fix("申请开自考学力证明要几天")[1] == [("学力证明", "学历证明")]
    for text in ("技能等级证书怎么考", "退伍后医保关系能不能通过一件事转过来"):
        assert fixer.fix(text) == (text, [])
    # without the KB's two-word terms, nothing to read them as
    assert TypoFixer(tok.jieba(), kb_words(lists)).fix("能不能去做个失业等记？")[1] == []


def test_a_word_and_a_character_read_as_the_common_kb_word_they_sound_like() -> None:
    """ "身份正" is the word 身份 and the character 正, so no single-character window shows the typo; it sounds exactly
    like 身份证, which the KB uses in many chunks, one character apart. A whole word is not replaced: the Cantonese
    "细路" (a child) sounds like the addresses' 西路, and a word the sentence reads better as stays."""
    tok = Tokenizer()
    texts = [f"第{i}项材料：申请人居民身份证原件，地址东风西路{i}号" for i in range(25)]
    texts += [f"住房公积金提取第{i}步" for i in range(25)]
    fixer = TypoFixer(tok.jieba(), kb_words(tok.words(t) for t in texts))
    assert fixer.fix("身份正过期了怎么办") == ("身份证过期了怎么办", [("身份正", "身份证")])
    assert fixer.fix("公基金怎么取")[1] == [("公基金", "公积金")]
    for text in ("细路几岁可以办身份证", "身份证过期了怎么办"):
        assert fixer.fix(text) == (text, [])
    # a word the KB uses in few chunks is no common word to read a typo as
    rare = TypoFixer(tok.jieba(), kb_words(tok.words(t) for t in texts[:5]))
    assert rare.fix("身份正过期了怎么办")[1] == []


def test_a_word_and_a_character_need_a_smaller_gain_than_a_window() -> None:
    """ "公正员" is the word 公正 (fair) and 员: read as 公证员 it gains about 4.2, under the windows' bar."""
    tok = Tokenizer()
    texts = [f"第{i}项：公证员执业证书损毁或者遗失的补发，公证员本人申请" for i in range(25)]
    fixer = TypoFixer(tok.jieba(), kb_words(tok.words(t) for t in texts))
    assert WORD_CHAR_MIN_GAIN < fixer._gain("", "公正员", "公证员", "执业证丢了要补发") < MIN_GAIN
    assert fixer.fix("公正员执业证丢了要补发")[1] == [("公正员", "公证员")]
    assert fixer.fix("办事要公正")[1] == []  # the word alone stays
