"""边聊边办 for real (non-sample) guides in a real browser: a citizen pre-checks one guide as a person and
another as a company (one tap per material, a working-day appointment, an honest 预审 receipt); a clerk sees both
in the queue with their checklists; an editor adds a situation question to a generic flow, publishes it, and
the next citizen is asked it."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from e2e_support import APP_ID_RE, CONFIRM, ChatDriver, id_number, login, shoot
from playwright.sync_api import expect

from assistant.nlu.validators import is_working_day, uscc_check_char

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PERSON_GUIDE = "企业职工养老保险死亡待遇申领"  # 自然人, one visit, 4 materials (one for agents)
COMPANY_GUIDE = "高新技术企业认定"  # 自然人 + 企业法人, one visit, 5 materials
EDITED_ID = "11440000553612461J2442111685001"  # 暂停企业职工养老保险待遇申请
EDITED_NAME = "暂停企业职工养老保险待遇申请"
USCC = "91440114MA59UQ8X2" + uscc_check_char("91440114MA59UQ8X2")


def _wait_index_ready(server: Any, timeout_s: float = 900) -> None:
    """The server answers before its index is loaded; chat turns wait for it (a busy machine: minutes)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.api("GET", "/health").get("retriever_ready"):
            return
        time.sleep(2)
    raise AssertionError("search index not ready")


def _visit_day() -> date:
    d = date.today() + timedelta(days=2)
    while not is_working_day(d)[0]:
        d += timedelta(days=1)
    return d


def test_citizen_prechecks_as_person_and_as_company(new_page: Any, server: Any, artifacts: Path) -> None:
    visit = _visit_day()
    _wait_index_ready(server)
    page = new_page(width=1280, height=900)
    chat = ChatDriver(page, "citizen")
    reply = chat.send(f"我要办理{PERSON_GUIDE}")
    assert "网上预审" in reply and "本人办理" in chat.choices(), "\n".join(chat.transcript)
    reply = chat.click_choice("本人办理")
    assert "这些材料您准备好了吗" in reply
    reply = chat.click_choice("企业职工基本养老保险待遇申报表")  # one tap per material
    assert "企业职工基本养老保险待遇申报表" not in chat.choices()
    chat.click_choice("其余还没有，继续")
    chat.send(f"我叫王芳，身份证号{id_number()}")
    reply = chat.send("13800138000")
    assert "预约到现场办理日期" in reply
    chat.send(f"{visit.month}月{visit.day}日")
    assert CONFIRM in chat.choices(), "\n".join(chat.transcript[-4:])
    receipt = chat.click_choice(CONFIRM)
    assert "网上预审已完成" in receipt and "不是正式申报" in receipt, receipt
    m = APP_ID_RE.search(receipt)
    assert m, receipt
    server.journey["precheck_person"] = m.group(0)
    expect(page.locator("#citizen-materials")).to_contain_text("企业职工基本养老保险待遇申报表")
    shoot(page, artifacts, "precheck-01-person-receipt")

    page2 = new_page(width=1280, height=900)
    chat2 = ChatDriver(page2, "citizen")
    chat2.send(f"我要办理{COMPANY_GUIDE}")
    chat2.click_choice("单位申请")
    chat2.click_choice("是，符合")
    chat2.click_choice("都准备好了")
    chat2.send("广州市花都示例科技有限公司")
    chat2.send(USCC)
    chat2.send("联系人李明，电话13900139000")
    chat2.send(f"{visit.year}年{visit.month}月{visit.day}日")
    assert CONFIRM in chat2.choices(), "\n".join(chat2.transcript[-4:])
    receipt2 = chat2.click_choice(CONFIRM)
    m2 = APP_ID_RE.search(receipt2)
    assert m2 and "网上预审已完成" in receipt2, receipt2
    server.journey["precheck_company"] = m2.group(0)
    shoot(page2, artifacts, "precheck-02-company-receipt")


def test_clerk_sees_both_prechecks_with_checklists(new_page: Any, server: Any, artifacts: Path) -> None:
    person, company = server.journey.get("precheck_person"), server.journey.get("precheck_company")
    if not person or not company:
        pytest.skip("the citizen pre-check test did not run first")
    page = new_page(width=1366, height=900)
    login(page, server.tokens["clerk"])
    queue = page.locator("#clerk-queue")
    detail = page.locator("#clerk-app-detail")
    expect(queue).to_contain_text(person, timeout=30_000)
    expect(queue).to_contain_text(company)

    queue.get_by_text(person, exact=True).last.click()
    expect(detail).to_contain_text(f"办件 {person}")
    expect(detail).to_contain_text("材料清单（预审）")
    expect(detail).to_contain_text("☑ 企业职工基本养老保险待遇申报表")
    expect(detail).to_contain_text("☐ 申报死亡待遇遗属的有效身份证件")
    expect(detail).to_contain_text("预审缺少材料")
    expect(detail).to_contain_text("预约到现场办理日期")
    shoot(page, artifacts, "precheck-03-clerk-person")

    queue.get_by_text(company, exact=True).last.click()
    expect(detail).to_contain_text(f"办件 {company}")
    expect(detail).to_contain_text("☑ 营业执照（A类有限责任公司）")
    expect(detail).to_contain_text("单位申请")
    expect(detail).to_contain_text("是，符合")
    expect(detail).to_contain_text(f"统一社会信用代码：{USCC}")
    shoot(page, artifacts, "precheck-04-clerk-company")


def _set_code(page: Any, selector: str, text: str) -> None:
    editor = page.locator(f"{selector} .cm-content")
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def test_editor_adds_a_situation_question_and_the_next_citizen_is_asked(
    new_page: Any, server: Any, artifacts: Path
) -> None:
    page = new_page(width=1366, height=900)
    login(page, server.tokens["editor"])
    expect(page.get_by_role("tab", name="内容运营")).to_be_visible()
    page.get_by_role("tab", name="流程", exact=True).click()
    page.locator("#flow-sid input, #flow-sid textarea").first.fill(EDITED_ID)
    page.locator("#flow-load").click()
    expect(page.locator("#flow-info")).to_contain_text(EDITED_NAME)
    expect(page.locator("#flow-info")).to_contain_text("自动生成")
    expect(page.locator("#flow-text .cm-content")).to_contain_text("materials")

    # The flow as the page loaded it (the API's text), with one situation question and its material added.
    data = yaml.safe_load(server.api("GET", f"/flows/{EDITED_ID}", server.tokens["editor"])["text"])
    data.setdefault("questions", []).insert(
        0,
        {
            "id": "abroad",
            "ask": "您是否已定居国外？",
            "choices": [{"value": "是", "label": "是，已定居国外"}, {"value": "否", "label": "否"}],
        },
    )
    data["materials"].append({"name": "定居国外的证明材料", "when": {"abroad": ["是"]}})

    # A reference to a missing question is rejected with the field named; nothing is saved.
    bad = {**data, "materials": [*data["materials"][:-1], {"name": "X", "when": {"abroadd": ["是"]}}]}
    _set_code(page, "#flow-text", yaml.safe_dump(bad, allow_unicode=True, sort_keys=False))
    page.locator("#flow-save").click()
    result = page.locator("#flow-result")
    expect(result).to_contain_text("未通过校验")
    expect(result).to_contain_text("abroadd")
    shoot(page, artifacts, "precheck-05-editor-invalid")

    _set_code(page, "#flow-text", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    page.locator("#flow-note input, #flow-note textarea").first.fill("增加定居国外情形")
    page.locator("#flow-save").click()
    expect(result).to_contain_text("已保存为第 1 版草稿")
    page.locator("#flow-publish").click()
    expect(result).to_contain_text("已发布第 1 版")
    expect(page.locator("#flow-versions")).to_contain_text("已发布")
    expect(page.locator("#flow-info")).to_contain_text("已保存的流程记录，已发布第 1 版")
    shoot(page, artifacts, "precheck-06-editor-published")

    _wait_index_ready(server)
    citizen = new_page(width=1280, height=900)
    chat = ChatDriver(citizen, "citizen")
    reply = chat.send(f"我要办理{EDITED_NAME}")
    assert "您是否已定居国外？" in reply, "\n".join(chat.transcript)
    chat.click_choice("是，已定居国外")
    expect(citizen.locator("#citizen-materials")).to_contain_text("定居国外的证明材料")
    shoot(citizen, artifacts, "precheck-07-citizen-asked")
