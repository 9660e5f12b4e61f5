"""Releasing injects: scheduled and condition-triggered ones from the scenario, and ad hoc ones."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from wargame.engine.scenario.injects import audience_views
from wargame.engine.scenario.reading import Taken, taken_from_dicts
from wargame.engine.scenario.release import branch_open, releases_due, state_after
from wargame.engine.state import State
from wargame.engine.views import view_state
from wargame.exercises.audience import all_views, inject_audience
from wargame.exercises.errors import InvalidInput
from wargame.exercises.events import EventType, InjectPayload, StateChangedPayload
from wargame.exercises.models import Adjudication, AdjudicationStatus, Exercise, InjectRelease
from wargame.exercises.services.game import exercise_state
from wargame.exercises.services.hotlines import hotline_changed
from wargame.exercises.services.log import event_append
from wargame.exercises.views_of import CONTROL, OBSERVERS, is_view
from wargame.languages import LANGUAGES

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from wargame.engine.scenario import Inject, Scenario, Text

MAX_TITLE = 200
MAX_BODY = 4000


def _released_keys(exercise: Exercise) -> frozenset[str]:
    return frozenset(InjectRelease.objects.filter(exercise=exercise).values_list("key", flat=True))


def _release(
    exercise: Exercise,
    *,
    key: str,
    title: dict[str, str],
    body: dict[str, str],
    audience: Iterable[str],
    source: str,
) -> InjectRelease:
    views = list(audience)
    release = InjectRelease.objects.create(
        exercise=exercise, key=key, turn=exercise.turn, title=title, body=body, audience=views
    )
    event_append(
        exercise=exercise,
        type=EventType.INJECT_RELEASED,
        audience=inject_audience(views),
        payload=InjectPayload(
            id=key, turn=exercise.turn, title=title, body=body, audience=views, source=source
        ),
    )
    return release


def scenario_injects_release(
    exercise: Exercise,
    scenario: Scenario,
    *,
    phase: str,
    before: State | None,
    after: State,
    effects: bool = True,
) -> list[InjectRelease]:
    """Release what the scenario schedules for this turn and phase, and every condition inject
    that ``after`` made true, each whose branch holds on the state and the decisions taken so
    far; each fires once, and applies its effects (unless ``effects`` is false: a what-if branch
    copying a turn whose state already holds them). The caller holds the exercise lock."""
    due = releases_due(
        scenario,
        turn=exercise.turn or 0,
        phase=phase,
        before=before,
        after=after,
        released=_released_keys(exercise),
        log=decision_log(exercise),
    )
    return [_release_one(exercise, scenario, inject, effects=effects) for inject in due]


def decision_log(exercise: Exercise) -> list[Taken]:
    """Every decision of the turns published so far, as branches and objective checks read them."""
    rows = Adjudication.objects.filter(
        exercise=exercise, status=AdjudicationStatus.PUBLISHED
    ).values_list("turn", "decisions")
    return [taken for turn, decisions in rows for taken in taken_from_dicts(turn, decisions)]


def _effects_apply(exercise: Exercise, scenario: Scenario, inject: Inject) -> None:
    """What the inject does to the game: the state changes (each view is told what it may now
    read), a hotline it cuts or restores is announced, and a proposal under review carries the
    change (as control's own hotline command does)."""
    before = exercise_state(exercise)
    after = state_after(scenario, before, inject)
    exercise.state = after.to_dict()
    exercise.save(update_fields=["state"])
    _state_changed(exercise, scenario, after)
    pending = Adjudication.objects.filter(
        exercise=exercise, turn=exercise.turn or 0, status=AdjudicationStatus.PROPOSED
    ).first()
    if pending is not None:
        proposed = state_after(scenario, State.from_dict(pending.proposal["state"]), inject)
        pending.proposal = {**pending.proposal, "state": proposed.to_dict()}
        pending.save(update_fields=["proposal"])
    old, new = dict(before.hotline), dict(after.hotline)
    for key in sorted(new):
        if old.get(key) != new[key]:
            hotline_changed(exercise, key=key, state=new[key], new_state=after)


def _state_changed(exercise: Exercise, scenario: Scenario, state: State) -> None:
    model = scenario.model()

    def payload(view: str) -> StateChangedPayload:
        return {"state": view_state(state, view, model)}

    views = all_views(exercise)
    event_append(
        exercise=exercise,
        type=EventType.STATE_CHANGED,
        audience=views,
        payload=payload(CONTROL),
        view_payloads={view: payload(view) for view in views if view != CONTROL},
    )


def _languages(text: Text) -> dict[str, str]:
    """Every language filled in (English where a translation is missing)."""
    return {lang: text.get(lang) for lang in LANGUAGES}


def _release_one(
    exercise: Exercise, scenario: Scenario, inject: Inject, *, effects: bool = True
) -> InjectRelease:
    release = _release(
        exercise,
        key=inject.id,
        title=_languages(inject.title),
        body=_languages(inject.body),
        audience=inject.audience,
        source=inject.source,
    )
    if effects and inject.effects:
        _effects_apply(exercise, scenario, inject)
    return release


def offset_inject_release(
    exercise: Exercise, scenario: Scenario, *, inject_id: str, effects: bool = True
) -> bool:
    """Release one time-offset inject of the current turn if not yet released (task side)."""
    if inject_id in _released_keys(exercise):
        return False
    inject = next((i for i in scenario.injects if i.id == inject_id), None)
    if inject is None or inject.turn != exercise.turn:
        return False
    if not branch_open(scenario, inject, exercise_state(exercise), decision_log(exercise)):
        return False  # a branch the game did not take: never released
    _release_one(exercise, scenario, inject, effects=effects)
    return True


def adhoc_inject_release(exercise: Exercise, scenario: Scenario, args: dict[str, Any]) -> None:
    """``release_inject``: a scenario inject by id, or a new one written by the facilitator."""
    if "inject_id" in args:
        inject = next((i for i in scenario.injects if i.id == args["inject_id"]), None)
        if inject is None:
            raise InvalidInput.on("args.inject_id", _("No inject with that id in the scenario."))
        if inject.id in _released_keys(exercise):
            raise InvalidInput.on("args.inject_id", _("That inject has already been released."))
        _release_one(exercise, scenario, inject)
        return
    title, body, audience = args.get("title"), args.get("body"), args.get("audience", "all")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE:
        raise InvalidInput.on("args.title", _("A title of 1 to 200 characters is required."))
    if not isinstance(body, str) or not body.strip() or len(body) > MAX_BODY:
        raise InvalidInput.on("args.body", _("A body of 1 to 4000 characters is required."))
    teams = list(exercise.teams.values_list("code", flat=True))
    entries = [audience] if isinstance(audience, str) else audience
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(e, str) and (e == "all" or e in teams or is_view(e)) for e in entries)
    ):
        raise InvalidInput.on("args.audience", _("Give 'all' or a list of views or team codes."))
    named = [e.removeprefix("team:") for e in entries if e not in ("all", "control", "observers")]
    if any(code not in teams for code in named):
        raise InvalidInput.on("args.audience", _("A team named in the audience is not playing."))
    views = audience_views(entries, teams)
    _release(
        exercise,
        key=_adhoc_key(exercise, views, teams),
        title=dict.fromkeys(LANGUAGES, title.strip()),
        body=dict.fromkeys(LANGUAGES, body.strip()),
        audience=views,
        source="control",
    )


def _adhoc_key(exercise: Exercise, views: Sequence[str], teams: Sequence[str]) -> str:
    """The id of a new ad hoc inject: numbered within its audience, so that the ids a view reads
    run 1, 2, 3 in each audience it belongs to and say nothing of injects sent elsewhere. One to
    everyone is ``adhoc-<n>``; one to fewer names them (``adhoc-dprk-<n>``, ``adhoc-obs-us-<n>``).
    The caller holds the exercise lock, so two releases cannot take one number."""
    everyone = set(audience_views("all", teams))
    named = [view.removeprefix("team:").lower() for view in views if view != CONTROL]
    if set(views) == everyone:
        label = ""
    else:  # control alone: "adhoc-control-<n>"
        label = "-".join("obs" if name == OBSERVERS else name for name in named) or CONTROL
    prefix = f"adhoc-{label}-" if label else "adhoc-"
    taken = InjectRelease.objects.filter(
        exercise=exercise, key__regex=rf"^{re.escape(prefix)}[0-9]+$"
    ).count()
    return f"{prefix}{taken + 1}"


def effects_replayed(scenario: Scenario, state: State, inject_ids: Iterable[str]) -> State:
    """``state`` after the effects of the scenario's injects ``inject_ids``, in that order."""
    by_id = {i.id: i for i in scenario.inject_pool}
    for inject_id in inject_ids:
        inject = by_id.get(inject_id)
        if inject is not None and inject.effects:
            state = state_after(scenario, state, inject)
    return state
