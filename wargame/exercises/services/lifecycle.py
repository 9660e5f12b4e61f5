"""The facilitator's commands (docs/interface.md#commands): one entry point, ``exercise_command``,
authorized, in one transaction under the exercise lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from wargame.engine.state import State, state_with
from wargame.exercises.audience import all_views
from wargame.exercises.errors import Conflict, InvalidInput
from wargame.exercises.events import (
    DeadlineChangedPayload,
    EventType,
    ExerciseChangedPayload,
    PausedPayload,
    ResumedPayload,
    TeamAiPayload,
    TurnPayload,
)
from wargame.exercises.models import (
    Adjudication,
    AdjudicationStatus,
    Exercise,
    ExerciseStatus,
    ObserverView,
    Phase,
    Team,
)
from wargame.exercises.services._turn import exercise_end, phase_advance, phase_enter
from wargame.exercises.services.access import Act, entry
from wargame.exercises.services.bots import bot_seat, bot_seat_retire
from wargame.exercises.services.debrief import debrief_release
from wargame.exercises.services.exercises import codes_rotate, exercise_labels_set
from wargame.exercises.services.game import exercise_scenario, exercise_state
from wargame.exercises.services.hotlines import hotline_changed
from wargame.exercises.services.injects import adhoc_inject_release
from wargame.exercises.services.joining import participant_move, participant_remove
from wargame.exercises.services.log import event_append
from wargame.exercises.services.scheduling import schedule_bot_moves, schedule_phase_timers
from wargame.exercises.times import iso_utc
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from collections.abc import Callable

    from wargame.exercises.principals import Principal

NOT_GIVEN: Any = object()
Args = dict[str, Any]
MAX_EXTEND_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class Context:
    exercise: Exercise
    principal: Principal
    args: Args
    now: datetime


def _conflict(exercise: Exercise, command: str) -> Conflict:
    where = exercise.phase or exercise.status
    return Conflict(
        _("%(command)s does not apply while the exercise is %(where)s.")
        % {"command": command, "where": where}
    )


def _require(
    ctx: Context, command: str, *, status: tuple[str, ...], phase: tuple[str, ...] | None = None
) -> None:
    exercise = ctx.exercise
    if exercise.status not in status or (phase is not None and exercise.phase not in phase):
        raise _conflict(exercise, command)


def _changed(exercise: Exercise, payload: ExerciseChangedPayload) -> None:
    event_append(
        exercise=exercise, type=EventType.EXERCISE_CHANGED, audience=[CONTROL], payload=payload
    )


def _start(ctx: Context) -> None:
    _require(ctx, "start", status=(ExerciseStatus.LOBBY,))
    exercise = ctx.exercise
    exercise.status = ExerciseStatus.RUNNING
    exercise.turn = 1
    event_append(
        exercise=exercise,
        type=EventType.EXERCISE_STARTED,
        audience=all_views(exercise),
        payload=TurnPayload(turn=1),
    )
    phase_enter(exercise, Phase.BRIEFING, ctx.now)


def _advance(ctx: Context) -> None:
    _require(ctx, "advance", status=(ExerciseStatus.RUNNING,))
    phase_advance(ctx.exercise, now=ctx.now)


# --- pause, resume, extend, end -----------------------------------------------------------------


def _pause(ctx: Context) -> None:
    _require(ctx, "pause", status=(ExerciseStatus.RUNNING,))
    exercise = ctx.exercise
    remaining = None
    if exercise.deadline is not None:
        remaining = max(0, int((exercise.deadline - ctx.now).total_seconds()))
    exercise.status = ExerciseStatus.PAUSED
    exercise.paused_remaining_seconds = remaining
    exercise.paused_at = ctx.now
    exercise.deadline = None
    exercise.save(update_fields=["status", "paused_remaining_seconds", "paused_at", "deadline"])
    event_append(
        exercise=exercise,
        type=EventType.EXERCISE_PAUSED,
        audience=all_views(exercise),
        payload=PausedPayload(
            turn=exercise.turn, phase=exercise.phase, remaining_seconds=remaining
        ),
    )


def _resume(ctx: Context) -> None:
    _require(ctx, "resume", status=(ExerciseStatus.PAUSED,))
    exercise = ctx.exercise
    exercise.status = ExerciseStatus.RUNNING
    if exercise.paused_remaining_seconds is not None:
        exercise.deadline = ctx.now + timedelta(seconds=exercise.paused_remaining_seconds)
    if exercise.paused_at is not None and exercise.phase_started_at is not None:
        # The phase's own clock stops while paused: offsets and briefing timers shift with it.
        exercise.phase_started_at += ctx.now - exercise.paused_at
    exercise.paused_remaining_seconds = None
    exercise.paused_at = None
    exercise.save(
        update_fields=[
            "status",
            "deadline",
            "paused_remaining_seconds",
            "paused_at",
            "phase_started_at",
        ]
    )
    deadline = iso_utc(exercise.deadline)
    event_append(
        exercise=exercise,
        type=EventType.EXERCISE_RESUMED,
        audience=all_views(exercise),
        payload=ResumedPayload(turn=exercise.turn, phase=exercise.phase, deadline=deadline),
    )
    schedule_phase_timers(exercise)


def _extend(ctx: Context) -> None:
    exercise = ctx.exercise
    if exercise.phase != Phase.DELIBERATION or exercise.status not in (
        ExerciseStatus.RUNNING,
        ExerciseStatus.PAUSED,
    ):
        raise _conflict(exercise, "extend")
    minutes = ctx.args.get("minutes")
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not (1 <= minutes <= MAX_EXTEND_MINUTES)
    ):
        raise InvalidInput.on("args.minutes", _("Give whole minutes from 1 to 1440."))
    if exercise.status == ExerciseStatus.PAUSED:
        if exercise.paused_remaining_seconds is None:
            raise Conflict(_("This turn has no deadline to extend."))
        exercise.paused_remaining_seconds += minutes * 60
        deadline = None
    else:
        if exercise.deadline is None:
            raise Conflict(_("This turn has no deadline to extend."))
        exercise.deadline = max(exercise.deadline, ctx.now) + timedelta(minutes=minutes)
        deadline = iso_utc(exercise.deadline)
    exercise.save(update_fields=["deadline", "paused_remaining_seconds"])
    event_append(
        exercise=exercise,
        type=EventType.DEADLINE_CHANGED,
        audience=all_views(exercise),
        payload=DeadlineChangedPayload(
            turn=exercise.turn,
            deadline=deadline,
            remaining_seconds=exercise.paused_remaining_seconds,
        ),
    )
    schedule_phase_timers(exercise)


def _end(ctx: Context) -> None:
    _require(
        ctx, "end", status=(ExerciseStatus.LOBBY, ExerciseStatus.RUNNING, ExerciseStatus.PAUSED)
    )
    exercise_end(ctx.exercise, now=ctx.now)


# --- game state and settings --------------------------------------------------------------------


def _open_lobby(ctx: Context) -> None:
    _require(ctx, "open_lobby", status=(ExerciseStatus.DRAFT,))
    ctx.exercise.status = ExerciseStatus.LOBBY
    ctx.exercise.save(update_fields=["status"])
    _changed(ctx.exercise, {"change": "status", "status": ExerciseStatus.LOBBY})


def _release_inject(ctx: Context) -> None:
    _require(ctx, "release_inject", status=(ExerciseStatus.RUNNING,))
    adhoc_inject_release(ctx.exercise, exercise_scenario(ctx.exercise), ctx.args)


def _set_hotline(ctx: Context) -> None:
    _require(ctx, "set_hotline", status=(ExerciseStatus.RUNNING,))
    key, state = ctx.args.get("hotline"), ctx.args.get("state")
    if key not in ("ik", "us"):
        raise InvalidInput.on("args.hotline", _("Choose ik (inter-Korean) or us (US-DPRK)."))
    if state not in ("up", "degraded", "down"):
        raise InvalidInput.on("args.state", _("Choose up, degraded or down."))
    exercise = ctx.exercise
    current = exercise_state(exercise)
    if f"hotline/{key}" not in {f"hotline/{k}" for k, _v in current.hotline}:
        raise InvalidInput.on("args.hotline", _("This scenario has no such hotline."))
    model = exercise_scenario(exercise).model()
    updated = state_with(model, current, {f"hotline/{key}": state})
    exercise.state = updated.to_dict()
    exercise.save(update_fields=["state"])
    # A proposal in review was computed from the old state: carry the change into it, or
    # publishing would quietly undo what control just did.
    pending = Adjudication.objects.filter(
        exercise=exercise, turn=exercise.turn or 0, status=AdjudicationStatus.PROPOSED
    ).first()
    if pending is not None:
        proposed = state_with(
            model, State.from_dict(pending.proposal["state"]), {f"hotline/{key}": state}
        )
        pending.proposal = {**pending.proposal, "state": proposed.to_dict()}
        pending.save(update_fields=["proposal"])
    hotline_changed(exercise, key=key, state=state)


def _bool_arg(args: Args, name: str) -> bool:
    value = args.get(name)
    if not isinstance(value, bool):
        raise InvalidInput.on(f"args.{name}", _("true or false is required."))
    return value


def _set_auto_advance(ctx: Context) -> None:
    exercise = ctx.exercise
    exercise.auto_advance = _bool_arg(ctx.args, "enabled")
    if "auto_publish" in ctx.args:
        exercise.auto_publish = _bool_arg(ctx.args, "auto_publish")
    if "briefing_seconds" in ctx.args:
        seconds = ctx.args["briefing_seconds"]
        if seconds is not None and (
            not isinstance(seconds, int) or isinstance(seconds, bool) or not 0 <= seconds <= 3600
        ):
            raise InvalidInput.on("args.briefing_seconds", _("Give 0 to 3600 seconds, or null."))
        exercise.briefing_seconds = seconds
    exercise.save(update_fields=["auto_advance", "auto_publish", "briefing_seconds"])
    _changed(
        exercise,
        {
            "change": "auto_advance",
            "enabled": exercise.auto_advance,
            "auto_publish": exercise.auto_publish,
            "briefing_seconds": exercise.briefing_seconds,
        },
    )
    schedule_phase_timers(exercise)


def _set_observer_view(ctx: Context) -> None:
    view = ctx.args.get("view")
    if view not in ObserverView.values:
        raise InvalidInput.on("args.view", _("Choose public or teams."))
    ctx.exercise.observer_view = view
    ctx.exercise.save(update_fields=["observer_view"])
    _changed(ctx.exercise, {"change": "observer_view", "view": view})


def _set_ai(ctx: Context) -> None:
    exercise = ctx.exercise
    team = Team.objects.filter(exercise=exercise, code=ctx.args.get("team")).first()
    if team is None:
        raise InvalidInput.on("args.team", _("Not a team of this exercise."))
    ai = _bool_arg(ctx.args, "ai")
    if team.ai == ai:
        return
    team.ai = ai
    team.save(update_fields=["ai"])
    if ai:
        bot_seat(team)
    else:
        bot_seat_retire(team)
    event_append(
        exercise=exercise,
        type=EventType.TEAM_AI_CHANGED,
        audience=all_views(exercise),
        payload=TeamAiPayload(team=team.code, ai=ai),
    )
    # A bot swapped in during deliberation still owes this turn's decision.
    schedule_bot_moves(exercise)


def _release_debrief(ctx: Context) -> None:
    debrief_release(ctx.exercise, ctx.args.get("views"))


def _set_labels(ctx: Context) -> None:
    exercise_labels_set(ctx.exercise, ctx.args)


def _rotate_codes(ctx: Context) -> None:
    teams = ctx.args.get("teams")
    if teams is not None and (
        not isinstance(teams, list) or not all(isinstance(t, str) for t in teams)
    ):
        raise InvalidInput.on("args.teams", _("A list of team codes is expected."))
    codes_rotate(exercise=ctx.exercise, teams=teams)


def _remove_participant(ctx: Context) -> None:
    participant_remove(exercise=ctx.exercise, participant_id=ctx.args.get("participant_id"))


def _move_participant(ctx: Context) -> None:
    participant_move(
        exercise=ctx.exercise,
        participant_id=ctx.args.get("participant_id"),
        team=ctx.args.get("team"),
    )


COMMANDS: dict[str, Callable[[Context], None]] = {
    "open_lobby": _open_lobby,
    "start": _start,
    "advance": _advance,
    "pause": _pause,
    "resume": _resume,
    "extend": _extend,
    "end": _end,
    "release_inject": _release_inject,
    "set_hotline": _set_hotline,
    "set_auto_advance": _set_auto_advance,
    "set_observer_view": _set_observer_view,
    "set_ai": _set_ai,
    "set_labels": _set_labels,
    "rotate_codes": _rotate_codes,
    "release_debrief": _release_debrief,
    "remove_participant": _remove_participant,
    "move_participant": _move_participant,
}


def exercise_command(
    *,
    principal: Principal,
    command: str,
    args: Args | None = None,
    expected_turn: Any = NOT_GIVEN,
    expected_phase: Any = NOT_GIVEN,
    now: datetime | None = None,
) -> Exercise:
    """Run one command: control's, or a pacing command of a practice game's player.

    ``expected_turn`` / ``expected_phase``, when given, must match the exercise or nothing
    happens (409): two facilitators pressing advance at once advance one turn.
    """
    with entry(principal, Act.COMMAND, command=command) as entered:
        handler = COMMANDS.get(command)
        if handler is None:
            reason = _("Unknown command %(command)s.") % {"command": command}
            raise InvalidInput.on("command", reason)
        if args is not None and not isinstance(args, dict):
            raise InvalidInput.on("args", _("args must be an object."))
        exercise = entered.exercise
        if expected_turn is not NOT_GIVEN and expected_turn != exercise.turn:
            raise Conflict(
                _("The exercise is no longer at turn %(turn)s.") % {"turn": expected_turn}
            )
        if expected_phase is not NOT_GIVEN and expected_phase != exercise.phase:
            raise Conflict(
                _("The exercise is no longer in phase %(phase)s.") % {"phase": expected_phase}
            )
        handler(Context(exercise, entered.principal, args or {}, now or timezone.now()))
    return exercise
