"""Guides, policies and hit testing over HTTP: read for everyone, edit/publish for content staff."""

from __future__ import annotations

from collections.abc import Callable

from app_support import SERVICE_ID, InMemoryRetriever, bearer
from fastapi.testclient import TestClient

from app.wiring import Services
from knowledge.schema import Article, PolicyDocument

G = f"/api/v1/guides/{SERVICE_ID}"


def test_list_and_read_guides(client: TestClient, token: Callable[..., str]) -> None:
    citizen = token("citizen")
    page = client.get(
        "/api/v1/guides", params={"q": "社会保障卡", "limit": 5}, headers=bearer(citizen)
    ).json()
    assert page["total"] >= 1 and page["limit"] == 5
    assert SERVICE_ID in {g["id"] for g in page["items"]}
    assert all(g["status"] == "published" for g in page["items"])
    guide = client.get(G, headers=bearer(citizen)).json()
    assert guide["name"] == "社会保障卡补换" and guide["is_sample"] and guide["materials"]
    assert (
        client.get("/api/v1/guides", params={"status": "draft"}, headers=bearer(citizen)).status_code == 403
    )
    assert client.get("/api/v1/guides/nope", headers=bearer(citizen)).status_code == 404
    assert (
        client.get("/api/v1/guides", params={"status": "bogus"}, headers=bearer(citizen)).status_code == 422
    )


def test_edit_publish_reindex_unpublish(
    client: TestClient, token: Callable[..., str], services: Services
) -> None:
    citizen, editor = token("citizen"), token("editor")
    retriever = services.retriever
    assert isinstance(retriever, InMemoryRetriever)
    current = client.get(G, headers=bearer(editor)).json()
    edited = current | {"conditions": "新的受理条件（测试）", "note": "更新受理条件"}
    assert client.put(G, json=edited, headers=bearer(citizen)).status_code == 403
    saved = client.put(G, json=edited, headers=bearer(editor))
    assert saved.status_code == 200, saved.text
    draft = saved.json()
    assert draft["version"] == current["version"] + 1 and draft["status"] == "draft"
    # citizens keep seeing the published version until publish
    assert client.get(G, headers=bearer(citizen)).json()["conditions"] == current["conditions"]
    versions = client.get(f"{G}/versions", headers=bearer(editor)).json()
    assert [v["version"] for v in versions][-2:] == [current["version"], draft["version"]]
    assert versions[-1]["note"] == "更新受理条件" and versions[-1]["actor"].startswith("editor:")
    # the API serves the store's version record itself: a changed text has another content hash
    assert len({v["content_hash"] for v in versions[-2:]}) == 2
    diff = client.get(
        f"{G}/diff", params={"a": current["version"], "b": draft["version"]}, headers=bearer(editor)
    )
    assert diff.json()["changes"] == [
        {"field": "conditions", "before": current["conditions"], "after": "新的受理条件（测试）"}
    ]
    assert client.get(f"{G}/versions", headers=bearer(citizen)).status_code == 403

    assert client.post(f"{G}/publish", headers=bearer(citizen)).status_code == 403
    pub = client.post(f"{G}/publish", headers=bearer(editor)).json()
    assert pub["indexed"] and pub["guide"]["status"] == "published"
    assert retriever.calls == [("upsert", SERVICE_ID)]  # only this guide is re-indexed
    assert retriever.docs[SERVICE_ID].conditions == "新的受理条件（测试）"
    assert client.get(G, headers=bearer(citizen)).json()["conditions"] == "新的受理条件（测试）"

    un = client.post(f"{G}/unpublish", headers=bearer(editor)).json()
    assert un["indexed"] and retriever.calls[-1] == ("remove", SERVICE_ID)
    assert client.get(G, headers=bearer(citizen)).status_code == 404
    assert client.get(G, headers=bearer(editor)).status_code == 200
    rollback = client.post(f"{G}/publish", json={"version": current["version"]}, headers=bearer(editor))
    assert rollback.json()["guide"]["version"] == current["version"]
    assert client.post(f"{G}/publish", json={"version": 99}, headers=bearer(editor)).status_code == 404
    audit = client.get("/api/v1/audit", params={"target": SERVICE_ID}, headers=bearer(token("admin"))).json()
    assert {"guide.save", "guide.publish", "guide.unpublish"} <= {a["action"] for a in audit}


def test_put_validates_the_guide(client: TestClient, token: Callable[..., str]) -> None:
    editor = token("editor")
    r = client.put(G, json={"id": "other", "name": "x"}, headers=bearer(editor))
    assert r.status_code == 422 and r.json()["errors"] == [
        {"field": "id", "message": "指南编号与路径中的编号不一致"}
    ]
    r = client.put(G, json={"id": SERVICE_ID, "name": "   "}, headers=bearer(editor))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "name"
    r = client.put(G, json={"id": SERVICE_ID, "materials": [{"required": "maybe"}]}, headers=bearer(editor))
    fields = {e["field"] for e in r.json()["errors"]}
    assert r.status_code == 422 and {"name", "materials.0.name", "materials.0.required"} <= fields


def test_new_guide_with_hostile_text_roundtrips(client: TestClient, token: Callable[..., str]) -> None:
    editor = token("editor")
    nasty = "<img src=x onerror=alert(1)>'; DROP TABLE guides; --"
    url = "/api/v1/guides/sample-new-1"
    r = client.put(
        url, json={"id": "sample-new-1", "name": nasty, "conditions": nasty}, headers=bearer(editor)
    )
    assert r.status_code == 200 and r.json()["name"] == nasty and r.json()["version"] == 1
    listed = client.get("/api/v1/guides", params={"q": "DROP TABLE"}, headers=bearer(editor)).json()
    assert [g["name"] for g in listed["items"]] == [nasty]


def test_hit_testing_shows_scores(client: TestClient, token: Callable[..., str], services: Services) -> None:
    editor = token("editor")
    client.post(f"{G}/publish", headers=bearer(editor))
    assert isinstance(services.retriever, InMemoryRetriever)
    services.retriever.upsert_guide(services.store.get_guide(SERVICE_ID))
    r = client.get("/api/v1/search", params={"q": "社会保障卡", "top_k": 3}, headers=bearer(editor))
    assert r.status_code == 200
    res = r.json()
    assert res["confident"] and res["hits"][0]["doc_id"] == SERVICE_ID
    chunk = res["hits"][0]["chunks"][0]
    assert chunk["scores"] == {"bm25": 1.0, "dense": 0.8} and chunk["id"] == f"{SERVICE_ID}#name#0"
    assert (
        client.get("/api/v1/search", params={"q": "x"}, headers=bearer(token("citizen"))).status_code == 403
    )
    assert client.get("/api/v1/search", params={"q": ""}, headers=bearer(editor)).status_code == 422
    services.retriever = None
    assert client.get("/api/v1/search", params={"q": "x"}, headers=bearer(editor)).status_code == 503


def test_policies(client: TestClient, token: Callable[..., str], services: Services) -> None:
    doc = PolicyDocument(
        id="law-test",
        title="测试条例",
        kind="regulation",
        articles=[Article(number="第一条", text="为了测试。")],
    )
    services.store.ingest(policies=[doc], actor="test")
    citizen = token("citizen")
    page = client.get("/api/v1/policies", params={"q": "测试"}, headers=bearer(citizen)).json()
    assert page["total"] == 1 and page["items"][0]["articles"] == 1
    got = client.get("/api/v1/policies/law-test", headers=bearer(citizen)).json()
    assert got["articles"][0]["text"] == "为了测试。"
    assert client.get("/api/v1/policies/none", headers=bearer(citizen)).status_code == 404
