"""边聊边办 for real (non-sample) guides over HTTP: the generic 预审 flow through /chat, as a person and as a
company, and the outcome (checklist, conditions, appointment) in the clerk's queue. Real store, real
hybrid index (HashEmbedder), real DialogueManager composed by build_services() as the server does."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from app_support import bearer
from fastapi.testclient import TestClient

from app.api import create_app
from app.auth import create_token
from app.settings import Settings
from app.wiring import Services, build_services
from assistant.nlu.validators import is_working_day, uscc_check_char
from guides.generic import generic_flow_id
from guides.loader import load_flows, load_sample_guides
from knowledge.loaders.gdzwfw import guide_from_record
from knowledge.schema import ServiceGuide
from knowledge.store import KnowledgeStore
from retrieval.embedders import HashEmbedder
from retrieval.hybrid import HybridRetriever

REPO = Path(__file__).resolve().parents[2]
GUIDES_FILE = (
    Path(os.environ.get("GOVASSIST_SHARED") or REPO.parent / "shared")
    / "data/guides/gdzwfw_guides_2021.jsonl"
)
PERSON_GUIDE = "11440000553612461J2442111761003"  # 企业职工养老保险死亡待遇申领: 自然人, one visit
COMPANY_GUIDE = "11440000006939801C2442003005000"  # 高新技术企业认定: 自然人 + 企业法人, one visit
OTHERS = ("11440000553612461J2442111685001", "1144000000694016742440109015000")
ID_NUMBER = "440103199001011236"
USCC = "91440114MA59UQ8X2" + uscc_check_char("91440114MA59UQ8X2")


def _guides() -> list[ServiceGuide]:
    if not GUIDES_FILE.exists():
        pytest.skip(f"shared data not found: {GUIDES_FILE}")
    linked = {
        sid for f in load_flows().values() for sid in f.related_service_ids
    }  # the sample flows link them
    wanted = {PERSON_GUIDE, COMPANY_GUIDE, *OTHERS, *linked}
    with GUIDES_FILE.open(encoding="utf-8") as fh:
        return [guide_from_record(r) for line in fh if (r := json.loads(line)).get("TASK_CODE") in wanted]


def _next_working_day() -> date:
    d = date.today() + timedelta(days=1)
    while not is_working_day(d)[0]:
        d += timedelta(days=1)
    return d


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Services, TestClient, dict[str, ServiceGuide]]]:
    home = tmp_path_factory.mktemp("precheck")
    store = KnowledgeStore(f"sqlite:///{home / 'app.db'}")
    store.create_all()
    real = _guides()
    store.ingest(guides=[*load_sample_guides(), *real], actor="test")
    retriever = HybridRetriever(home / "index", embedder=HashEmbedder())
    retriever.build(list(store.iter_published_guides()), [], progress=False)
    services = build_services(Settings(home=home), store=store, retriever=retriever)
    with TestClient(create_app(services)) as client:
        yield services, client, {g.id: g for g in real}
    services.close()


def _say(client: TestClient, tok: str, text: str, sid: str | None = None) -> dict:
    body = {"message": text} | ({"session_id": sid} if sid else {})
    r = client.post("/api/v1/chat", json=body, headers=bearer(tok))
    assert r.status_code == 200, r.text
    return r.json()


def _run(client: TestClient, tok: str, messages: list[str]) -> list[dict]:
    out: list[dict] = []
    sid = None
    for text in messages:
        out.append(_say(client, tok, text, sid))
        sid = out[-1]["session_id"]
    return out


def test_person_and_company_precheck_reach_the_clerk_queue(
    app: tuple[Services, TestClient, dict[str, ServiceGuide]],
) -> None:
    services, client, guides = app
    with services.db.write() as session:
        citizen, company, clerk = (
            create_token(session=session, role=r) for r in ("citizen", "citizen", "clerk")
        )
    visit = _next_working_day()
    person_guide, company_guide = guides[PERSON_GUIDE], guides[COMPANY_GUIDE]

    person = _run(
        client,
        citizen,
        [
            f"我要办{person_guide.name}",
            "本人",
            "申报表和承诺书都有了，其他的还没有",
            f"我叫王芳，身份证{ID_NUMBER}",
            "13800138000",
            f"{visit.year}年{visit.month}月{visit.day}日",
            "确认提交",
        ],
    )
    assert person[0]["form"]["flow_id"] == generic_flow_id(PERSON_GUIDE)
    assert "这些材料您准备好了吗" in person[2 - 1]["reply"]
    receipt = person[-1]
    assert receipt["application_id"]
    assert "预审" in receipt["reply"] and "不是正式申报" in receipt["reply"]
    assert person_guide.location and person_guide.location in receipt["reply"]

    company = _run(
        client,
        company,
        [
            f"我要办理{company_guide.name}",
            "以公司名义",
            "是",
            "都准备好了",
            "广州市花都示例科技有限公司",
            USCC,
            "联系人李明，电话13900139000",
            f"{visit.month}月{visit.day}日",
            "确认提交",
        ],
    )
    assert company[-1]["application_id"], company[-1]["reply"]

    r = client.get("/api/v1/applications", headers=bearer(clerk))
    assert r.status_code == 200
    items = {a["service_id"]: a for a in r.json()["items"]}
    p, c = items[PERSON_GUIDE], items[COMPANY_GUIDE]
    assert p["flow_id"] == generic_flow_id(PERSON_GUIDE)
    # the checklist is the guide's own record (the 委托书 only applies to an agent)
    assert {m["name"] for m in p["materials"]} == {m.name for m in person_guide.materials} - {"个人委托书"}
    assert set(p["missing_materials"]) == {"申报死亡待遇遗属的有效身份证件"}
    assert p["fields"]["applicant_id_number"] == ID_NUMBER and p["fields"]["visit_date"] == visit.isoformat()
    assert p["answers"] == {"agent": "本人"}
    assert [m["name"] for m in c["materials"]] == [m.name.rstrip("。") for m in company_guide.materials]
    assert c["missing_materials"] == []
    assert c["answers"] == {"applicant_type": "单位", "conditions_met": "是"}
    assert c["fields"]["org_uscc"] == USCC and c["fields"]["contact_name"] == "李明"
    assert "applicant_id_number" not in c["fields"]


def test_api_intake_validates_against_the_generic_flow(
    app: tuple[Services, TestClient, dict[str, ServiceGuide]],
) -> None:
    services, client, guides = app
    with services.db.write() as session:
        tok = create_token(session=session, role="citizen")
    body = {
        "service_id": PERSON_GUIDE,
        "flow_id": generic_flow_id(PERSON_GUIDE),
        "answers": {"agent": "本人"},
        "fields": {"applicant_name": "王芳", "applicant_id_number": "123", "applicant_phone": "13800138000"},
        "materials": [],
    }
    r = client.post("/api/v1/applications", json=body, headers=bearer(tok) | {"Idempotency-Key": "k1"})
    assert r.status_code == 422
    assert "applicant_id_number" in r.text and "visit_date" in r.text


# --- flows as curated data ---------------------------------------------------------------------------------

EDITED_GUIDE = "11440000553612461J2442111685001"  # 暂停企业职工养老保险待遇申请 (自然人, one visit)


def _add_situation(text: str) -> str:
    """The editor's change: a situation question and a material asked only when it applies."""
    data = yaml.safe_load(text)
    data.setdefault("questions", []).insert(
        0,
        {
            "id": "abroad",
            "ask": "您是否已定居国外？",
            "choices": [{"value": "是", "label": "是，已定居国外"}, {"value": "否", "label": "否"}],
        },
    )
    data["materials"].append({"name": "定居国外的证明材料", "when": {"abroad": ["是"]}})
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_editor_curates_a_generic_flow_and_the_next_citizen_is_asked(
    app: tuple[Services, TestClient, dict[str, ServiceGuide]],
) -> None:
    services, client, guides = app
    with services.db.write() as session:
        editor, citizen = (create_token(session=session, role=r) for r in ("editor", "citizen"))
    assert client.get(f"/api/v1/flows/{EDITED_GUIDE}", headers=bearer(citizen)).status_code == 403
    r = client.get(f"/api/v1/flows/{EDITED_GUIDE}", headers=bearer(editor))
    assert r.status_code == 200 and r.json()["source"] == "generic"
    generic_text = r.json()["text"]
    assert [m["name"] for m in r.json()["flow"]["materials"]] == [
        m.name.rstrip("。") for m in guides[EDITED_GUIDE].materials
    ]

    # bad drafts are rejected field by field, and nothing is saved
    data = yaml.safe_load(_add_situation(generic_text))
    data["materials"][-1]["when"] = {"abroadx": ["是"]}
    data["form"][0]["type"] = "passport"
    r = client.post(
        f"/api/v1/flows/{EDITED_GUIDE}/draft",
        json={"text": yaml.safe_dump(data, allow_unicode=True)},
        headers=bearer(editor),
    )
    assert r.status_code == 422
    assert "abroadx" in r.text and "passport" in r.text and "form[0].type" in r.text
    circular = yaml.safe_load(_add_situation(generic_text))
    circular["questions"][0]["when"] = {"abroad": ["是"]}
    r = client.post(
        f"/api/v1/flows/{EDITED_GUIDE}/draft",
        json={"text": yaml.safe_dump(circular, allow_unicode=True)},
        headers=bearer(editor),
    )
    assert r.status_code == 422 and "循环" in r.text and "questions[0].when" in r.text
    assert client.get(f"/api/v1/flows/{EDITED_GUIDE}/versions", headers=bearer(editor)).status_code == 404

    # a good draft: saved, not yet served
    r = client.post(
        f"/api/v1/flows/{EDITED_GUIDE}/draft",
        json={"text": _add_situation(generic_text), "note": "增加定居国外情形"},
        headers=bearer(editor),
    )
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1 and not r.json()["published"]
    first = _say(client, citizen, "我要办理暂停企业职工养老保险待遇申请")
    assert "定居国外" not in first["reply"]

    r = client.post(f"/api/v1/flows/{EDITED_GUIDE}/publish", json={}, headers=bearer(editor))
    assert r.status_code == 200 and r.json()["published"]
    asked = _say(client, citizen, "我要办理暂停企业职工养老保险待遇申请")
    assert "您是否已定居国外？" in asked["reply"] and "是，已定居国外" in asked["choices"]
    yes = _say(client, citizen, "是", asked["session_id"])
    assert "定居国外的证明材料" in [m["name"] for m in yes["form"]["materials"]]

    # a second version, its diff, and the audit trail
    second = _add_situation(generic_text).replace("您是否已定居国外？", "您是否已经定居国外？")
    r = client.post(f"/api/v1/flows/{EDITED_GUIDE}/draft", json={"text": second}, headers=bearer(editor))
    assert r.status_code == 201 and r.json()["version"] == 2
    d = client.get(f"/api/v1/flows/{EDITED_GUIDE}/diff", params={"a": 1, "b": 2}, headers=bearer(editor))
    assert (
        "-  ask: 您是否已定居国外？" in d.json()["diff"]
        and "+  ask: 您是否已经定居国外？" in d.json()["diff"]
    )
    actions = [e.action for e in services.store.audit_log(target=f"flow:g-{EDITED_GUIDE}")]
    assert actions[:3] == ["flow.save", "flow.publish", "flow.save"]


def test_bundled_flows_are_ordinary_records(
    app: tuple[Services, TestClient, dict[str, ServiceGuide]],
) -> None:
    services, client, _ = app
    with services.db.write() as session:
        editor = create_token(session=session, role="editor")
    for flow in load_flows().values():
        r = client.get(f"/api/v1/flows/{flow.service_id}", headers=bearer(editor))
        assert r.status_code == 200 and r.json()["source"] == "record" and r.json()["published_version"] == 1


def test_clerk_copilot_runs_the_same_precheck_and_ticks_materials(
    app: tuple[Services, TestClient, dict[str, ServiceGuide]],
) -> None:
    """At the window the clerk types what the citizen says; the copilot's material boxes send "X已经有了"."""
    services, client, guides = app
    with services.db.write() as session:
        clerk = create_token(session=session, role="clerk")
    out = _run(client, clerk, [f"我要办{guides[PERSON_GUIDE].name}", "本人办理"])
    assert "这些材料您准备好了吗" in out[-1]["reply"]
    sid = out[-1]["session_id"]
    ticked = _say(client, clerk, "企业职工基本养老保险待遇申报表已经有了", sid)
    assert {m["name"]: m["provided"] for m in ticked["form"]["materials"]}["企业职工基本养老保险待遇申报表"]
    assert "这些材料您准备好了吗" in ticked["reply"]  # still on the checklist: the clerk ticks the next one
    assert "企业职工基本养老保险待遇申报表" not in ticked["choices"]
