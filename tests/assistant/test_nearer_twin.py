"""Another place's official pair answers a question asking nothing specific only when the same service of a nearer
place is not in the KB: that one's overview answers ("生小孩之后怎么报户口")."""

from __future__ import annotations

from pathlib import Path

from assistant.policy.evidence import Candidate
from assistant.state import DialogueState
from eval.dialogue import build_manager
from knowledge.schema import FAQ, Material, ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.passages import ScoredPassage, guide_passages
from retrieval.types import DocKind, Hit

# test data: one service in the shape of 新生儿出生一件事, of the home district and of another province's city
NAME = "示例新生儿出生一件事"
HOME = ServiceGuide(
    id="newborn-home",
    name=NAME,
    region="广东省广州市花都区",
    department="示例卫生健康局",
    materials=[Material(name="出生医学证明")],
    location="花都区各助产机构",
)
AWAY = ServiceGuide(
    id="newborn-away",
    name=NAME,
    region="湖南省长沙市",
    department="示例长沙卫生健康委",
    faqs=[
        FAQ(
            question="户口簿去哪里打印？需要带什么资料？",
            answer="携带居民户口簿和出生医学证明至户籍地派出所打印。",
        )
    ],
)


def _pair(m, guide: ServiceGuide) -> Candidate:  # noqa: ANN001 - the manager of build_manager
    faq = next(p for p in guide_passages(guide) if p.field == "faq")
    return Candidate(guide, None, ScoredPassage(faq, 1.0, 0.5, 0.5, 1.0), m.answering._rank(guide, []))


def test_the_same_service_of_the_home_region_answers_a_generic_question(tmp_path: Path) -> None:
    m = build_manager([HOME, AWAY], {}, tmp_path / "idx", embedder=HashEmbedder())
    a = m.answering
    question = "生小孩之后怎么报户口"
    result = a.search(question, None, top_k=8, chunks_per_hit=64, faq_top=8, article_top=4)
    assert result is not None
    away = _pair(m, AWAY)
    twin = a._nearer_twin(
        question, result, away, []
    )  # found by the pair's service name when the words miss it
    assert twin is not None and twin.guide.id == "newborn-home" and twin.rank < away.rank
    # an aspect asked keeps the pair that states it; so does the official question asked word for word
    assert a._nearer_twin("报户口要带什么资料", result, away, []) is None
    assert a._nearer_twin("户口簿去哪里打印？需要带什么资料？", result, away, []) is None

    # the twin vouched for by the pair answers with its overview, however little of its name the question says
    hit = Hit(HOME.id, DocKind.GUIDE, HOME.name, 1.0, [])
    for vouched, answers in ((True, True), (False, False)):
        c = Candidate(HOME, hit, None, twin.rank, vouched=vouched)
        reply = a._answer_from(DialogueState(session_id="t"), c, [], question, [], [], [], result)
        assert ("花都区各助产机构" in reply.text) is answers, vouched
