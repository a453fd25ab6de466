"""Keyword-only data access for the app tables, one module per job (the FastAPI template's crud layout):
tokens, chat sessions, applications, feedback, the unanswered queue and retention. Functions take a
`Session` and never commit: the caller owns the transaction (`with db.write() as session: ...`). The one
exception is `create_or_get_application`, which runs its own transactions to make creation idempotent under
races. Rows never leave this package: every function returns pydantic records (`app.crud.records`).
"""

from app.crud.applications import (
    create_or_get_application,
    get_application,
    get_application_by_key,
    insert_application,
    list_applications,
    list_events,
    new_application_id,
    transition_application,
)
from app.crud.feedback import add_feedback
from app.crud.records import (
    CHINA_TZ,
    ApplicationData,
    ApplicationRecord,
    ChatSessionRecord,
    EventRecord,
    FeedbackRecord,
    InvalidTransition,
    NotFound,
    StaleSession,
    TokenRecord,
    UnansweredRecord,
)
from app.crud.retention import ANONYMOUS_NAME, PurgeResult, purge_expired
from app.crud.sessions import count_active_sessions, get_chat_session, get_chat_sessions, save_chat_session
from app.crud.tokens import get_token_by_hash, insert_token, list_tokens, revoke_token
from app.crud.unanswered import add_unanswered, list_unanswered, question_key, resolve_unanswered

__all__ = [
    "ANONYMOUS_NAME",
    "CHINA_TZ",
    "ApplicationData",
    "ApplicationRecord",
    "ChatSessionRecord",
    "EventRecord",
    "FeedbackRecord",
    "InvalidTransition",
    "NotFound",
    "PurgeResult",
    "StaleSession",
    "TokenRecord",
    "UnansweredRecord",
    "add_feedback",
    "add_unanswered",
    "count_active_sessions",
    "create_or_get_application",
    "get_application",
    "get_application_by_key",
    "get_chat_session",
    "get_chat_sessions",
    "get_token_by_hash",
    "insert_application",
    "insert_token",
    "list_applications",
    "list_events",
    "list_tokens",
    "list_unanswered",
    "new_application_id",
    "purge_expired",
    "question_key",
    "resolve_unanswered",
    "revoke_token",
    "save_chat_session",
    "transition_application",
]
