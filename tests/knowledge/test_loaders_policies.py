"""Policy web pages: trimmed real pages (with their navigation), the traditional page, text repairs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.loaders import load_path
from knowledge.loaders.page_noise import is_footer_marker, is_noise_line
from knowledge.loaders.policies import load_policy_file, parse_policy_page
from knowledge.loaders.report import LoaderError
from knowledge.loaders.textfix import is_traditional, repair_mojibake, strip_pinyin, strip_tags
from knowledge.schema import PolicyDocument

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "loaders" / "policies"
NOISE = (
    "headerBg",
    "分享到",
    "您现在的位置",
    "字体",
    "访问量",
    "扫一扫",
    "ICP备",
    "主办",
    "相关附件",
    "Shantou",
    "抄送",
)


def _doc(name: str) -> PolicyDocument:
    [doc] = load_policy_file(PAGES / name).policies
    return doc


def _all_text(doc: PolicyDocument) -> str:
    return "\n".join(f"{a.chapter or ''}\n{a.text}\n{a.text_original or ''}" for a in doc.articles)


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.txt")))
def test_page_noise_is_gone(name: str) -> None:
    text = _all_text(_doc(name))
    assert [w for w in NOISE if w in text] == []
    assert "\ufffd" not in text


def test_huadu_report_metadata_and_headings() -> None:
    doc = _doc("000_1b41229c0f96b50e.txt")
    assert doc.title == "广州市花都区政务服务数据管理局2020年法治政府建设年度报告"
    assert doc.published == date(2021, 1, 11)
    assert doc.issuer == "广州市花都区政务服务数据管理局"
    assert (doc.level, doc.region, doc.kind) == ("区", "花都区", "report")
    assert doc.id == "policy-000_1b41229c0f96b50e"
    assert [a.number for a in doc.articles] == [f"p{i}" for i in range(1, len(doc.articles) + 1)]
    assert doc.articles[0].chapter is None and doc.articles[0].text.startswith("2020年,是全面建成小康社会")
    assert doc.articles[1].chapter == "一、加快推进政府职能转变 / (一)大力提升行政效能,完善配套保障措施"
    assert all(a.text != doc.title for a in doc.articles)


def test_shantou_share_widget_above_title_does_not_cut_the_page() -> None:
    doc = _doc("002_43bfa23c18a3fd3f.txt")
    assert doc.title == "汕头市政务服务数据管理局2023年法治政府建设年度报告"
    assert doc.published == date(2024, 1, 12)
    assert doc.issuer == "汕头市政务服务数据管理局"
    assert (doc.level, doc.region) == ("市", "汕头市")
    chapters = {a.chapter for a in doc.articles}
    assert any(c and "(二)提升政府门户网站政务公开水平" in c for c in chapters)  # a heading, not site banner
    assert doc.articles[-1].text.startswith("下来,市政务服务数据管理局将继续坚持")
    assert doc.doc_number is None  # 〔2023〕38号 in the body cites another document


def test_traditional_page_is_converted_and_repaired() -> None:
    doc = _doc("003_8adc7e075def4268.txt")
    assert doc.converted_from_traditional is True
    first = doc.articles[0]
    assert "市政务服务数据管理局" in first.text and "市政務服務數" in (first.text_original or "")
    assert "(shù)" not in _all_text(doc)  # pinyin left by the site's converter removed
    assert any("“粤商通”韶关专版" in a.text for a in doc.articles)  # GBK misalignment re-decoded
    assert not any("盎浬" in a.text for a in doc.articles)
    assert doc.title == "乐昌市政务服务数据管理局2022"  # no title on the page: SOURCE.md description
    assert (doc.level, doc.region, doc.kind) == ("市", "乐昌市", "policy")
    assert doc.articles[2].chapter == "做好“全”字文章 提升政务服务能力"  # two-line heading


def test_notice_signature_and_footer_removed() -> None:
    doc = _doc("004_a1c8da6ae3233108.txt")
    assert doc.title.startswith("广州市花都区人民政府办公室关于印发")
    assert doc.issuer == "广州市花都区人民政府办公室"
    assert doc.published == date(2024, 4, 23)
    assert (doc.level, doc.region, doc.kind) == ("区", "花都区", "policy")
    texts = [a.text for a in doc.articles]
    assert "广州市花都区人民政府办公室" not in texts and "2024年4月11日" not in texts
    item = next(a for a in doc.articles if a.text.startswith("(十五)"))
    assert "数字人" in item.text
    assert item.chapter == "“政务春风送暖”行动十六条 / 三、抓科技,智能信息化高效办"


def test_doc_number_under_title_is_found() -> None:
    page = (
        "headerBg\n广州市花都区人民政府办公室关于印发某某方案的通知\n花府办〔2024〕12号\n"
        "发布时间：2024年5月6日\n各镇(街)政府:\n  现将方案印发给你们,请认真贯彻执行。\n分享到:\n"
    )
    doc = parse_policy_page(page, doc_id="policy-x")
    assert doc.doc_number == "花府办〔2024〕12号"
    assert doc.published == date(2024, 5, 6)
    assert [a.text for a in doc.articles] == ["各镇(街)政府:", "现将方案印发给你们,请认真贯彻执行。"]


def test_page_with_only_navigation_is_rejected(tmp_path: Path) -> None:
    p = tmp_path / "nav.txt"
    p.write_text("headerBg\n您现在的位置: 首页\n分享到:\n", encoding="utf-8")
    with pytest.raises(LoaderError, match="没有正文"):
        load_policy_file(p)
    [rej] = load_path(p).rejected
    assert rej.file == str(p)


def test_text_repairs() -> None:
    assert repair_mojibake("戶?!盎浬掏ā鄙仃P專版") == "戶□“粵商通”韶關專版"
    assert strip_tags(repair_mojibake("做好“?!弊治恼?/strong>")) == "做好“□”字文□"
    assert strip_pinyin("數(shù)據(jù)和(二级)") == "數據和(二级)"
    assert repair_mojibake("坏字\ufffd符") == "坏字符"
    assert is_traditional("為貫徹落實我市各項工作部署") and not is_traditional("为贯彻落实我市各项工作部署")


def test_noise_predicates() -> None:
    assert is_noise_line("headerBg") and is_noise_line("  • 【字体:    ") and is_noise_line("- -")
    assert is_noise_line("汕头市政府门户网站 Shantou Municipal Government 头部")
    assert not is_noise_line("(二)提升政府门户网站政务公开水平")
    assert is_footer_marker("相关附件:") and not is_footer_marker("一、加快推进政府职能转变")
