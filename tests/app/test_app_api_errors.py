"""Error shapes, the body size limit, unhandled errors and the OpenAPI document."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

import pytest
from app_support import ID_NUMBER, bearer
from fastapi.testclient import TestClient

from app.api import create_app
from app.wiring import Services
from assistant.state import DialogueState, TurnResult


def test_oversized_body_is_413(client: TestClient, token: Callable[..., str]) -> None:
    tok = token("citizen")
    big = '{"message": "' + "长" * 30_000 + '"}'  # ~90 KB of UTF-8
    r = client.post(
        "/api/v1/chat", content=big.encode(), headers=bearer(tok) | {"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert r.json() == {"detail": "请求体过大，不能超过 64 KB", "errors": []}


def test_oversized_chunked_body_is_413(client: TestClient, token: Callable[..., str]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"message": "'
        for _ in range(100):
            yield b"a" * 1024
        yield b'"}'

    headers = bearer(token("citizen")) | {"Content-Type": "application/json"}
    r = client.post("/api/v1/chat", content=chunks(), headers=headers)
    assert r.status_code == 413 and "请求体过大" in r.json()["detail"]


def test_bad_content_length_is_400(client: TestClient) -> None:
    r = client.post("/api/v1/auth/citizen", headers={"Content-Length": "abc"})
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (b'{"message": ', "body", "请求体不是合法的 JSON"),
        (b'{"message": ["x"]}', "message", "必须是字符串"),
        (b'{"session_id": "", "message": "hi"}', "session_id", "长度不能少于 1 个字符"),
        (b'{"message": "hi", "admin": true}', "admin", "不允许的字段"),
    ],
)
def test_validation_errors_are_field_level_chinese(
    client: TestClient, token: Callable[..., str], payload: bytes, field: str, message: str
) -> None:
    headers = bearer(token("citizen")) | {"Content-Type": "application/json"}
    r = client.post("/api/v1/chat", content=payload, headers=headers)
    assert r.status_code == 422
    body = r.json()
    assert {"field": field, "message": message} in body["errors"]
    assert body["detail"].startswith("请求参数有误")


def test_unknown_routes_and_methods(client: TestClient) -> None:
    assert client.get("/api/v1/nothing-here").json() == {"detail": "未找到", "errors": []}
    r = client.delete("/api/v1/health")
    assert r.status_code == 405 and r.json()["detail"] == "不支持的请求方法"


class _Exploding:
    def handle(self, state: DialogueState, text: str) -> TurnResult:
        raise RuntimeError(f"manager failed on {text}")

    def on_submitted(self, *args: object) -> TurnResult:
        raise AssertionError


def test_unhandled_errors_are_json_and_logs_are_masked(
    services: Services, token: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    services.manager = _Exploding()
    tok = token("citizen")
    caplog.set_level(logging.INFO)
    with TestClient(create_app(services), raise_server_exceptions=False) as c:
        r = c.post(
            "/api/v1/chat", json={"message": f"我的身份证{ID_NUMBER}，手机13800138000"}, headers=bearer(tok)
        )
    assert r.status_code == 500 and r.json() == {"detail": "服务器内部错误，请稍后重试", "errors": []}
    logged = "\n".join(f"{rec.getMessage()}\n{rec.exc_text or ''}" for rec in caplog.records)
    assert "manager failed" in logged
    assert ID_NUMBER not in logged and "13800138000" not in logged
    assert "4401**********1236" in logged and "138****8000" in logged


def test_openapi_documents_every_route_in_chinese(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ops = [(path, op) for path, item in spec["paths"].items() for op in item.values()]
    assert len(ops) >= 25
    assert all(path.startswith("/api/v1/") for path, _ in ops)
    assert all(re.search(r"[\u4e00-\u9fff]", op["summary"]) for _, op in ops)
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    paths = set(spec["paths"])
    for expected in (
        "/api/v1/chat",
        "/api/v1/applications",
        "/api/v1/applications/{application_id}/transition",
        "/api/v1/guides/{guide_id}/publish",
        "/api/v1/search",
        "/api/v1/unanswered",
        "/api/v1/tokens",
        "/api/v1/health",
        "/api/v1/auth/citizen",
    ):
        assert expected in paths
