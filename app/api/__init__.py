"""The HTTP API under /api/v1: `create_app(build_services(settings))`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.errors import BodySizeLimitMiddleware, install_error_handlers
from app.api.guard import InputGuardMiddleware, api_fallback
from app.api.limits import install_limits
from app.api.routes import admin, applications, chat, feedback, flows, guides
from app.api.schemas import ErrorOut
from app.masking import install_log_masking
from app.wiring import Services

API_PREFIX = "/api/v1"
MAX_BODY_BYTES = 64 * 1024

_TAGS = [
    {"name": "对话", "description": "办事咨询、情形引导、边聊边办"},
    {"name": "办件", "description": "申请提交（幂等）、查询与窗口受理流转"},
    {"name": "办事指南与政策", "description": "指南与政策法规的查询、编辑、发布与命中测试"},
    {"name": "情形引导流程", "description": "事项流程（预审/情形引导）的查看、草稿、版本、差异与发布"},
    {"name": "反馈与待完善问题", "description": "点赞/点踩与未能回答的问题"},
    {"name": "系统与令牌", "description": "健康检查、身份令牌与审计"},
]
_ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 409, 413, 422, 429)}
_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def create_app(services: Services, *, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """Build the API over already-constructed services (tests pass their own)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        install_log_masking()  # again: the server may have (re)configured logging after create_app
        yield

    app = FastAPI(
        title="政务数字人 API",
        version="1.0",
        description="离线可部署的政务服务助手：办事指南问答（带出处）、情形引导、边聊边办与窗口受理。"
        "除健康检查与领取群众令牌外，所有接口需要 Bearer 令牌。",
        openapi_tags=_TAGS,
        lifespan=lifespan,
    )
    app.state.services = services
    install_log_masking()
    install_error_handlers(app)
    install_limits(app, services.settings, services.db)
    # Outermost last: the size limit runs first, so the guard buffers at most max_body_bytes.
    app.add_middleware(InputGuardMiddleware, path_prefix=API_PREFIX + "/")
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_body_bytes, path_prefix=API_PREFIX + "/")
    for module in (chat, applications, guides, flows, feedback, admin):
        app.include_router(module.router, prefix=API_PREFIX, responses=_ERRORS)
    # Last API route: unmatched /api/v1 paths get 405/404 here instead of reaching the UI mount.
    app.add_api_route(
        API_PREFIX + "/{rest:path}", api_fallback, methods=_ALL_METHODS, include_in_schema=False
    )
    return app
