"""A bot's answers to the belief questionnaire, from its team's view alone.

The bot reads what its team may know (`views.view_for`, with the agreements as the team knows
them): the public variables, and its own belief estimates for the hidden ones. A choice is the
value it believes; a yes or no is whether it believes the condition holds, or thinks it likely to
come true; a probability is how near the condition looks from its view: already true, close to
its threshold, or far from it, and, for another team's decision, how far the bot trusts that team.
A small seeded draw ("bot:<team>", per question) spreads answers the way a room of people would,
so the same game always gets the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from wargame.engine.bots import view_value
from wargame.engine.rng import draw
from wargame.engine.scenario.conditions import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Decided,
    Not,
    evaluate,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wargame.engine.scenario.beliefs import Question

HOLDS = 0.85  # how sure a bot is of what its view shows
UNKNOWN = 0.3  # a variable its view does not carry
SPREAD = 0.1  # the seeded spread of its answers
FLOOR, CEILING = 0.05, 0.95


def read_view(view: Mapping[str, Any], pointer: str) -> Any:
    if pointer == "rung/max":
        rungs = view.get("rung")
        values = [
            v for row in (rungs or {}).values() if isinstance(row, Mapping) for v in row.values()
        ]
        return max(values, default=None)
    if pointer == "turn":
        return view.get("turn")
    if pointer.startswith("agreement/"):
        measure = pointer.split("/", 1)[1]
        found = [a for a in view.get("agreements") or () if a.get("measure") == measure]
        return found[-1].get("status") if found else "none"
    return view_value(view, pointer)


def _near(compare: Compare, value: Any) -> float:
    """How likely a comparison looks from its current value."""
    if value is None:
        return UNKNOWN
    if evaluate(compare, lambda _pointer: value):
        return HOLDS
    threshold = compare.value
    if not (isinstance(value, int | float) and isinstance(threshold, int | float)):
        return 1.0 - HOLDS
    if compare.op in ("gt", "gte") and threshold > 0:
        return 0.1 + 0.6 * max(0.0, min(1.0, float(value) / float(threshold))) ** 2
    if compare.op in ("lt", "lte") and value > 0:
        return 0.1 + 0.6 * max(0.0, min(1.0, float(threshold) / float(value))) ** 2
    return 1.0 - HOLDS


def likelihood(condition: Condition, view: Mapping[str, Any], team: str) -> float:
    """How likely `condition` looks to `team` from its view, 0 to 1."""
    if isinstance(condition, AllOf):
        out = 1.0
        for item in condition.items:
            out *= likelihood(item, view, team)
        return out
    if isinstance(condition, AnyOf):
        miss = 1.0
        for item in condition.items:
            miss *= 1.0 - likelihood(item, view, team)
        return 1.0 - miss
    if isinstance(condition, Not):
        return 1.0 - likelihood(condition.item, view, team)
    if isinstance(condition, Decided):
        if condition.team == team:
            return 0.5
        trust = view_value(view, f"trust/{team}/{condition.team}")
        return 0.15 + 0.7 * float(trust) if isinstance(trust, int | float) else UNKNOWN
    return _near(condition, read_view(view, condition.var))


def seen_of(
    question: Question,
    *,
    asked_turn: int,
    views: Mapping[int, Mapping[str, Any]],
    window: int,
) -> Any:
    """What a team's own view showed of a question's truth: the variable as it knew it, or whether
    the condition held in its views of the turns watched. None where its view cannot tell (a
    decision of another team) or the window is still open."""
    truth = question.truth
    if truth.kind == "var":
        view = views.get(asked_turn)
        return None if view is None else read_view(view, str(truth.var))
    if truth.condition is None or _names_decision(truth.condition):
        return None
    condition = truth.condition
    turns = (
        [asked_turn] if truth.kind == "holds" else range(asked_turn + 1, asked_turn + window + 1)
    )
    seen = False
    for turn in turns:
        view = views.get(turn)
        if view is None:
            return None
        seen = seen or evaluate(condition, partial(read_view, view))
    return seen


def _names_decision(condition: Condition) -> bool:
    if isinstance(condition, Decided):
        return True
    if isinstance(condition, AllOf | AnyOf):
        return any(_names_decision(item) for item in condition.items)
    if isinstance(condition, Not):
        return _names_decision(condition.item)
    return False


def _spread(seed: int, turn: int, team: str, question: str) -> float:
    return (draw(seed, turn, f"bot:{team}", team, f"belief|{question}", "") - 0.5) * SPREAD


def bot_answers(
    questions: Sequence[Question], view: Mapping[str, Any], *, team: str, turn: int, seed: int
) -> dict[str, Any]:
    """The team's bot's answer to each question put to it, keyed by question id."""
    answers: dict[str, Any] = {}
    for question in questions:
        if team not in question.teams:
            continue
        truth = question.truth
        if question.answer == "choice":
            believed = read_view(view, str(truth.var))
            values = question.option_values()
            answers[question.id] = believed if believed in values else values[0]
            continue
        if truth.condition is None:
            continue
        p = likelihood(truth.condition, view, team)
        p = round(max(FLOOR, min(CEILING, p + _spread(seed, turn, team, question.id))) * 20) / 20
        answers[question.id] = p if question.answer == "probability" else p >= 0.5
    return answers
