"""Issue 10, abuse limits: per-IP token minting, per-token chat / new-session / application rates, the cap on
sessions per token, token and session expiry, the per-message cost cap; every refusal a 429 with a Chinese
message and Retry-After. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from app_support import FLOW_ID, ID_NUMBER, SERVICE_ID, bearer
from conftest import new_token
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.crud.rate_counters import DatabaseStorage
from app.db import ApiTokenRow, ChatSessionRow, RateCounterRow, UnansweredRow, utcnow
from app.wiring import Services

Serve = Callable[..., tuple[Services, TestClient]]


def assert_429(r: Any, words: str) -> None:
    assert r.status_code == 429, r.text
    detail = r.json()["detail"]
    assert words in detail
    assert "秒后重试" in detail or "上限" in detail
    assert int(r.headers["Retry-After"]) >= 1


def test_token_minting_is_limited_per_ip(serve: Serve) -> None:
    _, client = serve(rate_token_mint="3/minute")
    codes = [client.post("/api/v1/auth/citizen").status_code for _ in range(3)]
    assert codes == [201, 201, 201]
    r = client.post("/api/v1/auth/citizen")
    assert_429(r, "领取令牌过于频繁")
    assert 1 <= int(r.headers["Retry-After"]) <= 60


def test_database_counters_are_shared_by_every_worker(serve: Serve) -> None:
    """Two app instances on one database (two workers or hosts) count against the same limit."""
    _, first = serve(rate_token_mint="3/minute", rate_limit_storage="database")
    _, second = serve(rate_token_mint="3/minute", rate_limit_storage="database")
    codes = [c.post("/api/v1/auth/citizen").status_code for c in (first, second, first)]
    assert codes == [201, 201, 201]
    assert_429(second.post("/api/v1/auth/citizen"), "领取令牌过于频繁")
    assert_429(first.post("/api/v1/auth/citizen"), "领取令牌过于频繁")
    _, memory = serve(rate_token_mint="3/minute")  # per-process counters start from zero
    assert memory.post("/api/v1/auth/citizen").status_code == 201


def test_tokens_expire(serve: Serve) -> None:
    services, client = serve(citizen_token_days=1)
    minted = client.post("/api/v1/auth/citizen").json()
    assert client.get("/api/v1/auth/me", headers=bearer(minted["token"])).status_code == 200
    admin = new_token(services, "admin")
    listed = {t["token_id"]: t for t in client.get("/api/v1/tokens", headers=bearer(admin)).json()}
    assert listed[minted["token_id"]]["expires_at"] is not None
    with services.db.write() as session:
        session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == minted["token_id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    r = client.get("/api/v1/auth/me", headers=bearer(minted["token"]))
    assert r.status_code == 401 and "过期" in r.json()["detail"]
    staff = client.post("/api/v1/tokens", json={"role": "clerk"}, headers=bearer(admin)).json()
    listed = {t["token_id"]: t for t in client.get("/api/v1/tokens", headers=bearer(admin)).json()}
    assert listed[staff["token_id"]]["expires_at"] is not None


@pytest.mark.parametrize("storage", ["memory://", "database"])
def test_chat_rate_per_token(serve: Serve, storage: str) -> None:
    services, client = serve(rate_chat="4/minute", rate_limit_storage=storage)
    a, b = new_token(services, "citizen"), new_token(services, "citizen")
    sid = client.post("/api/v1/chat", json={"message": "你好"}, headers=bearer(a)).json()["session_id"]
    for _ in range(3):
        body = {"message": "社保卡", "session_id": sid}
        assert client.post("/api/v1/chat", json=body, headers=bearer(a)).status_code == 200
    r = client.post("/api/v1/chat", json={"message": "社保卡", "session_id": sid}, headers=bearer(a))
    assert_429(r, "发送消息过于频繁")
    assert client.post("/api/v1/chat", json={"message": "社保卡"}, headers=bearer(b)).status_code == 200


def test_new_sessions_rate_and_cap_per_token(serve: Serve) -> None:
    services, client = serve(rate_new_session="3/hour")
    tok = new_token(services, "citizen")
    for _ in range(3):
        assert client.post("/api/v1/chat", json={"message": "你好"}, headers=bearer(tok)).status_code == 200
    assert_429(client.post("/api/v1/chat", json={"message": "你好"}, headers=bearer(tok)), "新建会话过于频繁")

    services, client = serve(max_sessions_per_token=2)  # same database: 3 sessions of another token exist
    tok = new_token(services, "citizen")
    sids = [
        client.post("/api/v1/chat", json={"message": "你好"}, headers=bearer(tok)).json()["session_id"]
        for _ in range(2)
    ]
    r = client.post("/api/v1/chat", json={"message": "你好"}, headers=bearer(tok))
    assert_429(r, "会话已达上限")
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ChatSessionRow)) == 3 + 2
    body = {"message": "社保卡", "session_id": sids[0]}
    assert (
        client.post("/api/v1/chat", json=body, headers=bearer(tok)).status_code == 200
    )  # existing ones go on


def test_idle_sessions_expire(serve: Serve) -> None:
    services, client = serve(session_idle_hours=1)
    tok = new_token(services, "citizen")
    sid = client.post("/api/v1/chat", json={"message": "你好"}, headers=bearer(tok)).json()["session_id"]
    with services.db.write() as session:
        session.execute(
            update(ChatSessionRow)
            .where(ChatSessionRow.id == sid)
            .values(updated_at=utcnow() - timedelta(hours=2))
        )
    r = client.post("/api/v1/chat", json={"message": "社保卡", "session_id": sid}, headers=bearer(tok))
    assert r.status_code == 404 and "过期" in r.json()["detail"]


def test_application_rate_per_token(serve: Serve) -> None:
    services, client = serve(rate_applications="2/minute")
    tok = new_token(services, "citizen")
    body = {
        "service_id": SERVICE_ID,
        "flow_id": FLOW_ID,
        "answers": {"pickup": "网点领取", "agent": "本人"},
        "fields": {
            "applicant_name": "张三",
            "applicant_id_number": ID_NUMBER,
            "phone": "13800138000",
            "reason": "遗失",
        },
    }
    for key in ("k1", "k2"):
        r = client.post("/api/v1/applications", json=body, headers=bearer(tok) | {"Idempotency-Key": key})
        assert r.status_code == 201, r.text
    r = client.post("/api/v1/applications", json=body, headers=bearer(tok) | {"Idempotency-Key": "k3"})
    assert_429(r, "提交申请过于频繁")


def test_long_messages_get_a_polite_reply_and_are_not_processed(serve: Serve) -> None:
    services, client = serve(max_message_chars=4000, max_query_chars=100)
    tok = new_token(services, "citizen")
    long_unanswerable = "火星" + "签证材料" * 100  # the scripted manager would queue a 火星 question
    r = client.post("/api/v1/chat", json={"message": long_unanswerable}, headers=bearer(tok))
    assert r.status_code == 200, r.text
    out = r.json()
    assert "较长" in out["reply"] and "100字以内" in out["reply"] and out["citations"] == []
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(UnansweredRow)) == 0
    # the session goes on normally with a short message
    r = client.post(
        "/api/v1/chat", json={"message": "社保卡", "session_id": out["session_id"]}, headers=bearer(tok)
    )
    assert r.status_code == 200 and r.json()["citations"]
    assert client.post("/api/v1/chat", json={"message": "x" * 4001}, headers=bearer(tok)).status_code == 422


def test_database_counter_windows_restart_and_are_purged(serve: Serve) -> None:
    services, _ = serve()
    storage = DatabaseStorage(services.db)
    assert [storage.incr("chat/k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("chat/k") == 3 and storage.get_expiry("chat/k") > utcnow().timestamp()
    with services.db.write() as session:  # the window has run out
        session.execute(update(RateCounterRow).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert storage.get("chat/k") == 0
    assert storage.incr("chat/k", 60) == 1  # a new window
    storage.incr("other", 60)
    with services.db.write() as session:
        session.execute(
            update(RateCounterRow)
            .where(RateCounterRow.key == "other")
            .values(expires_at=utcnow() - timedelta(1))
        )
    assert storage.purge_expired() == 1 and storage.get("chat/k") == 1
    storage.clear("chat/k")
    assert storage.get("chat/k") == 0
