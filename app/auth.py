"""Bearer tokens and roles. A token is a random secret shown once; only its sha256 is stored.

Roles: citizen (own sessions and applications), clerk (窗口人员: all applications, decisions),
editor (内容维护: guides, hit testing, unanswered queue), admin (everything, tokens).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app import repository as repo
from app.db import Role, utcnow

TOKEN_PREFIX = "ga_"
MAX_TOKEN_CHARS = 200


class AuthError(Exception):
    """The token is missing, unknown or revoked; `message` is user-facing Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Principal:
    token_id: str
    role: Role
    name: str = ""

    def has(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_citizen(self) -> bool:
        return self.role is Role.CITIZEN

    @property
    def actor(self) -> str:
        """How this principal appears in audit rows."""
        return f"{self.role.value}:{self.token_id}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(
    *, session: Session, role: Role | str, name: str = "", valid_for: timedelta | None = None
) -> tuple[repo.TokenRecord, str]:
    """Create a token valid for `valid_for` (None: no expiry); returns its record and the secret (shown once,
    never stored)."""
    role = Role(role)
    expires_at: datetime | None = utcnow() + valid_for if valid_for is not None else None
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = repo.insert_token(
        session=session,
        token_id=secrets.token_hex(8),
        token_hash=hash_token(secret),
        role=role.value,
        name=name,
        expires_at=expires_at,
    )
    return record, secret


def create_token(
    *, session: Session, role: Role | str, name: str = "", valid_for: timedelta | None = None
) -> str:
    """Create a token and return the secret."""
    return issue_token(session=session, role=role, name=name, valid_for=valid_for)[1]


def authenticate(*, session: Session, token: str | None) -> Principal:
    """Resolve a bearer token to its principal, or raise AuthError."""
    token = (token or "").strip()
    if not token:
        raise AuthError("缺少访问令牌，请在 Authorization 头中提供 Bearer 令牌")
    if len(token) > MAX_TOKEN_CHARS or not token.startswith(TOKEN_PREFIX):
        raise AuthError("访问令牌无效")
    record = repo.get_token_by_hash(session=session, token_hash=hash_token(token))
    if record is None:
        raise AuthError("访问令牌无效")
    if record.revoked:
        raise AuthError("访问令牌已被吊销")
    if record.expires_at is not None and record.expires_at <= utcnow():
        raise AuthError("访问令牌已过期，请重新获取")
    return Principal(token_id=record.id, role=Role(record.role), name=record.name)
