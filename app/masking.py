"""Personal data masking for logs: 身份证号 → 4401**********1234, 手机号 → 138****8000.

`mask_pii` is pure; `PiiMaskingFilter` rewrites log records (message, args and exception text) before any
handler formats them. `install_log_masking` attaches the filter to the handlers that exist now (root and
uvicorn loggers); call it again after a logging reconfiguration (the API does so at startup).
"""

from __future__ import annotations

import logging
import re

# 18-digit ID (17 digits + check digit) and the old 15-digit form; not part of a longer digit run.
_ID18_RE = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID15_RE = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{7}(\d{4})(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally with +86 / 86 and separators (138 1234 5678, 138-1234-5678).
_PHONE_RE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")

_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "govassist")


def mask_pii(text: str) -> str:
    """Mask ID card numbers and mobile phone numbers in `text`; everything else is kept."""
    if not text:
        return text
    text = _ID18_RE.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)
    text = _ID15_RE.sub(lambda m: f"{m.group(1)}{'*' * 7}{m.group(2)}", text)
    return _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class PiiMaskingFilter(logging.Filter):
    """Render the record's message once, mask it, and drop the args so nothing unmasked is formatted later."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break logging
            message = f"{record.msg!r} {record.args!r}"
        record.msg = mask_pii(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_pii(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_pii(record.stack_info)
        return True


def install_log_masking(logger_names: tuple[str, ...] = _LOGGERS) -> PiiMaskingFilter:
    """Attach one masking filter to each named logger and to each of their handlers (idempotent)."""
    existing: PiiMaskingFilter | None = None
    for name in logger_names:
        logger = logging.getLogger(name)
        for target in (logger, *logger.handlers):
            found = next((f for f in target.filters if isinstance(f, PiiMaskingFilter)), None)
            if found is None:
                existing = existing or PiiMaskingFilter()
                target.addFilter(existing)
            else:
                existing = existing or found
    return existing or PiiMaskingFilter()
