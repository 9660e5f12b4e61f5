"""Reads for the facilitator console: control's view of teams, seats, injects and the log.

Every function here takes a control principal (or a facilitator's user) and answers what
control may see; the console must never be a back door into a team's view for anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from wargame.exercises.bot_words import rationale_in
from wargame.exercises.errors import NotFound
from wargame.exercises.models import (
    Adjudication,
    AdjudicationStatus,
    Decision,
    DecisionStatus,
    Exercise,
    InjectRelease,
    Participant,
    ParticipantRole,
    SocketPresence,
    Team,
)
from wargame.exercises.selectors.events import ViewEvent, events_since_for
from wargame.exercises.selectors.presence import connected_counts
from wargame.exercises.selectors.reads import adjudication_for, decision_for, exercise_visible
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.services.presence import STALE_AFTER
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User

    from wargame.exercises.principals import Principal

EVENT_TAIL = 30


def _control_only(principal: Principal) -> Exercise:
    if not principal.is_control:
        raise NotFound("control only")
    return exercise_visible(principal)


@dataclass(frozen=True, slots=True)
class ExerciseRow:
    id: int
    title: str
    scenario_title: str
    status: str
    status_label: str
    turn: int | None
    phase: str | None
    phase_label: str
    created_at: datetime
    cohort: str = ""
    condition: str = ""


def published_turns(exercise: Exercise) -> list[int]:
    """The turns whose outcome was published: where control may fork a what-if branch."""
    return list(
        Adjudication.objects.filter(exercise=exercise, status=AdjudicationStatus.PUBLISHED)
        .order_by("turn")
        .values_list("turn", flat=True)
    )


def console_exercises(user: User, lang: str) -> list[ExerciseRow]:
    """The user's exercises, newest first, in one query (the scenario is parsed from the copy
    kept with the exercise, which is cached per text, so titles cost no query)."""
    rows = Exercise.objects.filter(facilitators__user=user).order_by("-id")
    found: list[ExerciseRow] = []
    for exercise in rows:
        scenario = exercise_scenario(exercise)
        found.append(
            ExerciseRow(
                id=exercise.pk,
                title=exercise.title,
                scenario_title=scenario.title.get(lang),
                status=exercise.status,
                status_label=str(exercise.get_status_display()),
                turn=exercise.turn,
                phase=exercise.phase,
                phase_label=str(exercise.get_phase_display()) if exercise.phase else "",
                created_at=exercise.created_at,
                cohort=exercise.cohort,
                condition=exercise.condition,
            )
        )
    return found


def _online_participants(exercise_id: int, now: datetime) -> set[int]:
    return set(
        SocketPresence.objects.filter(
            exercise_id=exercise_id, seen_at__gte=now - STALE_AFTER, participant__isnull=False
        ).values_list("participant_id", flat=True)
    )


def team_rows(principal: Principal, lang: str, now: datetime | None = None) -> list[dict[str, Any]]:
    """Per team: name, AI or not, open sockets, members with presence, and where its decision
    for the current turn stands (``submitted``, ``draft`` or ``none``)."""
    exercise = _control_only(principal)
    now = now or timezone.now()
    scenario = exercise_scenario(exercise)
    connected = connected_counts(exercise_id=exercise.pk, now=now)
    online = _online_participants(exercise.pk, now)
    statuses = dict(
        Decision.objects.filter(exercise=exercise, turn=exercise.turn or 0).values_list(
            "team__code", "status"
        )
    )
    members: dict[str, list[dict[str, Any]]] = {}
    seats = (
        Participant.objects.filter(
            exercise=exercise, active=True, role=ParticipantRole.PLAYER, bot=False
        )
        .select_related("team")
        .order_by("id")
    )
    for seat in seats:
        code = seat.team.code if seat.team is not None else ""
        members.setdefault(code, []).append(
            {
                "participant_id": seat.number,
                "display_name": seat.display_name,
                "connected": seat.pk in online,
            }
        )
    rows: list[dict[str, Any]] = []
    for team in Team.objects.filter(exercise=exercise).order_by("id"):
        brief = scenario.teams.get(team.code)
        status = statuses.get(team.code, "none")
        row: dict[str, Any] = {
            "code": team.code,
            "name": brief.name.get(lang) if brief is not None else team.code,
            "ai": team.ai,
            "connected": connected.get(team.code, 0),
            "members": members.get(team.code, []),
            "decision_status": status,
            "submitted": status == DecisionStatus.SUBMITTED,
            "bot_decision": None,
        }
        if team.ai and exercise.turn:
            row["bot_decision"] = _bot_decision(principal, exercise, team.code, lang)
        rows.append(row)
    return rows


def decision_progress(principal: Principal, lang: str) -> list[dict[str, Any]]:
    """Per team, in the scenario's order: name, AI or not, and where its decision for the
    current turn stands (``submitted``, ``draft`` or ``none``). The run view's strip: no
    presence, so one render serves until a decision or the phase changes."""
    exercise = _control_only(principal)
    scenario = exercise_scenario(exercise)
    statuses = dict(
        Decision.objects.filter(exercise=exercise, turn=exercise.turn or 0).values_list(
            "team__code", "status"
        )
    )
    rows: list[dict[str, Any]] = []
    for code, ai in Team.objects.filter(exercise=exercise).order_by("id").values_list("code", "ai"):
        brief = scenario.teams.get(code)
        rows.append(
            {
                "code": code,
                "name": brief.name.get(lang) if brief is not None else code,
                "ai": ai,
                "decision_status": statuses.get(code, "none"),
            }
        )
    return rows


def _bot_decision(
    principal: Principal, exercise: Exercise, code: str, lang: str
) -> dict[str, Any] | None:
    try:
        decision = decision_for(principal, turn=exercise.turn or 0, team=code)
    except NotFound:
        return None
    catalogue = exercise_scenario(exercise).catalogue()
    actions = []
    for item in decision.get("actions") or []:
        action = catalogue.actions.get(str(item.get("action")))
        actions.append(
            {
                "id": item.get("action"),
                "title": action.text("title", lang) if action is not None else item.get("action"),
                "target": item.get("target"),
                "params": item.get("params") or {},
            }
        )
    return {
        "status": decision.get("status"),
        "actions": actions,
        "rationale": rationale_in(decision.get("rationale") or "", lang),
    }


def scenario_injects(principal: Principal, lang: str) -> list[dict[str, Any]]:
    """The scenario's injects with when each falls due and whether it has been released; then
    the ad hoc ones control wrote during this exercise."""
    exercise = _control_only(principal)
    scenario = exercise_scenario(exercise)
    released = {
        row.key: row for row in InjectRelease.objects.filter(exercise=exercise).order_by("id")
    }
    rows: list[dict[str, Any]] = []
    for inject in scenario.injects:
        release = released.get(inject.id)
        rows.append(
            {
                "id": inject.id,
                "title": inject.title.get(lang),
                "kind": inject.kind,
                "turn": inject.turn,
                "phase": inject.phase,
                "offset_minutes": inject.offset_minutes,
                "audience": list(inject.audience),
                "released": release is not None,
                "released_at": release.released_at if release is not None else None,
                "current_turn": inject.turn is not None and inject.turn == exercise.turn,
            }
        )
    scripted = {inject.id for inject in scenario.injects}
    for key, release in released.items():
        if key in scripted:
            continue
        title = release.title if isinstance(release.title, dict) else {}
        rows.append(
            {
                "id": key,
                "title": title.get(lang) or title.get("en") or key,
                "kind": "adhoc",
                "turn": release.turn,
                "phase": None,
                "offset_minutes": None,
                "audience": list(release.audience),
                "released": True,
                "released_at": release.released_at,
                "current_turn": release.turn == exercise.turn,
            }
        )
    return rows


def proposal_pending(principal: Principal) -> bool:
    """Whether the turn is locked but the engine's proposal is not there yet (advance waits)."""
    exercise = _control_only(principal)
    if exercise.phase != "adjudication" or exercise.turn is None:
        return False
    try:
        return adjudication_for(principal, turn=exercise.turn) is None
    except NotFound:
        return True


def proposal_needs_nuclear_approval(principal: Principal) -> bool:
    exercise = _control_only(principal)
    if exercise.phase != "adjudication" or exercise.turn is None:
        return False
    try:
        proposal = adjudication_for(principal, turn=exercise.turn)
    except NotFound:
        return False
    return bool(proposal and proposal.get("requires_nuclear_approval"))


def event_tail(principal: Principal, latest: int, limit: int = EVENT_TAIL) -> list[ViewEvent]:
    """Control's last ``limit`` events up to position ``latest``, newest first."""
    exercise = _control_only(principal)
    since = max(0, latest - limit)
    events = events_since_for(exercise_id=exercise.pk, view=CONTROL, since=since, limit=limit)
    return list(reversed(events))
