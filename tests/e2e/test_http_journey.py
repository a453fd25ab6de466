"""End-to-end over real HTTP against the real server process (no browser):

chat → answer with citations → apply → fill with an invalid value, a digression and a correction → confirm →
the application is visible to a clerk token and not to another citizen.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from e2e_support import AVOID_CHOICES, CONFIRM, answer_for, id_number

pytestmark = pytest.mark.integration

SERVICE = "sample-huadu-juzhuzheng-shenling"


class Citizen:
    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.http = httpx.Client(base_url=base_url + "/api/v1", timeout=60, trust_env=False)
        if token is None:
            token = self.http.post("/auth/citizen").json()["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.session_id: str | None = None

    def say(self, text: str) -> dict[str, Any]:
        body: dict[str, Any] = {"message": text}
        if self.session_id:
            body["session_id"] = self.session_id
        resp = self.http.post("/chat", json=body)
        assert resp.status_code == 200, resp.text
        out = resp.json()
        self.session_id = out["session_id"]
        return out


def test_question_apply_fill_confirm_and_visibility(server: Any) -> None:
    citizen = Citizen(server.base_url)
    guide = server.api("GET", f"/guides/{SERVICE}", server.tokens["clerk"])

    # 1. A question gets a grounded answer whose citations quote the guide record.
    out = citizen.say("办居住证要带什么材料？")
    assert out["citations"], out
    names = [m["name"] for m in guide["materials"]]
    assert any(n in out["reply"] for n in names)
    for c in out["citations"]:
        assert c["id"].startswith(f"guide:{SERVICE}#")
        assert c["quote"]

    # 2. Apply, answer the situation questions with the offered choices.
    out = citizen.say("我要申请居住证")
    seen_questions = 0
    while out["choices"] and CONFIRM not in out["choices"]:
        seen_questions += 1
        out = citizen.say(next(c for c in out["choices"] if c not in AVOID_CHOICES))
        assert seen_questions < 10
    assert out["form"] and out["form"]["service_id"] == SERVICE

    # 3. An invalid ID number is refused with the reason; the form asks again.
    bad_id = id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1")
    filled_invalid = digressed = False
    for _ in range(20):
        if CONFIRM in out["choices"]:
            break
        label_answer = answer_for(out["reply"])
        assert label_answer is not None, out["reply"]
        if label_answer == id_number() and not filled_invalid:
            filled_invalid = True
            bad = citizen.say(bad_id)
            assert "校验位" in bad["reply"]
            assert "applicant_id_number" not in (bad["form"] or {}).get("fields", {})
        if not digressed and out["form"]["fields"]:
            # 4. A digression mid-form is answered from the guide, then the form resumes.
            digressed = True
            dig = citizen.say("这个一般要多久能办好？")
            limit = guide["promised_time_limit"] or guide["legal_time_limit"]
            assert str(int(limit["value"])) in dig["reply"]
            assert answer_for(dig["reply"]) == label_answer  # the same item is asked again
        out = citizen.say(label_answer)
    assert filled_invalid and digressed
    assert CONFIRM in out["choices"], out["reply"]

    # 5. A correction at the read-back replaces the earlier value.
    out = citizen.say("手机号填错了，是13900139000")
    assert out["form"]["fields"]["phone"] == "13900139000"
    if CONFIRM not in out["choices"]:
        for _ in range(5):
            out = citizen.say(answer_for(out["reply"]) or CONFIRM)
            if CONFIRM in out["choices"]:
                break
    assert "13900139000" in out["reply"]  # the read-back shows the corrected value
    done = citizen.say(CONFIRM)
    app_id = done["application_id"]
    assert app_id and app_id in done["reply"]

    # 6. Visible to a clerk (and in the clerk's queue), invisible to another citizen.
    app = server.api("GET", f"/applications/{app_id}", server.tokens["clerk"])
    assert app["status"] == "已提交" and app["fields"]["phone"] == "13900139000"
    assert app["fields"]["applicant_id_number"] == id_number()
    queue = server.api("GET", "/applications", server.tokens["clerk"], params={"service_id": SERVICE})
    assert app_id in [a["id"] for a in queue["items"]]
    stranger = Citizen(server.base_url)
    assert stranger.http.get(f"/applications/{app_id}").status_code == 404
    assert app_id not in [a["id"] for a in stranger.http.get("/applications").json()["items"]]
    # The owner sees it; a repeated confirm does not create a second application.
    mine = citizen.http.get("/applications").json()["items"]
    assert [a["id"] for a in mine].count(app_id) == 1
