"""Which path a question takes: places it names, 一件事 guides that end in "查询", and a wish to apply for a
service no form of ours handles (real Hunan 一件事 guides, the authored samples and the real flows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.policy.linking import is_auxiliary
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from knowledge.loaders.scenario import load_scenario_json
from retrieval.embedders import HashEmbedder
from retrieval.regions import HOME_REGION_DEFAULT, mentioned_units, named_places

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("公司准备上市要开合规证明", []),  # listing on the stock market
        ("去超市买东西要带什么", []),
        ("做了失业登记社区会提供哪些服务", []),
        ("参加城乡居民医保要什么条件", []),
        ("回老家乡下建房", []),
        ("我想咨询一下石家庄市的落户政策", ["石家庄市"]),  # a three-character name
        ("上海市浦东新区的社保", ["上海市", "浦东新区"]),
        ("在狮岭镇办", ["狮岭镇"]),  # a town, by its form
    ],
)
def test_only_real_places_are_named(text: str, places: list[str]) -> None:
    assert mentioned_units(text) == places
    assert named_places(text, list(HOME_REGION_DEFAULT)) == places


def test_a_one_thing_guide_is_a_service_whatever_its_name_ends_in() -> None:
    assert not is_auxiliary("家政信用信息查询“一件事”")
    assert is_auxiliary("出入境证件办理进度查询")


@pytest.fixture(scope="module")
def manager(tmp_path_factory: pytest.TempPathFactory):
    guides = [
        load_scenario_json(FIXTURE / name).guides[0]
        for name in ("43PCP0024_liuyang.json", "43TCN0002_wulingyuan.json")
    ]
    return build_manager(
        [*guides, *load_sample_guides()], load_flows(), tmp_path_factory.mktemp("idx"), embedder=HashEmbedder()
    )


def test_a_question_on_a_query_one_thing_is_answered_from_its_faq(manager) -> None:
    reply = manager.handle(DialogueState(session_id="a"), "查家政阿姨的信用信息，要不要她本人授权").reply
    assert "需获得其授权" in reply.text
    assert any(c.id.endswith("#faqs") for c in reply.citations)
    assert "湖南省浏阳市" in reply.text  # another place's answer carries its region


def test_a_wish_no_form_handles_gets_the_kb_answer_not_the_menu_of_forms(manager) -> None:
    reply = manager.handle(DialogueState(session_id="b"), "细货车拉货使唔使申请许可证").reply
    assert "没有找到可以在线办理" not in reply.text
    assert any("43TCN0002" in c.id for c in reply.citations)
    # a bare wish that names nothing still gets the menu of what can be done here
    menu = manager.handle(DialogueState(session_id="c"), "我想申请一个东西").reply
    assert "目前可以边聊边办的事项有" in menu.text and menu.choices
