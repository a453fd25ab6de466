"""Answer-first replies over HTTP, through the real DialogueManager and HybridRetriever (HashEmbedder index of
the authored Huadu samples, real Hunan 一件事 guides with their official FAQs, and 婚姻登记条例): a yes/no
question, an amount question and a law question get direct answers with exact quotes; a place the KB does
not cover gets an honest reply."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import bearer
from fastapi.testclient import TestClient
from test_app_api_real_manager import _linked_real_guides

from app.api import create_app
from app.auth import create_token
from app.settings import Settings
from app.wiring import Services, build_services
from guides.loader import load_sample_guides
from knowledge.loaders import load_path
from knowledge.loaders.laws import load_law_file
from knowledge.store import KnowledgeStore
from retrieval.embedders import HashEmbedder
from retrieval.hybrid import HybridRetriever

REPO = Path(__file__).resolve().parents[2]
HUNAN = REPO / "tests" / "fixtures" / "hunan_onething"
MARRIAGE_LAW = (
    Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared")
    / "data/laws/national/婚姻登记条例(2003-08-08).md"
)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, TestClient, str]]:
    if not MARRIAGE_LAW.exists():
        pytest.skip(f"shared data not found: {MARRIAGE_LAW}")
    home = tmp_path_factory.mktemp("answers")
    store = KnowledgeStore(f"sqlite:///{home / 'app.db'}")
    store.create_all()
    law = load_law_file(MARRIAGE_LAW).policies
    guides = [
        *load_sample_guides(),
        *_linked_real_guides(),
        *load_path(HUNAN).guides,
    ]  # flows need the linked ones
    store.ingest(guides=guides, policies=law, actor="test")
    retriever = HybridRetriever(home / "index", embedder=HashEmbedder())
    retriever.build(list(store.iter_published_guides()), law, progress=False)
    services = build_services(Settings(home=home), store=store, retriever=retriever)
    with services.db.write() as session:
        tok = create_token(session=session, role="citizen")
    with TestClient(create_app(services)) as client:
        yield services, client, tok
    services.close()


def _ask(client: TestClient, tok: str, text: str, session_id: str | None = None) -> dict:
    body = {"message": text, **({"session_id": session_id} if session_id else {})}
    r = client.post("/api/v1/chat", json=body, headers=bearer(tok))
    assert r.status_code == 200, r.text
    return r.json()


def _squash(text: str) -> str:
    return "".join(text.split())


def test_yes_no_question_opens_with_the_answer(api: tuple[Services, TestClient, str]) -> None:
    services, client, tok = api
    out = _ask(client, tok, "办居住证要带身份证吗")
    assert out["reply"].startswith("需要。「居民身份证」在申请材料清单中")
    guide = services.store.get_guide("sample-huadu-juzhuzheng-shenling")
    assert guide is not None
    [cite] = out["citations"]
    assert cite["id"] == f"guide:{guide.id}#materials" and cite["quote"] in [m.name for m in guide.materials]
    # an official FAQ of another region: the answer first, the region said, the quote exact
    out = _ask(client, tok, "变更更正姓名可以在线上申请吗")
    assert "可以线上申请" in out["reply"] and "湖南省芙蓉区" in out["reply"]
    hunan = services.store.get_guide("43PCP0016226J0102")
    assert hunan is not None
    assert out["citations"][0]["quote"] in [f.answer for f in hunan.faqs]


def test_amount_question_quotes_the_official_faq(api: tuple[Services, TestClient, str]) -> None:
    services, client, tok = api
    out = _ask(client, tok, "生源地助学贷款额度每学年最多能贷多少钱")
    assert "20000元" in out["reply"] and "不收费" not in out["reply"]
    guide = services.store.get_guide("43PCP0017225J0102")
    assert guide is not None
    quote = out["citations"][0]["quote"]
    assert out["citations"][0]["id"] == f"guide:{guide.id}#faqs"
    assert any(_squash(quote) in _squash(f.answer) and "20000元" in quote for f in guide.faqs)


def test_an_official_answer_offers_the_nearest_official_questions_one_tap_away(
    api: tuple[Services, TestClient, str],
) -> None:
    services, _, _ = api
    with services.db.write() as session:
        tok = create_token(session=session, role="citizen")  # a session of its own
    with TestClient(create_app(services)) as client:
        out = _ask(client, tok, "变更更正姓名可以在线上申请吗")
        guide = services.store.get_guide("43PCP0016226J0102")
        assert guide is not None and out["choices"]
        label = out["choices"][0]
        pair = next(f for f in guide.faqs if label.split("（")[0] == f.question)
        tapped = _ask(client, tok, label, session_id=out["session_id"])
        assert _squash(pair.answer)[:20] in _squash(tapped["reply"])
        assert tapped["citations"][0]["id"] == f"guide:{guide.id}#faqs"
        again = _ask(client, tok, "变更更正姓名可以在线上申请吗")
        by_number = _ask(client, tok, "1", session_id=again["session_id"])
        assert _squash(pair.answer)[:20] in _squash(by_number["reply"])
        # the first answer was a near miss: the content staff see the question and the pair tapped
        with services.db.write() as session:
            editor = create_token(session=session, role="editor")
        queue = client.get("/api/v1/unanswered", headers=bearer(editor))
        assert queue.status_code == 200, queue.text
        near = [i for i in queue.json()["items"] if i["question"] == "变更更正姓名可以在线上申请吗"]
        assert near and label in near[0]["comment"]


def test_law_question_cites_law_and_article(api: tuple[Services, TestClient, str]) -> None:
    services, client, tok = api
    out = _ask(client, tok, "去登记结婚要带哪些证件和证明材料")
    assert "《婚姻登记条例》第五条" in out["reply"]
    [cite] = [c for c in out["citations"] if c["id"].endswith("#第五条")]
    law = next(p for p in services.store.iter_policies() if p.title == "婚姻登记条例")
    article = law.article("第五条")
    assert article is not None and cite["quote"] in article.text and "户口簿" in cite["quote"]
    # a resident's question: the paragraph for 内地居民, not those for 港澳台居民 / 华侨 / 外国人 (in the source panel)
    assert article.text.startswith(cite["quote"]) and len(cite["quote"]) < len(article.text)
    assert "内地居民" in out["reply"] and "外国人" not in out["reply"] and "全文见「引用来源」" in out["reply"]


def test_a_place_the_kb_does_not_cover_gets_an_honest_reply(api: tuple[Services, TestClient, str]) -> None:
    services, client, tok = api
    out = _ask(client, tok, "北京市的居住证怎么办")
    assert "没有北京市的办事指南" in out["reply"] and "广东省广州市花都区" in out["reply"]
    assert not out["citations"] and not out["confident"]


def test_a_clarifying_turn_enters_the_queue_with_its_candidates() -> None:
    from app.api.routes.chat import _queue_comment
    from assistant.events import Clarified, Unanswered
    from assistant.state import DialogueState, Reply, TurnResult

    shown = ["居住证申领", "居住证签注"]
    reply = Reply(text="没有把握确定您问的是哪个事项。您要办理的是…？", choices=shown, confident=False)
    turn = TurnResult(
        state=DialogueState(), reply=reply, events=[Clarified(candidates=shown, confidence=0.3)]
    )
    assert _queue_comment(turn) == "澄清提问，候选：居住证申领；居住证签注"
    refused = TurnResult(
        state=DialogueState(), reply=Reply(text="抱歉", confident=False), events=[Unanswered()]
    )
    assert _queue_comment(refused) == ""
