"""内容运营 in a real browser: find a guide, edit its consult phone (validation errors shown), see versions and the
diff, publish (re-indexes only that guide), then a NEW citizen gets the changed answer. Also hit testing, policies
and the queue of unanswered questions."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from e2e_support import ChatDriver, cell, login, shoot, table_rows
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.integration]

GUIDE_ID = "sample-huadu-shebaoka-buhuan"
QUESTION = "社会保障卡补换的咨询电话是多少？"


def _field(page: Any, name: str) -> Any:
    return page.locator(f"#guide-field-{name} input, #guide-field-{name} textarea").first


def test_editor_changes_a_guide_and_citizens_see_it(new_page: Any, server: Any, artifacts: Path) -> None:
    new_phone = f"020-8686{int(time.time()) % 10000:04d}"  # unique per run: a re-run must not see an old edit
    page = new_page(width=1366, height=900)
    login(page, server.tokens["editor"])
    expect(page.locator("#ga-role")).to_contain_text("内容运营")
    expect(page.get_by_role("tab", name="内容运营")).to_be_visible()
    expect(page.get_by_role("tab", name="窗口助手")).to_have_count(0)

    # Search and open the guide.
    page.locator("#guide-q input, #guide-q textarea").first.fill("社会保障卡补换")
    page.locator("#guide-search").click()
    guides = page.locator("#guide-list")
    expect(guides).to_contain_text(GUIDE_ID)
    guides.get_by_text(GUIDE_ID, exact=True).last.click()
    expect(page.locator("#guide-title")).to_contain_text("社会保障卡补换")
    phone = _field(page, "consult_phone")
    expect(phone).not_to_have_value("")
    old_phone = phone.input_value()
    versions = page.locator("#guide-versions")
    expect(versions).to_contain_text("已发布")

    # A validation error from the API is shown (an empty name is rejected), nothing is saved.
    name = _field(page, "name")
    name.fill("")
    page.locator("#guide-save-form").click()
    expect(page.locator("#guide-save-result")).to_contain_text("内容未通过校验")
    expect(page.locator("#guide-save-result")).to_contain_text("name")
    name.fill("社会保障卡补换")

    # Change the consult phone → a new draft version.
    phone.fill(new_phone)
    page.locator("#guide-save-form").click()
    saved = page.locator("#guide-save-result")
    expect(saved).to_contain_text("已保存为草稿")
    expect(versions).to_contain_text("草稿")

    # Diff: pick the new version in the table (compares it with the previous one).
    rows = table_rows(versions)
    latest = max(range(len(rows)), key=lambda i: int(rows[i][0]))
    draft_version = int(rows[latest][0])
    assert draft_version >= 2 and rows[latest][1].startswith("草稿"), rows
    cell(versions, latest, 0).click()
    expect(page.locator("#diff-b input")).to_have_value(str(draft_version))
    page.locator("#guide-diff").click()
    diff = page.locator("#guide-diff-result")
    expect(diff).to_contain_text("咨询电话")
    expect(diff).to_contain_text(old_phone)
    expect(diff).to_contain_text(new_phone)
    shoot(page, artifacts, "editor-01-diff")

    # Before publishing, citizens still get the published text.
    assert new_phone not in _citizen_asks(new_page)

    # Publish: only this guide is re-indexed.
    page.locator("#guide-publish").click()
    expect(page.locator("#guide-publish-result")).to_contain_text("已发布，检索索引已更新")
    expect(page.locator("#guide-publish-result")).to_contain_text(f"v{draft_version}")
    expect(cell(versions, latest, 1)).to_have_text("已发布（最新）")
    shoot(page, artifacts, "editor-02-published")

    # Hit testing: ranked chunks with scores and the retrievers that found them.
    page.get_by_role("tab", name="命中测试").click()
    page.locator("#hit-q input, #hit-q textarea").first.fill(QUESTION)
    page.locator("#hit-go").click()
    expect(page.locator("#hit-summary")).to_contain_text("置信度")
    table = page.locator("#hit-table")
    expect(table).to_contain_text("社会保障卡补换")
    expect(table).to_contain_text("bm25")
    shoot(page, artifacts, "editor-03-hit-testing")

    # A NEW citizen asks and gets the changed phone number, cited from the guide.
    page2, answer = _citizen_asks(new_page, keep=True)
    assert new_phone in answer
    expect(page2.locator("#citation-list")).to_contain_text("咨询电话")
    shoot(page2, artifacts, "editor-04-citizen-sees-change")


def _set_code(page: Any, text: str) -> None:
    """Replace the JSON editor's content as a person would (select all, paste)."""
    editor = page.locator("#guide-json .cm-content")
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def test_editor_saves_a_guide_as_json(new_page: Any, server: Any, artifacts: Path) -> None:
    page = new_page(width=1366, height=900)
    login(page, server.tokens["editor"])
    expect(page.get_by_role("tab", name="内容运营")).to_be_visible()
    page.locator("#guide-id input, #guide-id textarea").first.fill(GUIDE_ID)
    page.locator("#guide-open").click()
    expect(page.locator("#guide-title")).to_contain_text("社会保障卡补换")
    versions = page.locator("#guide-versions")
    expect(versions).to_contain_text("已发布")
    before = max(int(r[0]) for r in table_rows(versions))
    page.get_by_role("tab", name="JSON 编辑").click()
    expect(page.locator("#guide-json .cm-content")).to_contain_text(GUIDE_ID)

    # The guide as the API serves it to the editor: the starting point of the JSON edits below.
    guide = server.api("GET", f"/guides/{GUIDE_ID}", server.tokens["editor"])
    save = page.locator("#guide-save-json")
    result = page.locator("#guide-save-result")

    # Malformed JSON: the line/column and a Chinese explanation; nothing is saved.
    _set_code(page, '{\n  "id": "' + GUIDE_ID + '",\n  "visits" 1\n}')
    save.click()
    expect(result).to_contain_text("JSON 格式错误：第 3 行")
    expect(result).to_contain_text("缺少冒号")
    expect(result).to_contain_text("未保存")

    # Valid JSON, invalid field (到现场次数 must be a number): the API's field error is shown; nothing is saved.
    _set_code(page, json.dumps({**guide, "visits": "两次"}, ensure_ascii=False, indent=2))
    save.click()
    expect(result).to_contain_text("内容未通过校验")
    expect(result).to_contain_text("visits")
    shoot(page, artifacts, "editor-07-json-invalid")
    assert max(int(r[0]) for r in table_rows(versions)) == before

    # A valid edit (a field only the JSON editor reaches) → a new draft version in the table.
    visits = 3 if guide.get("visits") != 3 else 2
    _set_code(page, json.dumps({**guide, "visits": visits}, ensure_ascii=False, indent=2))
    save.click()
    expect(result).to_contain_text(f"已保存为草稿 v{before + 1}")
    expect(versions).to_contain_text(str(before + 1))
    rows = {int(r[0]): r for r in table_rows(versions)}
    assert rows[before + 1][1].startswith("草稿"), rows
    shoot(page, artifacts, "editor-08-json-saved")
    saved = server.api("GET", f"/guides/{GUIDE_ID}?version={before + 1}", server.tokens["editor"])
    assert saved["visits"] == visits


def test_editor_policies_and_unanswered_queue(new_page: Any, server: Any, artifacts: Path) -> None:
    # A question the knowledge base cannot answer, and a thumbs-down with a comment (via the API, as a citizen).
    citizen = server.api("POST", "/auth/citizen")["token"]
    odd = f"火星移民签证怎么办理{int(time.time())}"
    out = server.api("POST", "/chat", citizen, json={"message": odd})
    server.api(
        "POST",
        "/feedback",
        citizen,
        json={"session_id": out["session_id"], "rating": "down", "comment": "答非所问"},
    )

    page = new_page(width=1366, height=900)
    login(page, server.tokens["editor"])
    expect(page.get_by_role("tab", name="内容运营")).to_be_visible()

    page.get_by_role("tab", name="待改进问题").click()
    page.locator("#unanswered-refresh").click()
    queue = page.locator("#unanswered-list")
    item = queue.locator("details", has_text=odd).filter(has_text="差评反馈").first
    expect(item).to_be_visible()
    expect(item.get_by_text("答非所问")).to_be_hidden()
    item.locator("summary").click()  # expand: the comment and the conversation
    expect(item.get_by_text("用户意见：答非所问")).to_be_visible()
    expect(item.locator(".ga-conv")).to_contain_text(odd)
    expect(queue.locator("details", has_text=odd).filter(has_text="低置信度")).not_to_have_count(0)
    shoot(page, artifacts, "editor-05-unanswered")

    page.get_by_role("tab", name="政策法规").click()
    page.locator("#policy-q input, #policy-q textarea").first.fill("居住证")
    page.locator("#policy-search").click()
    policies = page.locator("#policy-list")
    expect(policies).to_contain_text("居住证暂行条例")
    policies.get_by_text("居住证暂行条例", exact=True).last.click()
    expect(page.locator("#policy-view")).to_contain_text("第一条")
    shoot(page, artifacts, "editor-06-policy")


def _citizen_asks(new_page: Any, keep: bool = False) -> Any:
    page = new_page(width=1280, height=900)
    answer = ChatDriver(page, "citizen").send(QUESTION)
    if keep:
        return page, answer
    page.context.close()
    return answer


def test_admin_sees_every_section_and_creates_a_token(new_page: Any, server: Any, artifacts: Path) -> None:
    page = new_page(width=1366, height=900)
    login(page, server.tokens["admin"])
    expect(page.locator("#ga-role")).to_contain_text("管理员")
    expect(page.get_by_role("tab", name="窗口助手")).to_be_visible()
    expect(page.get_by_role("tab", name="内容运营")).to_be_visible()
    page.get_by_role("tab", name="内容运营").click()
    page.locator("#admin-tokens").get_by_text("令牌管理").click()
    page.locator("#token-create").click()
    token = page.locator("#token-new input, #token-new textarea").first
    expect(token).to_have_value(re.compile(r"^ga_"))
    who = server.api("GET", "/auth/me", token.input_value())
    assert who["role"] == "clerk"

    # Logging out hides the staff sections again.
    page.locator("#ga-login").get_by_text("工作人员登录").click()
    page.locator("#logout-btn").click()
    expect(page.locator("#ga-role")).to_contain_text("市民（匿名）")
    expect(page.get_by_role("tab", name="窗口助手")).to_have_count(0)
