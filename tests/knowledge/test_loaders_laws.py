"""Law / regulation Markdown: trimmed real files plus small texts for edge cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.loaders import load_path
from knowledge.loaders.cntext import cn_to_int, find_dates
from knowledge.loaders.laws import law_kind, law_level, load_law_file, parse_law_markdown
from knowledge.loaders.report import LoaderError

LAWS = Path(__file__).resolve().parents[1] / "fixtures" / "loaders" / "laws"
HPF = LAWS / "national" / "住房公积金管理条例(2019-03-24).md"


def _one(path: Path):
    [doc] = load_law_file(path).policies
    return doc


def test_housing_fund_regulation_metadata() -> None:
    doc = _one(HPF)
    assert doc.title == "住房公积金管理条例"
    assert doc.kind == "regulation"
    assert (doc.level, doc.region) == ("国家", "全国")
    assert doc.issuer == "国务院"
    assert doc.doc_number == "国务院令第262号"
    assert doc.published == date(2019, 3, 24)  # the version date in the file name
    assert doc.effective is None  # "自发布之日起施行" names no date
    assert doc.id.startswith("law-") and doc.id == _one(HPF).id  # stable


def test_articles_keep_chapter_and_all_paragraphs() -> None:
    doc = _one(HPF)
    art = doc.article("第十一条")
    assert art is not None
    assert art.chapter == "第二章 机构及其职责"
    assert art.text.startswith("住房公积金管理中心履行下列职责：")
    assert "(七)承办住房公积金管理委员会决定的其他事项。" in art.text
    assert art.text.count("\n") == 7  # lead-in + 7 items
    second = doc.article("第二条")
    assert second is not None and "本条例所称住房公积金" in second.text
    assert doc.article("第一条").chapter == "第一章 总则"  # type: ignore[union-attr]
    last = doc.articles[-1]
    assert (last.number, last.chapter, last.text) == ("第四十七条", "第七章 附则", "本条例自发布之日起施行。")


def test_section_headings_join_the_chapter_path() -> None:
    doc = _one(LAWS / "guangdong" / "深圳经济特区房地产登记条例(2021-10-30).md")
    assert (doc.level, doc.region) == ("市", "深圳市")
    assert doc.issuer == "深圳市人民代表大会常务委员会"
    assert doc.article("第二十二条").chapter == "第三章 登记程序 / 第一节 程序通则"  # type: ignore[union-attr]
    assert doc.article("第二十七条").chapter == "第三章 登记程序 / 第二节 首次登记"  # type: ignore[union-attr]
    assert "（九）立卷归档。" in doc.article("第二十二条").text  # type: ignore[union-attr]


def test_file_without_chapters() -> None:
    doc = _one(LAWS / "guangdong" / "广东省城镇华侨房屋征收补偿规定(2021-12-01).md")
    assert (doc.level, doc.region, doc.kind) == ("省", "广东省", "regulation")
    assert [a.number for a in doc.articles][:3] == ["第一条", "第二条", "第三条"]
    assert all(a.chapter is None for a in doc.articles)


def test_effective_date_and_doc_number_from_history() -> None:
    doc = _one(LAWS / "national" / "优化营商环境条例(2019-10-22).md")
    assert doc.effective == date(2020, 1, 1)
    assert doc.published == date(2019, 10, 22)
    assert doc.doc_number == "国务院令第722号"


def test_title_only_stub_loads_without_articles() -> None:
    doc = _one(LAWS / "guangdong" / "汕头经济特区突发公共卫生事件应急条例(2022-05-30).md")
    assert doc.title == "汕头经济特区突发公共卫生事件应急条例"
    assert doc.articles == []
    assert doc.issuer == "汕头市人民代表大会常务委员会"


def test_article_suffix_no_marker_and_stated_effective_date() -> None:
    text = (
        "# 示例条例\n\n第一条 总则内容。\n\n第十二条之一 补充条款。\n\n第二款内容。\n\n"
        "第十三条 本条例自2030年1月1日起施行。\n"
    )
    doc = parse_law_markdown(text, file_name="示例条例(2029-12-01).md")
    assert [a.number for a in doc.articles] == ["第一条", "第十二条之一", "第十三条"]
    assert doc.article("第十二条之一").text == "补充条款。\n第二款内容。"  # type: ignore[union-attr]
    assert doc.effective == date(2030, 1, 1)
    assert doc.level is None  # no folder, no place in the title


def test_body_references_do_not_start_articles() -> None:
    text = "# 某法\n<!-- INFO END -->\n第一条 内容：\n第十八条规定的情形除外。\n"
    doc = parse_law_markdown(text, file_name="某法.md")
    assert [a.number for a in doc.articles] == ["第一条"]
    assert doc.kind == "law"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("中华人民共和国护照法", "law"),
        ("社会救助暂行办法", "regulation"),
        ("广东省实施《中华人民共和国消防法》办法", "regulation"),
        ("中华人民共和国公民出境入境管理法实施细则", "regulation"),
        ("广东省人民代表大会议事规则", "regulation"),
    ],
)
def test_law_kind(title: str, kind: str) -> None:
    assert law_kind(title) == kind


def test_law_level() -> None:
    assert law_level("广州市幼儿园条例", "guangdong") == ("市", "广州市")
    assert law_level("横琴粤澳深度合作区发展促进条例", "guangdong") == ("省", "广东省")
    assert law_level("城市居民最低生活保障条例", "national") == ("国家", "全国")


def test_not_a_law_file_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "notes.md"
    p.write_text("随便写的笔记，没有标题也没有条文。\n", encoding="utf-8")
    with pytest.raises(LoaderError) as exc:
        load_law_file(p)
    assert str(p) in str(exc.value)
    [rej] = load_path(p).rejected  # load_path turns it into a rejection
    assert rej.file == str(p) and "没有标题" in rej.reason


def test_cn_helpers() -> None:
    assert [cn_to_int(x) for x in ("十二", "一百零三", "二十", "四十七", "x")] == [12, 103, 20, 47, None]
    assert find_dates("1999年4月3日 发布，2002-03-24 修订") == [date(1999, 4, 3), date(2002, 3, 24)]
