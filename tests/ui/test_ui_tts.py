"""Read-aloud: markup is stripped; a WAV is written when espeak-ng exists, nothing when it does not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ui import tts


def test_speakable_text_strips_markup_links_and_markers() -> None:
    text = "**您好**，请看 [指南](https://x.cn/a) [1] https://y.cn <sub>来源</sub>"
    assert tts.speakable_text(text) == "您好，请看 指南 来源"


def test_no_engine_means_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tts.shutil, "which", lambda name: None)
    assert not tts.available()
    assert tts.synthesize("您好", tmp_path) is None


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_espeak_writes_a_wav(tmp_path: Path) -> None:
    path = tts.synthesize("您好，我是花都区政务数字人。", tmp_path)
    assert path is not None and path.read_bytes()[:4] == b"RIFF"
