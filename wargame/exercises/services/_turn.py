"""The steps of a turn: entering a phase, the lock and the engine's proposal, the facilitator's
changes to it, publishing the outcome, the end.

Internal to the services: each step is called by an entry point that has authorized its principal,
opened the transaction and locked the exercise (``services.access.entry``), or by a task that
locked it, and each asserts that lock (``lock_held``) before it changes anything."""

from __future__ import annotations

import copy
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django.utils.translation import gettext as _

from wargame.engine.adjudicate import adjudicate
from wargame.engine.catalogue import decision_taken
from wargame.engine.errors import EngineError
from wargame.engine.numbering import agreement_numbers
from wargame.engine.proposal import Proposal
from wargame.engine.state import State, state_with
from wargame.engine.views import agreements_seen, outcome_for
from wargame.exercises.audience import agreement_audience, all_views
from wargame.exercises.errors import ApprovalRequired, Conflict, InvalidInput
from wargame.exercises.events import (
    AgreementPayload,
    DecisionPointPayload,
    EventType,
    OutcomePayload,
    OverridePayload,
    PhaseChangedPayload,
    TurnPayload,
)
from wargame.exercises.models import (
    Adjudication,
    AdjudicationStatus,
    Decision,
    Exercise,
    ExerciseStatus,
    Phase,
)
from wargame.exercises.services.beliefs import belief_truths_fill
from wargame.exercises.services.game import exercise_scenario, exercise_state, turn_seed
from wargame.exercises.services.hotlines import hotline_changed
from wargame.exercises.services.injects import scenario_injects_release
from wargame.exercises.services.log import event_append, lock_held
from wargame.exercises.services.scheduling import schedule_phase_timers
from wargame.exercises.shapes import proposal_payload
from wargame.exercises.times import iso_utc
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from datetime import datetime

    from wargame.engine.scenario import Scenario

logger = logging.getLogger(__name__)

# Parts of a proposal the facilitator may not rewrite: they identify it, or gate nuclear use.
FIXED_PATHS = ("/turn", "/seed", "/model_hash", "/requires_nuclear_approval", "/overrides")


def phase_changed(exercise: Exercise, *, reason: str | None = None) -> None:
    lock_held(exercise)
    payload = PhaseChangedPayload(
        turn=exercise.turn, phase=exercise.phase, deadline=iso_utc(exercise.deadline)
    )
    if reason is not None:
        payload["reason"] = reason
    event_append(
        exercise=exercise,
        type=EventType.PHASE_CHANGED,
        audience=all_views(exercise),
        payload=payload,
    )


def _deliberation_minutes(exercise: Exercise) -> int | None:
    """The turn's deliberation time: none without a clock; the facilitator's minutes where they
    differ from the cut's usual ones (set at creation, they hold for every turn); else the
    minutes the cut gives this move."""
    if exercise.deliberation_minutes is None:
        return None
    scenario = exercise_scenario(exercise)
    if exercise.deliberation_minutes != scenario.deliberation_minutes:
        return exercise.deliberation_minutes  # the facilitator's choice holds for every turn
    plan = next((p for p in scenario.turns if p.n == exercise.turn), None)
    return plan.deliberation_minutes if plan is not None else exercise.deliberation_minutes


def phase_enter(exercise: Exercise, phase: str, now: datetime) -> None:
    """The exercise enters ``phase`` of its current turn: its clock, its injects, its timers."""
    lock_held(exercise)
    exercise.phase = phase
    exercise.phase_started_at = now
    minutes = _deliberation_minutes(exercise) if phase == Phase.DELIBERATION else None
    exercise.deadline = now + timedelta(minutes=minutes) if minutes is not None else None
    exercise.save(update_fields=["phase", "phase_started_at", "deadline", "turn", "status"])
    phase_changed(exercise)
    state = exercise_state(exercise)
    scenario_injects_release(
        exercise, exercise_scenario(exercise), phase=phase, before=state, after=state
    )
    schedule_phase_timers(exercise)


def exercise_end(exercise: Exercise, *, now: datetime) -> None:
    lock_held(exercise)
    exercise.status = ExerciseStatus.ENDED
    exercise.phase = None
    exercise.deadline = None
    exercise.paused_remaining_seconds = None
    exercise.save(update_fields=["status", "phase", "deadline", "paused_remaining_seconds"])
    event_append(
        exercise=exercise,
        type=EventType.EXERCISE_ENDED,
        audience=all_views(exercise),
        payload=TurnPayload(turn=exercise.turn),
    )


def phase_advance(exercise: Exercise, *, now: datetime, reason: str = "advance") -> None:
    """Move a running exercise to its next phase."""
    lock_held(exercise)
    if exercise.phase == Phase.BRIEFING:
        phase_enter(exercise, Phase.DELIBERATION, now)
    elif exercise.phase == Phase.DELIBERATION:
        turn_lock(exercise, now=now, reason=reason)
    elif exercise.phase == Phase.ADJUDICATION:
        outcome_publish(exercise, approve_nuclear=False, now=now)
    elif exercise.phase == Phase.OUTCOME:
        if (exercise.turn or 0) >= exercise_scenario(exercise).turn_count:
            exercise_end(exercise, now=now)
            return
        exercise.turn = (exercise.turn or 0) + 1
        phase_enter(exercise, Phase.BRIEFING, now)


def _engine_decisions(exercise: Exercise, scenario: Scenario, state: State) -> dict[str, Any]:
    """Each team's saved decision as the engine takes it; at the lock a saved draft counts (less
    any action still incomplete), and a team with nothing saved takes no action
    (docs/model.md#8-a-turn)."""
    catalogue = scenario.catalogue()
    decisions: dict[str, Any] = {}
    rows = Decision.objects.filter(exercise=exercise, turn=exercise.turn or 0).select_related(
        "team"
    )
    for row in rows:
        raw = {"actions": row.actions, "rationale": row.rationale}
        try:
            decisions[row.team.code] = decision_taken(
                catalogue, state, row.team.code, raw, scenario.model()
            )
        except EngineError:
            # Checked when saved against this same state, so this is a model change mid-game:
            # the team takes no action rather than the turn failing.
            logger.warning(
                "exercise %s turn %s: %s decision no longer valid",
                exercise.pk,
                exercise.turn,
                row.team.code,
                exc_info=True,
                extra={"exercise": exercise.pk, "turn": exercise.turn, "team": row.team.code},
            )
    return decisions


def _propose(exercise: Exercise, *, attempt: int, seed: int | None = None) -> Adjudication:
    scenario = exercise_scenario(exercise)
    state = exercise_state(exercise)
    decisions = _engine_decisions(exercise, scenario, state)
    turn = exercise.turn or 0
    used_seed = seed if seed is not None else turn_seed(exercise.seed, turn, attempt)
    proposal = adjudicate(
        state, decisions, seed=used_seed, model=scenario.model(), catalogue=scenario.catalogue()
    )
    body = proposal.to_dict()
    if attempt:
        body["attempt"] = attempt  # in the stored proposal and in the event alike
    adjudication, _created = Adjudication.objects.update_or_create(
        exercise=exercise,
        turn=turn,
        defaults={
            "status": AdjudicationStatus.PROPOSED,
            "seed": used_seed,
            "base_state": exercise.state,
            "decisions": {team: d.to_dict() for team, d in sorted(decisions.items())},
            "proposal": body,
            "overrides": [],
        },
    )
    proposal_announce(exercise, adjudication)
    return adjudication


def proposal_announce(exercise: Exercise, adjudication: Adjudication) -> None:
    """``adjudication.proposed`` and one ``adjudication.decision_point`` per point, to control."""
    lock_held(exercise)
    event_append(
        exercise=exercise,
        type=EventType.ADJUDICATION_PROPOSED,
        audience=[CONTROL],
        payload=proposal_payload(adjudication),
    )
    for point in adjudication.proposal["decision_points"]:
        event_append(
            exercise=exercise,
            type=EventType.ADJUDICATION_DECISION_POINT,
            audience=[CONTROL],
            payload=cast("DecisionPointPayload", {"turn": adjudication.turn, **point}),
        )


def turn_lock(exercise: Exercise, *, now: datetime, reason: str) -> Adjudication:
    """Deliberation ends: submissions lock and the engine proposes."""
    lock_held(exercise)
    exercise.phase = Phase.ADJUDICATION
    exercise.deadline = None
    exercise.phase_started_at = now
    exercise.save(update_fields=["phase", "deadline", "phase_started_at"])
    phase_changed(exercise, reason=reason)
    # The questionnaire closes with the lock: the truths the state answers are stored now.
    belief_truths_fill(exercise)
    adjudication = _propose(exercise, attempt=0)
    if exercise.auto_publish and not adjudication.proposal["requires_nuclear_approval"]:
        outcome_publish(exercise, approve_nuclear=False, now=now)
    return adjudication


def current_adjudication(exercise: Exercise, turn: int) -> Adjudication:
    if exercise.phase != Phase.ADJUDICATION or exercise.turn != turn:
        raise Conflict(_("Turn %(turn)d is not in review.") % {"turn": turn})
    adjudication = Adjudication.objects.filter(exercise=exercise, turn=turn).first()
    if adjudication is None:
        raise Conflict(_("The proposal is still being prepared."))
    return adjudication


def _resolve(document: Any, path: str) -> tuple[Any, str | int]:
    """The container and key a JSON Pointer (RFC 6901) names; only existing values."""
    if not path.startswith("/") or path in FIXED_PATHS or path.startswith(FIXED_PATHS):
        reason = _("%(path)s cannot be overridden.") % {"path": path}
        raise InvalidInput.on("overrides.path", reason)
    parts = [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]
    node = document
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        key: str | int = part
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                break
            key = int(part)
        elif not isinstance(node, dict) or part not in node:
            break
        if last:
            return node, key
        node = node[key]
    raise InvalidInput.on(
        "overrides.path", _("%(path)s names nothing in the proposal.") % {"path": path}
    )


def proposal_override(
    exercise: Exercise, *, turn: int, overrides: list[dict[str, Any]], by: str, now: datetime
) -> Adjudication:
    """Apply the facilitator's changes, each with a reason; a state value must stay in range."""
    lock_held(exercise)
    adjudication = current_adjudication(exercise, turn)
    scenario = exercise_scenario(exercise)
    model = scenario.model()
    proposal = copy.deepcopy(adjudication.proposal)
    logged: list[OverridePayload] = list(adjudication.overrides)
    for index, item in enumerate(overrides):
        path, value, reason = item.get("path"), item.get("value"), item.get("reason")
        if not isinstance(path, str):
            raise InvalidInput.on(f"overrides.{index}.path", _("A JSON Pointer is required."))
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidInput.on(f"overrides.{index}.reason", _("Give a reason for the change."))
        container, key = _resolve(proposal, path)
        old = container[key]
        if path.startswith("/state/"):
            pointer = path[len("/state/") :]
            try:
                checked = state_with(model, State.from_dict(proposal["state"]), {pointer: value})
            except EngineError as exc:
                raise InvalidInput.on(f"overrides.{index}.value", exc.reason) from exc
            proposal["state"] = checked.to_dict()
        elif type(old) is not type(value) and not (
            isinstance(old, int | float) and isinstance(value, int | float)
        ):
            raise InvalidInput.on(
                f"overrides.{index}.value",
                _("Expected a value of the same kind as the current one."),
            )
        else:
            container[key] = value
        logged.append(
            OverridePayload(
                path=path, value=value, old=old, reason=reason.strip(), by=by, at=iso_utc(now)
            )
        )
    approval_rung = int(model.data["safety"]["approval_rung"])
    rungs = [v for row in proposal["state"]["rung"].values() for v in row.values()]
    if any(r >= approval_rung for r in rungs):
        # An override can carry the game over the threshold: control must then approve it.
        proposal["requires_nuclear_approval"] = True
    made_now = logged[len(adjudication.overrides) :]
    adjudication.proposal = proposal
    adjudication.overrides = logged
    adjudication.save(update_fields=["proposal", "overrides"])
    event_append(
        exercise=exercise,
        type=EventType.ADJUDICATION_OVERRIDDEN,
        audience=[CONTROL],
        payload={"turn": turn, "overrides": made_now},
    )
    return adjudication


def proposal_reroll(exercise: Exercise, *, turn: int, seed: int | None) -> Adjudication:
    """A fresh proposal with other dice; earlier overrides are dropped with the old proposal."""
    lock_held(exercise)
    current = current_adjudication(exercise, turn)
    attempts = current.proposal.get("attempt", 0) + 1
    return _propose(exercise, attempt=attempts, seed=seed)


def outcome_publish(exercise: Exercise, *, approve_nuclear: bool, now: datetime) -> Adjudication:
    """Publish the reviewed proposal: each view its outcome, then what the outcome changes."""
    lock_held(exercise)
    adjudication = current_adjudication(exercise, exercise.turn or 0)
    if adjudication.proposal["requires_nuclear_approval"] and not approve_nuclear:
        raise ApprovalRequired(
            _(
                "This outcome crosses the nuclear threshold: publishing it "
                "needs explicit approval (approve_nuclear: true)."
            )
        )
    scenario = exercise_scenario(exercise)
    model = scenario.model()
    before = exercise_state(exercise)
    proposal = Proposal.from_dict(adjudication.proposal)
    after = proposal.state
    views = all_views(exercise)
    # The engine builds each view's outcome (engine.views): its keys are checked when appended.
    event_append(
        exercise=exercise,
        type=EventType.OUTCOME_PUBLISHED,
        audience=views,
        payload=cast("OutcomePayload", outcome_for(proposal, CONTROL, model)),
        view_payloads={
            view: cast("OutcomePayload", outcome_for(proposal, view, model))
            for view in views
            if view != CONTROL
        },
    )
    _agreements_changed(exercise, before, after)
    old_lines, new_lines = dict(before.hotline), dict(after.hotline)
    for key in sorted(new_lines):
        old, new = old_lines.get(key, "down"), new_lines[key]
        if old != new:
            hotline_changed(exercise, key=key, state=new, new_state=after)
    exercise.state = after.to_dict()
    adjudication.status = AdjudicationStatus.PUBLISHED
    adjudication.approved_nuclear = approve_nuclear
    adjudication.published_at = now
    adjudication.save(update_fields=["status", "approved_nuclear", "published_at"])
    scenario_injects_release(exercise, scenario, phase=Phase.OUTCOME, before=before, after=after)
    belief_truths_fill(exercise)  # the questions whose window this outcome closes
    exercise.phase = Phase.OUTCOME
    exercise.phase_started_at = now
    exercise.save(update_fields=["state", "phase", "phase_started_at"])
    phase_changed(exercise)
    return adjudication


def _agreements_changed(exercise: Exercise, before: State, after: State) -> None:
    """One event per agreement the outcome changed, to each party as it knows the agreement and
    by its own number for it (engine.numbering), and to control."""
    old = {a.id: a for a in before.agreements}
    seen: dict[str, dict[int, AgreementPayload]] = {}
    for agreement in after.agreements:
        previous = old.get(agreement.id)
        if previous is not None and previous == agreement:
            continue
        views = agreement_audience(agreement.parties)
        for view in views:
            if view not in seen:
                numbers = agreement_numbers(after, view)
                rows = {row["id"]: row for row in agreements_seen(after, view)}
                seen[view] = {aid: cast("AgreementPayload", rows[n]) for aid, n in numbers.items()}
        payloads = {view: seen[view][agreement.id] for view in views}
        event_append(
            exercise=exercise,
            type=EventType.AGREEMENT_CHANGED,
            audience=views,
            payload=payloads[CONTROL],
            view_payloads={v: p for v, p in payloads.items() if v != CONTROL},
        )
