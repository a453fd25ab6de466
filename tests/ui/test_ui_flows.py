"""Form labels come from the chat API; the bundled flow YAML is only a fallback."""

from __future__ import annotations

from typing import Any

import pytest

from ui import flows


@pytest.fixture(autouse=True)
def _fresh_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flows, "_api_labels", {})


def _no_yaml() -> dict[str, Any]:
    raise AssertionError("the UI read the flow YAML although the API sent the labels")


def test_decorate_uses_the_api_labels_without_reading_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flows, "_flows", _no_yaml)
    form = {
        "flow_id": "f1",
        "service_id": "s1",
        "fields": {"name": "张三"},
        "labels": {"name": "申请人姓名"},
        "service_name": "居住证办理",
    }
    out = flows.decorate(form)
    assert out is not None
    assert out["labels"] == {"name": "申请人姓名"}
    assert out["service_name"] == "居住证办理"
    # Remembered for the flow: an application's detail (field names only) shows the same labels.
    assert flows.field_labels("f1") == {"name": "申请人姓名"}


def test_decorate_falls_back_to_the_yaml_when_the_api_sent_no_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    class Field:
        name, label = "name", "姓名（YAML）"

    class Flow:
        title = "YAML 标题"
        form = [Field()]
        questions: list[Any] = []

    monkeypatch.setattr(flows, "_flows", lambda: {"f2": Flow()})
    out = flows.decorate({"flow_id": "f2", "service_id": "s2", "fields": {"name": "李四"}})
    assert out is not None
    assert out["labels"] == {"name": "姓名（YAML）"}
    assert out["service_name"] == "YAML 标题"


def test_unknown_flow_degrades_to_raw_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flows, "_flows", lambda: {})
    out = flows.decorate({"flow_id": "nope", "service_id": "s3", "answers": {"q": "v"}})
    assert out is not None
    assert out["labels"] == {}
    assert out["service_name"] == "s3"
    assert out["answer_labels"] == {"q": "v"}
