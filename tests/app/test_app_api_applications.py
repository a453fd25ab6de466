"""Applications over HTTP: idempotent intake, flow validation, the clerk's workflow, roles, hostile input."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from app_support import FLOW_ID, ID_NUMBER, SERVICE_ID, bearer, make_services
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.api import create_app
from app.auth import create_token
from app.db import ApplicationRow
from app.wiring import Services
from guides.loader import load_flows
from guides.registry import FlowRegistry

URL = "/api/v1/applications"


def body(**over: Any) -> dict[str, Any]:
    base = {
        "service_id": SERVICE_ID,
        "flow_id": FLOW_ID,
        "answers": {"pickup": "邮寄", "agent": "本人"},
        "fields": {
            "applicant_name": "张三",
            "applicant_id_number": ID_NUMBER,
            "phone": "13800138000",
            "reason": "遗失",
            "mailing_address": "广州市花都区新华街道1号",
        },
        "materials": [{"name": "居民身份证", "required": True, "provided": True}],
    }
    return base | over


def submit(client: TestClient, tok: str, key: str = "key-1", **over: Any):  # noqa: ANN201
    return client.post(URL, json=body(**over), headers=bearer(tok) | {"Idempotency-Key": key})


def rows(services: Services) -> int:
    with services.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(ApplicationRow)) or 0)


def test_create_and_replay(client: TestClient, token: Callable[..., str], services: Services) -> None:
    tok = token("citizen")
    first = submit(client, tok)
    assert first.status_code == 201, first.text
    app = first.json()
    assert app["status"] == "已提交" and app["service_name"] == "社会保障卡补换"
    assert app["fields"]["applicant_id_number"] == ID_NUMBER
    assert app["materials"] == [
        {"name": "居民身份证", "required": True, "provided": True},
        {"name": "原社会保障卡", "required": False, "provided": False},
    ]
    assert app["missing_materials"] == []
    replay = submit(client, tok)
    assert replay.status_code == 200 and replay.json() == app
    changed = submit(client, tok, fields=body()["fields"] | {"reason": "损坏"})
    assert changed.status_code == 409 and "Idempotency-Key" in changed.json()["detail"]
    # keys are per token: another citizen's identical key is a different application
    other = submit(client, token("citizen"))
    assert other.status_code == 201 and other.json()["id"] != app["id"]
    assert rows(services) == 2


def test_idempotency_key_is_required(client: TestClient, token: Callable[..., str]) -> None:
    r = client.post(URL, json=body(), headers=bearer(token("citizen")))
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "Idempotency-Key", "message": "此项为必填项"}]


def test_concurrent_requests_with_one_key_create_one_row(
    client: TestClient, token: Callable[..., str], services: Services
) -> None:
    tok = token("citizen")
    results: list = []
    barrier = threading.Barrier(8)

    def go() -> None:
        barrier.wait()
        results.append(submit(client, tok, key="same-key"))

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200] * 7 + [201]
    assert len({r.json()["id"] for r in results}) == 1
    assert rows(services) == 1


def test_fields_are_validated_against_the_flow(client: TestClient, token: Callable[..., str]) -> None:
    tok = token("citizen")
    bad = body(
        answers={"pickup": "飞过来"},
        fields={"applicant_name": "张三", "applicant_id_number": "440103199001011235", "nickname": "x"},
        materials=[{"name": "户口本", "provided": True}],
    )
    r = client.post(URL, json=bad, headers=bearer(tok) | {"Idempotency-Key": "v"})
    assert r.status_code == 422
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert set(errors) >= {
        "answers.pickup",
        "answers.agent",
        "fields.applicant_id_number",
        "fields.nickname",
        "fields.phone",
        "fields.reason",
        "materials",
    }
    assert "校验" in errors["fields.applicant_id_number"] or "身份证" in errors["fields.applicant_id_number"]
    r = submit(client, tok, key="u", service_id="no-such-service")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "service_id"
    r = submit(client, tok, key="f", flow_id="dibao-shenqing")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "flow_id"


def test_validated_values_are_normalized(client: TestClient, token: Callable[..., str]) -> None:
    fields = body()["fields"] | {"phone": "138 0013 8000"}
    r = submit(client, token("citizen"), fields=fields, materials=[])
    assert r.status_code == 201, r.text
    app = r.json()
    assert app["fields"]["phone"] == "13800138000"
    assert app["missing_materials"] == ["居民身份证"]
    assert {m["name"] for m in app["materials"]} == {"居民身份证", "原社会保障卡"}


def test_clerk_workflow_and_events(client: TestClient, token: Callable[..., str]) -> None:
    citizen, clerk = token("citizen"), token("clerk")
    app_id = submit(client, citizen).json()["id"]

    def move(to: str, reason: str = "", tok: str = clerk):  # noqa: ANN202
        return client.post(
            f"{URL}/{app_id}/transition", json={"to": to, "reason": reason}, headers=bearer(tok)
        )

    r = move("需补正")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    assert move("需补正", "请补充身份证复印件").json()["status"] == "需补正"
    r = move("办结")
    assert r.status_code == 409 and r.json()["detail"] == "办件当前状态为“需补正”，不能变更为“办结”"
    r = client.post(
        f"{URL}/{app_id}/resubmit",
        json={"materials": [{"name": "居民身份证", "provided": True}], "note": "已补充"},
        headers=bearer(citizen),
    )
    assert r.status_code == 200 and r.json()["status"] == "已提交"
    assert client.post(f"{URL}/{app_id}/resubmit", json={}, headers=bearer(citizen)).status_code == 409
    assert move("已受理").json()["status"] == "已受理"
    assert move("办结").json()["status"] == "办结"
    assert move("已受理").status_code == 409
    assert move("已提交").status_code == 422  # not a clerk decision
    events = client.get(f"{URL}/{app_id}/events", headers=bearer(citizen)).json()
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        (None, "已提交"),
        ("已提交", "需补正"),
        ("需补正", "已提交"),
        ("已提交", "已受理"),
        ("已受理", "办结"),
    ]
    assert events[1]["reason"] == "请补充身份证复印件" and events[1]["actor_role"] == "clerk"


def test_reject_needs_a_reason_and_is_final(client: TestClient, token: Callable[..., str]) -> None:
    citizen, admin = token("citizen"), token("admin")
    app_id = submit(client, citizen).json()["id"]
    url = f"{URL}/{app_id}/transition"
    assert client.post(url, json={"to": "不予受理", "reason": "  "}, headers=bearer(admin)).status_code == 422
    assert (
        client.post(url, json={"to": "不予受理", "reason": "不符合条件"}, headers=bearer(admin)).status_code
        == 200
    )
    assert client.post(url, json={"to": "已受理"}, headers=bearer(admin)).status_code == 409
    assert (
        client.post(
            f"{URL}/GA00000000-000000/transition", json={"to": "已受理"}, headers=bearer(admin)
        ).status_code
        == 404
    )


def test_roles_and_ownership(client: TestClient, token: Callable[..., str]) -> None:
    alice, bob, clerk, editor = token("citizen"), token("citizen"), token("clerk"), token("editor")
    a_id = submit(client, alice, key="a").json()["id"]
    b_id = submit(client, bob, key="b").json()["id"]
    c_id = submit(client, clerk, key="c").json()["id"]  # a clerk files on behalf of someone
    assert client.get(f"{URL}/{b_id}", headers=bearer(alice)).status_code == 404
    assert client.get(f"{URL}/{b_id}/events", headers=bearer(alice)).status_code == 404
    assert client.post(f"{URL}/{b_id}/resubmit", json={}, headers=bearer(alice)).status_code == 404
    r = client.post(f"{URL}/{a_id}/transition", json={"to": "已受理"}, headers=bearer(alice))
    assert r.status_code == 403 and "窗口人员" in r.json()["detail"]
    assert (
        client.post(f"{URL}/{a_id}/transition", json={"to": "已受理"}, headers=bearer(editor)).status_code
        == 403
    )
    assert submit(client, editor, key="e").status_code == 403
    mine = client.get(URL, headers=bearer(alice)).json()
    assert [i["id"] for i in mine["items"]] == [a_id] and mine["total"] == 1
    everything = client.get(URL, headers=bearer(clerk)).json()
    assert {i["id"] for i in everything["items"]} == {a_id, b_id, c_id}
    assert client.get(f"{URL}/{a_id}", headers=bearer(clerk)).status_code == 200
    r = client.post(f"{URL}/{a_id}/resubmit", json={}, headers=bearer(clerk))
    assert r.status_code == 403


def test_list_filters_and_validation(client: TestClient, token: Callable[..., str]) -> None:
    clerk = token("clerk")
    citizen = token("citizen")
    ids = [submit(client, citizen, key=f"k{i}").json()["id"] for i in range(3)]
    client.post(f"{URL}/{ids[0]}/transition", json={"to": "已受理"}, headers=bearer(clerk))
    accepted = client.get(URL, params={"status": "已受理"}, headers=bearer(clerk)).json()
    assert [i["id"] for i in accepted["items"]] == [ids[0]]
    page = client.get(URL, params={"limit": 1, "offset": 1}, headers=bearer(clerk)).json()
    assert page["total"] == 3 and len(page["items"]) == 1 and page["limit"] == 1
    assert client.get(URL, params={"service_id": "x"}, headers=bearer(clerk)).json()["total"] == 0
    for params in ({"status": "bogus"}, {"limit": 0}, {"limit": 1000}, {"offset": -1}):
        r = client.get(URL, params=params, headers=bearer(clerk))
        assert r.status_code == 422, params
        assert r.json()["errors"][0]["field"] in params


NASTY = [
    "'; DROP TABLE applications; --",
    "<script>alert('x')</script>",
    "Robert'); DELETE FROM api_tokens WHERE ('1'='1",
    "\u202e\u0000\ufeff𠀀 %s %(x)s {0} ${jndi:ldap://x}",
]


@pytest.mark.parametrize("nasty", NASTY)
def test_hostile_strings_are_validated_never_stored_raw(
    client: TestClient, token: Callable[..., str], services: Services, nasty: str
) -> None:
    tok = token("citizen")
    # a key the flow does not have is refused, whatever it is called
    r = submit(client, tok, key="a", fields=body()["fields"] | {nasty: "x"})
    assert r.status_code == 422
    # the name field is a name: markup and SQL are refused
    r = submit(client, tok, key="b", fields=body()["fields"] | {"applicant_name": nasty})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "fields.applicant_name"
    # an address keeps the text as typed, except what PostgreSQL cannot store (NUL): 422 before it
    address = "广州市花都区新华街道1号" + nasty
    r = submit(client, tok, key="c", fields=body()["fields"] | {"mailing_address": address})
    if "\u0000" in nasty:
        assert r.status_code == 422 and "空字符" in r.json()["detail"]
        assert rows(services) == 0
    else:
        assert r.status_code == 201, r.text
        got = client.get(f"{URL}/{r.json()['id']}", headers=bearer(tok)).json()
        assert got["fields"]["mailing_address"] == address.strip()
    assert client.get(URL, params={"service_id": nasty}, headers=bearer(tok)).status_code in (200, 422)
    assert client.get(f"{URL}/{quote(nasty[:20], safe='')}", headers=bearer(tok)).status_code in (404, 422)


def test_without_flow_id_the_services_flow_still_validates(
    client: TestClient, token: Callable[..., str], services: Services
) -> None:
    """Issue 10: without flow_id an ID "123" and a <script> name were stored unvalidated."""
    tok = token("citizen")
    bad = body(fields=body()["fields"] | {"applicant_id_number": "123", "applicant_name": "<script>"})
    del bad["flow_id"]
    r = client.post(URL, json=bad, headers=bearer(tok) | {"Idempotency-Key": "nf"})
    assert r.status_code == 422, r.text
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"fields.applicant_id_number", "fields.applicant_name"} <= fields
    assert rows(services) == 0
    good = body()
    del good["flow_id"]
    r = client.post(URL, json=good, headers=bearer(tok) | {"Idempotency-Key": "ok"})
    assert r.status_code == 201 and r.json()["flow_id"] == FLOW_ID  # validated through the service's flow


def test_a_service_without_a_flow_stores_no_free_fields(
    client: TestClient, token: Callable[..., str], services: Services
) -> None:
    sample = next(g for g in services.store.iter_published_guides() if g.materials)
    guide_id = "test-no-flow-service"
    assert guide_id not in {f.service_id for f in (services.flows or {}).values()}
    services.store.save_guide(sample.model_copy(update={"id": guide_id}), actor="test", create=True)
    guide = services.store.publish(guide_id, actor="test")
    tok = token("citizen")
    junk = {"service_id": guide_id, "fields": {"note": "x" * 30_000}}
    r = client.post(URL, json=junk, headers=bearer(tok) | {"Idempotency-Key": "j"})
    assert r.status_code in (413, 422)
    junk = {"service_id": guide_id, "fields": {"applicant_id_number": "123"}}
    r = client.post(URL, json=junk, headers=bearer(tok) | {"Idempotency-Key": "j2"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "fields"
    r = client.post(
        URL,
        json={"service_id": guide_id, "materials": [{"name": "自编材料", "provided": True}]},
        headers=bearer(tok) | {"Idempotency-Key": "j3"},
    )
    assert r.status_code == 422
    first = guide.materials[0]
    r = client.post(
        URL,
        json={
            "service_id": guide_id,
            "materials": [{"name": first.name, "required": False, "provided": False}],
        },
        headers=bearer(tok) | {"Idempotency-Key": "ok"},
    )
    assert r.status_code == 201, r.text
    # "required" comes from the guide, not from the client
    assert r.json()["materials"] == [{"name": first.name, "required": first.required, "provided": False}]
    assert rows(services) == 1


def test_resubmission_is_validated_too(client: TestClient, token: Callable[..., str]) -> None:
    citizen, clerk = token("citizen"), token("clerk")
    app_id = submit(client, citizen).json()["id"]
    r = client.post(
        f"{URL}/{app_id}/transition", json={"to": "需补正", "reason": "照片不清晰"}, headers=bearer(clerk)
    )
    assert r.status_code == 200
    bad = body()["fields"] | {"applicant_id_number": "123"}
    r = client.post(f"{URL}/{app_id}/resubmit", json={"fields": bad}, headers=bearer(citizen))
    assert r.status_code == 422
    r = client.post(f"{URL}/{app_id}/resubmit", json={"fields": {"x": "<script>"}}, headers=bearer(citizen))
    assert r.status_code == 422
    got = client.get(f"{URL}/{app_id}", headers=bearer(citizen)).json()
    assert got["status"] == "需补正" and got["fields"]["applicant_id_number"] == ID_NUMBER


def test_a_chat_draft_with_invalid_fields_is_not_stored(
    client: TestClient, token: Callable[..., str], services: Services
) -> None:
    """Whatever assembles a chat draft, the stored fields are re-validated against the flow."""
    scripted = services.manager
    assert scripted is not None
    original = scripted.handle

    def handle(state, text):  # noqa: ANN001, ANN202
        turn = original(state, text)
        if turn.submission is not None:
            fields = turn.submission.fields | {"applicant_id_number": "123", "applicant_name": "<script>"}
            turn = turn.model_copy(
                update={"submission": turn.submission.model_copy(update={"fields": fields})}
            )
        return turn

    scripted.handle = handle  # type: ignore[method-assign]
    tok = token("citizen")
    sid = client.post("/api/v1/chat", json={"message": "我要办理社保卡补换"}, headers=bearer(tok)).json()[
        "session_id"
    ]
    r = client.post("/api/v1/chat", json={"message": "确认提交", "session_id": sid}, headers=bearer(tok))
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"fields.applicant_id_number", "fields.applicant_name"}
    assert rows(services) == 0


def test_a_service_with_only_a_generic_flow_is_validated_by_it(tmp_path: Path) -> None:
    """With the app's flow registry, a guide without an authored flow is checked against its generic 预审 flow."""
    services = make_services(f"sqlite:///{tmp_path / 'g.db'}", tmp_path)
    try:
        sample = next(g for g in services.store.iter_published_guides() if g.materials)
        gid = "test-generic-only"
        services.store.save_guide(
            sample.model_copy(
                update={
                    "id": gid,
                    "linked_items": [],
                    "is_sample": False,
                    "sample_note": None,
                    "source": "gdzwfw_2021",
                }
            ),
            actor="t",
            create=True,
        )
        services.store.publish(gid, actor="t")
        services.flows = FlowRegistry(
            load_flows(), get_guide=lambda i: services.store.get_guide(i, published_only=True)
        )
        generic = services.flows.for_service(gid)
        assert generic is not None and generic.origin == "generic"
        id_field = next(f for f in generic.form if f.type == "id_number")
        with services.db.write() as session:
            tok = create_token(session=session, role="citizen")
        with TestClient(create_app(services)) as client:
            bad = {"service_id": gid, "fields": {id_field.name: "123"}}
            r = client.post(URL, json=bad, headers=bearer(tok) | {"Idempotency-Key": "g1"})
            assert r.status_code == 422, r.text
            assert f"fields.{id_field.name}" in {e["field"] for e in r.json()["errors"]}
            assert rows(services) == 0
    finally:
        services.close()
