"""What-if branches (docs/interface.md#endpoints, `POST fork/`): a fork of an unmodified exercise
reproduces it; an override in the original is dropped from the branch, and logged; a replaced
decision changes its turn."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.utils.timezone import now

from tests.answers import ok
from tests.cast import TEAMS, Game, client_key, control_of, game_create
from wargame.exercises.errors import Conflict, InvalidInput, NotFound
from wargame.exercises.models import (
    Adjudication,
    BeliefAnswer,
    Decision,
    Event,
    Exercise,
    FacilitatorMembership,
    InjectRelease,
)
from wargame.exercises.principals import Principal
from wargame.exercises.selectors.branches import compare_branches
from wargame.exercises.services.branches import branch_fork
from wargame.exercises.services.timers import timers_run

if TYPE_CHECKING:
    from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PLANS: dict[str, list[dict[str, Any]]] = {  # valid every turn (tests/api/test_full_exercise)
    "US": [{"action": "d.consult", "target": "ROK"}, {"action": "d.talks_offer", "target": "DPRK"}],
    "ROK": [{"action": "d.consult", "target": "US"}],
    "JPN": [{"action": "d.trilateral"}],
    "DPRK": [{"action": "d.russia_deepen"}, {"action": "i.loudspeakers", "target": "ROK"}],
}
NUCLEAR_USE = [{"action": "m.nuclear_use", "target": "ROK"}]
CONTROL_CHOICE = {
    "path": "/state/rung/DPRK/ROK",
    "value": 10,
    "reason": "Control rules the strike went ahead, to debrief its consequences.",
}
ESCALATION = [{"action": "s.missile_test", "params": {"class": "IRBM"}}]
OVERRIDE = {"path": "/state/assurance/ROK", "value": 12, "reason": "Seoul doubts Washington."}


def play(
    game: Game,
    turns: int,
    *,
    overrides: dict[int, dict[str, Any]] | None = None,
    actions: dict[tuple[str, int], list[dict[str, Any]]] | None = None,
    timers_at: int | None = None,
    beliefs: dict[int, dict[str, Any]] | None = None,
) -> None:
    """Play ``turns`` turns through the API: every team decides (its plan, or the actions given
    for it and the turn) and submits, control publishes (after the given override, if any).
    With ``timers_at``, the timers run that many minutes into each deliberation (the time-offset
    injects due by then are released). ``beliefs`` are the US team's answers, per turn."""
    overrides, actions, beliefs = overrides or {}, actions or {}, beliefs or {}
    ok(game.command("start"))
    for turn in range(1, turns + 1):
        ok(game.command("advance", expected_turn=turn, expected_phase="briefing"))
        if timers_at is not None:
            timers_run(exercise_id=game.exercise_id, now=now() + timedelta(minutes=timers_at))
        if turn in beliefs:
            answers = {"answers": beliefs[turn]}
            ok(game.players["US"].put(game.url(f"turns/{turn}/beliefs/"), answers, format="json"))
        for code in TEAMS:
            chosen = actions.get((code, turn), PLANS[code])
            body = {"actions": chosen, "rationale": f"{code} {turn}", "client_key": client_key()}
            ok(game.players[code].put(game.url(f"turns/{turn}/decision/"), body, format="json"))
            ok(
                game.players[code].post(
                    game.url(f"turns/{turn}/decision/submit/"), {}, format="json"
                )
            )
        ok(game.command("advance", expected_turn=turn, expected_phase="deliberation"))
        if turn in overrides:
            change = {"overrides": [overrides[turn]]}
            ok(game.control.patch(game.url(f"turns/{turn}/adjudication/"), change, format="json"))
        review = game.url(f"turns/{turn}/adjudication/publish/")
        ok(game.control.post(review, {"approve_nuclear": True}, format="json"))
        if turn < turns:
            ok(game.command("advance", expected_turn=turn, expected_phase="outcome"))


def published(exercise_id: int) -> dict[int, dict[str, Any]]:
    return {
        row.turn: row.proposal
        for row in Adjudication.objects.filter(exercise_id=exercise_id, status="published")
    }


def engine_part(proposal: dict[str, Any]) -> dict[str, Any]:
    return {key: proposal[key] for key in ("state", "rules_fired", "dice", "events")}


def test_it_reproduces_an_unmodified_exercise_turn_by_turn(game: Game) -> None:
    play(game, 3)
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=1)
    original, forked = published(game.exercise_id), published(branch.pk)
    assert sorted(forked) == sorted(original) == [1, 2, 3]
    for turn in original:
        assert engine_part(forked[turn]) == engine_part(original[turn]), turn
    assert branch.status == "ended"
    assert branch.branch_of_id == game.exercise_id
    assert branch.branch_from_turn == 1
    assert branch.branch_log == []
    comparison = compare_branches(control_of(game.exercise_id), game.exercise_id, branch.pk)
    assert comparison["first_difference"] is None


def released(exercise_id: int) -> list[tuple[int | None, str]]:
    rows = InjectRelease.objects.filter(exercise_id=exercise_id).order_by("id")
    return list(rows.values_list("turn", "key"))


@pytest.mark.parametrize("from_turn", [1, 3])
def test_it_replays_the_injects_with_their_effects_once(control: APIClient, from_turn: int) -> None:
    """Border Clash's crab season, timed five minutes into move 2, makes an incident likelier for
    a month: the branch releases what the original did, in the same turns, and the hazard stands
    once, whether the turn is re-adjudicated or copied (its state already holding it)."""
    game = game_create(control, scenario="border_clash")
    play(game, 3, timers_at=7)
    assert (2, "crab_season_nll") in released(game.exercise_id)
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=from_turn)
    assert released(branch.pk) == released(game.exercise_id)
    original, forked = published(game.exercise_id), published(branch.pk)
    for turn in original:
        assert engine_part(forked[turn]) == engine_part(original[turn]), turn
    (hazard,) = [e for e in forked[2]["state"]["effects"] if e["name"] == "incident"]
    assert hazard["factor"] == 2.0
    assert branch.branch_log == []


def test_it_drops_an_override_and_differs_only_from_that_turn(game: Game) -> None:
    play(game, 3, overrides={2: OVERRIDE})
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=1)
    original, forked = published(game.exercise_id), published(branch.pk)
    assert engine_part(forked[1]) == engine_part(original[1])
    assert forked[2]["state"] != original[2]["state"]
    assert original[2]["state"]["assurance"]["ROK"] == OVERRIDE["value"]
    assert forked[2]["state"]["assurance"]["ROK"] != OVERRIDE["value"]
    dropped = [e for e in branch.branch_log if e["kind"] == "override_dropped"]
    assert [(e["turn"], e["path"]) for e in dropped] == [(2, OVERRIDE["path"])]
    comparison = compare_branches(control_of(game.exercise_id), game.exercise_id, branch.pk)
    assert comparison["first_difference"] == 2


def test_it_keeps_the_history_before_the_fork_overrides_included(game: Game) -> None:
    play(game, 3, overrides={1: OVERRIDE})
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=2)
    original, forked = published(game.exercise_id), published(branch.pk)
    assert forked[1] == original[1]
    assert forked[1]["state"]["assurance"]["ROK"] == OVERRIDE["value"]
    # Turn 2 starts from the overridden state in both, with the same dice and decisions.
    assert engine_part(forked[2]) == engine_part(original[2])
    assert branch.branch_log == []


def test_the_answers_given_up_to_the_fork_come_with_it_judged_by_the_branch(game: Game) -> None:
    first = {"clash_within_four_days": 0.2, "dprk_launchers": "dispersed"}
    second = {"clash_within_four_days": 0.9, "dprk_launchers": "launch_ready"}
    play(game, 3, beliefs={1: first, 2: second})
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=2)
    copied = {
        row.turn: row for row in BeliefAnswer.objects.filter(exercise=branch, team__code="US")
    }
    assert {turn: row.answers for turn, row in copied.items()} == {1: first, 2: second}
    original = {r.turn: r for r in BeliefAnswer.objects.filter(exercise_id=game.exercise_id)}
    # Turn 1 lies wholly before the fork: the same history, so the same truths.
    assert copied[1].truths == original[1].truths
    assert set(copied[2].truths) == set(original[2].truths) == set(second)
    announced = Event.objects.filter(exercise=branch, type="belief.submitted").count()
    assert announced == 2


def test_a_replaced_decision_changes_the_outcome_of_its_turn(game: Game) -> None:
    play(game, 3)
    replace = [{"team": "DPRK", "turn": 2, "actions": ESCALATION}]
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=2, replace=replace)
    original, forked = published(game.exercise_id), published(branch.pk)
    assert forked[1] == original[1]
    assert forked[2]["state"] != original[2]["state"]
    taken = Decision.objects.get(exercise=branch, team__code="DPRK", turn=2)
    assert taken.actions == ESCALATION
    assert [e["kind"] for e in branch.branch_log if e["turn"] == 2] == ["decision_replaced"]


def test_another_seed_gives_other_dice(game: Game) -> None:
    play(game, 2)
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=1, seed=12345)
    original, forked = published(game.exercise_id), published(branch.pk)
    assert forked[1]["seed"] != original[1]["seed"]
    assert [d["u"] for d in forked[1]["dice"]] != [d["u"] for d in original[1]["dice"]]


def test_the_branch_log_reads_like_a_played_game(game: Game) -> None:
    play(game, 2)
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=2)
    types = list(Event.objects.filter(exercise=branch).values_list("type", flat=True))
    assert types.count("outcome.published") == 2
    assert types.count("decision.submitted") == 2 * len(TEAMS)
    assert types[-1] == "exercise.ended"
    outcome = Event.objects.filter(exercise=branch, type="outcome.published").first()
    assert outcome is not None
    assert set(outcome.audience) == {"control", "observers", *(f"team:{t}" for t in TEAMS)}
    users = set(
        FacilitatorMembership.objects.filter(exercise=branch).values_list("user", flat=True)
    )
    assert users == set(
        FacilitatorMembership.objects.filter(exercise_id=game.exercise_id).values_list(
            "user", flat=True
        )
    )


def test_it_refuses_a_fork_from_an_unpublished_turn(game: Game) -> None:
    play(game, 1)
    with pytest.raises(Conflict):
        branch_fork(principal=control_of(game.exercise_id), from_turn=3)
    assert not Exercise.objects.filter(branch_of_id=game.exercise_id).exists()


@pytest.mark.parametrize("from_turn", [0, -1, "2", True, 999])
def test_it_refuses_a_turn_outside_the_scenario_with_a_field(game: Game, from_turn: Any) -> None:
    play(game, 1)
    with pytest.raises(InvalidInput) as refused:
        branch_fork(principal=control_of(game.exercise_id), from_turn=from_turn)
    assert "from_turn" in refused.value.fields


def test_an_illegal_replacement_is_refused_and_nothing_is_created(game: Game) -> None:
    play(game, 2)
    replace = [{"team": "JPN", "turn": 2, "actions": [{"action": "m.nuclear_use"}]}]
    with pytest.raises(InvalidInput) as refused:
        branch_fork(principal=control_of(game.exercise_id), from_turn=2, replace=replace)
    assert any(field.startswith("replace.0") for field in refused.value.fields)
    assert not Exercise.objects.filter(branch_of_id=game.exercise_id).exists()


def test_only_control_may_fork(game: Game) -> None:
    play(game, 1)
    player = Principal(exercise_id=game.exercise_id, view="team:US")
    with pytest.raises(NotFound):
        branch_fork(principal=player, from_turn=1)


def test_it_reuses_control_s_choice_at_the_same_decision_point(game: Game) -> None:
    play(game, 2, actions={("DPRK", 1): NUCLEAR_USE}, overrides={1: CONTROL_CHOICE})
    source = Adjudication.objects.get(exercise_id=game.exercise_id, turn=1)
    assert source.proposal["decision_points"], "the original must have met a decision point"
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=1)
    forked = Adjudication.objects.get(exercise=branch, turn=1)
    assert forked.proposal["state"] == source.proposal["state"]
    assert forked.proposal["state"]["rung"]["DPRK"]["ROK"] == CONTROL_CHOICE["value"]
    assert forked.approved_nuclear
    assert [o["path"] for o in forked.overrides] == [CONTROL_CHOICE["path"]]
    assert CONTROL_CHOICE["reason"] in forked.overrides[0]["reason"]
    points = [e for e in branch.branch_log if e["kind"] == "decision_point"]
    assert [(e["turn"], e["choice"]) for e in points] == [(1, "reused")]
    assert not [e for e in branch.branch_log if e["kind"] == "override_dropped"]
    assert engine_part(published(branch.pk)[2]) == engine_part(published(game.exercise_id)[2])


def test_a_new_decision_point_holds_at_the_threshold(game: Game) -> None:
    play(game, 1)
    replace = [{"team": "DPRK", "turn": 1, "actions": NUCLEAR_USE}]
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=1, replace=replace)
    forked = Adjudication.objects.get(exercise=branch, turn=1)
    assert forked.proposal["decision_points"]
    engine = forked.proposal["state"]["rung"]["DPRK"]["ROK"]
    wanted = forked.proposal["decision_points"][0]["deltas"]["rung/DPRK/ROK"]
    assert engine < wanted
    assert forked.overrides == []
    assert not forked.approved_nuclear
    points = [e for e in branch.branch_log if e["kind"] == "decision_point"]
    assert [(e["turn"], e["choice"]) for e in points] == [(1, "deny_all")]


@pytest.mark.slow
def test_a_whole_ten_turn_exercise_reproduces_and_the_fork_time_is_printed(game: Game) -> None:
    play(game, 10)
    started = time.perf_counter()
    branch = branch_fork(principal=control_of(game.exercise_id), from_turn=1)
    elapsed = time.perf_counter() - started
    print(f"\nfork of a 10-turn exercise from turn 1: {elapsed:.2f} s")
    original, forked = published(game.exercise_id), published(branch.pk)
    assert sorted(forked) == list(range(1, 11))
    for turn in original:
        assert engine_part(forked[turn]) == engine_part(original[turn]), turn
