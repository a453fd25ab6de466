"""Guides (办事指南) and policies: reading for everyone, editing/publishing for content staff; hit testing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Query

from app.api.deps import EditorDep, PrincipalDep, RetrieverDep, ServicesDep
from app.api.errors import field_error
from app.api.schemas import (
    ChunkHitOut,
    DiffOut,
    FieldChangeOut,
    GuideIn,
    GuideOut,
    GuidePageOut,
    GuideSummaryOut,
    GuideVersionOut,
    HitOut,
    PolicyOut,
    PolicyPageOut,
    PolicySummaryOut,
    PublishIn,
    PublishOut,
    SearchOut,
)
from app.auth import Principal
from app.db import Role
from app.masking import get_logger
from app.settings import INT4_MAX
from knowledge.schema import GuideStatus, ServiceGuide

router = APIRouter(tags=["办事指南与政策"])
log = get_logger("govassist.api.guides")

Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Version = Annotated[int, Query(ge=1, le=INT4_MAX)]


def _staff(principal: Principal) -> bool:
    return principal.has(Role.EDITOR, Role.ADMIN)


def _guide_out(guide: ServiceGuide) -> GuideOut:
    return GuideOut.model_validate(guide.model_dump())


def _summary(g: ServiceGuide) -> GuideSummaryOut:
    return GuideSummaryOut(
        id=g.id,
        name=g.name,
        department=g.department,
        region=g.region,
        status=g.status.value,
        version=g.version,
        is_sample=g.is_sample,
        updated_at=g.updated_at,
    )


@router.get("/guides", response_model=GuidePageOut, summary="办事指南列表（按名称或部门检索）")
def list_guides(
    services: ServicesDep,
    principal: PrincipalDep,
    q: Annotated[str | None, Query(max_length=200, description="名称或部门包含的文字")] = None,
    status: Annotated[GuideStatus | None, Query(description="draft | published")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> GuidePageOut:
    if not _staff(principal):
        if status == GuideStatus.DRAFT:
            raise HTTPException(status_code=403, detail="无权查看草稿")
        status = GuideStatus.PUBLISHED
    items = services.store.list_guides(status=status, query=q, limit=limit, offset=offset)
    total = services.store.count_guides(status=status, query=q)
    return GuidePageOut(items=[_summary(g) for g in items], total=total, limit=limit, offset=offset)


@router.get("/guides/{guide_id}", response_model=GuideOut, summary="查看办事指南（可指定版本）")
def get_guide(
    guide_id: str,
    services: ServicesDep,
    principal: PrincipalDep,
    version: Annotated[int | None, Query(ge=1, le=INT4_MAX)] = None,
) -> GuideOut:
    guide = services.store.get_guide(guide_id, version=version, published_only=not _staff(principal))
    if guide is None:
        raise HTTPException(status_code=404, detail=f"办事指南不存在：{guide_id}")
    return _guide_out(guide)


@router.put(
    "/guides/{guide_id}",
    response_model=GuideOut,
    summary="保存办事指南为新草稿版本（内容编辑）",
    description="内容与当前版本相同时不产生新版本。发布前，已发布版本继续对外提供服务。",
)
def save_guide(guide_id: str, body: GuideIn, services: ServicesDep, principal: EditorDep) -> GuideOut:
    if body.id != guide_id:
        raise field_error(("body", "id"), "指南编号与路径中的编号不一致")
    guide = ServiceGuide.model_validate(body.model_dump(exclude={"note"}))
    saved = services.store.save_guide(guide, actor=principal.actor, note=body.note, create=True)
    log.info("guide %s saved as version %s by %s", guide_id, saved.version, principal.actor)
    return _guide_out(saved)


@router.post("/guides/{guide_id}/publish", response_model=PublishOut, summary="发布办事指南并更新检索索引")
def publish_guide(
    guide_id: str,
    services: ServicesDep,
    principal: EditorDep,
    body: Annotated[PublishIn | None, Body()] = None,
) -> PublishOut:
    version = body.version if body else None
    guide = services.store.publish(guide_id, actor=principal.actor, version=version)
    indexed, message = False, "已发布；检索服务未加载，索引将在下次构建时更新"
    if services.retriever is not None:
        try:
            services.retriever.upsert_guide(guide)
            indexed, message = True, "已发布，检索索引已更新"
        except Exception:
            log.exception("re-indexing guide %s failed", guide_id)
            message = "已发布，但检索索引更新失败，请重新构建索引"
    return PublishOut(guide=_guide_out(guide), indexed=indexed, message=message)


@router.post("/guides/{guide_id}/unpublish", response_model=PublishOut, summary="下线办事指南并移出检索索引")
def unpublish_guide(guide_id: str, services: ServicesDep, principal: EditorDep) -> PublishOut:
    guide = services.store.unpublish(guide_id, actor=principal.actor)
    indexed, message = False, "已下线；检索服务未加载，索引将在下次构建时更新"
    if services.retriever is not None:
        try:
            services.retriever.remove_doc(guide_id)
            indexed, message = True, "已下线，已移出检索索引"
        except Exception:
            log.exception("removing guide %s from the index failed", guide_id)
            message = "已下线，但移出检索索引失败，请重新构建索引"
    return PublishOut(guide=_guide_out(guide), indexed=indexed, message=message)


@router.get("/guides/{guide_id}/versions", response_model=list[GuideVersionOut], summary="办事指南版本列表")
def guide_versions(guide_id: str, services: ServicesDep, principal: EditorDep) -> list[GuideVersionOut]:
    return [GuideVersionOut.model_validate(v.model_dump()) for v in services.store.versions(guide_id)]


@router.get("/guides/{guide_id}/diff", response_model=DiffOut, summary="比较办事指南两个版本")
def guide_diff(
    guide_id: str,
    services: ServicesDep,
    principal: EditorDep,
    a: Version,
    b: Version,
) -> DiffOut:
    changes = services.store.diff(guide_id, a, b)
    return DiffOut(
        guide_id=guide_id, a=a, b=b, changes=[FieldChangeOut.model_validate(c.model_dump()) for c in changes]
    )


@router.get("/policies", response_model=PolicyPageOut, summary="政策法规列表")
def list_policies(
    services: ServicesDep,
    principal: PrincipalDep,
    q: Annotated[str | None, Query(max_length=200, description="标题包含的文字")] = None,
    kind: Annotated[str | None, Query(pattern="^(law|regulation|policy|report)$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> PolicyPageOut:
    docs = services.store.list_policies(kind=kind, query=q, limit=limit, offset=offset)
    total = services.store.count_policies(kind=kind, query=q)
    items = [
        PolicySummaryOut(
            id=p.id,
            title=p.title,
            kind=p.kind,
            issuer=p.issuer,
            doc_number=p.doc_number,
            level=p.level,
            region=p.region,
            published=p.published,
            articles=len(p.articles),
        )
        for p in docs
    ]
    return PolicyPageOut(items=items, total=total, limit=limit, offset=offset)


@router.get("/policies/{policy_id}", response_model=PolicyOut, summary="查看政策法规全文（按条）")
def get_policy(policy_id: str, services: ServicesDep, principal: PrincipalDep) -> PolicyOut:
    doc = services.store.get_policy(policy_id)
    if doc is None:
        raise HTTPException(status_code=404, detail=f"政策法规不存在：{policy_id}")
    return PolicyOut.model_validate(doc.model_dump())


@router.get("/search", response_model=SearchOut, summary="命中测试：查看检索结果与各检索器得分（内容编辑）")
def search(
    services: ServicesDep,
    principal: EditorDep,
    retriever: RetrieverDep,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    top_k: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SearchOut:
    result = retriever.search(q, top_k=top_k)
    hits = [
        HitOut(
            doc_id=h.doc_id,
            kind=getattr(h.kind, "value", str(h.kind)),
            title=h.title,
            score=float(h.score),
            chunks=[
                ChunkHitOut(
                    id=c.chunk.id,
                    field=c.chunk.field,
                    heading=c.chunk.heading,
                    text=c.chunk.text,
                    score=float(c.score),
                    scores={k: float(v) for k, v in c.scores.items()},
                )
                for c in h.chunks
            ],
        )
        for h in result.hits
    ]
    return SearchOut(
        query=result.query,
        confident=result.confident,
        confidence=float(result.confidence),
        latency_ms=float(result.latency_ms),
        hits=hits,
    )
