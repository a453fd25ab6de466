"""FastAPI dependencies: the services of this app, the authenticated principal, role requirements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import AuthError, Principal, authenticate
from app.db import Role
from app.wiring import Manager, Retriever, Services

_bearer = HTTPBearer(auto_error=False, description="访问令牌：Authorization: Bearer <token>")


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]


def get_principal(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    token = credentials.credentials if credentials else None
    try:
        with services.db.read() as session:
            return authenticate(session=session, token=token)
    except AuthError as exc:
        raise HTTPException(
            status_code=401, detail=exc.message, headers={"WWW-Authenticate": "Bearer"}
        ) from exc


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    allowed = "、".join(_ROLE_NAMES[r] for r in roles)

    def dependency(principal: PrincipalDep) -> Principal:
        if not principal.has(*roles):
            raise HTTPException(status_code=403, detail=f"无权执行此操作（需要以下身份之一：{allowed}）")
        return principal

    return dependency


_ROLE_NAMES = {Role.CITIZEN: "群众", Role.CLERK: "窗口人员", Role.EDITOR: "内容编辑", Role.ADMIN: "管理员"}

ApplicantDep = Annotated[Principal, Depends(require_roles(Role.CITIZEN, Role.CLERK, Role.ADMIN))]
ClerkDep = Annotated[Principal, Depends(require_roles(Role.CLERK, Role.ADMIN))]
EditorDep = Annotated[Principal, Depends(require_roles(Role.EDITOR, Role.ADMIN))]
AdminDep = Annotated[Principal, Depends(require_roles(Role.ADMIN))]


def get_manager(services: ServicesDep) -> Manager:
    if services.manager is None:
        raise HTTPException(status_code=503, detail="对话服务尚未就绪，请稍后再试")
    return services.manager


def get_retriever(services: ServicesDep) -> Retriever:
    if services.retriever is None:
        raise HTTPException(status_code=503, detail="检索服务尚未就绪，请先构建索引")
    return services.retriever


ManagerDep = Annotated[Manager, Depends(get_manager)]
RetrieverDep = Annotated[Retriever, Depends(get_retriever)]
