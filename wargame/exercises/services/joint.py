"""Joint actions in the open: a team proposes a consultation or a combined exercise to the
partners it names, and a partner joins with one act, which puts the matching action in its draft.

Proposing is the only way another team learns of a joint action before the outcome: a team's
draft is never shown to another team, and a proposal carries only the action, its parameters and
the partners, which the proposing team chose to send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from wargame.engine import joint
from wargame.engine.catalogue import validate_decision
from wargame.engine.errors import RuleViolation
from wargame.exercises.audience import joint_audience
from wargame.exercises.errors import Conflict, InvalidInput, Locked, NotFound, NotPermitted
from wargame.exercises.events import EventType
from wargame.exercises.models import Decision, DecisionStatus, JointProposal, Team
from wargame.exercises.services.access import Act, entry
from wargame.exercises.services.decisions import decisions_open_check, draft_write
from wargame.exercises.services.game import exercise_scenario, exercise_state
from wargame.exercises.services.log import event_append
from wargame.exercises.shapes import joint_payload
from wargame.exercises.violations import violation_reason

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from wargame.engine.catalogue import ActionDef
    from wargame.engine.scenario import Scenario
    from wargame.engine.state import State
    from wargame.exercises.models import Exercise
    from wargame.exercises.principals import Principal


def _player_team(principal: Principal) -> str:
    """Joint actions are proposed and joined by a team's players (control decides only for a
    bot's team, and a bot takes joint actions of its own accord)."""
    if not principal.is_player or principal.team_code is None:
        raise NotPermitted(_("Only a team's players propose or join joint actions."))
    return principal.team_code


def _check_choice(
    scenario: Scenario, state: State, team: str, choice: Mapping[str, Any], *, field: str
) -> None:
    """``team`` may take ``choice`` now, by the same rules as a decision's action."""
    try:
        validate_decision(
            scenario.catalogue(), state, team, {"actions": [choice]}, scenario.model()
        )
    except RuleViolation as exc:
        where = (exc.field or "").removeprefix("actions.0").lstrip(".") or field
        raise InvalidInput.on(where, violation_reason(exc, scenario.catalogue())) from exc


def _joint_action(scenario: Scenario, action: str) -> ActionDef:
    adef = scenario.catalogue().actions.get(action)
    if adef is None or not adef.joint:
        raise InvalidInput.on("action", _("This is not a joint action."))
    return adef


def joint_propose(
    *,
    principal: Principal,
    turn: int,
    action: str,
    target: str | None,
    params: Mapping[str, Any],
    now: datetime,
) -> tuple[JointProposal, bool]:
    """Propose that the partners the choice names take ``action`` with the caller's team this
    turn. Each partner must be able to take its part. Proposing the same again changes nothing;
    a team proposes each joint action once a turn. Returns the proposal and whether it is new."""
    with entry(principal, Act.DECIDE) as entered:
        exercise = entered.exercise
        team = _player_team(principal)
        decisions_open_check(exercise, turn, now)
        scenario = exercise_scenario(exercise)
        adef = _joint_action(scenario, action)
        state = exercise_state(exercise)
        choice: dict[str, Any] = {"action": action, "params": dict(params)}
        if target:
            choice["target"] = target
        _check_choice(scenario, state, team, choice, field="action")
        partners = joint.partners(adef, team, target, params)
        if not partners:
            field = "params.with" if joint.names_partners_with(adef) else "target"
            raise InvalidInput.on(field, _("Name at least one partner."))
        playing = set(exercise.teams.values_list("code", flat=True))
        for partner in partners:
            if partner not in playing:
                raise InvalidInput.on(
                    "partners", _("%(team)s is not in this game.") % {"team": partner}
                )
            _check_choice(
                scenario,
                state,
                partner,
                joint.counterpart(adef, team, target, params, partner),
                field="partners",
            )
        earlier = JointProposal.objects.filter(
            exercise=exercise, turn=turn, team__code=team, action=action
        ).first()
        if earlier is not None:
            if earlier.target == (target or "") and earlier.params == dict(params):
                return earlier, False
            raise Conflict(_("Your team has already proposed this joint action this turn."))
        proposal = JointProposal.objects.create(
            exercise=exercise,
            turn=turn,
            team=Team.objects.get(exercise=exercise, code=team),
            action=action,
            target=target or "",
            params=dict(params),
            partners=list(partners),
            proposed_by=principal.participant,
            audience=joint_audience(team, partners),
        )
        _announce(exercise, proposal, EventType.JOINT_PROPOSED, principal)
    return proposal, True


def joint_join(
    *, principal: Principal, turn: int, team: str, action: str, now: datetime
) -> JointProposal:
    """Join the joint action ``team`` proposed to the caller's team: its part goes into the
    caller's draft (unless the draft already has it) and the proposer and partners are told.
    Joining again changes nothing."""
    with entry(principal, Act.DECIDE) as entered:
        exercise = entered.exercise
        own = _player_team(principal)
        proposal = (
            JointProposal.objects.select_related("team")
            .filter(exercise=exercise, turn=turn, team__code=team, action=action)
            .first()
        )
        # A team not named never learns that the proposal exists.
        if proposal is None or own not in proposal.partners:
            raise NotFound(_("No joint action was proposed to your team."))
        decisions_open_check(exercise, turn, now)
        if own in proposal.joined:
            return proposal
        decision, _created = Decision.objects.select_related("team").get_or_create(
            exercise=exercise,
            team=Team.objects.get(exercise=exercise, code=own),
            turn=turn,
            defaults={"status": DecisionStatus.DRAFT},
        )
        if decision.status == DecisionStatus.SUBMITTED:
            raise Locked(_("Your team has already submitted this turn."))
        adef = _joint_action(exercise_scenario(exercise), action)
        part = joint.counterpart(
            adef, proposal.team.code, proposal.target or None, proposal.params, own
        )
        if not _already_in(adef, part, decision.actions):
            draft_write(
                exercise,
                decision,
                principal=principal,
                actions=[*decision.actions, part],
                rationale=decision.rationale,
            )
        proposal.joined = [*proposal.joined, own]
        proposal.save(update_fields=["joined"])
        _announce(exercise, proposal, EventType.JOINT_JOINED, principal)
    return proposal


def _already_in(adef: ActionDef, part: Mapping[str, Any], actions: list[dict[str, Any]]) -> bool:
    """Whether the draft already counts as joining (the same action, aimed the same way)."""
    for row in actions:
        if row.get("action") != part["action"]:
            continue
        if joint.names_partners_with(adef) or row.get("target") == part.get("target"):
            return True
    return False


def _announce(
    exercise: Exercise, proposal: JointProposal, kind: EventType, principal: Principal
) -> None:
    event_append(
        exercise=exercise,
        type=kind,
        audience=proposal.audience,
        payload=joint_payload(proposal),
        actor=principal.actor(),
    )
