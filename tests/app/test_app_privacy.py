"""Issue 10, personal data: editors and admins see ID, phone and card numbers masked (the unanswered queue with
its conversations, feedback comments, the audit log); form turns never reach the queue; repeats of one question
are one queue row; the retention purge (CLI) removes old sessions and anonymous tokens. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from app_support import ID_NUMBER, bearer
from conftest import new_token
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.cli import main
from app.db import ApiTokenRow, ChatSessionRow, FeedbackRow, UnansweredRow, utcnow
from app.wiring import Services

PHONE = "13800138000"
CARD = "6222021234567890123"

Serve = Callable[..., tuple[Services, TestClient]]


def chat(client: TestClient, tok: str, message: str, session_id: str | None = None) -> dict:
    body = {"message": message} | ({"session_id": session_id} if session_id else {})
    r = client.post("/api/v1/chat", json=body, headers=bearer(tok))
    assert r.status_code == 200, r.text
    return r.json()


def queue_rows(services: Services) -> int:
    with services.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(UnansweredRow)) or 0)


def test_editors_see_personal_numbers_masked(serve: Serve) -> None:
    services, client = serve()
    citizen, editor, admin = (new_token(services, r) for r in ("citizen", "editor", "admin"))
    sid = chat(client, citizen, f"火星签证怎么办，我的身份证{ID_NUMBER}，手机{PHONE}")["session_id"]
    r = client.post(
        "/api/v1/feedback",
        json={"session_id": sid, "rating": "down", "comment": f"请回电{PHONE}，卡号{CARD}"},
        headers=bearer(citizen),
    )
    assert r.status_code == 201
    for staff in (editor, admin):
        page = client.get("/api/v1/unanswered", headers=bearer(staff))
        assert page.status_code == 200
        text = page.text
        for number in (ID_NUMBER, PHONE, CARD):
            assert number not in text
        assert "4401**********1236" in text and "138****8000" in text and "6222***********0123" in text
        items = page.json()["items"]
        assert {i["kind"] for i in items} == {"low_confidence", "thumbs_down"}
        assert all(i["conversation"] for i in items)
    # the queue stores the texts masked (data minimisation), not only shows them so
    with services.db.read() as session:
        stored = " ".join(
            f"{q} {c}" for q, c in session.execute(select(UnansweredRow.question, UnansweredRow.comment))
        )
    assert "138****8000" in stored and PHONE not in stored and ID_NUMBER not in stored
    # the owner still sees their own conversation as typed
    own = client.get(f"/api/v1/chat/sessions/{sid}", headers=bearer(citizen)).json()
    assert ID_NUMBER in own["history"][0]["text"]


def test_form_turns_never_reach_the_queue(serve: Serve) -> None:
    services, client = serve()
    citizen, editor = new_token(services, "citizen"), new_token(services, "editor")
    sid = chat(client, citizen, "我要办理社保卡补换")["session_id"]  # a form is open now
    reply = chat(client, citizen, f"火星 身份证{ID_NUMBER} 电话{PHONE}", sid)
    assert reply["confident"] is False  # low confidence, but inside a form
    assert queue_rows(services) == 0
    assert client.get("/api/v1/unanswered", headers=bearer(editor)).json()["total"] == 0


def test_repeats_of_one_question_are_counted_not_queued_again(serve: Serve) -> None:
    services, client = serve()
    editor = new_token(services, "editor")
    askers = [new_token(services, "citizen") for _ in range(3)]
    variants = ["火星签证怎么办", "火星签证 怎么办？", "火星签证怎么办!", "火星签证怎么办。"] * 3
    for i, text in enumerate(variants):
        chat(client, askers[i % 3], text)
    chat(client, askers[0], "火星护照怎么办")  # a different question is its own row
    assert queue_rows(services) == 2
    items = client.get("/api/v1/unanswered", headers=bearer(editor)).json()["items"]
    assert sorted(i["repeats"] for i in items) == [1, len(variants)]
    # once resolved, the question starts a new row if it comes back
    first = next(i for i in items if i["repeats"] > 1)
    assert client.post(
        f"/api/v1/unanswered/{first['id']}/resolve", json={}, headers=bearer(editor)
    ).is_success
    chat(client, askers[1], "火星签证怎么办")
    assert queue_rows(services) == 3


def test_audit_log_is_masked(serve: Serve) -> None:
    services, client = serve()
    editor, admin = new_token(services, "editor"), new_token(services, "admin")
    gid = "sample-huadu-shebaoka-buhuan"
    guide = client.get(f"/api/v1/guides/{gid}", headers=bearer(editor)).json()
    guide["conditions"] = (guide.get("conditions") or "") + "（已核对）"
    r = client.put(
        f"/api/v1/guides/{gid}",
        json=guide | {"note": f"群众{PHONE}来电指出，证件{ID_NUMBER}"},
        headers=bearer(editor),
    )
    assert r.status_code == 200, r.text
    audit = client.get("/api/v1/audit", params={"target": gid}, headers=bearer(admin))
    assert audit.status_code == 200 and "138****8000" in audit.text
    assert PHONE not in audit.text and ID_NUMBER not in audit.text


def test_retention_purge_cli(
    db_url: str, serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, client = serve()
    anon = client.post("/api/v1/auth/citizen").json()
    clerk = new_token(services, "clerk")
    old = chat(client, anon["token"], "社保卡丢了")["session_id"]
    assert client.post(
        "/api/v1/feedback", json={"session_id": old, "rating": "up"}, headers=bearer(anon["token"])
    ).is_success
    fresh_owner = client.post("/api/v1/auth/citizen").json()
    fresh = chat(client, fresh_owner["token"], "社保卡丢了")["session_id"]
    long_ago = utcnow() - timedelta(days=200)
    with services.db.write() as session:
        session.execute(update(ChatSessionRow).where(ChatSessionRow.id == old).values(updated_at=long_ago))
        session.execute(
            update(ApiTokenRow).where(ApiTokenRow.id == anon["token_id"]).values(created_at=long_ago)
        )
    monkeypatch.setenv("GOVASSIST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert main(["purge", "--days", "180", "--json"]) == 0
    with services.db.read() as session:
        sessions = set(session.scalars(select(ChatSessionRow.id)))
        tokens = set(session.scalars(select(ApiTokenRow.id)))
        feedback = session.scalar(select(func.count()).select_from(FeedbackRow))
    assert sessions == {fresh}
    assert anon["token_id"] not in tokens and fresh_owner["token_id"] in tokens
    assert feedback == 0
    assert client.get("/api/v1/auth/me", headers=bearer(clerk)).status_code == 200  # staff tokens are kept
    assert client.get("/api/v1/auth/me", headers=bearer(anon["token"])).status_code == 401
    assert main(["purge", "--days", "0"]) == 2


def test_parallel_repeats_are_one_row(serve: Serve) -> None:
    """The same question from many clients at once (issue 10: 100 copies made 100 rows)."""
    services, client = serve(rate_chat="10000/minute", rate_new_session="10000/minute")
    tokens = [new_token(services, "citizen") for _ in range(20)]
    barrier = threading.Barrier(len(tokens))
    codes: list[int] = []

    def ask(tok: str) -> None:
        barrier.wait()
        codes.append(
            client.post("/api/v1/chat", json={"message": "火星签证怎么办"}, headers=bearer(tok)).status_code
        )

    threads = [threading.Thread(target=ask, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * len(tokens)
    with services.db.read() as session:
        assert list(session.scalars(select(UnansweredRow.repeats))) == [len(tokens)]
