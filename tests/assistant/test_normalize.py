"""NLU normalisation: the Cantonese lexicon, OpenCC, numbers, money, dates and yes / no."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.nlu.dates import Tense, parse_date
from assistant.nlu.normalize import (
    Polarity,
    canonical,
    lexicon,
    numbers_in,
    parse_money,
    parse_quantity,
    polarity,
)

TODAY = date(2026, 12, 2)  # a Wednesday


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("喺边度办？", "在哪里办？"),
        ("喺政务中心边层边个窗口交？", "在政务中心哪层哪个窗口交？"),  # which window, not who
        ("由边个部门确认？", "由哪个部门确认？"),
        ("边个负责？", "谁负责？"),
        ("想考个电单车牌", "想考个摩托车驾照"),  # 车牌 one sits for is a driving licence
        ("喺广州想考小车牌", "在广州想考小车驾照"),
        ("我架车嘅车牌唔见咗", "我架车的车牌丢了"),  # a car's 车牌 is its plate
        ("使唔使钱？", "需不需要钱？"),
        ("要几耐先拎到？", "要多久先拿到？"),
        ("几多钱", "多少钱"),
        ("要几钱", "要多少钱"),
        ("我冇身份证", "我没有身份证"),
        ("我唔知", "我不知道"),
        ("社保卡唔见咗", "社保卡丢了"),
        ("我屋企有三个人", "我家里有三个人"),
        ("點樣辦居住證", "怎么办居住证"),  # traditional characters through OpenCC first
        ("系咪要预约咩", "是不是要预约吗"),  # a final particle only at the end of a clause
        ("老人过咗身，户口点样注销", "老人去世，户口怎么注销"),
        ("报装使唔使俾钱", "报装需不需要给钱"),
        ("要带啥材料，咋申请", "要带什么材料，怎么申请"),  # colloquial Mandarin question words
        ("社保卡不见了咋整", "社保卡不见了怎么办"),  # 咋整 / 咋弄: what to do
        ("居住证咋弄", "居住证怎么办"),
        ("BB出世要办咩", "宝宝出生要办什么"),  # 咩 as a verb's object asks what, even at the end
        ("结婚要准备啲咩", "结婚要准备些什么"),  # 啲咩: some of what, not a final 吗
        ("bb出世点样上户口", "宝宝出生怎么上户口"),  # typed in lower case
        ("生仔有咩补贴？", "生孩子有什么补贴？"),
        ("要带咩？", "要带什么？"),
        # the potential "V唔V得" asks whether one can ("仲" before it: still)
        ("身份证过期咗仲用唔用得", "身份证过期了还能不能用"),
        ("喺外地办唔办得", "在外地能不能办"),
        ("得唔得", "行不行"),
        # 嗰 alone before a measure word ("嗰页", "嗰本"): OpenCC's 𠮶 is no word anyone types
        ("护照上签证嗰页烂咗", "护照上签证那页坏了"),
    ],
)
def test_cantonese_and_traditional_become_plain_mandarin(typed: str, plain: str) -> None:
    assert canonical(typed) == plain


def test_mandarin_words_that_share_characters_are_left_alone() -> None:
    # 系 in 联系 / 关系, 喇 in 喇叭, 整 in 整理 are Mandarin
    assert canonical("联系电话是多少") == "联系电话是多少"
    # 点 + a verb is the Cantonese 怎么 ("社保点交"), never inside a Mandarin word or after a clock time
    for mandarin in ("到网点领取", "在哪个网点办", "办理地点换了吗", "下午3点交材料", "一点交通补贴"):
        assert canonical(mandarin) == mandarin
    assert canonical("社保点交") == "社保怎么交"
    assert canonical("喇叭坏了，帮我整理一下关系") == "喇叭坏了，帮我整理一下关系"


def test_full_width_digits_fold_but_chinese_punctuation_stays() -> None:
    assert canonical("电话１３８００１３８０００，谢谢") == "电话13800138000，谢谢"


def test_lexicon_rows_are_words_not_sentences() -> None:
    rows = lexicon()
    assert len(rows) >= 100
    assert all(1 <= len(k) <= 4 and "，" not in k and "?" not in k for k in rows)


@pytest.mark.parametrize(
    ("text", "n"),
    [("三口人", 3), ("我家五个人", 5), ("两个", 2), ("俩人", 2), ("十二口", 12), ("4人", 4)],
)
def test_quantities_in_words_and_digits(text: str, n: int) -> None:
    assert parse_quantity(text) == n


def test_a_quantity_needs_exactly_one_number() -> None:
    assert parse_quantity("三到五个") is None
    assert parse_quantity("不清楚") is None


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("两千来块", 2000.0),
        ("八百蚊", 800.0),
        ("1.5万", 15000.0),
        ("一万五", 15000.0),
        ("三千多块", 3000.0),
        ("5000元左右", 5000.0),
        ("月收入大概两千", 2000.0),
        ("没有收入", 0.0),
        ("冇收入", 0.0),
    ],
)
def test_money_in_everyday_words(text: str, yuan: float) -> None:
    assert parse_money(text) == yuan


def test_numbers_in_a_sentence() -> None:
    assert numbers_in("我家三口人，月收入两千来块") == [3.0, 2000.0]


@pytest.mark.parametrize(
    ("text", "tense", "expected"),
    [
        ("前天", Tense.PAST, date(2026, 11, 30)),
        ("昨日", Tense.PAST, date(2026, 12, 1)),
        ("上个月底", Tense.PAST, date(2026, 11, 30)),
        ("上个月15号", Tense.PAST, date(2026, 11, 15)),
        ("7号", Tense.PAST, date(2026, 11, 7)),  # the 7th not after today
        ("7号", Tense.FUTURE, date(2026, 12, 7)),
        ("3月5号", Tense.PAST, date(2026, 3, 5)),
        ("三月五号", Tense.PAST, date(2026, 3, 5)),
        ("12月10日", Tense.PAST, date(2025, 12, 10)),  # this year's is still ahead: last year's
        ("两年前", Tense.PAST, date(2024, 12, 2)),
        ("半年前", Tense.PAST, date(2026, 6, 2)),
        ("去年3月", Tense.PAST, date(2025, 3, 1)),
        ("去年底", Tense.PAST, date(2025, 12, 31)),
        ("上周五", Tense.PAST, date(2026, 11, 27)),
        ("二零二四年三月五日", Tense.PAST, date(2024, 3, 5)),
        ("2024-05-01", Tense.NEAREST, date(2024, 5, 1)),
        ("大后天", Tense.FUTURE, date(2026, 12, 5)),
        ("3天后", Tense.FUTURE, date(2026, 12, 5)),
        ("下下周一", Tense.FUTURE, date(2026, 12, 14)),
        ("周一", Tense.FUTURE, date(2026, 12, 7)),  # said on a Wednesday: the coming Monday
        ("周一", Tense.PAST, date(2026, 11, 30)),
    ],
)
def test_partial_and_relative_dates_resolve_against_today(text: str, tense: Tense, expected: date) -> None:
    assert parse_date(text, TODAY, tense) == expected


def test_no_date_and_impossible_dates() -> None:
    assert parse_date("下个月", TODAY) is None  # no day named
    assert parse_date("不记得了", TODAY) is None
    assert parse_date("2023年2月29日", TODAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("行，就这样交吧", Polarity.YES),
        ("冇问题", Polarity.YES),
        ("系啊", Polarity.YES),
        ("嗯嗯", Polarity.YES),
        ("对头", Polarity.YES),
        ("OK", Polarity.YES),
        ("唔系", Polarity.NO),
        ("冇", Polarity.NO),
        ("没有的", Polarity.NO),
        ("不用了", Polarity.NO),
        ("我不知道", None),
        ("花都区", None),
    ],
)
def test_everyday_yes_and_no(text: str, expected: Polarity | None) -> None:
    assert polarity(text) == expected
