"""One process, one port: the API at /api/v1, its docs at /docs, the Gradio UI at "/"."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.server import create_server_app, loopback_base
from app.settings import Settings
from app.wiring import build_services


def test_ui_is_mounted_beside_the_api(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, port=8123)
    services = build_services(settings, load_retriever=False, load_manager=False)
    try:
        with TestClient(create_server_app(settings, services=services)) as client:
            assert client.get("/api/v1/health").json()["database"] is True
            assert client.get("/docs").status_code == 200
            assert "/api/v1/chat" in client.get("/openapi.json").json()["paths"]
            page = client.get("/")
            assert page.status_code == 200 and "<html" in page.text.lower()
            config = client.get("/config").json()
            text = str(config)
            for label in ("花都区政务数字人", "市民服务", "窗口助手", "内容运营", "工作人员登录"):
                assert label in text
            # The UI talks to this same server over loopback, at the configured port.
            assert client.post("/api/v1/auth/citizen").status_code == 201
    finally:
        services.close()


def test_loopback_base() -> None:
    assert loopback_base("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert loopback_base("127.0.0.1", 9000) == "http://127.0.0.1:9000"
    assert loopback_base("::1", 8000) == "http://[::1]:8000"
    assert loopback_base("::", 8000) == "http://127.0.0.1:8000"
