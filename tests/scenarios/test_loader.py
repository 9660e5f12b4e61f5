"""The loaded Scenario object and the loader's error collection."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.scenarios.helpers import MINIMAL, minimal_text, replace_once
from wargame.engine.errors import EngineError
from wargame.engine.scenario import (
    ScenarioError,
    load_scenario_file,
    load_scenario_text,
    validate_text,
)
from wargame.engine.state import state_get


def test_it_loads_the_minimal_scenario_into_a_frozen_object() -> None:
    scenario = load_scenario_file(MINIMAL)
    assert scenario.slug == "minimal"
    assert scenario.team_codes == ("US", "ROK", "JPN", "DPRK")
    assert scenario.turn_count == 2
    assert scenario.start_date == dt.date(2027, 3, 1)
    assert scenario.languages == ("en", "ja")
    assert scenario.channels.closed_at_start == ("ROK-JPN",)
    with pytest.raises(AttributeError):
        scenario.slug = "other"  # type: ignore[misc]


def test_it_gives_per_turn_deliberation_with_the_default_elsewhere() -> None:
    scenario = load_scenario_file(MINIMAL)
    assert scenario.deliberation_minutes_for(1) == 20
    assert scenario.deliberation_minutes_for(2) == scenario.deliberation_minutes == 15


def test_it_applies_the_initial_state_through_the_engine() -> None:
    scenario = load_scenario_file(MINIMAL)
    state = scenario.initial_state()
    assert state_get(state, "rung/DPRK/ROK") == 3
    assert state_get(state, "hotline/ik") == "down"
    assert scenario.model().hash
    assert "s.missile_test" in scenario.catalogue().actions


def test_it_falls_back_to_english_for_a_missing_language() -> None:
    scenario = load_scenario_file(MINIMAL)
    assert scenario.text("title", "ja") == "最小のテストシナリオ"
    assert scenario.text("title", "ko") == "Minimal test scenario"
    assert scenario.text("teams.ROK.briefing", "ko") == "Reopen the hotline."
    assert scenario.injects[0].title.get("ko") == scenario.injects[0].title.en


def test_it_summarises_in_the_contract_shape() -> None:
    summary = load_scenario_file(MINIMAL).summary_dict()
    assert set(summary) == {"slug", "title", "summary", "teams", "turns", "languages", "cuts"}
    assert [t["code"] for t in summary["teams"]] == ["US", "ROK", "JPN", "DPRK"]
    assert summary["teams"][2]["name"]["ja"] == "日本"
    assert summary["turns"] == 2
    assert summary["title"]["ko"] == summary["title"]["en"]


def test_it_expands_audiences_to_views() -> None:
    injects = {i.id: i for i in load_scenario_file(MINIMAL).injects}
    views = ("control", "observers", "team:US", "team:ROK", "team:JPN", "team:DPRK")
    assert injects["hotline_silent"].audience == views
    assert injects["liaison_rumour"].audience == ("control", "team:ROK")
    assert injects["crisis_warning"].audience == ("control", "observers", "team:ROK", "team:DPRK")


def test_it_tells_each_trigger_kind_apart() -> None:
    kinds = {i.id: i.kind for i in load_scenario_file(MINIMAL).injects}
    assert kinds == {
        "hotline_silent": "scheduled",
        "liaison_rumour": "offset",
        "crisis_warning": "condition",
    }


def test_it_collects_every_mistake_sorted_by_line() -> None:
    text = minimal_text()
    text = replace_once(text, "  turns: 2\n", "  turns: 2\n  colour: red\n")
    text = replace_once(text, '  "hotline/ik": down\n', '  "hotline/ik": sideways\n')
    text = replace_once(text, "    audience: [ROK, control]\n", "    audience: [ROK, KOR]\n")
    errors = validate_text(text, source_name="three.yaml")
    assert [e["path"] for e in errors] == [
        "duration.colour",
        'initial_state["hotline/ik"]',
        "injects[1].audience[1]",
    ]
    assert [e["line"] for e in errors] == sorted(e["line"] for e in errors)
    assert {e["file"] for e in errors} == {"three.yaml"}


def test_it_raises_an_engine_error_carrying_the_details() -> None:
    text = replace_once(minimal_text(), "schema_version: 1\n", "schema_version: 2\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, source_name="v2.yaml")
    assert isinstance(caught.value, EngineError)
    line = text.splitlines().index("schema_version: 2") + 1
    assert caught.value.details == [
        {
            "file": "v2.yaml",
            "line": line,
            "column": len("schema_version: ") + 1,
            "path": "schema_version",
            "message": "expected 1, got the number 2",
        }
    ]


def test_it_does_not_apply_the_file_name_rule_to_text() -> None:
    text = replace_once(minimal_text(), "slug: minimal\n", "slug: uploaded_draft\n")
    assert load_scenario_text(text, source_name="upload").slug == "uploaded_draft"


def test_it_rejects_an_inject_with_both_triggers() -> None:
    text = replace_once(
        minimal_text(),
        "    at: {turn: 1, phase: briefing}\n",
        "    at: {turn: 1, phase: briefing}\n    when: {var: sanctions, lt: 3}\n",
    )
    errors = validate_text(text, source_name="both.yaml")
    assert [(e["path"], e["message"]) for e in errors] == [
        ("injects[0].when", "give either 'at' (a turn) or 'when' (a condition), not both")
    ]


def test_it_rejects_comparing_text_with_an_ordering_operator() -> None:
    text = replace_once(
        minimal_text(), '{var: "hotline/ik", eq: down}', '{var: "hotline/ik", gt: 1}'
    )
    errors = validate_text(text, source_name="order.yaml")
    assert [e["path"] for e in errors] == ["injects[2].when.all[1].gt"]
    assert "not a number" in errors[0]["message"]


def test_it_maps_an_agreement_error_to_its_field() -> None:
    text = replace_once(
        minimal_text(),
        '  "hotline/ik": down\n',
        '  "hotline/ik": down\n  agreements:\n'
        "    - {measure: c.hotline, parties: [ROK, DPRK], status: agreed}\n"
        "    - {measure: c.hotlines, parties: [ROK, DPRK], status: agreed}\n",
    )
    errors = validate_text(text, source_name="agreement.yaml")
    assert [e["path"] for e in errors] == ["initial_state.agreements[1].measure"]
    assert (
        errors[0]["line"]
        == text.splitlines().index(
            "    - {measure: c.hotlines, parties: [ROK, DPRK], status: agreed}"
        )
        + 1
    )


def test_it_reports_a_bad_added_action_at_its_entry() -> None:
    text = replace_once(
        minimal_text(),
        "channels:\n",
        'actions:\n  add:\n    - {id: s.naval_drill, vis: loud, source: "ext: a test action"}\n'
        "channels:\n",
    )
    errors = validate_text(text, source_name="action.yaml")
    assert [e["path"] for e in errors] == ["actions.add[0].vis"]
    assert "loud" in errors[0]["message"]
