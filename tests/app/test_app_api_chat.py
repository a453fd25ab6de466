"""POST /chat over persisted sessions: resume after restart, ownership, submission, unanswered queue, feedback."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from app_support import ID_NUMBER, bearer, make_services
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.api import create_app
from app.db import ApplicationRow, ChatSessionRow
from app.wiring import Services


def chat(client: TestClient, tok: str, message: str, session_id: str | None = None) -> dict:
    body = {"message": message} | ({"session_id": session_id} if session_id else {})
    r = client.post("/api/v1/chat", json=body, headers=bearer(tok))
    assert r.status_code == 200, r.text
    return r.json()


def n_applications(services: Services) -> int:
    with services.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(ApplicationRow)) or 0)


def test_chat_answers_with_citations_and_persists_the_session(
    client: TestClient, token: Callable[..., str]
) -> None:
    tok = token("citizen")
    first = chat(client, tok, "社保卡丢了怎么办")
    assert first["session_id"] and "居民身份证" in first["reply"]
    assert first["citations"][0] == {
        "id": "guide:sample-huadu-shebaoka-buhuan#materials",
        "title": "社会保障卡补换",
        "source": "示例",
        "quote": "居民身份证",
    }
    assert first["form"] is None and first["application_id"] is None
    second = chat(client, tok, "需要多久", first["session_id"])
    assert second["session_id"] == first["session_id"]
    session = client.get(f"/api/v1/chat/sessions/{first['session_id']}", headers=bearer(tok)).json()
    assert session["turns"] == 2
    assert [h["text"] for h in session["history"] if h["role"] == "user"] == ["社保卡丢了怎么办", "需要多久"]


def test_session_resumes_after_restart(tmp_path: Path, token: Callable[..., str], services: Services) -> None:
    url = str(services.store.engine.url)
    tok = token("citizen")
    with TestClient(create_app(services)) as c1:
        sid = chat(c1, tok, "我要办理社保卡补换")["session_id"]
    services.close()
    restarted = make_services(url, tmp_path)  # a fresh process: new engine, same database file
    try:
        with TestClient(create_app(restarted)) as c2:
            out = chat(c2, tok, "确认提交", sid)  # the confirm stage survived the restart
            assert out["application_id"] and out["application_id"] in out["reply"]
    finally:
        restarted.close()


def test_sessions_are_private(client: TestClient, token: Callable[..., str]) -> None:
    alice, bob = token("citizen"), token("citizen")
    sid = chat(client, alice, "你好")["session_id"]
    r = client.post("/api/v1/chat", json={"message": "你好", "session_id": sid}, headers=bearer(bob))
    assert r.status_code == 404 and "会话" in r.json()["detail"]
    assert client.get(f"/api/v1/chat/sessions/{sid}", headers=bearer(bob)).status_code == 404
    assert client.get(f"/api/v1/chat/sessions/{sid}", headers=bearer(token("clerk"))).status_code == 404
    r = client.post("/api/v1/chat", json={"message": "你好", "session_id": "no-such"}, headers=bearer(alice))
    assert r.status_code == 404
    assert client.post("/api/v1/chat", json={"message": "你好"}).status_code == 401


def test_message_length_limits(client: TestClient, token: Callable[..., str]) -> None:
    tok = token("citizen")
    r = client.post("/api/v1/chat", json={"message": "长" * 201}, headers=bearer(tok))
    assert r.status_code == 422
    body = r.json()
    assert body["errors"] == [{"field": "message", "message": "消息长度不能超过 200 个字符"}]
    assert "message" in body["detail"]
    for bad in ({"message": ""}, {"message": "   "}, {}, {"message": 5}, {"message": "hi", "extra": 1}):
        r = client.post("/api/v1/chat", json=bad, headers=bearer(tok))
        assert r.status_code == 422, bad
        assert r.json()["errors"] and all(e["field"] and e["message"] for e in r.json()["errors"])
    assert chat(client, tok, "长" * 200)["reply"]


def test_submission_creates_one_application(
    client: TestClient, token: Callable[..., str], services: Services
) -> None:
    tok = token("citizen")
    start = chat(client, tok, "我要办理社保卡补换")
    assert start["form"]["service_id"] == "sample-huadu-shebaoka-buhuan" and start["choices"] == ["确认提交"]
    done = chat(client, tok, "确认提交", start["session_id"])
    app_id = done["application_id"]
    assert app_id and done["reply"].endswith(f"受理编号：{app_id}")
    app = client.get(f"/api/v1/applications/{app_id}", headers=bearer(tok)).json()
    assert app["status"] == "已提交" and app["fields"]["applicant_id_number"] == ID_NUMBER
    assert app["session_id"] == start["session_id"]
    assert client.get(f"/api/v1/applications/{app_id}", headers=bearer(token("citizen"))).status_code == 404
    # the next turn is an ordinary one: no second application
    assert chat(client, tok, "确认提交", start["session_id"])["application_id"] is None
    assert n_applications(services) == 1


def test_concurrent_confirmations_create_one_application(
    client: TestClient, token: Callable[..., str], services: Services
) -> None:
    tok = token("citizen")
    sid = chat(client, tok, "我要办理社保卡补换")["session_id"]
    responses: list = []
    barrier = threading.Barrier(6)

    def confirm() -> None:
        barrier.wait()
        responses.append(
            client.post("/api/v1/chat", json={"message": "确认提交", "session_id": sid}, headers=bearer(tok))
        )

    threads = [threading.Thread(target=confirm) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {r.status_code for r in responses} <= {200, 409}
    ids = {r.json()["application_id"] for r in responses if r.status_code == 200}
    ids.discard(None)
    assert len(ids) == 1
    assert n_applications(services) == 1


def test_low_confidence_turns_and_thumbs_down_reach_the_queue(
    client: TestClient, token: Callable[..., str]
) -> None:
    tok, editor = token("citizen"), token("editor")
    sid = chat(client, tok, "火星签证怎么办")["session_id"]
    chat(client, tok, "社保卡丢了", sid)
    r = client.post(
        "/api/v1/feedback",
        json={"session_id": sid, "rating": "down", "comment": "太笼统"},
        headers=bearer(tok),
    )
    assert r.status_code == 201 and r.json()["turn"] == 2
    assert (
        client.post(
            "/api/v1/feedback", json={"session_id": sid, "rating": "up"}, headers=bearer(tok)
        ).status_code
        == 201
    )
    assert client.get("/api/v1/unanswered", headers=bearer(tok)).status_code == 403
    page = client.get("/api/v1/unanswered", headers=bearer(editor)).json()
    assert page["total"] == 2
    by_kind = {i["kind"]: i for i in page["items"]}
    low, down = by_kind["low_confidence"], by_kind["thumbs_down"]
    assert low["question"] == "火星签证怎么办" and low["confidence"] == 0.12 and low["turn"] == 1
    assert down["question"] == "社保卡丢了" and down["comment"] == "太笼统" and "居民身份证" in down["reply"]
    assert [h["text"] for h in down["conversation"]][0] == "火星签证怎么办"
    r = client.post(
        f"/api/v1/unanswered/{low['id']}/resolve", json={"guide_id": "nope"}, headers=bearer(editor)
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "guide_id"
    r = client.post(
        f"/api/v1/unanswered/{low['id']}/resolve",
        json={"guide_id": "sample-huadu-shebaoka-buhuan"},
        headers=bearer(editor),
    )
    assert r.status_code == 200 and r.json()["resolved"]
    assert client.get("/api/v1/unanswered", headers=bearer(editor)).json()["total"] == 1
    assert client.post("/api/v1/unanswered/99999/resolve", json={}, headers=bearer(editor)).status_code == 404


def test_feedback_needs_own_session_and_valid_rating(client: TestClient, token: Callable[..., str]) -> None:
    tok = token("citizen")
    sid = chat(client, tok, "你好")["session_id"]
    r = client.post("/api/v1/feedback", json={"session_id": sid, "rating": "meh"}, headers=bearer(tok))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "rating"
    r = client.post(
        "/api/v1/feedback", json={"session_id": sid, "rating": "up"}, headers=bearer(token("citizen"))
    )
    assert r.status_code == 404


def test_chat_without_manager_is_503(token: Callable[..., str], services: Services) -> None:
    services.manager = None
    with TestClient(create_app(services)) as c:
        r = c.post("/api/v1/chat", json={"message": "你好"}, headers=bearer(token("citizen")))
        assert r.status_code == 503 and "对话服务" in r.json()["detail"]
        assert c.get("/api/v1/health").json()["status"] == "degraded"


def test_unreadable_stored_state_restarts_the_conversation(
    client: TestClient, token: Callable[..., str], services: Services
) -> None:
    tok = token("citizen")
    sid = chat(client, tok, "你好")["session_id"]
    with services.db.write() as session:
        session.execute(
            update(ChatSessionRow).where(ChatSessionRow.id == sid).values(state={"turns": "many"})
        )
    out = chat(client, tok, "还在吗", sid)
    assert out["session_id"] == sid
    history = client.get(f"/api/v1/chat/sessions/{sid}", headers=bearer(tok)).json()
    assert history["turns"] == 2 and history["history"][0]["text"] == "还在吗"
