"""Text helpers for the dialogue layer: normalization, input checks, Chinese numerals, injection stripping.

Everything here is pure and I/O-free.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from assistant.nlu.normalize import parse_number, plain

# Characters that are never typed by a person: C0/C1 controls except tab/newline/CR, NUL, U+FFFD.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufeff]")
_SPACE_RE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), drop zero-width characters, collapse whitespace, strip."""
    return plain(text)


def cn_to_int(text: str) -> int | None:
    """A whole numeral in digits or words ("十二" -> 12, "3" -> 3); None otherwise."""
    value = parse_number(text)
    return int(value) if value is not None and value.is_integer() else None


def clean(text: str) -> str:
    """Display form of a message: control characters dropped, whitespace collapsed; punctuation kept as typed."""
    text = _CONTROL_RE.sub("", text or "").replace("\u200b", "")
    return _SPACE_RE.sub(" ", text).strip()


def compact(text: str) -> str:
    """Normalized text without any whitespace (for substring matching of Chinese)."""
    return normalize(text).replace(" ", "")


def control_ratio(text: str) -> float:
    """Share of characters that are control / replacement characters."""
    if not text:
        return 0.0
    return len(_CONTROL_RE.findall(text)) / len(text)


def looks_binary(text: str) -> bool:
    """True for binary or garbled input (NUL bytes, many control or replacement characters)."""
    if not text:
        return False
    if "\x00" in text:
        return True
    bad = len(_CONTROL_RE.findall(text))
    if bad >= 3 or control_ratio(text) > 0.1:
        return True
    # mostly private-use / unassigned code points
    odd = sum(1 for ch in text if unicodedata.category(ch) in {"Co", "Cn", "Cs"})
    return odd / len(text) > 0.3


_CN_NUM_WITH_UNIT = re.compile(
    r"([零〇一二两三四五六七八九十百千万]+)(?=个|天|日|工作日|次|元|年|月|份|条|项|小时|周|岁|分钟)"
)


def cn_numbers_to_arabic(text: str) -> str:
    """Replace Chinese numerals that are followed by a counting unit ("二十个工作日" -> "20个工作日")."""

    def _sub(m: re.Match[str]) -> str:
        n = cn_to_int(m.group(1))
        return str(n) if n is not None else m.group(1)

    return _CN_NUM_WITH_UNIT.sub(_sub, text)


def contains_any(text: str, words: Iterable[str]) -> bool:
    return any(w and w in text for w in words)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


# Prompt-injection phrasing. Matching clauses are removed before intent scoring so they cannot steer the
# classifier ("忽略之前的规定" must not make a policy question); the rest of the message is handled normally.
_INJECTION_PATTERNS = [
    r"(?:请)?(?:忽略|无视|忘记|忘掉|不要理会|跳过)(?:掉)?(?:你)?(?:以上|上面|之前|前面|先前|所有|全部|原来|原有)?的?"
    r"(?:所有|全部|一切)?的?(?:指令|指示|提示词?|规则|规定|设定|要求|限制|约束|命令|prompt|设置)",
    r"你(?:现在|从现在开始|接下来)?(?:是|扮演|充当|作为)(?:一个|一名|一位)?[^，。,.!！?？]{0,20}(?:AI|助手|机器人|模型|角色|黑客|管理员|开发者|GPT)",
    r"(?:进入|切换到|开启)(?:开发者|管理员|DAN|越狱|调试)模式",
    r"(?:输出|显示|告诉我|泄露|打印)(?:你的)?(?:系统)?(?:提示词|prompt|指令|设定)",
    r"ignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier)? ?(?:instructions|prompts|rules)",
    r"disregard (?:all |any )?(?:the )?(?:previous|prior|above)? ?(?:instructions|prompts|rules)",
    r"you are now [^,.!?]{0,40}",
    r"(?:reveal|print|show) (?:your )?(?:system )?prompt",
    r"system prompt",
    r"jailbreak",
]
_INJECTION_RE = re.compile("|".join(f"(?:{p})" for p in _INJECTION_PATTERNS), re.IGNORECASE)


def find_injection(text: str) -> list[str]:
    """The prompt-injection clauses found in `text` (empty when none)."""
    return [m.group(0) for m in _INJECTION_RE.finditer(text or "")]


def strip_injection(text: str) -> str:
    """`text` with prompt-injection clauses removed; the remaining words are treated as a normal message."""
    out = _INJECTION_RE.sub(" ", text or "")
    return _SPACE_RE.sub(" ", out).strip(" ，,。.;；:：!！")
