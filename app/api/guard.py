"""Input guards in front of every /api/v1 route: a NUL byte or a lone surrogate in the path, query string,
a header or anywhere in a JSON body (keys too) is refused with 422 before a route or the database sees it
(PostgreSQL cannot store NUL; a lone surrogate cannot be encoded as UTF-8). JSON bodies must be strict:
valid UTF-8, no NaN/Infinity (not JSON, and PostgreSQL's json type rejects them), bounded nesting.

The `api_fallback` route answers paths under /api/v1 that no API route matched: 405 (with `Allow`) when the path
exists with other methods, else 404, so they never fall through to the UI mounted at "/".
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import error_body

_BAD_CHARS_RE = re.compile("[\x00\ud800-\udfff]")
MAX_JSON_DEPTH = 32
_JSON_TYPES = (b"application/json", b"+json")


class InputRejected(Exception):
    """A refused input: `field` as in validation errors, `message` user-facing Chinese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _bad(text: str) -> bool:
    return _BAD_CHARS_RE.search(text) is not None


_BAD_TEXT = "含有不允许的字符（空字符或无效的 Unicode 字符）"


def check_value(value: Any) -> None:
    """Walk a decoded JSON document iteratively; raise InputRejected at the first bad string or deep nesting.
    The error's field is the dotted path in the body ("fields.applicant_name"), as for validation errors."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        where = path or "body"
        if depth > MAX_JSON_DEPTH:
            raise InputRejected(where, f"嵌套层级过深（最多 {MAX_JSON_DEPTH} 层）")
        if isinstance(node, str):
            if _bad(node):
                raise InputRejected(where, _BAD_TEXT)
        elif isinstance(node, dict):
            for key, item in node.items():
                if _bad(key):
                    raise InputRejected(where, f"字段名{_BAD_TEXT}")
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(node, list):
            stack.extend((item, f"{path}.{i}" if path else str(i), depth + 1) for i, item in enumerate(node))


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    """Strict JSON: UTF-8 only, no NaN/Infinity; InputRejected with a Chinese message otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputRejected("body", "请求体不是合法的 UTF-8 编码") from None
    try:
        return json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise InputRejected("body", f"嵌套层级过深（最多 {MAX_JSON_DEPTH} 层）") from None
    except ValueError:  # JSONDecodeError, NaN/Infinity, integers past Python's digit limit
        raise InputRejected("body", "请求体不是合法的 JSON") from None


def _check_request_line(scope: Scope) -> None:
    if _bad(str(scope.get("path", ""))):
        raise InputRejected("path", f"路径{_BAD_TEXT}")
    query = (scope.get("query_string") or b"").decode("latin-1")
    for key, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
        if _bad(key) or _bad(value):
            raise InputRejected(key if not _bad(key) else "query", _BAD_TEXT)
    for name, value in scope.get("headers") or []:
        if b"\x00" in value:
            raise InputRejected(name.decode("latin-1"), _BAD_TEXT)


class InputGuardMiddleware:
    """Checks the request line and headers, and buffers and checks a JSON body, for paths under `path_prefix`."""

    def __init__(self, app: ASGIApp, path_prefix: str) -> None:
        self.app = app
        self.path_prefix = path_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.path_prefix):
            await self.app(scope, receive, send)
            return
        try:
            _check_request_line(scope)
        except InputRejected as exc:
            await _reject(send, exc)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if scope.get("method") in ("GET", "HEAD", "DELETE", "OPTIONS") or (
            content_type and not content_type.endswith(_JSON_TYPES)
        ):
            await self.app(scope, receive, send)
            return
        body, messages = b"", []
        while True:  # the body size limit runs before this middleware, so buffering is bounded
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if body.strip():
            try:
                check_value(parse_json(body))
            except InputRejected as exc:
                await _reject(send, exc)
                return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _reject(send: Send, exc: InputRejected) -> None:
    detail = f"请求参数有误：{exc.field}：{exc.message}"
    payload = json.dumps(
        error_body(detail, [{"field": exc.field, "message": exc.message}]), ensure_ascii=False
    )
    data = payload.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": data})


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _is_api(route: BaseRoute) -> bool:
    """An API route (not this fallback, not a mounted app such as the UI at "/", which matches any path)."""
    return not isinstance(route, Mount) and getattr(route, "endpoint", None) is not api_fallback


async def api_fallback(request: Request) -> JSONResponse:
    """405 with `Allow` when this path exists under the API with other methods, else 404."""
    routes = [r for r in request.app.router.routes if _is_api(r)]
    allowed = [
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] is Match.FULL for r in routes)
    ]
    if allowed:
        return JSONResponse(
            error_body("不支持的请求方法"), status_code=405, headers={"Allow": ", ".join(allowed)}
        )
    return JSONResponse(error_body("未找到"), status_code=404)
