"""Health, tokens (citizen self-service and admin-issued) and the knowledge audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import text

from app import repository as repo
from app.api.deps import AdminDep, PrincipalDep, ServicesDep
from app.api.limits import Limit, client_ip, limiter
from app.api.schemas import HealthOut, PrincipalOut, TokenIn, TokenInfoOut, TokenOut
from app.auth import issue_token
from app.db import Role
from app.masking import mask_deep

router = APIRouter(tags=["系统与令牌"])


def _info(r: repo.TokenRecord) -> TokenInfoOut:
    return TokenInfoOut(
        token_id=r.id,
        role=Role(r.role),
        name=r.name,
        created_at=r.created_at,
        revoked=r.revoked,
        expires_at=r.expires_at,
    )


@router.get("/health", response_model=HealthOut, summary="健康检查（无需令牌）")
def health(services: ServicesDep) -> HealthOut:
    try:
        with services.db.read() as session:
            session.execute(text("SELECT 1"))
        database = True
    except Exception:
        database = False
    ok = database and services.retriever is not None and services.manager is not None
    return HealthOut(
        status="ok" if ok else "degraded",
        database=database,
        retriever=services.retriever is not None,
        manager=services.manager is not None,
        retriever_ready=services.retriever is not None and getattr(services.retriever, "ready", True),
    )


@router.post(
    "/auth/citizen", response_model=TokenOut, status_code=201, summary="领取匿名群众令牌（网页端使用）"
)
def citizen_token(request: Request, services: ServicesDep) -> TokenOut:
    limiter(request).check(Limit.TOKEN_MINT, client_ip(request))
    valid_for = timedelta(days=services.settings.citizen_token_days)
    with services.db.write() as session:
        record, secret = issue_token(
            session=session, role=Role.CITIZEN, name=repo.ANONYMOUS_NAME, valid_for=valid_for
        )
    return TokenOut(token=secret, token_id=record.id, role=Role(record.role), name=record.name)


@router.get("/auth/me", response_model=PrincipalOut, summary="当前令牌的身份")
def me(principal: PrincipalDep) -> PrincipalOut:
    return PrincipalOut(token_id=principal.token_id, role=principal.role, name=principal.name)


@router.post("/tokens", response_model=TokenOut, status_code=201, summary="创建令牌（管理员）")
def create_token(body: TokenIn, services: ServicesDep, principal: AdminDep) -> TokenOut:
    with services.db.write() as session:
        record, secret = issue_token(
            session=session,
            role=body.role,
            name=body.name.strip(),
            valid_for=timedelta(days=services.settings.staff_token_days),
        )
    return TokenOut(token=secret, token_id=record.id, role=Role(record.role), name=record.name)


@router.get("/tokens", response_model=list[TokenInfoOut], summary="令牌列表（管理员，不含明文）")
def list_tokens(services: ServicesDep, principal: AdminDep) -> list[TokenInfoOut]:
    with services.db.read() as session:
        records = repo.list_tokens(session=session)
    return [_info(r) for r in records]


@router.post("/tokens/{token_id}/revoke", response_model=TokenInfoOut, summary="吊销令牌（管理员）")
def revoke_token(token_id: str, services: ServicesDep, principal: AdminDep) -> TokenInfoOut:
    if token_id == principal.token_id:
        raise HTTPException(status_code=409, detail="不能吊销当前正在使用的令牌")
    with services.db.write() as session:
        r = repo.revoke_token(session=session, token_id=token_id)
    return _info(r)


@router.get("/audit", summary="知识库操作审计日志（管理员；个人信息已脱敏）")
def audit(
    services: ServicesDep,
    principal: AdminDep,
    target: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    entries = services.store.audit_log(target=target, limit=limit)
    return [mask_deep(e.model_dump(mode="json")) for e in entries]
