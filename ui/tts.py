"""Read-aloud for the 数字人: espeak-ng speaks Mandarin (`-v cmn`) into a WAV file.

Optional: when the binary is missing, `available()` is False and the UI hides the button instead of failing.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

VOICE = "cmn"
KEEP_S = 3600.0  # generated files older than this are removed
MAX_CHARS = 600  # long answers are cut: reading a whole guide aloud helps nobody
_MARKUP_RE = re.compile(r"[*_`#>|]|!\[[^\]]*\]\([^)]*\)|<[^>]+>")
_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_URL_RE = re.compile(r"https?://\S+")


def engine_path() -> str | None:
    return shutil.which("espeak-ng")


def available() -> bool:
    return engine_path() is not None


def speakable_text(text: str) -> str:
    """Strip Markdown, HTML, links and URLs so the engine reads only words."""
    text = _LINK_RE.sub(r"\1", text)
    text = _URL_RE.sub("", text)
    text = _MARKUP_RE.sub("", text)
    text = re.sub(r"\[\d+\]", "", text)  # citation markers
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_CHARS]


def _prune(folder: Path, max_age_s: float = KEEP_S) -> None:
    """Delete old WAVs (the UI has already served them; Gradio keeps its own copy)."""
    cutoff = time.time() - max_age_s
    for old in folder.glob("*.wav"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()


def synthesize(
    text: str, out_dir: Path | None = None, *, voice: str = VOICE, speed: int = 160
) -> Path | None:
    """Speak `text` into a new WAV file and return its path; None when there is nothing to say or no engine."""
    exe = engine_path()
    words = speakable_text(text)
    if exe is None or not words:
        return None
    folder = out_dir or Path(tempfile.gettempdir()) / "govassist-tts"
    folder.mkdir(parents=True, exist_ok=True)
    _prune(folder)
    target = folder / f"{uuid.uuid4().hex}.wav"
    # The text goes on stdin, never on the command line: no option injection, no length limit.
    subprocess.run(
        [exe, "-v", voice, "-s", str(speed), "-w", str(target), "--stdin"],
        input=words.encode("utf-8"),
        check=True,
        timeout=30,
        capture_output=True,
    )
    return target if target.exists() and target.stat().st_size > 44 else None
