"""Error responses: one JSON shape {"detail": str, "errors": [{"field", "message"}]} with Chinese messages,
and a request body size limit (413)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import repository as repo
from app.masking import get_logger
from knowledge.store import NotFound as StoreNotFound

log = get_logger("govassist.api")

CUSTOM = "govassist"  # error type whose `msg` is already the Chinese message

_MESSAGES: dict[str, str] = {
    "missing": "此项为必填项",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "string_type": "必须是字符串",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "float_parsing": "必须是数字",
    "float_type": "必须是数字",
    "bool_parsing": "必须是布尔值（true/false）",
    "bool_type": "必须是布尔值（true/false）",
    "literal_error": "取值必须是以下之一：{expected}",
    "enum": "取值必须是以下之一：{expected}",
    "json_invalid": "请求体不是合法的 JSON",
    "json_type": "请求体不是合法的 JSON",
    "dict_type": "必须是对象",
    "model_type": "必须是对象",
    "model_attributes_type": "必须是对象",
    "list_type": "必须是数组",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多允许 {max_length} 项",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "必须大于 {gt}",
    "less_than": "必须小于 {lt}",
    "extra_forbidden": "不允许的字段",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "uuid_parsing": "格式不正确",
    "value_error": "取值无效：{error}",
    "assertion_error": "取值无效",
}
_LOCATIONS = {"body", "query", "path", "header", "cookie"}


def field_error(loc: Sequence[str | int], message: str) -> RequestValidationError:
    """A validation error raised by route code, rendered like pydantic's (422, field-level)."""
    return RequestValidationError([{"type": CUSTOM, "loc": tuple(loc), "msg": message, "input": None}])


def _message(err: dict[str, Any]) -> str:
    if err.get("type") == CUSTOM:
        return str(err.get("msg", ""))
    template = _MESSAGES.get(str(err.get("type")))
    if template is None:
        return "取值无效"
    ctx = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split("：")[0].split("{")[0].strip() or "取值无效"


def _field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or "body"


def validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    return [
        {
            "field": "body" if e.get("type") == "json_invalid" else _field(e.get("loc", ())),
            "message": _message(e),
        }
        for e in exc.errors()
    ]


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


async def _on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = validation_errors(exc)
    detail = "请求参数有误：" + "；".join(f"{e['field']}：{e['message']}" for e in errors)
    return JSONResponse(error_body(detail, errors), status_code=422)


_DEFAULT_DETAIL = {
    400: "请求体无法解析，请检查格式（应为 UTF-8 编码的 JSON）",
    401: "未登录或令牌无效",
    403: "无权执行此操作",
    404: "未找到",
    405: "不支持的请求方法",
    409: "状态冲突",
    413: "请求体过大",
    415: "不支持的内容类型",
    503: "服务暂不可用",
}


async def _on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail
    if not isinstance(detail, str) or detail in {
        "Not Found",
        "Method Not Allowed",
        "Unauthorized",
        "Forbidden",
        "There was an error parsing the body",  # FastAPI's 400 for a body its JSON parser cannot decode
    }:
        detail = _DEFAULT_DETAIL.get(exc.status_code, str(detail))
    return JSONResponse(
        error_body(detail), status_code=exc.status_code, headers=getattr(exc, "headers", None)
    )


async def _on_not_found(request: Request, exc: Exception) -> JSONResponse:
    message = str(exc) if isinstance(exc, StoreNotFound) else "未找到"
    return JSONResponse(error_body(message or "未找到"), status_code=404)


async def _on_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body("服务器内部错误，请稍后重试"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http)  # type: ignore[arg-type]
    app.add_exception_handler(StoreNotFound, _on_not_found)
    app.add_exception_handler(repo.NotFound, _on_not_found)
    app.add_exception_handler(Exception, _on_error)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"请求体过大，不能超过 {limit // 1024} KB")


class BodySizeLimitMiddleware:
    """Reject request bodies over `max_bytes`: by Content-Length up front, or while streaming (chunked)."""

    def __init__(self, app: ASGIApp, max_bytes: int, path_prefix: str = "/") -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_prefix = path_prefix  # only these paths (a UI mounted on the same app has its own uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.path_prefix):
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                await self._reject(send, 400, "Content-Length 无效")
                return
            if int(length) > self.max_bytes:
                await self._reject(send, 413, BodyTooLarge(self.max_bytes).detail)
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)  # an HTTPException: FastAPI renders it as 413
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await self._reject(send, 413, str(exc.detail))

    @staticmethod
    async def _reject(send: Send, status: int, detail: str) -> None:
        body = json.dumps(error_body(detail), ensure_ascii=False).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
