"""A team's decision for a turn: the shared draft, and the submit that locks it in."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from wargame.engine.catalogue import validate_decision
from wargame.engine.errors import RuleViolation
from wargame.engine.numbering import actions_from_view, agreement_numbers
from wargame.exercises.audience import all_views, decision_audience, may_see
from wargame.exercises.errors import (
    Conflict,
    IdempotencyConflict,
    InvalidInput,
    Locked,
    NotFound,
    NotPermitted,
)
from wargame.exercises.events import (
    DecisionPayload,
    EventType,
    SealedDecisionPayload,
)
from wargame.exercises.models import (
    Decision,
    DecisionStatus,
    DecisionWrite,
    Exercise,
    ExerciseStatus,
    Phase,
    Team,
)
from wargame.exercises.services._turn import phase_advance
from wargame.exercises.services.access import Act, entry
from wargame.exercises.services.game import (
    exercise_scenario,
    exercise_state,
    view_agreement_numbers,
)
from wargame.exercises.services.log import event_append, lock_held
from wargame.exercises.shapes import decision_payload
from wargame.exercises.views_of import CONTROL
from wargame.exercises.violations import violation_reason

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from wargame.engine.catalogue import Catalogue
    from wargame.exercises.principals import Principal

MAX_RATIONALE = 4000
MAX_CLIENT_KEY = 64
OPEN_PHASES = (Phase.BRIEFING, Phase.DELIBERATION)


def decision_submitted(
    exercise: Exercise, decision: Decision, *, actor: Mapping[str, object]
) -> None:
    """Save a submitted decision with its audience and announce it: the decision to its audience,
    to every other view only that the team submitted. The caller holds the exercise lock."""
    lock_held(exercise)
    decision.audience = decision_audience(exercise, decision.team.code)
    decision.save()
    views = all_views(exercise)
    sealed = SealedDecisionPayload(team=decision.team.code, submitted=True)
    event_append(
        exercise=exercise,
        type=EventType.DECISION_SUBMITTED,
        audience=views,
        payload=decision_payload(decision),
        view_payloads={
            v: _decision_seen(exercise, decision, v) if may_see(v, decision.audience) else sealed
            for v in views
            if v != CONTROL
        },
        actor=actor,
    )


def _decision_seen(exercise: Exercise, decision: Decision, view: str) -> DecisionPayload:
    """The decision as `view` reads it: agreements by the view's own numbers."""
    return decision_payload(decision, view_agreement_numbers(exercise, view))


def decisions_open_check(exercise: Exercise, turn: int, now: datetime) -> None:
    """Drafts and submits are open in briefing and deliberation of the current turn, and never
    past the deadline, even before the lock has run (docs/reliability.md#r3)."""
    if exercise.status == ExerciseStatus.PAUSED:
        raise Locked(_("The exercise is paused."))
    if exercise.status != ExerciseStatus.RUNNING or exercise.turn is None:
        raise Locked(_("The exercise is not running."))
    if turn < exercise.turn or (turn == exercise.turn and exercise.phase not in OPEN_PHASES):
        raise Locked(_("Submissions for turn %(turn)d are closed.") % {"turn": turn})
    if turn > exercise.turn:
        raise Conflict(_("Turn %(turn)d has not started.") % {"turn": turn})
    if exercise.deadline is not None and exercise.deadline <= now:
        raise Locked(
            _("Submissions for turn %(turn)d closed at %(time)s UTC.")
            % {"turn": turn, "time": exercise.deadline.strftime("%H:%M")}
        )


def _body_hash(actions: Any, rationale: str) -> str:
    canonical = json.dumps(
        {"actions": actions, "rationale": rationale},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _team_of(principal: Principal, exercise: Exercise, team: str | None) -> Team:
    """A player writes for its own team; control for a team played by a bot (``?team=``)."""
    if principal.is_player:
        if team and team != principal.team_code:
            raise NotFound(_("No decision you may write here."))
        return principal.own_team() or Team.objects.get(exercise=exercise, code=principal.team_code)
    if principal.is_control and team:
        found = exercise.teams.filter(code=team).first() if team.isalnum() else None
        if found is not None and found.ai:
            return found
        if found is not None:
            raise NotPermitted(_("Control writes decisions only for teams played by a bot."))
    raise NotFound(_("No decision you may write here."))


def decision_save(
    *,
    principal: Principal,
    turn: int,
    actions: Any,
    rationale: str,
    client_key: str,
    expected_version: int | None,
    now: datetime,
    team: str | None = None,
) -> Decision:
    """Save the team's shared draft. A retry with the same ``client_key`` and body changes
    nothing; the same key with another body is refused; a stale ``expected_version`` is 409."""
    with entry(principal, Act.DECIDE) as entered:
        exercise = entered.exercise
        if not client_key or len(client_key) > MAX_CLIENT_KEY:
            reason = _("A client_key of 1 to 64 characters is required.")
            raise InvalidInput.on("client_key", reason)
        if len(rationale) > MAX_RATIONALE:
            raise InvalidInput.on("rationale", _("At most 4000 characters."))
        own = _team_of(principal, exercise, team)
        decisions_open_check(exercise, turn, now)
        decision, _created = Decision.objects.select_related("team").get_or_create(
            exercise=exercise, team=own, turn=turn, defaults={"status": DecisionStatus.DRAFT}
        )
        # The row read under the lock: the answer's agreement numbers read it without a query.
        decision.exercise = exercise
        body_hash = _body_hash(actions, rationale)
        earlier = DecisionWrite.objects.filter(decision=decision, client_key=client_key).first()
        if earlier is not None:
            if earlier.body_hash != body_hash:
                raise IdempotencyConflict(_("This client_key was used with another body."))
            return decision
        # Control reviews a bot's submitted decision and may revise it until the lock (the AI
        # teams issue); people cannot change what their team has submitted.
        if decision.status == DecisionStatus.SUBMITTED and not (principal.is_control and own.ai):
            raise Locked(_("Your team has already submitted this turn."))
        if expected_version is not None and expected_version != decision.version:
            raise Conflict(_("A teammate saved a newer version (%(v)d).") % {"v": decision.version})
        draft_write(exercise, decision, principal=principal, actions=actions, rationale=rationale)
        DecisionWrite.objects.create(decision=decision, client_key=client_key, body_hash=body_hash)
    return decision


def draft_write(
    exercise: Exercise, decision: Decision, *, principal: Principal, actions: Any, rationale: str
) -> None:
    """Check a draft against the rules, store it as the decision's next version and announce it
    to the decision's audience. The caller holds the exercise lock and has checked that the turn
    is open and the decision not submitted."""
    lock_held(exercise)
    scenario = exercise_scenario(exercise)
    state = exercise_state(exercise)
    try:
        # The writer names agreements by its view's numbers; the decision keeps the engine's ids.
        if not principal.is_control:
            actions = actions_from_view(actions, agreement_numbers(state, principal.view))
        checked = validate_decision(
            scenario.catalogue(),
            state,
            decision.team.code,
            {"actions": actions, "rationale": rationale},
            scenario.model(),
            complete=False,
        )
    except RuleViolation as exc:
        raise _refused(exc, scenario.catalogue()) from exc
    decision.actions = checked.to_dict()["actions"]
    decision.rationale = rationale
    decision.version += 1
    decision.updated_by = principal.participant
    decision.audience = decision_audience(exercise, decision.team.code)
    decision.save()
    event_append(
        exercise=exercise,
        type=EventType.DECISION_SAVED,
        audience=decision.audience,
        payload=decision_payload(decision),
        view_payloads={
            v: _decision_seen(exercise, decision, v) for v in decision.audience if v != CONTROL
        },
        actor=principal.actor(),
    )


def _refused(exc: RuleViolation, catalogue: Catalogue) -> InvalidInput:
    """The engine's refusal as the player reads it: in words, without the field's path (the
    room puts it by the field itself)."""
    reason = violation_reason(exc, catalogue)
    return InvalidInput(reason, fields={exc.field or "actions": [reason]})


def _check_complete(exercise: Exercise, draft: Decision) -> None:
    """A draft may be saved half filled in; what a team submits must be whole."""
    scenario = exercise_scenario(exercise)
    try:
        validate_decision(
            scenario.catalogue(),
            exercise_state(exercise),
            draft.team.code,
            {"actions": draft.actions, "rationale": draft.rationale},
            scenario.model(),
        )
    except RuleViolation as exc:
        raise _refused(exc, scenario.catalogue()) from exc


def decision_submit(
    *, principal: Principal, turn: int, now: datetime, team: str | None = None
) -> Decision:
    """Lock in the team's draft (nothing saved = "no action this turn"). Submitting again
    changes nothing. With auto-advance on, the last team to submit ends deliberation."""
    with entry(principal, Act.DECIDE) as entered:
        exercise = entered.exercise
        own = _team_of(principal, exercise, team)
        decisions_open_check(exercise, turn, now)
        existing = Decision.objects.select_related("team").filter(team=own, turn=turn).first()
        if existing is not None:
            existing.exercise = exercise  # as in decision_save
        if existing is not None and existing.status == DecisionStatus.SUBMITTED:
            return existing
        if existing is not None:
            _check_complete(exercise, existing)
        decision = existing or Decision(exercise=exercise, team=own, turn=turn)
        decision.status = DecisionStatus.SUBMITTED
        decision.submitted_at = now
        if existing is None:
            decision.updated_by = principal.participant
        decision_submitted(exercise, decision, actor=principal.actor())
        if (
            exercise.auto_advance
            and exercise.phase == Phase.DELIBERATION
            and (
                Decision.objects.filter(
                    exercise=exercise, turn=turn, status=DecisionStatus.SUBMITTED
                ).count()
                == exercise.teams.count()
            )
        ):
            phase_advance(exercise, now=now, reason="all_submitted")
    return decision
