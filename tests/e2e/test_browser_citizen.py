"""A citizen in a real browser: question → cited answer → apply → 情形 buttons → fields → confirm → receipt."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from e2e_support import APP_ID_RE, CONFIRM, ChatDriver, shoot
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_citizen_from_question_to_receipt(new_page: Any, server: Any, artifacts: Path) -> None:
    page = new_page(width=1280, height=900)
    chat = ChatDriver(page, "citizen")
    expect(page.locator("#ga-header")).to_contain_text("花都区政务数字人")
    expect(page.locator("#citizen-chat")).to_contain_text("我是花都区政务服务数字人")

    # 1. A question about a service: the answer is streamed in and cites the guide.
    reply = chat.send("办居住证要带什么材料？", enter=True)
    assert "居民身份证" in reply
    assert "来源：居住证申领" in reply
    citations = page.locator("#citation-list")
    expect(citations).to_contain_text("居住证申领 · 申请材料")
    # Clicking a citation shows its source text: the quote and the full guide field.
    citations.get_by_text("合法稳定住所证明", exact=False).first.click()
    source = page.locator("#citation-source")
    expect(source).to_contain_text("合法稳定住所证明")
    expect(source).to_contain_text("原文")
    expect(source).to_contain_text("引用编号：guide:sample-huadu-juzhuzheng-shenling#materials")
    shoot(page, artifacts, "citizen-01-answer-with-citation")

    # 2. Apply: the 情形 questions come as buttons; the side panel shows the form and materials.
    options = chat.choices()
    apply_label = next(c for c in options if "居住证" in c)
    chat.click_choice(apply_label)
    expect(page.locator("#citizen-form")).to_contain_text("居住证申领")
    expect(page.locator("#citizen-form")).to_contain_text("待填写")
    expect(page.locator("#citizen-choices")).to_contain_text("有合法稳定住所")
    chat.click_choice("有合法稳定住所")
    expect(page.locator("#citizen-materials")).to_contain_text("合法稳定住所证明")
    expect(page.locator("#citizen-materials")).to_contain_text("居民身份证")

    # 3. Remaining 情形 buttons and the fields, typed, until the read-back asks to confirm.
    readback = chat.fill_until_confirm()
    assert "请核对" in readback
    expect(page.locator("#citizen-form")).to_contain_text("申请人姓名：张三")
    expect(page.locator("#citizen-form")).to_contain_text("手机号：13800138000")
    expect(page.locator("#citizen-choices")).to_contain_text("修改")
    shoot(page, artifacts, "citizen-02-readback")

    # 4. Confirm: the receipt with the application number.
    done = chat.click_choice(CONFIRM)
    receipt = page.locator("#citizen-receipt")
    expect(receipt).to_be_visible()
    expect(receipt).to_contain_text("申请编号")
    match = APP_ID_RE.search(receipt.inner_text())
    assert match, receipt.inner_text()
    app_id = match.group(0)
    assert app_id in done
    server.journey["application_id"] = app_id
    expect(page.locator("#citizen-form")).to_contain_text("申请已提交")
    shoot(page, artifacts, "citizen-03-receipt")

    # 5. Status lookup by application number (prefilled from the receipt).
    page.locator("#citizen-lookup").get_by_text("办件查询").click()
    expect(page.locator("#lookup-id input, #lookup-id textarea").first).to_have_value(app_id)
    page.locator("#lookup-btn").click()
    result = page.locator("#lookup-result")
    expect(result).to_contain_text(app_id)
    expect(result).to_contain_text("已提交")
    expect(result).to_contain_text("居住证申领")

    # 6. Thumbs-down feedback with a comment.
    page.locator("#citizen-feedback").get_by_text("回答没帮助").click()
    page.locator("#feedback-comment textarea").fill("希望告诉我办理地点")
    page.locator("#feedback-send").click()
    expect(page.locator("#feedback-status")).to_contain_text("已收到您的反馈")

    # 7. Read-aloud: offered only where espeak-ng is installed (the server runs on this machine).
    speak = page.locator("#citizen-speak")
    if shutil.which("espeak-ng"):
        expect(speak).to_be_visible()
        speak.click()
        expect(page.locator("#citizen-audio")).to_be_visible()
        # The player got a real WAV (what espeak-ng wrote), served by the same server.
        link = page.locator("#citizen-audio a[download]").first
        expect(link).to_have_attribute("href", re.compile(r"\.wav$"))
        wav = page.request.get(link.get_attribute("href") or "")
        assert wav.ok and wav.body()[:4] == b"RIFF" and len(wav.body()) > 10_000
    else:
        expect(speak).to_be_hidden()
    shoot(page, artifacts, "citizen-04-desktop")


PHONE_WIDTH = 390


def _no_horizontal_scroll(page: Any, where: str) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{where}: page is {overflow}px wider than the phone screen"


def _fits(locator: Any, what: str) -> dict[str, float]:
    box = locator.bounding_box()
    assert box, f"{what} is not on the page"
    assert box["x"] >= -1 and box["x"] + box["width"] <= PHONE_WIDTH + 1, f"{what} sticks out: {box}"
    return box


def test_citizen_page_at_phone_width(new_page: Any, artifacts: Path) -> None:
    """The mini-program webview (~390px): no horizontal scrolling; the chat, the choice buttons, the form panel
    and the citation panel stack, fit the screen and can be used."""
    page = new_page(width=PHONE_WIDTH, height=844, mobile=True)
    chat = ChatDriver(page, "citizen")
    reply = chat.send("社保卡补换要多久？")
    assert "社会保障卡补换" in reply
    citations = page.locator("#citation-list")
    expect(citations).to_contain_text("社会保障卡补换")
    _no_horizontal_scroll(page, "after the answer")
    chat_box = _fits(page.locator("#citizen-chat"), "the chat")
    form_box = _fits(page.locator("#citizen-form"), "the form panel")
    assert form_box["y"] > chat_box["y"] + chat_box["height"] - 1, "side panel should stack below the chat"
    expect(page.locator("#citizen-send")).to_be_visible()
    _fits(page.locator("#citizen-send"), "the send button")
    # The chat's corner buttons do not cover the messages (they scroll under a strip of their own).
    corner = page.locator("#citizen-chat .top-panel").first.bounding_box()
    messages = page.locator("#citizen-chat .bubble-wrap").first.bounding_box()
    assert corner and messages and corner["y"] + corner["height"] <= messages["y"] + 1, (corner, messages)

    # The citation panel: tapping a citation shows its source text, within the screen.
    first = citations.locator("label").first
    _fits(first, "a citation")
    first.click()
    source = page.locator("#citation-source")
    expect(source).to_contain_text("引用编号：guide:")
    _fits(source, "the citation source")
    _no_horizontal_scroll(page, "with a citation open")
    shoot(page, artifacts, "citizen-05-phone-390")

    # The choice buttons: each one is on screen and tappable; tapping one starts the application.
    buttons = chat.choice_buttons()
    expect(buttons.first).to_be_visible()
    for i in range(buttons.count()):
        box = _fits(buttons.nth(i), f"choice button {buttons.nth(i).inner_text()!r}")
        assert box["height"] >= 32, f"choice button too small to tap: {box}"
    apply_label = next(c for c in chat.choices() if "社会保障卡" in c)
    chat.click_choice(apply_label)
    expect(page.locator("#citizen-form")).to_contain_text("社会保障卡补换")
    expect(page.locator("#citizen-form")).to_contain_text("待填写")
    _fits(page.locator("#citizen-form"), "the form panel")
    for i in range(chat.choice_buttons().count()):
        _fits(chat.choice_buttons().nth(i), "a 情形 choice button")
    _no_horizontal_scroll(page, "with the form panel filled")
    shoot(page, artifacts, "citizen-06-phone-390-form")
