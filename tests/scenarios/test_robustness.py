"""Whatever an author writes, the loader answers with errors, never a crash."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.scenarios.helpers import MINIMAL, minimal_text, replace_once
from wargame.engine.scenario import load_scenario_text, validate_text

BASE: dict[str, Any] = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 50),
    st.floats(-1, 2, allow_nan=False),
    st.sampled_from(["", "x", "US", "down", "004 §I", "2027-02-30", "c.hotline", "all"]),
    st.just([]),
    st.just({}),
    st.just({"en": "a"}),
    st.just({"var": "ci"}),
    st.just({"estimate": [1], "confidence": 0.5}),
    st.just([{"measure": "c.hotline", "parties": "ROK", "status": "agreed"}]),
    st.just({"add": [{"id": "s.x", "source": "ext: y", "actors": 5}]}),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(BASE)[1:]


@settings(max_examples=80, deadline=None)
@given(path=st.sampled_from(PATHS), value=ODD_VALUES)
def test_it_answers_any_replaced_value_with_errors_or_a_scenario(
    path: tuple[Any, ...], value: Any
) -> None:
    data = copy.deepcopy(BASE)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    errors = validate_text(yaml.safe_dump(data, allow_unicode=True), source_name="fuzz.yaml")
    assert all(e["line"] >= 1 and e["message"] for e in errors)


def test_it_accepts_a_single_view_as_an_audience() -> None:
    text = replace_once(minimal_text(), "    audience: [ROK, control]\n", "    audience: DPRK\n")
    scenario = load_scenario_text(text, source_name="single.yaml")
    assert scenario.injects[1].audience == ("control", "team:DPRK")


def test_it_rejects_an_optional_team_the_scenario_does_not_have() -> None:
    text = replace_once(minimal_text(), "    audience: [ROK, control]\n", "    audience: [PRC]\n")
    errors = validate_text(text, source_name="prc.yaml")
    assert [e["path"] for e in errors] == ["injects[1].audience[0]"]
    assert "does not play in this scenario" in errors[0]["message"]
