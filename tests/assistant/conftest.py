"""Real Hunan 一件事 guides shared by the answer-path tests (tests/fixtures/hunan_onething)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.loaders.scenario import load_scenario_json
from knowledge.schema import ServiceGuide

HUNAN = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"


@pytest.fixture(scope="module")
def social() -> ServiceGuide:
    """社会救助“一件事” (芙蓉区): many official pairs, some asking the same generic question."""
    return load_scenario_json(HUNAN / "43PCP0017_furong.json").guides[0]


@pytest.fixture(scope="module")
def housing() -> ServiceGuide:
    """申请公租房“一件事” (石牛江镇): pairs that 社会救助“一件事” reuses word for word."""
    return load_scenario_json(HUNAN / "43PCP0002_shiniujiang.json").guides[0]


@pytest.fixture(scope="module")
def jobless() -> ServiceGuide:
    """登记失业人员就业帮扶“一件事” (天心区): 失业登记 pairs asked as questions."""
    return load_scenario_json(HUNAN / "43PCP0015_tianxin.json").guides[0]


@pytest.fixture(scope="module")
def car_subsidy() -> ServiceGuide:
    """汽车以旧换新补贴申请 (洪江区): three pairs (start date, subsidy standard, the old car's conditions)."""
    return load_scenario_json(HUNAN / "43PCP0012_hongjiang.json").guides[0]
