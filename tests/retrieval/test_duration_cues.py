"""Durations in citizens' words: how long one must have lived or paid in is a condition, how long a benefit is
paid is an amount, how long the office takes is a time limit; a card's own expiry is no material."""

from __future__ import annotations

import pytest

from retrieval.aspects import Aspect, detect_aspects


@pytest.mark.parametrize(
    ("text", "aspects"),
    [
        ("办居住证要住满多久", [Aspect.CONDITIONS]),
        ("公积金要缴存多久才能贷款", [Aspect.CONDITIONS]),
        ("在广州工作多久可以入户", [Aspect.CONDITIONS]),
        ("居住证多久能办好", [Aspect.TIME]),  # the office's time stays a time
        ("社保交满多久可以领，多久能办好", [Aspect.TIME, Aspect.CONDITIONS]),
        ("失业金能领几个月", [Aspect.AMOUNT]),  # how long it is paid, not whether one may
        ("身份证过期了还能用吗", []),  # the card itself, not a material to bring
        ("办护照要带身份证吗", [Aspect.MATERIALS]),
    ],
)
def test_durations_and_the_card_itself(text: str, aspects: list[Aspect]) -> None:
    assert detect_aspects(text) == aspects
