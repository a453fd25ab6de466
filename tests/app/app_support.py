"""Test support for the app tests: a small scripted dialogue manager with the DialogueManager contract, an
in-memory retriever with the HybridRetriever surface, and a builder of real services on a database URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.settings import Settings
from app.wiring import Services, build_services
from assistant.events import Event, IntentDetected, Unanswered
from assistant.state import ApplicationDraft, Citation, DialogueState, FormView, Intent, Reply, TurnResult
from guides.loader import load_flows, load_sample_guides
from knowledge.schema import ServiceGuide
from knowledge.store import KnowledgeStore
from retrieval.types import Chunk, ChunkHit, DocKind, Hit, SearchResult

SERVICE_ID = "sample-huadu-shebaoka-buhuan"
FLOW_ID = "shebaoka-buhuan"
ID_NUMBER = "440103199001011236"  # valid check digit


class ScriptedManager:
    """A deterministic stand-in for assistant.policy.manager.DialogueManager with the same contract.

    "我要办理社保卡补换" opens a form in the confirm stage, "确认提交" submits it, a message containing
    "火星" is a low-confidence turn; anything else is answered with one citation.
    """

    def handle(self, state: DialogueState, text: str) -> TurnResult:
        state = state.model_copy(deep=True)
        state.turns += 1
        state.history.append({"role": "user", "text": text})
        submission = None
        events: list[Event] = []
        if state.flow_stage == "confirm" and text == "确认提交":
            submission = ApplicationDraft(
                service_id=SERVICE_ID,
                flow_id=FLOW_ID,
                service_name="社会保障卡补换",
                answers={"pickup": "网点领取", "agent": "本人"},
                fields={"applicant_name": "张三", "applicant_id_number": ID_NUMBER, "reason": "遗失"},
                materials=[{"name": "居民身份证", "required": True, "provided": True}],
                missing_materials=[],
            )
            reply = Reply(text="正在为您提交申请……", intent=Intent.APPLY)
        elif "办理" in text:
            state.flow_id, state.flow_stage, state.current_service_id = FLOW_ID, "confirm", SERVICE_ID
            reply = Reply(
                text="请核对信息，无误请回复“确认提交”。",
                choices=["确认提交"],
                form=FormView(
                    service_id=SERVICE_ID,
                    flow_id=FLOW_ID,
                    fields={"applicant_name": "张三"},
                    missing=[],
                ),
                intent=Intent.APPLY,
            )
        elif "火星" in text:
            reply = Reply(text="抱歉，暂未找到相关办事指南。", confident=False, intent=Intent.OUT_OF_SCOPE)
            events += [IntentDetected(intent="service_question", confidence=0.9), Unanswered(confidence=0.12)]
        else:
            reply = Reply(
                text=f"关于“{text}”：请携带居民身份证办理。",
                citations=[
                    Citation(
                        id=f"guide:{SERVICE_ID}#materials",
                        title="社会保障卡补换",
                        source="示例",
                        quote="居民身份证",
                    )
                ],
                intent=Intent.SERVICE_QUESTION,
            )
        state.history.append({"role": "assistant", "text": reply.text})
        return TurnResult(state=state, reply=reply, submission=submission, events=events)

    def on_submitted(self, state: DialogueState, application_id: str, draft: ApplicationDraft) -> TurnResult:
        state = state.model_copy(deep=True)
        state.flow_id = state.flow_stage = None
        state.last_application_id = application_id
        reply = Reply(text=f"已提交，受理编号：{application_id}", intent=Intent.APPLY)
        state.history.append({"role": "assistant", "text": reply.text})
        return TurnResult(state=state, reply=reply)


class InMemoryRetriever:
    """A tiny substring retriever with the HybridRetriever surface, recording index updates."""

    def __init__(self) -> None:
        self.docs: dict[str, ServiceGuide] = {}
        self.calls: list[tuple[str, str]] = []

    def upsert_guide(self, guide: ServiceGuide) -> None:
        self.calls.append(("upsert", guide.id))
        self.docs[guide.id] = guide

    def remove_doc(self, doc_id: str) -> None:
        self.calls.append(("remove", doc_id))
        self.docs.pop(doc_id, None)

    def search(self, query: str, top_k: int = 5, filters: Any = None, kinds: Any = None) -> SearchResult:
        hits = []
        for g in self.docs.values():
            if query in g.name:
                chunk = Chunk(
                    id=f"{g.id}#name#0",
                    doc_id=g.id,
                    kind=DocKind.GUIDE,
                    field="name",
                    title=g.name,
                    text=g.name,
                )
                hit = ChunkHit(chunk=chunk, score=0.9, scores={"bm25": 1.0, "dense": 0.8})
                hits.append(Hit(doc_id=g.id, kind=DocKind.GUIDE, title=g.name, score=0.9, chunks=[hit]))
        return SearchResult(
            query=query, hits=hits[:top_k], confident=bool(hits), confidence=0.9 if hits else 0.1
        )


def make_services(url: str, home: Path, **settings: Any) -> Services:
    store = KnowledgeStore(url)
    store.create_all()
    store.ingest(guides=load_sample_guides(), actor="test")
    return build_services(
        Settings(home=home, **settings),
        store=store,
        retriever=InMemoryRetriever(),
        flows=load_flows(),
        manager=ScriptedManager(),
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
