"""Messages turned away before any understanding: not text, binary garbage, too long, empty (pure)."""

from __future__ import annotations

from typing import Any

from assistant.nlu.text import looks_binary, normalize
from assistant.state import Reply


def check_input(text: Any, max_chars: int) -> tuple[Reply, str] | None:
    """A reply and the reason for a message that cannot be handled, or None."""
    if not isinstance(text, str):
        return Reply(text="抱歉，无法识别这条消息的内容，请用文字描述您要咨询或办理的事项。"), "not_text"
    if looks_binary(text):
        return (
            Reply(
                text="抱歉，这条消息包含无法识别的字符（可能是文件或乱码），请用文字描述您要咨询或办理的事项。"
            ),
            "binary",
        )
    if len(text) > max_chars:
        return (
            Reply(
                text=f"您的消息过长（{len(text)}字，上限{max_chars}字），请精简后分几次发送，"
                "例如先说明要办理的事项名称。"
            ),
            "too_long",
        )
    if not normalize(text):
        return Reply(text="您好像还没有输入内容。请问您想咨询或办理什么事项？"), "empty"
    return None
