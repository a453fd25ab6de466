"""POST /chat: one dialogue turn over a persisted session (边聊边办)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app import repository as repo
from app.api.deps import ManagerDep, PrincipalDep, ServicesDep
from app.api.errors import field_error
from app.api.intake import check_field_values
from app.api.limits import Limit, RateLimited, limiter
from app.api.schemas import ChatIn, ChatOut, ChatSessionOut, CitationOut, FormOut
from app.auth import Principal
from app.db import utcnow
from app.masking import get_logger
from app.wiring import Manager, Services, acting_for
from assistant.events import Clarified, RelatedPicked, Retrieved, Unanswered
from assistant.state import ApplicationDraft, DialogueState, Reply, TurnResult

router = APIRouter(tags=["对话"])
log = get_logger("govassist.api.chat")

_BUSY = "该会话有其他消息正在处理，请稍后重试"


def _load_session(services: Services, principal: Principal, session_id: str) -> repo.ChatSessionRecord:
    """The caller's own session, or 404 (another owner's session is indistinguishable from a missing one)."""
    with services.db.read() as session:
        record = repo.get_chat_session(session=session, session_id=session_id)
    if record is None or record.owner != principal.token_id:
        raise HTTPException(status_code=404, detail="会话不存在或已失效，请开始新的会话")
    if record.updated_at < utcnow() - timedelta(hours=services.settings.session_idle_hours):
        raise HTTPException(status_code=404, detail="会话已过期，请开始新的会话")
    return record


def _new_session(request: Request, services: Services, principal: Principal) -> str:
    """A new session id, within the per-token rate and the cap on sessions active at once."""
    limiter(request).check(Limit.NEW_SESSION, principal.token_id)
    cap = services.settings.max_sessions_per_token
    since = utcnow() - timedelta(hours=services.settings.session_idle_hours)
    with services.db.read() as session:
        active = repo.count_active_sessions(session=session, owner=principal.token_id, since=since)
    if active >= cap:
        raise RateLimited(f"同时进行的会话已达上限（{cap} 个），请在已有会话中继续，或稍后再试", 3600)
    return uuid.uuid4().hex


def _too_long(state: DialogueState, length: int, cap: int) -> TurnResult:
    """The polite reply to a message over the cost cap: nothing of it is processed or remembered."""
    text = (
        f"您的消息较长（{length}字）。为了准确理解，请用一两句话（{cap}字以内）说明要咨询或办理的事项，"
        "例如“社保卡丢了怎么补办”；需要填写的信息我会逐项询问。"
    )
    return TurnResult(state=state.model_copy(deep=True), reply=Reply(text=text))


def _state(record: repo.ChatSessionRecord) -> DialogueState:
    """The stored state; one that no longer validates (an older format) restarts the conversation."""
    try:
        return DialogueState.model_validate(record.state)
    except ValidationError:
        log.warning("chat session %s has an unreadable state; starting over", record.id)
        return DialogueState(session_id=record.id, turns=record.turns)  # keeps idempotency keys unique


def _confidence(turn: TurnResult) -> float | None:
    """The retrieval confidence the manager reported for an unanswered turn (not the classifier's)."""
    for event in reversed(turn.events):
        if isinstance(event, Unanswered | Clarified | Retrieved) and event.confidence is not None:
            return event.confidence
    return None


def _queue_comment(turn: TurnResult) -> str:
    """A clarifying question's candidates as shown, so content staff see the near misses too."""
    for event in turn.events:
        if isinstance(event, Clarified) and event.candidates == list(turn.reply.choices):
            return "澄清提问，候选：" + "；".join(event.candidates)
    return ""


def _out(session_id: str, turn: TurnResult, application_id: str | None) -> ChatOut:
    reply = turn.reply
    form = None
    if reply.form is not None:
        form = FormOut(
            service_id=reply.form.service_id,
            flow_id=reply.form.flow_id,
            fields=reply.form.fields,
            missing=reply.form.missing,
            answers=reply.form.answers,
            materials=reply.form.materials,
            labels=reply.form.labels,
            service_name=reply.form.service_name,
        )
    return ChatOut(
        session_id=session_id,
        reply=reply.text,
        citations=[CitationOut(**c.model_dump()) for c in reply.citations],
        choices=list(reply.choices),
        form=form,
        application_id=application_id,
        intent=reply.intent.value if reply.intent else None,
        confident=reply.confident,
    )


class _Turn:
    """One turn's persistence: the session state (optimistic lock) and the unanswered queue."""

    def __init__(
        self, *, session_id: str, principal: Principal, version: int | None, text: str, in_form: bool = False
    ) -> None:
        self.session_id = session_id
        self.principal = principal
        self.version = version
        self.text = text
        self.in_form = in_form  # the turn started inside a form

    def save(self, session: Session, turn: TurnResult) -> None:
        state = turn.state.model_copy(update={"session_id": self.session_id})
        repo.save_chat_session(
            session=session,
            session_id=self.session_id,
            owner=self.principal.token_id,
            owner_role=self.principal.role.value,
            state=state.model_dump(mode="json"),
            expected_version=self.version,
        )
        # Form turns carry personal data and are answered by the form itself: never queued for editors.
        in_form = bool(self.in_form or state.flow_id or turn.reply.form is not None)
        near_misses = (
            [e for e in turn.events if isinstance(e, RelatedPicked) and e.question] if not in_form else []
        )
        for near in near_misses:
            # the first answer missed: the citizen tapped another official question of the guide
            repo.add_unanswered(
                session=session,
                kind="low_confidence",
                comment=f"答复后市民点选了相关问题：{near.picked}",
                question=near.question,
                reply=turn.reply.text,
                session_id=self.session_id,
                turn=state.turns,
            )
        if not turn.reply.confident and not in_form:
            repo.add_unanswered(
                session=session,
                kind="low_confidence",
                comment=_queue_comment(turn),
                question=self.text,
                reply=turn.reply.text,
                session_id=self.session_id,
                turn=state.turns,
                confidence=_confidence(turn),
            )


def _submit(
    services: Services, manager: Manager, principal: Principal, persist: _Turn, handled: TurnResult, key: str
) -> tuple[TurnResult, str]:
    """Create the application and save the state in one transaction; a retried turn reuses the application."""
    draft: ApplicationDraft = handled.submission  # type: ignore[assignment]
    data = repo.ApplicationData(**draft.model_dump(mode="json"))
    flow = (services.flows or {}).get(data.flow_id) if data.flow_id else None
    if flow is not None:
        check_field_values(flow, data.fields)  # nothing unvalidated is stored, whatever assembled the draft
    result: dict[str, TurnResult] = {}

    def in_transaction(session: Session, record: repo.ApplicationRecord) -> None:
        result["turn"] = manager.on_submitted(handled.state.model_copy(deep=True), record.id, draft)
        persist.save(session, result["turn"])

    try:
        record, created = repo.create_or_get_application(
            db=services.db,
            data=data,
            owner=principal.token_id,
            owner_role=principal.role.value,
            idempotency_key=key,
            actor=principal.actor,
            session_id=persist.session_id,
            in_transaction=in_transaction,
        )
    except repo.StaleSession as exc:
        raise HTTPException(status_code=409, detail=_BUSY) from exc
    if created:
        log.info("application %s submitted from session %s", record.id, persist.session_id)
        return result["turn"], record.id
    if record.owner != principal.token_id:  # cannot happen with server-made session ids; never leak
        raise HTTPException(status_code=409, detail="申请提交冲突，请重新开始会话")
    turn = manager.on_submitted(handled.state.model_copy(deep=True), record.id, draft)
    try:
        with services.db.write() as session:
            persist.save(session, turn)
    except repo.StaleSession:
        pass  # the request that created the application saved this turn already
    return turn, record.id


@router.post(
    "/chat",
    response_model=ChatOut,
    summary="对话：咨询办事指南、情形引导、边聊边办",
    description="发送一条消息。不带 session_id 时新建会话；会话状态持久保存，服务重启后可继续。"
    "用户确认提交时自动生成办件并返回受理编号 application_id。",
)
def chat(
    body: ChatIn, request: Request, services: ServicesDep, principal: PrincipalDep, manager: ManagerDep
) -> ChatOut:
    limiter(request).check(Limit.CHAT, principal.token_id)
    limit = services.settings.max_message_chars
    if len(body.message) > limit:
        raise field_error(("body", "message"), f"消息长度不能超过 {limit} 个字符")
    text = body.message.strip()
    if not text:
        raise field_error(("body", "message"), "消息不能为空")

    if body.session_id:
        record = _load_session(services, principal, body.session_id)
        session_id, version = record.id, record.version
        state = _state(record)
    else:
        session_id, version = _new_session(request, services, principal), None
        state = DialogueState(session_id=session_id)
    state.session_id = session_id
    turns_before = state.turns

    cap = services.settings.max_query_chars
    if len(text) > cap:  # the cost cap: a long message never reaches the dialogue or retrieval
        handled = _too_long(state, len(text), cap)
    else:
        with acting_for(principal.token_id):
            handled = manager.handle(state.model_copy(deep=True), text)
    persist = _Turn(
        session_id=session_id, principal=principal, version=version, text=text, in_form=bool(state.flow_id)
    )
    if handled.submission is not None:
        turn, application_id = _submit(
            services, manager, principal, persist, handled, key=f"{session_id}:{turns_before}"
        )
        return _out(session_id, turn, application_id)
    try:
        with services.db.write() as session:
            persist.save(session, handled)
    except repo.StaleSession as exc:
        raise HTTPException(status_code=409, detail=_BUSY) from exc
    return _out(session_id, handled, None)


@router.get(
    "/chat/sessions/{session_id}",
    response_model=ChatSessionOut,
    summary="查看会话（对话记录，用于恢复会话）",
)
def get_session(session_id: str, services: ServicesDep, principal: PrincipalDep) -> ChatSessionOut:
    record = _load_session(services, principal, session_id)
    state = _state(record)
    return ChatSessionOut(
        session_id=record.id,
        turns=state.turns,
        history=state.history,
        current_service_id=state.current_service_id,
        last_application_id=state.last_application_id,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )
