"""Helpers for the browser tests: drive a chat section of the page like a person would."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

TURN_TIMEOUT_MS = 90_000
AVOID_CHOICES = {"修改", "取消", "不办了", "重新填写"}
CONFIRM = "确认提交"
APP_ID_RE = re.compile(r"GA\d{8}-\d{4,}")


def id_number(base17: str = "44011419900307123") -> str:
    """A resident ID number with a valid check digit (GB 11643)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return base17 + "10X98765432"[sum(int(d) * w for d, w in zip(base17, weights, strict=True)) % 11]


# What a test citizen answers when asked for a field, by words in the field's label (first match wins).
ANSWERS: list[tuple[tuple[str, ...], str]] = [
    (("身份证",), id_number()),
    (("手机", "电话"), "13800138000"),
    (("地址", "住址", "住所"), "广州市花都区新华街道公益路1号"),
    (("日期", "时间"), "2023-01-01"),
    (("金额", "租金"), "1500"),
    (("姓名", "名字"), "张三"),
]
ASK_RE = re.compile(r"请(?:重新)?(?:提供|填写|输入|告诉我)([^。，,（(？?\n]+)")


def answer_for(prompt: str) -> str | None:
    """The answer to the last "请提供X" in `prompt`, or None when no field is asked."""
    asks = ASK_RE.findall(prompt)
    if not asks:
        return None
    label = asks[-1]
    for words, value in ANSWERS:
        if any(w in label for w in words):
            return value
    return "无"


@dataclass
class ChatDriver:
    """One chat section (citizen or clerk), addressed through its elem_ids."""

    page: Page
    prefix: str  # "citizen" | "clerk"
    transcript: list[str] = field(default_factory=list)

    @property
    def chat(self) -> Locator:
        return self.page.locator(f"#{self.prefix}-chat")

    @property
    def bot_rows(self) -> Locator:
        return self.chat.locator(".message-row.bot-row")

    @property
    def typing(self) -> Locator:
        return self.page.locator(f"#{self.prefix}-typing")

    def choice_buttons(self) -> Locator:
        return self.page.locator(f"#{self.prefix}-choices button:visible")

    def choices(self) -> list[str]:
        return [t.strip() for t in self.choice_buttons().all_inner_texts() if t.strip()]

    def last_reply(self) -> str:
        return self.bot_rows.last.inner_text()

    def _turn(self, act: object) -> str:
        before = self.bot_rows.count()
        act()  # type: ignore[operator]
        expect(self.bot_rows).to_have_count(before + 1, timeout=TURN_TIMEOUT_MS)
        expect(self.typing).to_be_hidden(timeout=TURN_TIMEOUT_MS)
        reply = self.last_reply()
        self.transcript.append(f"助手：{reply}")
        return reply

    def send(self, text: str, *, enter: bool = False) -> str:
        """Type a message, press Enter or click 发送, wait for the whole (streamed) reply; return it."""
        self.transcript.append(f"用户：{text}")
        box = self.page.locator(f"#{self.prefix}-input textarea")

        def act() -> None:
            box.fill(text)
            if enter:
                box.press("Enter")
            else:
                self.page.locator(f"#{self.prefix}-send").click()

        return self._turn(act)

    def click_choice(self, label: str) -> str:
        self.transcript.append(f"用户（按钮）：{label}")
        button = self.page.locator(f"#{self.prefix}-choices").get_by_role("button", name=label, exact=True)
        return self._turn(button.click)

    def fill_until_confirm(self, max_turns: int = 20) -> str:
        """Answer 情形 questions by clicking a choice and fields by typing, until 确认提交 is offered."""
        reply = self.last_reply()
        for _ in range(max_turns):
            options = self.choices()
            if CONFIRM in options:
                return reply
            usable = [c for c in options if c not in AVOID_CHOICES]
            if usable:
                reply = self.click_choice(usable[0])
                continue
            value = answer_for(reply)
            if value is None:
                raise AssertionError(
                    "对话停在了既没有选项也没有提问的地方：\n" + "\n".join(self.transcript[-6:])
                )
            reply = self.send(value)
        raise AssertionError("对话轮数过多，未到确认提交：\n" + "\n".join(self.transcript[-10:]))


def table_rows(table: Locator) -> list[list[str]]:
    """The cells of a Gradio Dataframe as text, row by row (cells carry data-testid="cell-<row>-<col>")."""
    cells: list[list[object]] = table.evaluate(
        """e => [...e.querySelectorAll('[data-testid^="cell-"]')]
            .map(c => [c.getAttribute('data-testid'), c.innerText.trim()])"""
    )
    rows: dict[int, dict[int, str]] = {}
    for testid, text in cells:
        _, r, c = str(testid).split("-")
        rows.setdefault(int(r), {})[int(c)] = str(text)
    return [[row[c] for c in sorted(row)] for _, row in sorted(rows.items())]


def cell(table: Locator, row: int, col: int) -> Locator:
    return table.locator(f'[data-testid="cell-{row}-{col}"]')


def shoot(page: Page, artifacts: Path, name: str) -> Path:
    """A full-page screenshot into the artifacts folder."""
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Page, token: str) -> None:
    """Log in with a token through the header's login box."""
    page.locator("#ga-login").get_by_text("工作人员登录").click()
    page.locator("#login-token input, #login-token textarea").first.fill(token)
    page.locator("#login-btn").click()
