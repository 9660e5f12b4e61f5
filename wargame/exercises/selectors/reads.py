"""Role-filtered reads. Every REST answer about an exercise is built here, from the caller's
view; the engine's views decide what of the game state that view may know."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wargame.engine.catalogue import actions_for, valid_targets
from wargame.engine.views import agreements_seen, view_state
from wargame.exercises.audience import (
    agreement_audience,
    audience_filter,
    channel_readers,
    decision_audience,
    may_see,
)
from wargame.exercises.errors import NotFound
from wargame.exercises.models import (
    Adjudication,
    Channel,
    Decision,
    DecisionStatus,
    Exercise,
    JoinCode,
    Message,
    Statement,
)
from wargame.exercises.selectors.presence import connected_counts
from wargame.exercises.selectors.snapshot import once_per_snapshot
from wargame.exercises.services.game import (
    exercise_scenario,
    exercise_state,
    view_agreement_numbers,
)
from wargame.exercises.shapes import (
    ActionBody,
    ChannelBody,
    ExerciseBody,
    TeamBody,
    decision_payload,
    empty_decision_payload,
    message_payload,
    proposal_payload,
    statement_payload,
)
from wargame.exercises.times import iso_utc

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from wargame.exercises.events import (
        AgreementPayload,
        DecisionPayload,
        MessagePayload,
        ProposalPayload,
        StatementPayload,
    )
    from wargame.exercises.principals import Principal
    from wargame.exercises.shapes import (
        ChannelKindName,
        ExerciseStatusName,
        ObserverViewName,
        PhaseName,
    )


def exercise_payload(exercise: Exercise, principal: Principal) -> ExerciseBody:
    """The exercise as docs/interface.md#shapes gives it. The seed is control's only: with it and
    the engine, a team could work out draws that decide what it may not see."""
    scenario = exercise_scenario(exercise)
    turn = exercise.turn
    submitted = set(
        Decision.objects.filter(
            exercise=exercise, turn=turn or 0, status=DecisionStatus.SUBMITTED
        ).values_list("team__code", flat=True)
    )
    connected = connected_counts(exercise_id=exercise.pk, now=timezone.now())
    remaining: int | None = exercise.paused_remaining_seconds
    if exercise.deadline is not None:
        remaining = max(0, int((exercise.deadline - timezone.now()).total_seconds()))
    body = ExerciseBody(
        id=exercise.pk,
        title=exercise.title,
        scenario=exercise.scenario_slug,
        cut=scenario.cut,
        turns=scenario.turn_count,
        status=cast("ExerciseStatusName", exercise.status),
        turn=turn,
        phase=cast("PhaseName | None", exercise.phase),
        deadline=iso_utc(exercise.deadline),
        remaining_seconds=remaining,
        language=exercise.language,
        seed=exercise.seed if principal.is_control else None,
        auto_advance=exercise.auto_advance,
        teams=[
            TeamBody(
                code=team.code,
                name=scenario.teams[team.code].name.get(exercise.language),
                ai=team.ai,
                connected=connected.get(team.code, 0),
                submitted=team.code in submitted,
            )
            for team in exercise.teams.all()
        ],
    )
    if principal.is_control:
        codes = JoinCode.objects.filter(exercise=exercise).select_related("team")
        body["join_codes"] = {
            (row.team.code if row.team is not None else "observers"): row.code for row in codes
        }
        body["observer_view"] = cast("ObserverViewName", exercise.observer_view)
        body["auto_publish"] = exercise.auto_publish
        body["deliberation_minutes"] = exercise.deliberation_minutes
        body["cohort"] = exercise.cohort
        body["condition"] = exercise.condition
    return body


def exercises_for_user(user: User) -> list[Exercise]:
    return list(Exercise.objects.filter(facilitators__user=user).order_by("-id"))


def exercise_visible(principal: Principal) -> Exercise:
    if principal.snapshot is not None:
        return principal.snapshot
    exercise = Exercise.objects.filter(pk=principal.exercise_id).first()
    if exercise is None:
        raise NotFound(_("Exercise not found."))
    return exercise


@once_per_snapshot
def state_for(principal: Principal) -> dict[str, Any]:
    exercise = exercise_visible(principal)
    scenario = exercise_scenario(exercise)
    view = view_state(exercise_state(exercise), principal.view, scenario.model())
    view["turn"] = exercise.turn
    view["phase"] = exercise.phase
    return view


@once_per_snapshot
def actions_available(principal: Principal) -> list[ActionBody]:
    """The actions the caller's team may take this turn, in the exercise's language."""
    exercise = exercise_visible(principal)
    team = principal.team_code
    if team is None:
        raise NotFound(_("Only players have actions."))
    scenario = exercise_scenario(exercise)
    model, state = scenario.model(), exercise_state(exercise)
    lang = exercise.language
    return [
        ActionBody(
            id=action.id,
            category=action.category,
            title=action.title.get(lang) or action.title.get("en", action.id),
            help=action.help.get(lang) or action.help.get("en", ""),
            targets=valid_targets(model, action, state, team),
            params=dict(action.params),
            joint=action.joint,
        )
        for action in actions_for(scenario.catalogue(), state, team, model)
    ]


@once_per_snapshot
def decision_for(principal: Principal, *, turn: int, team: str | None) -> DecisionPayload:
    """A team's decision for a turn, to the views its last write reached (exercises.audience): its
    players, control, and observers while the teams' record is open to them. A player reads its
    own team's; control and observers name the team (``team``). A decision nobody has written yet
    is answered to the views a write now would reach."""
    exercise = exercise_visible(principal)
    code = principal.team_code if principal.is_player else team
    if code is None or (principal.is_player and team and team != code):
        raise NotFound(_("No decision here."))
    row = (
        Decision.objects.select_related("team", "updated_by")
        .filter(exercise=exercise, team__code=code, turn=turn)
        .first()
    )
    if row is None:
        if not exercise.teams.filter(code=code).exists() or not may_see(
            principal.view, decision_audience(exercise, code)
        ):
            raise NotFound(_("No decision here."))
        return empty_decision_payload(code, turn)
    if not may_see(principal.view, row.audience):
        raise NotFound(_("No decision here."))
    return decision_payload(row, view_agreement_numbers(exercise, principal.view))


def decision_read(principal: Principal, decision: Decision) -> DecisionPayload:
    """A decision just written, as the writer reads it (its view's agreement numbers)."""
    return decision_payload(decision, view_agreement_numbers(decision.exercise, principal.view))


def _visible_channels(principal: Principal, exercise: Exercise) -> list[Channel]:
    # A dozen channels per exercise: filtered here, since SQLite has no JSON containment.
    channels = list(Channel.objects.filter(exercise=exercise).order_by("number"))
    return [
        c for c in channels if may_see(principal.view, channel_readers(c, exercise.observer_view))
    ]


@once_per_snapshot
def channels_for(principal: Principal) -> list[ChannelBody]:
    exercise = exercise_visible(principal)
    hotlines = dict(exercise_state(exercise).hotline)
    found: list[ChannelBody] = []
    for channel in _visible_channels(principal, exercise):
        body = ChannelBody(
            id=channel.number,
            kind=cast("ChannelKindName", channel.kind),
            name=channel.name,
            members=list(channel.members),
            open=channel.open,
        )
        if channel.hotline:
            body["state"] = hotlines.get(channel.hotline, "down")
        found.append(body)
    return found


@once_per_snapshot
def messages_for(
    principal: Principal, *, channel_number: int, after: int, limit: int
) -> list[MessagePayload]:
    """The channel's messages numbered above ``after`` (numbers count within the channel)."""
    exercise = exercise_visible(principal)
    channel = next(
        (c for c in _visible_channels(principal, exercise) if c.number == channel_number), None
    )
    if channel is None:
        raise NotFound(_("Channel not found."))
    # Each message keeps the readers it was posted to: a later change of the observer view
    # opens later messages, not earlier ones.
    rows = (
        Message.objects.filter(audience_filter(principal.view), channel=channel, number__gt=after)
        .select_related("channel", "author__team")
        .order_by("number")[:limit]
    )
    return [message_payload(row) for row in rows]


@once_per_snapshot
def statements_for(principal: Principal, *, after: int, limit: int) -> list[StatementPayload]:
    exercise = exercise_visible(principal)
    rows = (
        Statement.objects.filter(exercise=exercise, number__gt=after)
        .select_related("team", "author")
        .order_by("number")[:limit]
    )
    return [statement_payload(row) for row in rows]


@once_per_snapshot
def agreements_visible(principal: Principal) -> list[AgreementPayload]:
    """Control: the truth. A team: the agreements it is party to, as it knows them (a violation
    only once detected). Observers: none; they learn of measures through public statements."""
    exercise = exercise_visible(principal)
    state = exercise_state(exercise)
    # The engine's record of each agreement, as the view knows it and by the view's own numbers
    # (engine.views, engine.numbering).
    return [
        cast("AgreementPayload", a)
        for a in agreements_seen(state, principal.view)
        if may_see(principal.view, agreement_audience(a["parties"]))
    ]


def adjudication_for(principal: Principal, *, turn: int) -> ProposalPayload | None:
    """The proposal for review (control only); None while the engine is still working."""
    exercise = exercise_visible(principal)
    if not principal.is_control:
        raise NotFound(_("Not found."))
    row = Adjudication.objects.filter(exercise=exercise, turn=turn).first()
    if row is None:
        # A pause keeps the phase, so this also covers a pause while the engine works; a pause
        # in briefing or deliberation has no proposal coming.
        if exercise.turn == turn and exercise.phase == "adjudication":
            return None
        raise NotFound(_("No adjudication for that turn."))
    return proposal_payload(row)


def facilitated_exercise_ids(user: User) -> set[int]:
    return set(Exercise.objects.filter(Q(facilitators__user=user)).values_list("pk", flat=True))
