"""Personal data never reaches log output unmasked."""

from __future__ import annotations

import io
import logging

import pytest

from app.masking import PiiMaskingFilter, install_log_masking, mask_pii


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("身份证号440103199001011234", "身份证号4401**********1234"),
        ("id=44010319900101123X.", "id=4401**********123X."),
        ("旧证 440103900101123 号", "旧证 4401*******1123 号"),
        ("电话13800138000", "电话138****8000"),
        ("手机：138-0013-8000", "手机：138****8000"),
        ("+8613800138000", "+86138****8000"),
        ("两个：13800138000、13912345678", "两个：138****8000、139****5678"),
        # percent-encoded query strings in access logs (issue 10): the number follows a hex digit
        (
            "GET /api/v1/guides?q=%B7440103199001011236 HTTP/1.1",
            "GET /api/v1/guides?q=%B74401**********1236 HTTP/1.1",
        ),
        ("?q=%E5%8F%B7%2013800138000&x=1", "?q=%E5%8F%B7%20138****8000&x=1"),
        (
            "?q=%E8%BA%AB%E4%BB%BD%E8%AF%81440103199001011236",
            "?q=%E8%BA%AB%E4%BB%BD%E8%AF%814401**********1236",
        ),
        # separators encoded too: shown decoded, masked
        ("?tel=138%2D0013%2D8000", "?tel=138****8000"),
        ("银行卡6222021234567890123", "银行卡6222***********0123"),
    ],
)
def test_mask_pii(raw: str, masked: str) -> None:
    assert mask_pii(raw) == masked


@pytest.mark.parametrize(
    "text",
    [
        "受理编号 GA20261121-048213",
        "金额 12345 元",
        "020-12345678",
        "1234567890123456789012",
        "",
        "无个人信息",
    ],
)
def test_mask_pii_keeps_other_text(text: str) -> None:
    assert mask_pii(text) == text


def _capture() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(PiiMaskingFilter())
    logger = logging.getLogger("govassist.test.masking")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_filter_masks_message_args_and_exceptions() -> None:
    logger, stream = _capture()
    logger.info("申请人 %s 电话 %s", "440103199001011234", "13800138000")
    logger.info({"id_number": "440103199001011234"})
    try:
        raise ValueError("bad id 440103199001011234")
    except ValueError:
        logger.exception("failed for 13800138000")
    out = stream.getvalue()
    assert "440103199001011234" not in out and "13800138000" not in out
    assert "4401**********1234" in out and "138****8000" in out
    assert "ValueError: bad id 4401**********1234" in out


def test_filter_survives_bad_format_args() -> None:
    logger, stream = _capture()
    logger.info("%d items for 13800138000", "not-a-number")
    assert "138****8000" in stream.getvalue()


def test_install_is_idempotent() -> None:
    name = "govassist.test.install"
    logger = logging.getLogger(name)
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    try:
        install_log_masking((name,))
        install_log_masking((name,))
        assert sum(isinstance(f, PiiMaskingFilter) for f in handler.filters) == 1
        assert sum(isinstance(f, PiiMaskingFilter) for f in logger.filters) == 1
    finally:
        logger.removeHandler(handler)


def test_access_log_lines_with_percent_encoded_queries_are_masked() -> None:
    """Issue 10: uvicorn's access log renders the raw query; "%B7" / "%20" end in a hex digit."""
    logger, stream = _capture()
    for path in ("/api/v1/guides?q=%E8%AF%81%B7440103199001011236", "/api/v1/search?q=%2013800138000&top_k=5"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", path, "1.1", 200)
    out = stream.getvalue()
    assert "440103199001011236" not in out and "13800138000" not in out
    assert "%B74401**********1236" in out and "%20138****8000" in out
