"""Tokens: only hashes are stored; roles gate the API; revoked tokens stop working."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from app_support import bearer
from fastapi.testclient import TestClient
from sqlalchemy import text

from app import repository as repo
from app.auth import AuthError, authenticate, create_token, hash_token, issue_token
from app.db import Role
from app.wiring import Services


def test_create_token_stores_only_the_hash(services: Services) -> None:
    with services.db.write() as session:
        secret = create_token(session=session, role="clerk", name="窗口1")
    assert secret.startswith("ga_") and len(secret) > 40
    with services.db.read() as session:
        rows = session.execute(text("SELECT id, token_hash, role, name FROM api_tokens")).all()
        principal = authenticate(session=session, token=secret)
    assert [r.token_hash for r in rows] == [hash_token(secret)]
    assert all(secret not in str(tuple(r)) for r in rows)
    assert principal.role is Role.CLERK and principal.name == "窗口1"


@pytest.mark.parametrize("bad", [None, "", "   ", "ga_unknown", "Bearer x", "x" * 5000, "ga_\x00\ud800"])
def test_authenticate_rejects_bad_tokens(services: Services, bad: str | None) -> None:
    with services.db.read() as session, pytest.raises(AuthError):
        authenticate(session=session, token=bad)


def test_revoked_token_is_rejected(services: Services) -> None:
    with services.db.write() as session:
        record, secret = issue_token(session=session, role="editor")
        repo.revoke_token(session=session, token_id=record.id)
    with services.db.read() as session, pytest.raises(AuthError, match="吊销"):
        authenticate(session=session, token=secret)


def test_unknown_role_is_refused(services: Services) -> None:
    with services.db.write() as session, pytest.raises(ValueError):
        create_token(session=session, role="root")


def test_citizen_token_endpoint_and_me(client: TestClient) -> None:
    r = client.post("/api/v1/auth/citizen")
    assert r.status_code == 201
    body = r.json()
    assert body["role"] == "citizen" and body["token"].startswith("ga_")
    me = client.get("/api/v1/auth/me", headers=bearer(body["token"]))
    assert me.status_code == 200 and me.json()["token_id"] == body["token_id"]


def test_missing_and_invalid_tokens_get_401(client: TestClient) -> None:
    r = client.get("/api/v1/auth/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "令牌" in r.json()["detail"]
    assert client.get("/api/v1/applications", headers=bearer("ga_nope")).status_code == 401
    assert client.get("/api/v1/health").status_code == 200  # health needs no token


def test_admin_creates_lists_and_revokes_tokens(client: TestClient, token: Callable[..., str]) -> None:
    admin = token("admin")
    assert (
        client.post("/api/v1/tokens", json={"role": "clerk"}, headers=bearer(token("citizen"))).status_code
        == 403
    )
    assert (
        client.post("/api/v1/tokens", json={"role": "clerk"}, headers=bearer(token("editor"))).status_code
        == 403
    )
    r = client.post("/api/v1/tokens", json={"role": "clerk", "name": "窗口2"}, headers=bearer(admin))
    assert r.status_code == 201
    new = r.json()
    assert client.get("/api/v1/auth/me", headers=bearer(new["token"])).json()["role"] == "clerk"
    listed = client.get("/api/v1/tokens", headers=bearer(admin)).json()
    assert new["token_id"] in {t["token_id"] for t in listed}
    assert all("token" not in t for t in listed)
    assert client.post(f"/api/v1/tokens/{new['token_id']}/revoke", headers=bearer(admin)).json()["revoked"]
    assert client.get("/api/v1/auth/me", headers=bearer(new["token"])).status_code == 401


def test_bad_role_in_token_request_is_422(client: TestClient, token: Callable[..., str]) -> None:
    r = client.post("/api/v1/tokens", json={"role": "root"}, headers=bearer(token("admin")))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "role"
