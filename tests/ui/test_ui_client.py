"""The UI's HTTP client: paths, bearer tokens, pages, and Chinese error messages."""

from __future__ import annotations

import json

import httpx
import pytest

from ui.client import ApiClient, ApiError


def _client(handler) -> ApiClient:  # type: ignore[no-untyped-def]
    return ApiClient("http://api.test/", transport=httpx.MockTransport(handler))


def test_chat_sends_token_and_session() -> None:
    seen: dict[str, object] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(
            path=request.url.path, auth=request.headers.get("authorization"), body=json.loads(request.content)
        )
        return httpx.Response(200, json={"session_id": "s1", "reply": "好", "citations": [], "choices": []})

    out = _client(handler).chat("ga_t", "你好", "s0")
    assert out["reply"] == "好"
    assert seen == {
        "path": "/api/v1/chat",
        "auth": "Bearer ga_t",
        "body": {"message": "你好", "session_id": "s0"},
    }


def test_pages_are_unwrapped_and_empty_params_dropped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/applications"
        assert "status" not in request.url.params
        return httpx.Response(200, json={"items": [{"id": "GA1"}], "total": 1, "limit": 50, "offset": 0})

    assert _client(handler).applications("t", status="") == [{"id": "GA1"}]


def test_validation_errors_become_field_lines() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {
            "detail": "请求参数有误：name：长度不能少于 1 个字符",
            "errors": [{"field": "name", "message": "长度不能少于 1 个字符"}],
        }
        return httpx.Response(422, json=body)

    with pytest.raises(ApiError) as info:
        _client(handler).save_guide("t", "g1", {"id": "g1", "name": ""})
    assert info.value.status == 422
    assert info.value.error_lines() == ["name：长度不能少于 1 个字符"]
    assert "请求参数有误" in info.value.message


def test_http_errors_and_unreachable_server_have_chinese_messages() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"detail": "无权执行此操作"})

    with pytest.raises(ApiError, match="无权执行此操作"):
        _client(handler).unanswered("t")

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with pytest.raises(ApiError, match="无法连接服务") as info:
        _client(down).citizen_token()
    assert info.value.status == 0
