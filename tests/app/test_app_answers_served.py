"""The answer benchmark against a running service (`govassist eval answers --url …`): the questions go through the
real HTTP API with anonymous citizen tokens and get the same replies, citations and judgements as the in-process
run; a tap on a choice is asked from the state after the question; the service's rate limits are waited out or met
with a fresh token, never counted as answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_app_api_real_manager import _linked_real_guides

from app.api import create_app
from app.settings import Settings
from app.wiring import Services, build_services
from assistant.state import DialogueState
from eval.answers import AnswerQuery, evaluate_answers
from eval.served import ServedAssistant
from guides.loader import load_sample_guides
from knowledge.loaders import load_path
from knowledge.store import KnowledgeStore
from retrieval.embedders import HashEmbedder
from retrieval.hybrid import HybridRetriever

HUNAN = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "hunan_onething"
QUERIES = [
    AnswerQuery(
        "yes-no",
        "办居住证要带身份证吗",
        "t",
        {"doc": "sample-huadu-juzhuzheng-shenling", "field": "materials"},
    ),
    AnswerQuery("faq", "变更更正姓名可以在线上申请吗", "t", {"doc": "43PCP0016226J0102", "faq": 0}),
    AnswerQuery("oos", "今晚吃什么好", "t", None),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, TestClient]]:
    home = tmp_path_factory.mktemp("served")
    store = KnowledgeStore(f"sqlite:///{home / 'app.db'}")
    store.create_all()
    store.ingest(
        guides=[*load_sample_guides(), *_linked_real_guides(), *load_path(HUNAN).guides], actor="test"
    )
    retriever = HybridRetriever(home / "index", embedder=HashEmbedder())
    retriever.build(list(store.iter_published_guides()), [], progress=False)
    # tight limits: each token may open 2 sessions an hour, so the benchmark must take fresh tokens as it goes
    settings = Settings(home=home, rate_new_session="2/hour", rate_token_mint="1000/minute")
    services = build_services(settings, store=store, retriever=retriever)
    with TestClient(create_app(services)) as client:
        yield services, client
    services.close()


def test_served_answers_match_the_in_process_run(served: tuple[Services, TestClient]) -> None:
    services, client = served
    assert services.manager is not None
    here = evaluate_answers(services.manager, QUERIES, services.store.get_guide, lambda _id: None)
    there = evaluate_answers(ServedAssistant(client), QUERIES, services.store.get_guide, lambda _id: None)
    assert [o["q"] for o in there["misses"]] == [o["q"] for o in here["misses"]]
    for key in ("answer_hit", "source_hit", "refused", "oos_refused", "one_tap_hit", "n"):
        assert there[key] == here[key], key
    assert (
        there["answer_hit"] == 1.0 and there["oos_refused"] == 1.0
    )  # the two in scope answered, the other refused


def test_a_tap_is_asked_from_the_state_after_the_question(served: tuple[Services, TestClient]) -> None:
    _, client = served
    bot = ServedAssistant(client)
    state = DialogueState(session_id="local-1")
    first = bot.handle(state, "变更更正姓名可以在线上申请吗")
    assert first.reply.choices, first.reply.text  # the guide's related official questions, one tap away
    assert len(first.reply.choices) >= 2
    one, two = first.reply.choices[:2]
    bot.handle(first.state, one)
    tapped = bot.handle(first.state, two)  # after another tap: still from the state after the question
    assert tapped.reply.citations and tapped.reply.text != first.reply.text
    fresh = ServedAssistant(client)
    alone = fresh.handle(
        fresh.handle(DialogueState(session_id="local-2"), "变更更正姓名可以在线上申请吗").state, two
    )
    assert tapped.reply.text == alone.reply.text
    assert bot._asked[tapped.state.session_id] == [
        "变更更正姓名可以在线上申请吗",
        two,
    ]  # what the service was sent
    assert state.session_id == "local-1"  # the state passed in is left as it was
