"""A scenario's bot orders speak every language: the reason each order gives is the rationale the
AI stand-in shows, translated from the same table as the engine's own bots."""

from __future__ import annotations

import pytest

from wargame.engine.scenario import builtin_slugs, load_builtin
from wargame.exercises.bot_words import bot_texts

ORDERS = [
    (slug, team, order)
    for slug in builtin_slugs()
    for team, orders in load_builtin(slug).bots.items()
    for order in orders
]


def test_a_built_in_scenario_gives_china_a_bot_to_play_it() -> None:
    assert any(team == "PRC" for _slug, team, _order in ORDERS)


@pytest.mark.parametrize(("slug", "team", "order"), ORDERS, ids=lambda v: str(v)[:40])
def test_each_order_s_reason_is_translated_as_the_scenario_writes_it(
    slug: str, team: str, order: object
) -> None:
    reason = order.reason  # type: ignore[attr-defined]
    table = bot_texts()["rationales"]
    assert reason.en in table, (slug, team)
    assert table[reason.en] == {"ja": reason.ja, "ko": reason.ko}
