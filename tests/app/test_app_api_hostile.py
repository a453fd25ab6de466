"""Issue 10, no 500 on any input: NUL bytes and lone surrogates (422 before the database), integers past the
PostgreSQL int4 range, malformed bodies (Chinese messages), wrong methods under /api/v1 (405, also with the UI
mounted at "/"), and the UI's upload endpoint closed. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import uvicorn
from app_support import FLOW_ID, ID_NUMBER, SERVICE_ID, bearer
from conftest import new_token
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.server import create_server_app, uvicorn_options
from app.settings import Settings
from app.wiring import Services, build_services

Serve = Callable[..., tuple[Services, TestClient]]
GUIDE = "sample-huadu-shebaoka-buhuan"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
INT4 = 2**31


def app_body(**fields: str) -> dict:
    base = {
        "applicant_name": "张三",
        "applicant_id_number": ID_NUMBER,
        "phone": "13800138000",
        "reason": "遗失",
    }
    return {
        "service_id": SERVICE_ID,
        "flow_id": FLOW_ID,
        "answers": {"pickup": "网点领取", "agent": "本人"},
        "fields": base | fields,
    }


def assert_422_chinese(r, field: str | None = None) -> None:  # noqa: ANN001
    assert r.status_code == 422, r.text
    assert CHINESE.search(r.json()["detail"]), r.text
    if field is not None:
        assert r.json()["errors"][0]["field"] == field, r.text


def test_nul_and_lone_surrogates_are_422_before_the_database(serve: Serve) -> None:
    services, client = serve()
    citizen, editor = new_token(services, "citizen"), new_token(services, "editor")
    c, e = bearer(citizen), bearer(editor)
    # bodies: NUL and a lone surrogate as JSON escapes, in values and in keys
    for raw in ('"张\\u0000三"', '"张\\ud800三"', '"\\udfff"'):
        data = '{"message": ' + raw + "}"
        r = client.post("/api/v1/chat", content=data, headers=c | {"Content-Type": "application/json"})
        assert_422_chinese(r, "message")
        data = f'{{"service_id": "{SERVICE_ID}", "fields": {{"reason": {raw}}}}}'
        r = client.post(
            "/api/v1/applications",
            content=data,
            headers=c | {"Content-Type": "application/json", "Idempotency-Key": "k"},
        )
        assert_422_chinese(r, "fields.reason")
        data = f'{{"service_id": "{SERVICE_ID}", "fields": {{{raw}: "x"}}}}'
        r = client.post(
            "/api/v1/applications",
            content=data,
            headers=c | {"Content-Type": "application/json", "Idempotency-Key": "k"},
        )
        assert_422_chinese(r)
    # query strings and paths
    assert_422_chinese(client.get("/api/v1/guides?q=%00", headers=c), "q")
    assert_422_chinese(client.get("/api/v1/guides/a%00b", headers=c), "path")
    assert_422_chinese(client.get("/api/v1/applications/GA%00", headers=c), "path")
    assert_422_chinese(client.get("/api/v1/search?q=%E7%A4%BE%00", headers=e), "q")
    # an invalid UTF-8 sequence in a query is decoded as U+FFFD: a harmless miss, never a 500
    assert client.get("/api/v1/guides?q=%ED%A0%80", headers=c).status_code == 200
    assert client.get("/api/v1/applications", headers=c).json()["total"] == 0


def test_integers_past_int4_are_422(serve: Serve) -> None:
    services, client = serve()
    editor = bearer(new_token(services, "editor"))
    for value in (INT4, 2**63, 10**30, -(2**31) - 1):
        assert_422_chinese(
            client.get(f"/api/v1/guides/{GUIDE}/diff", params={"a": value, "b": 1}, headers=editor)
        )
        assert_422_chinese(client.get(f"/api/v1/guides/{GUIDE}", params={"version": value}, headers=editor))
        r = client.post(f"/api/v1/guides/{GUIDE}/publish", json={"version": value}, headers=editor)
        assert_422_chinese(r, "version")
        assert_422_chinese(client.post(f"/api/v1/unanswered/{value}/resolve", json={}, headers=editor))
    # the largest accepted values are a plain "not found"
    top = INT4 - 1
    assert (
        client.get(f"/api/v1/guides/{GUIDE}/diff", params={"a": top, "b": 1}, headers=editor).status_code
        == 404
    )
    assert client.post(f"/api/v1/unanswered/{top}/resolve", json={}, headers=editor).status_code == 404
    r = client.post(f"/api/v1/guides/{GUIDE}/publish", json={"version": top}, headers=editor)
    assert r.status_code in (404, 409, 422) and CHINESE.search(r.json()["detail"])


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"message": ', "application/json"),
        (b'{"message": "\xff\xfe"}', "application/json"),
        (b'{"message": NaN}', "application/json"),
        (b'{"message": "a", "x": Infinity}', "application/json"),
        (b"[" * 5000 + b"]" * 5000, "application/json"),
        (b'{"message": "1"}' * 2, "application/json"),
        (b"message=hello", "application/x-www-form-urlencoded"),
        (b"hello", "text/plain"),
        (b'{"message": ' + b"9" * 5000 + b"}", "application/json"),
    ],
)
def test_malformed_bodies_get_chinese_messages(serve: Serve, content: bytes, content_type: str) -> None:
    services, client = serve()
    tok = bearer(new_token(services, "citizen"))
    r = client.post("/api/v1/chat", content=content, headers=tok | {"Content-Type": content_type})
    assert r.status_code in (400, 422), r.text
    assert CHINESE.search(r.json()["detail"]) and "error" not in r.json()["detail"].lower(), r.text


def test_lone_surrogate_in_application_fields_is_not_a_500(serve: Serve) -> None:
    services, client = serve()
    tok = bearer(new_token(services, "citizen"))
    data = app_body(reason="遗失")

    raw = json.dumps(data).replace('"\\u9057\\u5931"', '"\\ud83d"')  # reason := a lone high surrogate
    assert "\\ud83d" in raw
    r = client.post(
        "/api/v1/applications",
        content=raw,
        headers=tok | {"Content-Type": "application/json", "Idempotency-Key": "s"},
    )
    assert_422_chinese(r, "fields.reason")


def test_wrong_methods_are_405_under_the_api_even_with_the_ui_mounted(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, port=8124)
    services = build_services(settings, load_retriever=False, load_manager=False)
    try:
        with TestClient(create_server_app(settings, services=services)) as client:
            for method, path in (
                ("GET", "/api/v1/chat"),
                ("DELETE", "/api/v1/health"),
                ("PUT", "/api/v1/applications"),
                ("PATCH", "/api/v1/guides/x"),
            ):
                r = client.request(method, path)
                assert r.status_code == 405, (method, path, r.status_code)
                assert r.json()["detail"] == "不支持的请求方法" and r.headers["Allow"]
            r = client.get("/api/v1/no-such-thing")
            assert r.status_code == 404 and r.json()["detail"] == "未找到"
            assert client.get("/").status_code == 200  # the UI is still there
            # the UI takes no files: the upload endpoint is closed, with or without a token
            files = {"files": ("a.bin", b"x" * 2048, "application/octet-stream")}
            for path in ("/gradio_api/upload", "/upload"):
                r = client.post(path, files=files)
                assert r.status_code == 403 and "上传" in r.json()["detail"]
            # the UI's own endpoints take small bodies only
            r = client.post(
                "/gradio_api/queue/join", content=b"x" * 300_000, headers={"Content-Type": "application/json"}
            )
            assert r.status_code == 413 and "请求体过大" in r.json()["detail"]
            # oversized request heads are refused before the API or the UI sees them
            r = client.get("/api/v1/health", headers={"X-Big": "a" * 20_000})
            assert r.status_code == 431 and "请求头过大" in r.json()["detail"]
            assert client.get("/api/v1/health", headers={"X-Ok": "a" * 1000}).status_code == 200
    finally:
        services.close()


def test_served_connections_must_send_their_request_head_in_time() -> None:
    """Slowloris: uvicorn alone never closes a connection that trickles (or never sends) its headers."""
    app = FastAPI()

    @app.get("/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", **uvicorn_options(1.0))
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:  # wait on the state, bounded
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]

        def exchange(data: bytes) -> bytes:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(data)
                out = b""
                while chunk := sock.recv(65536):  # until the server closes; a 30 s socket timeout fails it
                    out += chunk
                return out

        assert exchange(b"") == b""  # idle: closed
        assert exchange(b"GET /ping HTTP/1.1\r\nHost: a\r\nX-Slow: a") == b""  # trickling head: closed
        reply = exchange(b"GET /ping HTTP/1.1\r\nHost: a\r\n\r\n")  # a real request is served, then closed
        assert reply.startswith(b"HTTP/1.1 200") and b'{"ok":true}' in reply
    finally:
        server.should_exit = True
        thread.join(timeout=30)
