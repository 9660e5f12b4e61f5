"""The belief questionnaire (`beliefs:`): what each team thinks is true, set against the engine.

A question is answered during deliberation, as a probability, one of a few options, or yes or no.
Each names the engine truth it is scored against:

- `{var: dprk/posture}`: the value of a state variable when the question is asked (for `choice`);
- `{holds: <condition>}`: whether a condition holds when it is asked (for `yes_no`, `probability`);
- `{happens: <condition>, within_hours: 72}`: whether the condition comes true at the end of some
  move within that much scenario time after the question (for `yes_no`, `probability`), or
  `within_turns: 1` for "by the end of this turn" whatever the cut's time per turn. A
  `decided` condition there reads the decisions of those moves; `target: self` is the team that
  answers ("will the ally consult us?").

Everything here is pure: truths are computed from states and the decision log, scores from an
answer and its truth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wargame.engine.scenario.conditions import Condition, parse_condition
from wargame.engine.scenario.reading import DecisionLog, holds, variable_value
from wargame.engine.scenario.texts import Text

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from wargame.engine.model import Model
    from wargame.engine.state import State

ANSWERS = ("probability", "choice", "yes_no")
TRUTHS = ("var", "holds", "happens")
# Which truths each kind of answer can be scored against.
FITS = {"probability": ("holds", "happens"), "choice": ("var",), "yes_no": ("holds", "happens")}


@dataclass(frozen=True, slots=True)
class Option:
    value: str | int | float | bool
    text: Text


@dataclass(frozen=True, slots=True)
class Truth:
    kind: str  # var | holds | happens
    var: str | None = None
    condition: Condition | None = None
    within_hours: float | None = None
    within_turns: int | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    ask: Text
    answer: str
    teams: tuple[str, ...]
    options: tuple[Option, ...]
    truth: Truth

    def option_values(self) -> tuple[Any, ...]:
        return tuple(o.value for o in self.options)


def parse_truth(raw: Mapping[str, Any], path: tuple[str | int, ...]) -> Truth:
    if "var" in raw:
        return Truth("var", var=str(raw["var"]))
    if "holds" in raw:
        return Truth("holds", condition=parse_condition(raw["holds"], (*path, "holds")))
    hours, turns = raw.get("within_hours"), raw.get("within_turns")
    return Truth(
        "happens",
        condition=parse_condition(raw["happens"], (*path, "happens")),
        within_hours=None if hours is None else float(hours),
        within_turns=None if turns is None else int(turns),
    )


def parse_questions(raw: Any, teams: Sequence[str]) -> tuple[Question, ...]:
    """The questionnaire from checked data."""
    out = []
    for i, item in enumerate(raw or ()):
        options = tuple(
            Option(o["value"], Text.from_raw(o["text"])) for o in item.get("options") or ()
        )
        out.append(
            Question(
                id=str(item["id"]),
                ask=Text.from_raw(item["ask"]),
                answer=str(item["answer"]),
                teams=tuple(item.get("teams") or teams),
                options=options,
                truth=parse_truth(item["truth"], ("beliefs", i, "truth")),
            )
        )
    return tuple(out)


# --- truths ---------------------------------------------------------------------------------


def window_turns(question: Question, hours_per_turn: float | None) -> int:
    """How many moves after the question a `happens` truth watches (at least the move asked)."""
    if question.truth.within_turns is not None:
        return max(1, question.truth.within_turns)
    hours = question.truth.within_hours or 0.0
    if not hours_per_turn:
        return 1
    return max(1, math.ceil(hours / hours_per_turn - 1e-9))


def truth_of(
    question: Question,
    *,
    asked_turn: int,
    states: Sequence[State],
    model: Model | None = None,
    log: DecisionLog = (),
    hours_per_turn: float | None = None,
    team: str | None = None,
) -> Any:
    """The engine truth a question asked during `asked_turn` is scored against: a value for a
    `var` truth, True or False for the others, None while a `happens` window is still open.

    `states` holds the state at the start of each turn played so far, turn 1 first, and the state
    after the last outcome published (so `states[t - 1]` is the state of turn t).
    """
    by_turn = {s.turn: s for s in states}
    asked = by_turn.get(asked_turn)
    truth = question.truth
    if truth.kind == "var":
        return None if asked is None else variable_value(asked, str(truth.var), model)
    if truth.condition is None:
        return None
    if truth.kind == "holds":
        if asked is None:
            return None
        return holds(truth.condition, asked, model, log=log, asking_team=team)
    span = window_turns(question, hours_per_turn)
    for turn in range(asked_turn + 1, asked_turn + span + 1):
        state = by_turn.get(turn)
        if state is None:
            return None
        if holds(truth.condition, state, model, log=log, asking_team=team):
            return True
    return False


def score(question: Question, answer: Any, truth: Any) -> float | None:
    """How good an answer was, from 0 (wrong) to 1 (right): one minus the Brier score for a
    probability, 1 or 0 for a choice or a yes/no. None when the truth is not known."""
    if truth is None or answer is None:
        return None
    if question.answer == "probability":
        outcome = 1.0 if truth else 0.0
        return round(1.0 - (float(answer) - outcome) ** 2, 4)
    return 1.0 if answer == truth else 0.0


def answer_problem(question: Question, value: Any) -> str | None:
    """Why `value` is not an answer to `question` (None when it is)."""
    if question.answer == "probability":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            return "a probability from 0 to 1"
        return None
    if question.answer == "yes_no":
        return None if isinstance(value, bool) else "yes (true) or no (false)"
    if value not in question.option_values():
        return "one of " + ", ".join(str(v) for v in question.option_values())
    return None
