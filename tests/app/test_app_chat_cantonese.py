"""A Cantonese conversation over HTTP with the real DialogueManager: a question, "帮我办", answers in
Cantonese and colloquial words, a confirmation in everyday words, the submitted application; then the
person's own applications listed in a new session."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import bearer
from fastapi.testclient import TestClient

from app.api import create_app
from app.auth import create_token
from app.settings import Settings
from app.wiring import Services, build_services
from guides.loader import load_flows, load_sample_guides
from knowledge.loaders.gdzwfw import guide_from_record
from knowledge.store import KnowledgeStore
from retrieval.embedders import HashEmbedder
from retrieval.hybrid import HybridRetriever

REPO = Path(__file__).resolve().parents[2]
GUIDES_FILE = (
    Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared") / "data/guides/gdzwfw_guides_2021.jsonl"
)
MUM_ID = "110101196612121984"


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Services, TestClient]]:
    if not GUIDES_FILE.exists():
        pytest.skip(f"shared data not found: {GUIDES_FILE}")
    wanted = {sid for f in load_flows().values() for sid in f.related_service_ids}
    with GUIDES_FILE.open(encoding="utf-8") as fh:
        linked = [guide_from_record(r) for line in fh if (r := json.loads(line)).get("TASK_CODE") in wanted]
    home = tmp_path_factory.mktemp("cantonese")
    store = KnowledgeStore(f"sqlite:///{home / 'app.db'}")
    store.create_all()
    store.ingest(guides=[*load_sample_guides(), *linked], actor="test")
    retriever = HybridRetriever(home / "index", embedder=HashEmbedder())
    retriever.build(list(store.iter_published_guides()), [], progress=False)
    services = build_services(Settings(home=home), store=store, retriever=retriever)
    with TestClient(create_app(services)) as client:
        yield services, client
    services.close()


def _say(client: TestClient, tok: str, text: str, sid: str | None = None) -> dict:
    body = {"message": text} | ({"session_id": sid} if sid else {})
    r = client.post("/api/v1/chat", json=body, headers=bearer(tok))
    assert r.status_code == 200, r.text
    return r.json()


def test_a_cantonese_conversation_from_question_to_submitted_application(
    real: tuple[Services, TestClient],
) -> None:
    services, client = real
    with services.db.write() as session:
        tok = create_token(session=session, role="citizen")
    first = _say(client, tok, "我阿妈张社保卡唔见咗，要带咩嘢去补？")
    sid = first["session_id"]
    assert "居民身份证" in first["reply"] and first["citations"]
    assert all(c["id"].startswith("guide:sample-huadu-shebaoka-buhuan#") for c in first["citations"])
    out = _say(client, tok, "好，帮我办", sid)
    assert out["form"] and out["form"]["service_id"] == "sample-huadu-shebaoka-buhuan"
    for text in ("寄返屋企啦", "我帮我阿妈办", "佢叫李秀英", f"身份证系{MUM_ID}", "手机13800138000"):
        out = _say(client, tok, text, sid)
    asked = _say(client, tok, "补卡使唔使钱？", sid)  # a question mid-form: answered, nothing stored
    assert asked["citations"] and "我们继续办理" in asked["reply"]
    for text in ("唔见咗", "花都区新华街道公益路12号"):
        out = _say(client, tok, text, sid)
    assert "确认提交" in out["choices"]
    done = _say(client, tok, "冇问题，交啦", sid)
    app_id = done["application_id"]
    assert app_id and app_id in done["reply"]
    app = client.get(f"/api/v1/applications/{app_id}", headers=bearer(tok)).json()
    assert app["answers"] == {"pickup": "邮寄", "agent": "代办"}
    assert app["fields"]["applicant_name"] == "李秀英" and app["fields"]["reason"] == "遗失"
    assert app["fields"]["mailing_address"] == "花都区新华街道公益路12号"

    later = _say(client, tok, "我嘅申请去到边一步？")  # a new session: the person's own applications
    assert later["session_id"] != sid and app_id in later["reply"]
