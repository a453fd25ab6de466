"""Abuse limits with the `limits` library: per-IP token minting, per-token chat, new-session and application
rates. A refusal is a 429 with a Chinese message and `Retry-After` (seconds).

The client IP is the ASGI peer. Behind a reverse proxy (or for the UI, which calls this API over loopback on
behalf of a browser) uvicorn's proxy-headers support puts the forwarded client address there, for peers in
`--forwarded-allow-ips` (loopback by default).
"""

from __future__ import annotations

import math
import time
from enum import StrEnum

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter
from limits.strategies import RateLimiter as Strategy

from app.api.errors import error_body
from app.crud.rate_counters import DatabaseStorage
from app.db import AppDB
from app.settings import Settings

DATABASE_STORAGE = "database"


class Limit(StrEnum):
    TOKEN_MINT = "token_mint"
    CHAT = "chat"
    NEW_SESSION = "new_session"
    APPLICATIONS = "applications"


_MESSAGES = {
    Limit.TOKEN_MINT: "领取令牌过于频繁",
    Limit.CHAT: "发送消息过于频繁",
    Limit.NEW_SESSION: "新建会话过于频繁",
    Limit.APPLICATIONS: "提交申请过于频繁",
}


class RateLimited(Exception):
    """Rendered as 429 with `Retry-After`; `message` is user-facing Chinese."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, retry_after)


class RateLimiter:
    """Named limits keyed by an identifier (an IP or a token id), each a list of windows ("10/minute;100/day")."""

    def __init__(self, settings: Settings, db: AppDB | None = None) -> None:
        self._strategy: Strategy
        if settings.rate_limit_storage == DATABASE_STORAGE:
            if db is None:
                raise ValueError("rate_limit_storage=database needs the app database")
            self._strategy = FixedWindowRateLimiter(DatabaseStorage(db))  # shared by every worker and host
        else:
            self._strategy = MovingWindowRateLimiter(storage_from_string(settings.rate_limit_storage))
        self._rules: dict[Limit, list[RateLimitItem]] = {
            Limit.TOKEN_MINT: parse_many(settings.rate_token_mint),
            Limit.CHAT: parse_many(settings.rate_chat),
            Limit.NEW_SESSION: parse_many(settings.rate_new_session),
            Limit.APPLICATIONS: parse_many(settings.rate_applications),
        }

    def check(self, limit: Limit, key: str) -> None:
        """Count one request for `key`, or raise RateLimited when any window of `limit` is full."""
        items = self._rules[limit]
        for item in items:  # test every window first, so a refused request does not use up the others
            if not self._strategy.test(item, limit.value, key):
                raise self._refusal(limit, item, key)
        for item in items:
            if not self._strategy.hit(item, limit.value, key):  # lost a race for the last slot
                raise self._refusal(limit, item, key)

    def _refusal(self, limit: Limit, item: RateLimitItem, key: str) -> RateLimited:
        reset = self._strategy.get_window_stats(item, limit.value, key).reset_time
        retry = math.ceil(reset - time.time())
        return RateLimited(f"{_MESSAGES[limit]}，请在 {max(1, retry)} 秒后重试", retry)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limiter(request: Request) -> RateLimiter:
    return request.app.state.limiter  # type: ignore[no-any-return]


async def _on_rate_limited(request: Request, exc: RateLimited) -> JSONResponse:
    return JSONResponse(
        error_body(exc.message), status_code=429, headers={"Retry-After": str(exc.retry_after)}
    )


def install_limits(app: FastAPI, settings: Settings, db: AppDB | None = None) -> None:
    app.state.limiter = RateLimiter(settings, db)
    app.add_exception_handler(RateLimited, _on_rate_limited)  # type: ignore[arg-type]
