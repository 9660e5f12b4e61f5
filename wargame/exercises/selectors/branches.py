"""Two branches of an exercise side by side, turn by turn (`GET compare/{other}/`,
docs/interface.md#endpoints).

Both sides are control's truth (the rung of every dyad, the crisis-instability index, the decisions
the engine took, control's narrative), so the comparison is for facilitators of both exercises.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.utils.translation import gettext as _

from wargame.engine.state import State
from wargame.engine.views import view_state
from wargame.exercises.errors import NotFound
from wargame.exercises.models import (
    Adjudication,
    AdjudicationStatus,
    Exercise,
    FacilitatorMembership,
)
from wargame.exercises.principals import Principal
from wargame.exercises.selectors.reads import exercise_payload
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.shapes import BranchBody
from wargame.exercises.views_of import CONTROL

# Beliefs differ wherever anything else does (they follow what each team perceived): the values
# they rest on are compared instead.
UNCOMPARED = frozenset({"belief", "turn", "phase", "view"})


class SideTurn(TypedDict):
    rung: dict[str, dict[str, int]]
    ci: float | None
    peak: int
    decisions: dict[str, list[dict[str, Any]]]
    narrative: dict[str, str]
    rules_fired: list[str]
    overrides: int
    values: dict[str, Any]


class TurnComparison(TypedDict):
    turn: int
    a: SideTurn | None
    b: SideTurn | None
    rung_differs: list[str]
    state_differs: list[str]
    decisions_differ: list[str]
    same: bool


class BranchSummary(TypedDict):
    id: int
    title: str
    status: str
    seed: int
    branch_of: int | None
    branch_from_turn: int | None
    branch_log: list[dict[str, Any]]


class Comparison(TypedDict):
    a: BranchSummary
    b: BranchSummary
    dyads: list[str]
    turns: list[TurnComparison]
    first_difference: int | None


def _controlled(principal: Principal, exercise_id: int) -> Exercise:
    """An exercise the principal's account facilitates; any other is not found (never 403:
    whether a hidden exercise exists is not revealed)."""
    user = principal.user
    if not principal.is_control or user is None:
        raise NotFound(_("Exercise not found."))
    found = Exercise.objects.filter(pk=exercise_id).first()
    if (
        found is None
        or not FacilitatorMembership.objects.filter(exercise=found, user_id=user.pk).exists()
    ):
        raise NotFound(_("Exercise not found."))
    return found


def _summary(exercise: Exercise) -> BranchSummary:
    return {
        "id": exercise.pk,
        "title": exercise.title,
        "status": exercise.status,
        "seed": exercise.seed,
        "branch_of": exercise.branch_of_id,
        "branch_from_turn": exercise.branch_from_turn,
        "branch_log": list(exercise.branch_log),
    }


def _flat(node: Any, prefix: str = "") -> dict[str, Any]:
    """A state as pointer -> value, so that two branches can name each value that differs."""
    if not isinstance(node, dict):
        return {prefix: node}
    out: dict[str, Any] = {}
    for key, value in node.items():
        out.update(_flat(value, f"{prefix}/{key}" if prefix else str(key)))
    return out


def _sides(exercise: Exercise) -> dict[int, SideTurn]:
    model = exercise_scenario(exercise).model()
    out: dict[int, SideTurn] = {}
    rows = Adjudication.objects.filter(
        exercise=exercise, status=AdjudicationStatus.PUBLISHED
    ).order_by("turn")
    for row in rows:
        proposal = row.proposal
        seen = view_state(State.from_dict(proposal["state"]), CONTROL, model)
        rung = {a: {b: int(v) for b, v in line.items()} for a, line in seen["rung"].items()}
        ci = seen.get("ci")
        narrative = proposal.get("view_narratives", {}).get(CONTROL) or proposal["narrative"]
        out[row.turn] = {
            "rung": rung,
            "ci": float(ci) if ci is not None else None,
            "peak": max((v for line in rung.values() for v in line.values()), default=0),
            "decisions": {
                team: list(decision.get("actions", []))
                for team, decision in sorted(row.decisions.items())
            },
            "narrative": dict(narrative),
            "rules_fired": [str(rule["id"]) for rule in proposal.get("rules_fired", [])],
            "overrides": len(row.overrides),
            "values": _flat({k: v for k, v in seen.items() if k not in UNCOMPARED}),
        }
    return out


def _dyads(sides: list[dict[int, SideTurn]]) -> list[tuple[str, str]]:
    found = {
        (a, b)
        for side in sides
        for turn in side.values()
        for a, line in turn["rung"].items()
        for b in line
    }
    return sorted(found)


def _compare_turn(
    turn: int, a: SideTurn | None, b: SideTurn | None, dyads: list[tuple[str, str]]
) -> TurnComparison:
    rung_differs: list[str] = []
    state_differs: list[str] = []
    decisions_differ: list[str] = []
    if a is not None and b is not None:
        rung_differs = [
            f"{x}-{y}"
            for x, y in dyads
            if a["rung"].get(x, {}).get(y) != b["rung"].get(x, {}).get(y)
        ]
        keys = sorted(set(a["values"]) | set(b["values"]))
        state_differs = [k for k in keys if a["values"].get(k) != b["values"].get(k)]
        teams = sorted(set(a["decisions"]) | set(b["decisions"]))
        decisions_differ = [
            t for t in teams if a["decisions"].get(t, []) != b["decisions"].get(t, [])
        ]
    same = a is not None and b is not None and not state_differs and not decisions_differ
    return {
        "turn": turn,
        "a": a,
        "b": b,
        "rung_differs": rung_differs,
        "state_differs": state_differs,
        "decisions_differ": decisions_differ,
        "same": same,
    }


def compare_branches(principal: Principal, a: int, b: int) -> Comparison:
    """Exercises ``a`` and ``b`` (usually an original and its branch) turn by turn. The principal
    is control of ``a``; its account must also facilitate ``b``, else ``b`` is not found."""
    return comparison_of(_controlled(principal, a), _controlled(principal, b))


def comparison_of(first: Exercise, second: Exercise) -> Comparison:
    """The comparison itself, for callers that have already checked who asks (the command line)."""
    side_a, side_b = _sides(first), _sides(second)
    dyads = _dyads([side_a, side_b])
    turns = [
        _compare_turn(turn, side_a.get(turn), side_b.get(turn), dyads)
        for turn in sorted(set(side_a) | set(side_b))
    ]
    differing = [t["turn"] for t in turns if not t["same"]]
    return {
        "a": _summary(first),
        "b": _summary(second),
        "dyads": [f"{x}-{y}" for x, y in dyads],
        "turns": turns,
        "first_difference": differing[0] if differing else None,
    }


def branch_body(branch: Exercise, principal: Principal) -> BranchBody:
    """The branch as control reads it (its facilitators are the original's), with what makes it
    a branch."""
    viewer = Principal(exercise_id=branch.pk, view=CONTROL, user=principal.user)
    return BranchBody(
        **exercise_payload(branch, viewer),
        branch_of=branch.branch_of_id,
        branch_from_turn=branch.branch_from_turn,
        branch_log=list(branch.branch_log),
    )
