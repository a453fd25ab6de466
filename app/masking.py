"""Personal data masking for logs and staff views: 身份证号 → 4401**********1234, 手机号 → 138****8000,
bank card numbers → 6222***********1234.

`mask_pii` is pure and also sees through percent-encoding (access logs carry raw query strings: in
`?q=%B7440103...` the number follows the hex digit "7"). `mask_deep` masks every string in a JSON-like document. `PiiMaskingFilter` rewrites log records (message, args and exception text) before any
handler formats them. Modules log through `get_logger(name)`, whose logger carries the filter itself, so their
records are masked whatever handlers exist. `install_log_masking` also attaches the filter to the handlers of
the root and uvicorn loggers that exist now (access logs carry query strings); the API calls it again at
startup, after the server has configured logging.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

# A number starts after a non-alphanumeric character or right after a percent-escape ("%20", "%B7").
_START = r"(?:(?<![0-9A-Za-z])|(?<=%[0-9A-Fa-f]{2}))"
_START_DIGIT = r"(?:(?<!\d)|(?<=%[0-9A-Fa-f]{2}))"
# 18-digit ID (17 digits + check digit) and the old 15-digit form; not part of a longer digit run.
_ID18_RE = re.compile(_START + r"(\d{4})\d{10}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID15_RE = re.compile(_START + r"(\d{4})\d{7}(\d{4})(?![0-9A-Za-z])")
# Bank card numbers: a run of exactly 16-19 digits (IDs are masked first).
_CARD_RE = re.compile(_START_DIGIT + r"(\d{4})(\d{8,11})(\d{4})(?!\d)")
# Mainland mobile numbers, optionally with +86 / 86 and separators (138 1234 5678, 138-1234-5678).
_PHONE_RE = re.compile(_START_DIGIT + r"((?:\+?86[- ]?)?1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")

_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "govassist")


def _mask_plain(text: str) -> str:
    text = _ID18_RE.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)
    text = _ID15_RE.sub(lambda m: f"{m.group(1)}{'*' * 7}{m.group(2)}", text)
    text = _CARD_RE.sub(lambda m: f"{m.group(1)}{'*' * len(m.group(2))}{m.group(3)}", text)
    return _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def mask_pii(text: str) -> str:
    """Mask ID card, mobile phone and bank card numbers in `text`; everything else is kept.

    Percent-encoded text whose decoded form still shows a number (e.g. "138%2D0013%2D8000") is returned
    decoded and masked."""
    if not text:
        return text
    masked = _mask_plain(text)
    if "%" in masked:
        decoded = unquote(masked, errors="replace")
        if decoded != masked and _mask_plain(decoded) != decoded:
            return _mask_plain(decoded)
    return masked


def mask_deep(value: Any) -> Any:
    """`value` with every string (keys too) masked: dicts, lists and tuples are copied."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, Mapping):
        return {mask_deep(k): mask_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_deep(v) for v in value]
    return value


def _mask_value(value: Any) -> Any:
    return mask_pii(value) if isinstance(value, str) else value


def _mask_args(args: Any) -> Any:
    if isinstance(args, tuple):
        return tuple(_mask_value(a) for a in args)
    if isinstance(args, Mapping):
        return {k: _mask_value(v) for k, v in args.items()}
    return args


def _clean(record: logging.LogRecord) -> bool:
    try:
        message = record.getMessage()
    except Exception:
        return False
    return mask_pii(message) == message


class PiiMaskingFilter(logging.Filter):
    """Mask personal data in a record before any handler formats it.

    Records without personal data are left untouched. Otherwise the message template and string args are masked
    in place, which keeps the args' shape for formatters that read them (uvicorn's access log); if the rendered
    message still shows personal data (numbers passed as ints, a broken format string), it is rendered, masked
    and the args dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not _clean(record):
            try:
                original = record.getMessage()
            except Exception:  # a bad format string must not break logging
                original = f"{record.msg!r} {record.args!r}"
            if isinstance(record.msg, str):
                record.msg = mask_pii(record.msg)
            record.args = _mask_args(record.args)
            if not isinstance(record.msg, str) or not _clean(record):
                record.msg, record.args = mask_pii(original), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_pii(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_pii(record.stack_info)
        return True


def get_logger(name: str) -> logging.Logger:
    """A logger whose own records are always masked, whatever handlers the process configures."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, PiiMaskingFilter) for f in logger.filters):
        logger.addFilter(PiiMaskingFilter())
    return logger


def install_log_masking(logger_names: tuple[str, ...] = _LOGGERS) -> PiiMaskingFilter:
    """Attach one masking filter to each named logger and to each of their handlers (idempotent)."""
    existing: PiiMaskingFilter | None = None
    targets: list[logging.Filterer] = []
    for name in logger_names:
        logger = logging.getLogger(name)
        targets += [logger, *logger.handlers]
    if logging.lastResort is not None:  # used when no handler is configured at all
        targets.append(logging.lastResort)
    for target in targets:
        found = next((f for f in target.filters if isinstance(f, PiiMaskingFilter)), None)
        if found is None:
            existing = existing or PiiMaskingFilter()
            target.addFilter(existing)
        else:
            existing = existing or found
    return existing or PiiMaskingFilter()
