"""What a team's own view showed of a belief question's truth (its report before the debrief),
and the Brier score the report gives: pure functions, no services."""

from __future__ import annotations

from dataclasses import replace

import pytest

from wargame.engine.scenario import load_builtin
from wargame.engine.scenario.belief_bots import seen_of
from wargame.engine.scenario.beliefs import truth_of
from wargame.engine.state import state_with
from wargame.engine.views import view_for
from wargame.reports.aar.debrief import Answer, brier, squared_error

SCENARIO = load_builtin("exercise_season")
QUESTIONS = {q.id: q for q in SCENARIO.beliefs}


def test_a_hidden_variable_is_seen_as_the_team_believed_it_not_as_it_is() -> None:
    model = SCENARIO.model()
    state = state_with(model, SCENARIO.initial_state(), {"dprk/posture": "dispersed"})
    view = view_for(state, "US", model)
    assert view["belief"]["/dprk/posture"]["estimate"] == "stored"
    question = QUESTIONS["dprk_launchers"]
    assert seen_of(question, asked_turn=state.turn, views={state.turn: view}, window=1) == "stored"
    truth = truth_of(question, asked_turn=state.turn, states=[state], model=model)
    assert truth == "dispersed"


def test_a_decision_of_another_team_is_not_seen_and_an_open_window_is_unknown() -> None:
    state = SCENARIO.initial_state()
    views = {state.turn: view_for(state, "ROK", SCENARIO.model())}
    assert (
        seen_of(QUESTIONS["ally_consults_us"], asked_turn=state.turn, views=views, window=1) is None
    )
    # The clash question watches the next move, which this view does not hold yet.
    assert (
        seen_of(QUESTIONS["clash_within_four_days"], asked_turn=state.turn, views=views, window=1)
        is None
    )
    later = replace(state, turn=state.turn + 1)
    views[later.turn] = view_for(later, "ROK", SCENARIO.model())
    assert (
        seen_of(QUESTIONS["clash_within_four_days"], asked_turn=state.turn, views=views, window=1)
        is False
    )


@pytest.mark.parametrize(
    ("question", "answer", "outcome", "error"),
    [
        ("clash_within_four_days", 0.7, True, 0.09),
        ("clash_within_four_days", 0.7, False, 0.49),
        ("strike_on_detection", True, False, 1.0),
        ("strike_on_detection", False, False, 0.0),
        ("dprk_launchers", "stored", "dispersed", 1.0),
        ("clash_within_four_days", 0.7, None, None),
    ],
)
def test_each_answer_has_its_squared_error(
    question: str, answer: object, outcome: object, error: float | None
) -> None:
    found = squared_error(QUESTIONS[question], answer, outcome)
    assert found == pytest.approx(error) if error is not None else found is None


def test_the_brier_score_averages_forecasts_only() -> None:
    answers = [
        Answer(1, "JPN", "clash_within_four_days", 0.2, True),  # 0.64
        Answer(1, "JPN", "strike_on_detection", True, True),  # 0
        Answer(1, "JPN", "dprk_launchers", "stored", "dispersed"),  # a choice: not a forecast
        Answer(2, "JPN", "clash_within_four_days", 0.5, None),  # not known yet
    ]
    assert brier(QUESTIONS, answers) == (0.32, 2)
    assert brier(QUESTIONS, answers[2:]) == (None, 0)
