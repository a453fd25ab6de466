"""The API on PostgreSQL: the races that SQLite serializes are real concurrency here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import FLOW_ID, ID_NUMBER, SERVICE_ID, bearer, make_services
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.api import create_app
from app.auth import create_token
from app.db import ApplicationRow
from app.wiring import Services

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


@pytest.fixture
def pg_services(pg_schema_url: str, tmp_path: Path) -> Iterator[Services]:
    s = make_services(pg_schema_url, tmp_path)
    yield s
    s.close()


def _rows(services: Services) -> int:
    with services.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(ApplicationRow)) or 0)


def _race(n: int, fn) -> list:  # noqa: ANN001
    out: list = []
    barrier = threading.Barrier(n)

    def run() -> None:
        barrier.wait()
        out.append(fn())

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_application_idempotency_and_chat_submission_on_postgres(pg_services: Services) -> None:
    with pg_services.db.write() as session:
        tok = create_token(session=session, role="citizen")
        clerk = create_token(session=session, role="clerk")
    body = {
        "service_id": SERVICE_ID,
        "flow_id": FLOW_ID,
        "answers": {"pickup": "网点领取", "agent": "本人"},
        "fields": {
            "applicant_name": "李四",
            "applicant_id_number": ID_NUMBER,
            "phone": "13800138000",
            "reason": "损坏",
        },
        "materials": [{"name": "居民身份证", "provided": True}],
    }
    with TestClient(create_app(pg_services)) as c:
        results = _race(
            8,
            lambda: c.post(
                "/api/v1/applications", json=body, headers=bearer(tok) | {"Idempotency-Key": "pg"}
            ),
        )
        assert sorted(r.status_code for r in results) == [200] * 7 + [201]
        app_id = results[0].json()["id"]
        moves = _race(
            4,
            lambda: c.post(
                f"/api/v1/applications/{app_id}/transition", json={"to": "已受理"}, headers=bearer(clerk)
            ),
        )
        assert sorted(r.status_code for r in moves) == [200, 409, 409, 409]  # one clerk wins the decision
        events = c.get(f"/api/v1/applications/{app_id}/events", headers=bearer(tok)).json()
        assert [e["to_status"] for e in events] == ["已提交", "已受理"]

        sid = c.post("/api/v1/chat", json={"message": "我要办理社保卡补换"}, headers=bearer(tok)).json()[
            "session_id"
        ]
        confirms = _race(
            6,
            lambda: c.post(
                "/api/v1/chat", json={"message": "确认提交", "session_id": sid}, headers=bearer(tok)
            ),
        )
        assert {r.status_code for r in confirms} <= {200, 409}
        assert len({r.json()["application_id"] for r in confirms if r.status_code == 200} - {None}) == 1
    assert _rows(pg_services) == 2
