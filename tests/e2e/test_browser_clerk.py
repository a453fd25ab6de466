"""A 窗口 clerk in a real browser: log in with a token, work the queue (受理 then 办结 the citizen's application,
不予受理 another with a reason, the API's refusals shown on the page), and use
the copilot to take a walk-in citizen's application (matched service, 情形, 预审 ticks, prefilled form, submit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e_support import APP_ID_RE, CONFIRM, ChatDriver, answer_for, login, shoot, table_rows
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _application_via_api(server: Any) -> str:
    """An application submitted over the chat API (when the citizen browser test did not run first)."""
    token = server.api("POST", "/auth/citizen")["token"]
    session_id = None
    message = "我想办理居住证"
    for _ in range(25):
        body = {"message": message, **({"session_id": session_id} if session_id else {})}
        out = server.api("POST", "/chat", token, json=body)
        session_id = out["session_id"]
        if out.get("application_id"):
            return str(out["application_id"])
        choices = [c for c in out.get("choices") or [] if c != "修改"]
        message = (
            CONFIRM if CONFIRM in choices else choices[0] if choices else answer_for(out["reply"]) or "无"
        )
    raise AssertionError("could not submit an application over the API")


def test_clerk_accepts_the_application(new_page: Any, server: Any, artifacts: Path) -> None:
    app_id = server.journey.get("application_id") or _application_via_api(server)
    page = new_page(width=1366, height=900)

    # Staff tabs stay hidden until a staff token logs in.
    expect(page.get_by_role("tab", name="窗口助手")).to_have_count(0)
    login(page, server.tokens["clerk"])
    expect(page.locator("#ga-role")).to_contain_text("窗口工作人员")
    expect(page.get_by_role("tab", name="窗口助手")).to_be_visible()
    expect(page.get_by_role("tab", name="内容运营")).to_have_count(0)

    # The queue loads on login; clicking the application's row opens it.
    queue = page.locator("#clerk-queue")
    expect(queue).to_contain_text(app_id)
    queue.get_by_text(app_id, exact=True).last.click()
    expect(page.locator("#clerk-app-id input, #clerk-app-id textarea").first).to_have_value(app_id)
    detail = page.locator("#clerk-app-detail")
    expect(detail).to_contain_text(f"办件 {app_id}")
    expect(detail).to_contain_text("已提交")
    expect(detail).to_contain_text("申请人姓名：张三")

    # 需补正 without a reason: the API refuses, and its Chinese error is shown on the page; nothing changes.
    page.locator("#act-fix").click()
    result = page.locator("#clerk-action-result")
    expect(result).to_contain_text("操作失败")
    expect(result).to_contain_text("“需补正”时必须填写原因")
    expect(detail).to_contain_text("当前状态： ○ 已提交")
    shoot(page, artifacts, "clerk-00-fix-needs-reason")

    # 受理: the status changes on the page (detail, history and queue).
    page.locator("#act-accept").click()
    expect(page.locator("#clerk-action-result")).to_contain_text(f"办件 {app_id} 已改为「已受理」")
    expect(detail).to_contain_text("当前状态： ✔ 已受理")
    expect(detail).to_contain_text("已提交 → 已受理")
    rows = {r[0]: r for r in table_rows(queue)}
    assert rows[app_id][2] == "已受理", rows[app_id]
    shoot(page, artifacts, "clerk-01-accepted")

    # The status filter narrows the queue.
    page.locator("#queue-filter input").click()
    page.get_by_role("option", name="已受理").click()
    expect(page.locator("#queue-status")).to_contain_text("共")
    expect(queue).to_contain_text(app_id)

    # The API agrees (the citizen would see the same status).
    assert server.api("GET", f"/applications/{app_id}", server.tokens["clerk"])["status"] == "已受理"

    # 办结 the accepted application: the detail shows the new status and the event; it leaves the 已受理 filter.
    page.locator("#act-done").click()
    expect(page.locator("#clerk-action-result")).to_contain_text(f"办件 {app_id} 已改为「办结」")
    expect(detail).to_contain_text("当前状态： ★ 办结")
    expect(detail).to_contain_text("已受理 → 办结")
    expect(queue).not_to_contain_text(app_id)
    shoot(page, artifacts, "clerk-01b-completed")
    assert server.api("GET", f"/applications/{app_id}", server.tokens["clerk"])["status"] == "办结"


def test_clerk_rejects_an_application_with_a_reason(new_page: Any, server: Any, artifacts: Path) -> None:
    app_id = _application_via_api(server)
    reason_text = "申请人不属于本辖区，请到户籍所在地办理"
    page = new_page(width=1366, height=900)
    login(page, server.tokens["clerk"])
    queue = page.locator("#clerk-queue")
    expect(queue).to_contain_text(app_id)
    queue.get_by_text(app_id, exact=True).last.click()
    detail = page.locator("#clerk-app-detail")
    expect(detail).to_contain_text(f"办件 {app_id}")

    # 不予受理 with a reason: the new status, the event with the reason, the queue row; the reason box empties.
    reason = page.locator("#clerk-reason textarea")
    reason.fill(reason_text)
    page.locator("#act-reject").click()
    expect(page.locator("#clerk-action-result")).to_contain_text(f"办件 {app_id} 已改为「不予受理」")
    expect(detail).to_contain_text("当前状态： ✘ 不予受理")
    expect(detail).to_contain_text(f"已提交 → 不予受理（{reason_text}）")
    expect(reason).to_have_value("")
    rows = {r[0]: r for r in table_rows(queue)}
    assert rows[app_id][2] == "不予受理", rows[app_id]
    shoot(page, artifacts, "clerk-04-rejected")

    # A rejected application is final: 办结 is refused with the API's message.
    page.locator("#act-done").click()
    expect(page.locator("#clerk-action-result")).to_contain_text("不能变更为“办结”")
    expect(detail).to_contain_text("当前状态： ✘ 不予受理")

    events = server.api("GET", f"/applications/{app_id}/events", server.tokens["clerk"])
    assert events[-1]["to_status"] == "不予受理" and events[-1]["reason"] == reason_text, events


def test_clerk_copilot_takes_an_application(new_page: Any, server: Any, artifacts: Path) -> None:
    page = new_page(width=1366, height=900)
    login(page, server.tokens["clerk"])
    expect(page.get_by_role("tab", name="窗口助手")).to_be_visible()
    copilot = ChatDriver(page, "clerk")

    # What the citizen says at the counter (a wish: "想补办一张") → the matched service's form starts at once,
    # with the reason already taken from the sentence, and asks the next situation question.
    copilot.send("市民说：我的社保卡丢了，想补办一张")
    expect(page.locator("#clerk-service")).to_contain_text("社会保障卡补换")
    expect(page.locator("#clerk-choices")).to_contain_text("到网点领取")
    copilot.click_choice("到网点领取")

    # 预审: the materials checklist; ticking a received original marks it provided in the dialogue.
    materials = page.locator("#clerk-materials")
    expect(materials).to_contain_text("居民身份证")
    expect(page.locator("#clerk-preaudit")).to_contain_text("还缺")
    materials.get_by_label("居民身份证", exact=True).check()
    expect(page.locator("#clerk-chat")).to_contain_text("已标记为已备：居民身份证")
    expect(page.locator("#clerk-typing")).to_be_hidden()
    expect(materials.get_by_label("居民身份证", exact=True)).to_be_checked()

    # The rest of the 情形 and the form, then the read-back; the form panel shows the prefilled values.
    copilot.fill_until_confirm()
    expect(page.locator("#clerk-form")).to_contain_text("持卡人姓名：张三")
    shoot(page, artifacts, "clerk-02-copilot-readback")

    page.locator("#clerk-submit").click()
    result = page.locator("#clerk-submit-result")
    expect(result).to_contain_text("申请编号")
    match = APP_ID_RE.search(result.inner_text())
    assert match, result.inner_text()
    page.locator("#queue-refresh").click()
    expect(page.locator("#clerk-queue")).to_contain_text(match.group(0))
    shoot(page, artifacts, "clerk-03-copilot-submitted")
