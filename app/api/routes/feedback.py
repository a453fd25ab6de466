"""Feedback on replies and the content staff's queue of unanswered / low-confidence questions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from app import repository as repo
from app.api.deps import EditorDep, PrincipalDep, ServicesDep
from app.api.errors import field_error
from app.api.schemas import FeedbackIn, FeedbackOut, ResolveIn, UnansweredOut, UnansweredPageOut
from app.masking import mask_deep, mask_pii
from app.settings import INT4_MAX

router = APIRouter(tags=["反馈与待完善问题"])

_CONVERSATION_TAIL = 20  # history entries shown with a queue item
_USER_ROLES = {"user", "citizen", "human"}


def _last(history: list[dict[str, str]], *, user: bool) -> str:
    for entry in reversed(history):
        if (str(entry.get("role", "")) in _USER_ROLES) == user:
            return str(entry.get("text", ""))
    return ""


def _item(record: repo.UnansweredRecord, history: list[dict[str, str]] | None) -> UnansweredOut:
    """A queue item for content staff: ID, phone and card numbers masked (they are not the data's owner)."""
    data = record.model_dump()
    for key in ("question", "reply", "comment"):
        data[key] = mask_pii(data[key])
    return UnansweredOut(**data, conversation=mask_deep((history or [])[-_CONVERSATION_TAIL:]))


@router.post("/feedback", response_model=FeedbackOut, status_code=201, summary="对最近一次回答点赞或点踩")
def add_feedback(body: FeedbackIn, services: ServicesDep, principal: PrincipalDep) -> FeedbackOut:
    with services.db.read() as session:
        chat = repo.get_chat_session(session=session, session_id=body.session_id)
    if chat is None or chat.owner != principal.token_id:
        raise HTTPException(status_code=404, detail="会话不存在或已失效")
    history = list(chat.state.get("history") or [])
    with services.db.write() as session:
        record = repo.add_feedback(
            session=session,
            session_id=chat.id,
            turn=chat.turns,
            rating=body.rating,
            actor=principal.token_id,
            comment=body.comment.strip(),
            question=_last(history, user=True),
            reply=_last(history, user=False),
        )
    return FeedbackOut(id=record.id, session_id=record.session_id, turn=record.turn, rating=record.rating)


@router.get(
    "/unanswered",
    response_model=UnansweredPageOut,
    summary="待完善问题：低置信度回答与点踩反馈（含对话上下文，个人信息已脱敏；重复提问合并计数）",
)
def list_unanswered(
    services: ServicesDep,
    principal: EditorDep,
    resolved: Annotated[bool | None, Query(description="默认只看未处理的；留空看全部")] = False,
    kind: Annotated[str | None, Query(pattern="^(low_confidence|thumbs_down)$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> UnansweredPageOut:
    with services.db.read() as session:
        items, total = repo.list_unanswered(
            session=session, resolved=resolved, kind=kind, limit=limit, offset=offset
        )
        sessions = repo.get_chat_sessions(
            session=session, session_ids=[i.session_id for i in items if i.session_id]
        )
    out = [
        _item(
            i, list(sessions[i.session_id].state.get("history") or []) if i.session_id in sessions else None
        )
        for i in items
    ]
    return UnansweredPageOut(items=out, total=total, limit=limit, offset=offset)


@router.post(
    "/unanswered/{item_id}/resolve", response_model=UnansweredOut, summary="标记问题已处理（可关联指南）"
)
def resolve(
    item_id: Annotated[int, Path(ge=1, le=INT4_MAX)],
    body: ResolveIn,
    services: ServicesDep,
    principal: EditorDep,
) -> UnansweredOut:
    if body.guide_id and services.store.get_guide(body.guide_id) is None:
        raise field_error(("body", "guide_id"), f"办事指南不存在：{body.guide_id}")
    with services.db.write() as session:
        record = repo.resolve_unanswered(
            session=session, item_id=item_id, actor=principal.actor, guide_id=body.guide_id
        )
    return _item(record, None)
