"""Releasing injects: scheduled and condition-triggered ones from the scenario, and ad hoc ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from wargame.engine.scenario import injects_due
from wargame.engine.scenario.injects import audience_views
from wargame.exercises.audience import inject_audience
from wargame.exercises.errors import InvalidInput
from wargame.exercises.events import EventType, InjectPayload
from wargame.exercises.models import Exercise, InjectRelease
from wargame.exercises.services.log import event_append
from wargame.exercises.views_of import is_view
from wargame.languages import LANGUAGES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wargame.engine.scenario import Inject, Scenario, Text
    from wargame.engine.state import State

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
    exercise: Exercise, scenario: Scenario, *, phase: str, before: State | None, after: State
) -> list[InjectRelease]:
    """Release what the scenario schedules for this turn and phase, and every condition inject
    that ``after`` made true; each fires once. The caller holds the exercise lock."""
    due = injects_due(
        scenario,
        turn=exercise.turn or 0,
        phase=phase,
        before=before,
        after=after,
        released=_released_keys(exercise),
    )
    return [_release_one(exercise, inject) for inject in due]


def _languages(text: Text) -> dict[str, str]:
    """Every language filled in (English where a translation is missing)."""
    return {lang: text.get(lang) for lang in LANGUAGES}


def _release_one(exercise: Exercise, inject: Inject) -> InjectRelease:
    return _release(
        exercise,
        key=inject.id,
        title=_languages(inject.title),
        body=_languages(inject.body),
        audience=inject.audience,
        source=inject.source,
    )


def offset_inject_release(exercise: Exercise, scenario: Scenario, *, inject_id: str) -> bool:
    """Release one time-offset inject of the current turn if not yet released (task side)."""
    if inject_id in _released_keys(exercise):
        return False
    inject = next((i for i in scenario.injects if i.id == inject_id), None)
    if inject is None or inject.turn != exercise.turn:
        return False
    _release_one(exercise, inject)
    return True


def adhoc_inject_release(exercise: Exercise, scenario: Scenario, args: dict[str, Any]) -> None:
    """``release_inject``: a scenario inject by id, or a new one written by the facilitator."""
    if "inject_id" in args:
        inject = next((i for i in scenario.injects if i.id == args["inject_id"]), None)
        if inject is None:
            raise InvalidInput.on("args.inject_id", _("No inject with that id in the scenario."))
        if inject.id in _released_keys(exercise):
            raise InvalidInput.on("args.inject_id", _("That inject has already been released."))
        _release_one(exercise, inject)
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
    number = InjectRelease.objects.filter(exercise=exercise, key__startswith="adhoc-").count() + 1
    _release(
        exercise,
        key=f"adhoc-{number}",
        title=dict.fromkeys(LANGUAGES, title.strip()),
        body=dict.fromkeys(LANGUAGES, body.strip()),
        audience=views,
        source="control",
    )
