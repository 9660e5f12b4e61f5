"""What-if branches (`POST fork/` in docs/interface.md#endpoints, `manage.py readjudicate`): a new
exercise that shares the original's published history before a turn, then re-adjudicates the rest.

The branch is written through the same helpers a played game goes through (phase changes, sealed
decisions, proposals, ``outcome_publish``), so its event log, views, timeline and report read like
any finished exercise. Re-adjudication keeps the original's dice (common random numbers,
docs/model.md#10-randomness): with its own seeds and decisions a branch reproduces every published
outcome the facilitator did not override. What the branch could not take over from the original, it
logs in ``branch_log``: a dropped override, a replaced or bot decision, a decision point held at the
threshold (docs/model.md#9-safety: the engine never decides nuclear use, so without the
original's choice it holds).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wargame.engine.adjudicate import adjudicate
from wargame.engine.catalogue import validate_decision
from wargame.engine.errors import EngineError, RuleViolation
from wargame.engine.state import State, state_with
from wargame.exercises.audience import all_views
from wargame.exercises.errors import Conflict, InvalidInput, NotFound
from wargame.exercises.events import (
    EventType,
    ExerciseChangedPayload,
    OverridePayload,
    TurnPayload,
)
from wargame.exercises.models import (
    Adjudication,
    AdjudicationStatus,
    BeliefAnswer,
    Decision,
    DecisionStatus,
    Exercise,
    ExerciseStatus,
    FacilitatorMembership,
    InjectRelease,
    Phase,
    Team,
)
from wargame.exercises.services._turn import (
    exercise_end,
    outcome_publish,
    phase_changed,
    proposal_announce,
)
from wargame.exercises.services.access import Act, authorize
from wargame.exercises.services.beliefs import belief_answers_copied
from wargame.exercises.services.bots import bot_decision
from wargame.exercises.services.decisions import decision_submitted
from wargame.exercises.services.exercises import _channels_create
from wargame.exercises.services.game import exercise_scenario, turn_seed
from wargame.exercises.services.injects import (
    effects_replayed,
    offset_inject_release,
    scenario_injects_release,
)
from wargame.exercises.services.log import event_append, exercise_lock
from wargame.exercises.times import iso_utc
from wargame.exercises.views_of import CONTROL
from wargame.exercises.violations import violation_reason

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import datetime

    from wargame.engine.decisions import Decision as EngineDecision
    from wargame.engine.scenario import Scenario
    from wargame.exercises.principals import Principal

MAX_TITLE = 200


@dataclass(frozen=True, slots=True)
class Replacement:
    """Actions that take the place of a team's recorded decision in one turn of the branch."""

    team: str
    turn: int
    actions: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    original: Exercise
    scenario: Scenario
    published: Mapping[int, Adjudication]
    from_turn: int
    last_turn: int
    seed: int | None
    replace: Mapping[tuple[str, int], Replacement]


# --- checking the request -------------------------------------------------------------------------


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _replacements(
    raw: Iterable[Any], teams: Sequence[str], first: int, last: int
) -> dict[tuple[str, int], Replacement]:
    found: dict[tuple[str, int], Replacement] = {}
    for index, item in enumerate(raw):
        where = f"replace.{index}"
        if isinstance(item, Replacement):
            item = {"team": item.team, "turn": item.turn, "actions": list(item.actions)}
        if not isinstance(item, dict):
            raise InvalidInput.on(where, _("Each replacement is {team, turn, actions}."))
        team, turn, actions = item.get("team"), item.get("turn"), item.get("actions")
        if not isinstance(team, str) or team not in teams:
            raise InvalidInput.on(f"{where}.team", _("Not a team of this exercise."))
        if not _whole(turn) or not first <= turn <= last:
            raise InvalidInput.on(
                f"{where}.turn",
                _("Give a turn the branch re-adjudicates (%(first)d to %(last)d).")
                % {"first": first, "last": last},
            )
        if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
            raise InvalidInput.on(f"{where}.actions", _("A list of actions is required."))
        if (team, turn) in found:
            raise InvalidInput.on(where, _("This team and turn are already replaced."))
        found[(team, turn)] = Replacement(team=team, turn=turn, actions=tuple(actions))
    return found


def _plan(principal: Principal, *, from_turn: Any, seed: Any, replace: Iterable[Any]) -> _Plan:
    original = Exercise.objects.filter(pk=principal.exercise_id).first()
    if original is None:
        raise NotFound(_("Exercise not found."))
    scenario = exercise_scenario(original)
    if not _whole(from_turn) or not 1 <= from_turn <= scenario.turn_count:
        raise InvalidInput.on(
            "from_turn",
            _("Give a turn from 1 to %(last)d.") % {"last": scenario.turn_count},
        )
    if seed is not None and (not _whole(seed) or not 0 <= seed <= 2**62):
        raise InvalidInput.on("seed", _("Give a whole number from 0 to 2^62, or leave it out."))
    published = {
        row.turn: row
        for row in Adjudication.objects.filter(
            exercise=original, status=AdjudicationStatus.PUBLISHED
        ).order_by("turn")
    }
    missing = [turn for turn in range(1, from_turn) if turn not in published]
    if missing:
        raise Conflict(
            _("Turn %(turn)d of this exercise has no published outcome yet.") % {"turn": missing[0]}
        )
    last_turn = max((t for t in published if all(n in published for n in range(1, t))), default=0)
    if from_turn > last_turn:
        raise Conflict(
            _("Turn %(turn)d of this exercise has no published outcome to re-adjudicate.")
            % {"turn": from_turn}
        )
    teams = list(original.teams.values_list("code", flat=True))
    return _Plan(
        original=original,
        scenario=scenario,
        published=published,
        from_turn=from_turn,
        last_turn=last_turn,
        seed=seed,
        replace=_replacements(replace, teams, from_turn, last_turn),
    )


# --- the branch exercise --------------------------------------------------------------------------


def _initial_state(plan: _Plan) -> dict[str, Any]:
    first = plan.published.get(1)
    if first is not None:
        return dict(first.base_state)
    return plan.scenario.initial_state().to_dict()


def _branch_create(plan: _Plan, principal: Principal, now: datetime) -> Exercise:
    original = plan.original
    with translation.override(original.language):
        title = _("%(title)s (what-if from turn %(turn)d)") % {
            "title": original.title,
            "turn": plan.from_turn,
        }
    state = _initial_state(plan)
    created = Exercise.objects.create(
        title=title[:MAX_TITLE],
        scenario_slug=original.scenario_slug,
        scenario_text=original.scenario_text,
        cut=original.cut,
        language=original.language,
        seed=plan.seed if plan.seed is not None else original.seed,
        status=ExerciseStatus.RUNNING,
        turn=1,
        phase=Phase.BRIEFING,
        phase_started_at=now,
        deliberation_minutes=original.deliberation_minutes,
        briefing_seconds=original.briefing_seconds,
        observer_view=original.observer_view,
        branch_of=original,
        branch_from_turn=plan.from_turn,
        branch_log=[],
        state=state,
        created_by=principal.user,
    )
    FacilitatorMembership.objects.bulk_create(
        FacilitatorMembership(exercise=created, user_id=user_id)
        for user_id in FacilitatorMembership.objects.filter(exercise=original)
        .order_by("id")
        .values_list("user_id", flat=True)
    )
    codes = []
    for team in original.teams.order_by("id"):
        Team.objects.create(exercise=created, code=team.code, ai=team.ai)
        codes.append(team.code)
    hotlines = {key: str(value) for key, value in state.get("hotline", {}).items()}
    _channels_create(created, codes, hotlines, plan.scenario.channels.closed_at_start)
    branch = exercise_lock(exercise_id=created.pk)
    event_append(
        exercise=branch,
        type=EventType.EXERCISE_CHANGED,
        audience=[CONTROL],
        payload=ExerciseChangedPayload(
            change="created",
            status=ExerciseStatus.RUNNING,
            branch_of=original.pk,
            branch_from_turn=plan.from_turn,
            seed=branch.seed,
        ),
    )
    event_append(
        exercise=branch,
        type=EventType.EXERCISE_STARTED,
        audience=all_views(branch),
        payload=TurnPayload(turn=1),
    )
    return branch


def _enter(
    branch: Exercise,
    phase: str,
    now: datetime,
    *,
    reason: str | None = None,
    effects: bool = True,
    timed: Sequence[str] = (),
) -> None:
    """A phase of the branch, as lifecycle enters it, without clocks or bots: nobody plays it.
    Its injects come with their effects, unless the turn starts from the original's state, which
    already holds them; the timed ones the original released come as deliberation opens."""
    branch.phase = phase
    branch.phase_started_at = now
    branch.deadline = None
    branch.save(update_fields=["turn", "phase", "phase_started_at", "deadline", "state"])
    phase_changed(branch, reason=reason)
    if phase in (Phase.BRIEFING, Phase.DELIBERATION):
        state = State.from_dict(branch.state)
        scenario = exercise_scenario(branch)
        scenario_injects_release(
            branch, scenario, phase=phase, before=state, after=state, effects=effects
        )
        if phase == Phase.DELIBERATION:
            for inject_id in timed:
                offset_inject_release(branch, scenario, inject_id=inject_id, effects=effects)


def _decision_record(branch: Exercise, team: Team, turn: int, raw: Mapping[str, Any]) -> None:
    """The decision the branch's engine took for a team, saved and announced as a submit."""
    row = Decision(
        exercise=branch,
        team=team,
        turn=turn,
        status=DecisionStatus.SUBMITTED,
        version=1,
        actions=list(raw.get("actions", [])),
        rationale=str(raw.get("rationale", "")),
        submitted_at=branch.phase_started_at,
    )
    row.team = team
    decision_submitted(branch, row, actor={"branch": True})


def _publish(branch: Exercise, adjudication: Adjudication, now: datetime, approved: bool) -> None:
    """Publish through the game's own path; the approval flag only records the choice made."""
    needs = bool(adjudication.proposal["requires_nuclear_approval"])
    outcome_publish(branch, approve_nuclear=needs, now=now)
    Adjudication.objects.filter(pk=adjudication.pk).update(approved_nuclear=approved and needs)


# --- one turn ----------------------------------------------------------------------------------


def _copied_turn(
    branch: Exercise, teams: Mapping[str, Team], source: Adjudication, now: datetime
) -> None:
    """A turn before the fork: the original's published adjudication, overrides included."""
    for code, raw in sorted(source.decisions.items()):
        _decision_record(branch, teams[code], source.turn, raw)
    _enter(branch, Phase.ADJUDICATION, now, reason="branch")
    adjudication = Adjudication.objects.create(
        exercise=branch,
        turn=source.turn,
        status=AdjudicationStatus.PROPOSED,
        seed=source.seed,
        base_state=source.base_state,
        decisions=source.decisions,
        proposal=copy.deepcopy(source.proposal),
        overrides=copy.deepcopy(source.overrides),
    )
    proposal_announce(branch, adjudication)
    _publish(branch, adjudication, now, source.approved_nuclear)


def _beliefs_copied(plan: _Plan, branch: Exercise, teams: Mapping[str, Team], turn: int) -> None:
    """The answers the original's teams gave up to the fork, made before its history parts."""
    rows = BeliefAnswer.objects.filter(exercise=plan.original, turn=turn).select_related("team")
    for row in sorted(rows, key=lambda r: r.team.code):
        if row.answers and row.team.code in teams:
            belief_answers_copied(branch, teams[row.team.code], turn, row.answers)


def _turn_decisions(
    plan: _Plan, branch: Exercise, turn: int, log: list[dict[str, Any]]
) -> dict[str, EngineDecision]:
    """Each team's decision in the branch: a replacement where given, else the one the original's
    engine took; a recorded decision this branch's state no longer allows goes to the team's bot
    ("bots where they no longer apply"). A team that decided nothing in the original takes no
    action here either (docs/model.md#8-a-turn), so an unchanged turn stays unchanged."""
    scenario = plan.scenario
    model, catalogue = scenario.model(), scenario.catalogue()
    state = State.from_dict(branch.state)
    recorded: Mapping[str, Any] = plan.published[turn].decisions
    chosen: dict[str, EngineDecision] = {}
    for code in branch.teams.order_by("id").values_list("code", flat=True):
        replacement = plan.replace.get((code, turn))
        if replacement is not None:
            index = list(plan.replace).index((code, turn))
            raw = {"actions": list(replacement.actions), "rationale": ""}
            try:
                chosen[code] = validate_decision(catalogue, state, code, raw, model)
            except RuleViolation as exc:
                field = f"replace.{index}.{exc.field}" if exc.field else f"replace.{index}"
                raise InvalidInput.on(field, violation_reason(exc, catalogue)) from exc
            log.append({"turn": turn, "kind": "decision_replaced", "team": code, **raw})
            continue
        if code not in recorded:
            continue
        raw = {
            "actions": recorded[code].get("actions", []),
            "rationale": recorded[code].get("rationale", ""),
        }
        try:
            chosen[code] = validate_decision(catalogue, state, code, raw, model)
        except EngineError as exc:
            actions, rationale = bot_decision(branch, code)
            bot_raw = {"actions": actions, "rationale": rationale}
            chosen[code] = validate_decision(catalogue, state, code, bot_raw, model)
            log.append(
                {
                    "turn": turn,
                    "kind": "decision_by_bot",
                    "team": code,
                    "reason": exc.reason,
                    "actions": actions,
                }
            )
    return chosen


def _point_key(point: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The same decision point across branches: the same actor asking for the same variables
    (its number and probability may differ with the path that led to it)."""
    return str(point["actor"]), tuple(sorted(point["deltas"]))


def _decision_points(
    plan: _Plan, adjudication: Adjudication, now: datetime, log: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[OverridePayload], set[str], bool]:
    """Apply the original's choice where the same point arose and control chose; else hold at the
    threshold (deny_all: the proposal's state as the safety gate left it)."""
    source = plan.published[adjudication.turn]
    theirs = {_point_key(p): p for p in source.proposal.get("decision_points", [])}
    model = plan.scenario.model()
    proposal = copy.deepcopy(adjudication.proposal)
    overrides: list[OverridePayload] = []
    reused_paths: set[str] = set()
    approved = False
    for point in proposal["decision_points"]:
        match = theirs.get(_point_key(point))
        if match is None:
            log.append(
                {
                    "turn": adjudication.turn,
                    "kind": "decision_point",
                    "point": point["id"],
                    "actor": point["actor"],
                    "choice": "deny_all",
                }
            )
            continue
        paths = {f"/state/{pointer}" for pointer in point["deltas"]}
        chosen = [o for o in source.overrides if o.get("path") in paths]
        state = State.from_dict(proposal["state"])
        for item in chosen:
            pointer = str(item["path"])[len("/state/") :]
            old = state.to_dict()
            state = state_with(model, state, {pointer: item["value"]})
            overrides.append(
                OverridePayload(
                    path=str(item["path"]),
                    value=item["value"],
                    old=_pointer_value(old, pointer),
                    reason=_("Reused from the original exercise: %(reason)s")
                    % {"reason": item.get("reason", "")},
                    by=str(item.get("by", "control")),
                    at=iso_utc(now),
                )
            )
            reused_paths.add(str(item["path"]))
        proposal["state"] = state.to_dict()
        approved = approved or source.approved_nuclear
        log.append(
            {
                "turn": adjudication.turn,
                "kind": "decision_point",
                "point": point["id"],
                "actor": point["actor"],
                "choice": "reused",
                "applied": [str(o["path"]) for o in chosen],
            }
        )
    return proposal, overrides, reused_paths, approved


def _pointer_value(state: Mapping[str, Any], pointer: str) -> Any:
    node: Any = state
    for part in pointer.split("/"):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _released(plan: _Plan, turn: int) -> list[str]:
    return list(
        InjectRelease.objects.filter(exercise=plan.original, turn=turn)
        .order_by("id")
        .values_list("key", flat=True)
    )


def _timed(plan: _Plan, turn: int) -> list[str]:
    """The time-offset injects the original released during this turn's deliberation."""
    timed = {i.id for i in plan.scenario.injects if i.kind == "offset" and i.turn == turn}
    return [key for key in _released(plan, turn) if key in timed]


def _expected_base(plan: _Plan, turn: int) -> dict[str, Any]:
    """Where the original's turn would have started had control changed nothing: the last
    outcome, with the effects of the injects released since (those its publish set off, then this
    turn's own before the lock)."""
    by_id = {i.id: i for i in plan.scenario.injects}

    def after_publish(key: str) -> bool:
        inject = by_id.get(key)
        return inject is not None and (inject.when is not None or inject.phase == Phase.OUTCOME)

    since = [k for k in _released(plan, turn - 1) if after_publish(k)]
    since += [k for k in _released(plan, turn) if not after_publish(k)]
    last = State.from_dict(plan.published[turn - 1].proposal["state"])
    return effects_replayed(plan.scenario, last, since).to_dict()


def _readjudicated_turn(
    plan: _Plan,
    branch: Exercise,
    teams: Mapping[str, Team],
    turn: int,
    now: datetime,
    log: list[dict[str, Any]],
) -> None:
    source = plan.published[turn]
    if turn > plan.from_turn and source.base_state != _expected_base(plan, turn):
        # Control changed the state between turns (e.g. set_hotline): part of the original's
        # path, not of the branch's.
        log.append({"turn": turn, "kind": "state_change_dropped"})
    decisions = _turn_decisions(plan, branch, turn, log)
    for code, decision in sorted(decisions.items()):
        _decision_record(branch, teams[code], turn, decision.to_dict())
    _enter(branch, Phase.ADJUDICATION, now, reason="branch")
    seed = turn_seed(plan.seed, turn) if plan.seed is not None else source.seed
    scenario = plan.scenario
    proposal = adjudicate(
        State.from_dict(branch.state),
        decisions,
        seed=seed,
        model=scenario.model(),
        catalogue=scenario.catalogue(),
    )
    adjudication = Adjudication.objects.create(
        exercise=branch,
        turn=turn,
        status=AdjudicationStatus.PROPOSED,
        seed=seed,
        base_state=branch.state,
        decisions={code: d.to_dict() for code, d in sorted(decisions.items())},
        proposal=proposal.to_dict(),
        overrides=[],
    )
    proposal_announce(branch, adjudication)
    body, overrides, reused, approved = _decision_points(plan, adjudication, now, log)
    log.extend(
        {
            "turn": turn,
            "kind": "override_dropped",
            "path": item.get("path"),
            "value": item.get("value"),
            "reason": item.get("reason", ""),
        }
        for item in source.overrides
        if item.get("path") not in reused
    )
    if overrides:
        adjudication.proposal = body
        adjudication.overrides = overrides
        adjudication.save(update_fields=["proposal", "overrides"])
        event_append(
            exercise=branch,
            type=EventType.ADJUDICATION_OVERRIDDEN,
            audience=[CONTROL],
            payload={"turn": turn, "overrides": overrides},
        )
    _publish(branch, adjudication, now, approved)


# --- the service ---------------------------------------------------------------------------------


def branch_fork(
    *,
    principal: Principal,
    from_turn: Any,
    seed: Any = None,
    replace: Iterable[Any] = (),
    now: datetime | None = None,
) -> Exercise:
    """Fork the principal's exercise at ``from_turn`` and re-adjudicate it to the original's last
    published turn, in one transaction (bounded by the scenario's turn count). The caller must be
    control of the original; the branch gets the original's facilitators. The original is only
    read, so it is not locked: re-adjudicating a long game must not hold up the game itself."""
    authorize(principal, Act.FORK)
    now = now or timezone.now()
    plan = _plan(principal, from_turn=from_turn, seed=seed, replace=replace)
    log: list[dict[str, Any]] = []
    with transaction.atomic():
        branch = _branch_create(plan, principal, now)
        teams = {t.code: t for t in Team.objects.filter(exercise=branch)}
        for turn in range(1, plan.last_turn + 1):
            branch.turn = turn
            if turn <= plan.from_turn:
                # The turn starts where the original's did (its state, with anything control set
                # before the lock); later turns start from the branch's own outcome.
                branch.state = plan.published[turn].base_state
            copied = turn <= plan.from_turn
            _enter(branch, Phase.BRIEFING, now, effects=not copied)
            _enter(branch, Phase.DELIBERATION, now, effects=not copied, timed=_timed(plan, turn))
            if copied:
                _beliefs_copied(plan, branch, teams, turn)
            if turn < plan.from_turn:
                _copied_turn(branch, teams, plan.published[turn], now)
            else:
                _readjudicated_turn(plan, branch, teams, turn, now, log)
        branch.branch_log = log
        branch.save(update_fields=["branch_log"])
        exercise_end(branch, now=now)
    return branch
