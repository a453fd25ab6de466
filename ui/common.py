"""Pieces shared by the citizen and clerk sections: chat history handling, streaming, choice buttons."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ui.client import ApiClient, ApiError

STATIC_DIR = Path(__file__).resolve().parent / "static"
AVATAR_PATH = STATIC_DIR / "avatar.svg"
CHOICE_SLOTS = 8  # buttons pre-rendered for Reply.choices; extra choices are still accepted as typed text
STREAM_STEPS = 30  # a reply is revealed in at most this many steps
STREAM_DELAY_S = 0.02


Message = dict[str, Any]


def user_message(text: str) -> Message:
    return {"role": "user", "content": text}


def bot_message(text: str) -> Message:
    return {"role": "assistant", "content": text}


def progressive(text: str, steps: int = STREAM_STEPS) -> Iterator[str]:
    """Prefixes of `text` that reveal it progressively (the API answers whole; the UI streams it)."""
    if not text:
        yield ""
        return
    size = max(4, -(-len(text) // steps))
    for end in range(size, len(text), size):
        yield text[:end]
        time.sleep(STREAM_DELAY_S)
    yield text


def choice_updates(choices: list[str] | None) -> list[Any]:
    """Updates for the pre-rendered choice buttons: one per choice, the rest hidden."""
    choices = [c for c in (choices or []) if c][:CHOICE_SLOTS]
    ups: list[Any] = []
    for i in range(CHOICE_SLOTS):
        if i < len(choices):
            variant = "primary" if choices[i] in ("确认提交", "确认", "是") else "secondary"
            ups.append(gr.update(value=choices[i], visible=True, variant=variant))
        else:
            ups.append(gr.update(visible=False))
    return ups


def hidden_choices() -> list[Any]:
    return [gr.update(visible=False) for _ in range(CHOICE_SLOTS)]


def choice_buttons(elem_id: str) -> list[gr.Button]:
    with gr.Row(elem_id=elem_id, elem_classes=["ga-choices"]):
        return [
            gr.Button("", visible=False, size="sm", min_width=80, elem_classes=["ga-choice"])
            for _ in range(CHOICE_SLOTS)
        ]


def chat_turn(
    client: ApiClient,
    token: str | None,
    message: str,
    session_id: str | None,
    renew_token: Any = None,
) -> tuple[dict[str, Any], str | None]:
    """One chat call; on 401 with a `renew_token()` callable, fetch a fresh token and retry once.

    Returns the response and the token actually used (it may have been renewed).
    """
    if not token and renew_token is not None:
        token = renew_token()
    try:
        return client.chat(token or "", message, session_id), token
    except ApiError as exc:
        if exc.status != 401 or renew_token is None:
            raise
        token = renew_token()
        return client.chat(token or "", message, None), token
