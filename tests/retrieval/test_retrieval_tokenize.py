from __future__ import annotations

import pytest

from retrieval.tokenize import (
    Tokenizer,
    char_ngrams,
    expand_synonyms,
    filter_tokens,
    load_synonyms,
    names_a_false_friend,
    normalize,
)


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer()


@pytest.mark.parametrize("term", ["社保卡", "公积金", "营业执照", "居住证", "不动产登记", "最低生活保障"])
def test_domain_terms_stay_whole(tok: Tokenizer, term: str) -> None:
    assert term in tok.words(f"我想问一下{term}怎么办理")


def test_stopwords_and_punctuation_are_dropped(tok: Tokenizer) -> None:
    words = tok.words("请问，我想办理居住证怎么办？")
    assert "居住证" in words
    assert not {"请问", "我", "怎么办", "，", "？"} & set(words)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("驾照到期了", "机动车驾驶证"),
        ("社保怎么交", "社会保险"),
        ("身份证丢了", "补领"),
        ("公积金能取吗", "住房公积金"),
        ("生孩子有补贴吗", "生育"),
        ("开公司要什么", "设立登记"),
        ("退休了去哪办", "养老保险待遇"),
        ("申请低保", "最低生活保障"),
        ("海外包裹被扣了", "进出境"),
        ("固投项目怎么报", "固定资产投资"),
        ("办个羽毛球比赛要批吗", "体育赛事"),
        ("转院的来回车费能报吗", "交通费"),
        ("身份证不见了", "补领"),
        ("廉租房怎么申请", "公共租赁住房"),
        ("宝宝出生要办什么", "新生儿"),
        ("合作社要不要交年度报告", "年报"),
        ("公司注册要多少钱", "设立登记"),
        ("城乡居民医保在哪交", "城乡居民社会保险费"),
    ],
)
def test_colloquial_words_expand_to_formal_terms(tok: Tokenizer, query: str, expected: str) -> None:
    assert expected in tok.expand(query)


def test_expansion_skips_terms_already_in_query() -> None:
    table = {"驾照": ("机动车驾驶证",), "驾驶证": ("机动车驾驶证",)}
    assert expand_synonyms("机动车驾驶证", table) == []
    assert expand_synonyms("驾照", table) == ["机动车驾驶证"]


def test_synonym_table_is_substantial_and_well_formed() -> None:
    table = load_synonyms()
    assert len(table) >= 300
    assert all(key and terms for key, terms in table.items())


def test_char_ngrams_do_not_cross_punctuation() -> None:
    assert char_ngrams("频率续期") == ["频率", "率续", "续期"]
    assert char_ngrams("许可（续期）") == ["许可", "续期"]
    assert char_ngrams("证", n=2) == ["证"]
    assert char_ngrams("建工证", n=1) == ["建", "工", "证"]


def test_normalize_full_width_and_case() -> None:
    assert normalize("ＡＢＣ　１２３") == "abc 123"


def test_filter_tokens() -> None:
    assert filter_tokens(["的", "社保", "，", " ", "卡"], frozenset({"的"})) == ["社保", "卡"]


def test_version_ignores_synonyms_but_tracks_dictionary(tmp_path) -> None:  # noqa: ANN001
    d = tmp_path / "dict.txt"
    d.write_text("社保卡\n", encoding="utf-8")
    syn = tmp_path / "syn.tsv"
    syn.write_text("驾照\t机动车驾驶证\n", encoding="utf-8")
    a = Tokenizer(domain_dict=d, synonyms=syn)
    syn.write_text("驾照\t驾驶证\n", encoding="utf-8")
    assert Tokenizer(domain_dict=d, synonyms=syn).version == a.version
    d.write_text("社保卡\n公积金\n", encoding="utf-8")
    assert Tokenizer(domain_dict=d, synonyms=syn).version != a.version


def test_query_fillers_only_touch_queries(tok: Tokenizer) -> None:
    words = tok.query_words("想查一下投标的公司有没有违法违规记录")
    assert {"查", "投标", "违法", "违规"} <= set(words)
    assert not {"想查", "有没有"} & set(words)
    assert "有没有" in tok.words("有没有")  # indexed text keeps them: no rebuild needed for fillers
    assert tok.strip_stopwords("重要的文件想交给公证处保管，在哪里办") == "重要文件交给公证处保管办"


def test_fillers_are_not_part_of_the_index_version(tmp_path) -> None:  # noqa: ANN001
    extra = tmp_path / "fillers.txt"
    extra.write_text("公证处\n", encoding="utf-8")
    assert Tokenizer(query_fillers=extra).version == Tokenizer().version


def test_a_word_held_only_inside_its_false_friend_is_no_token(tok: Tokenizer, tmp_path) -> None:  # noqa: ANN001
    # "居民身份证明" is a certificate (税收居民身份证明), not an ID card (身份证)
    tax = tok.words("中国税收居民身份证明的开具")
    assert "身份证" not in tax and "居民身份证" not in tax and "身份证明" in tax
    card = tok.words("居民身份证办理进度查询")
    assert "身份证" in card and "居民身份证" in card
    both = tok.words("居民身份证原件；户籍身份证明")  # the card itself named too: kept
    assert "身份证" in both
    assert names_a_false_friend("小孩几岁可以办身份证", "中国税收居民身份证明的开具")
    assert not names_a_false_friend("税收居民身份证明怎么开", "中国税收居民身份证明的开具")
    assert not names_a_false_friend("身份证丢了", "居民身份证办理进度查询")
    # the pairs shape indexed tokens: part of the index version
    pairs = tmp_path / "ff.tsv"
    pairs.write_text("身份证\t身份证明\n", encoding="utf-8")
    a = Tokenizer(false_friends=pairs)
    pairs.write_text("身份证\t身份证明\n驾驶证\t驾驶证明\n", encoding="utf-8")
    assert Tokenizer(false_friends=pairs).version != a.version


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("二建证书快到期了", "二级注册建造师"),  # a trade abbreviation
        ("一建变更注册", "一级注册建造师"),
        ("业余无线电爱好者的电台执照要续", "无线电台"),
        ("证件整烂了要换张新的", "损坏"),
        ("想申请专票一次最多能开多少", "增值税专用发票"),
        ("想申请省级非遗代表性传承人", "非物质文化遗产"),
        ("有人在江里偷偷挖沙运沙", "采砂"),
        ("课题要上无人居住的海岛采样本", "无居民海岛"),
        ("从国外带几台对讲机进关", "无线电发射设备"),
        ("拿外国驾照换中国驾照", "境外驾驶证"),
        ("养老保险登记的个人信息要改", "信息变更"),
    ],
)
def test_everyday_abbreviations_read_as_their_formal_terms(query: str, term: str) -> None:
    assert term in expand_synonyms(query, load_synonyms())
