"""Creating an exercise, its teams, codes and channels; co-facilitators; code rotation."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from wargame.exercises.errors import InvalidInput
from wargame.exercises.events import EventType, ExerciseChangedPayload
from wargame.exercises.models import (
    LABEL_LENGTH,
    Channel,
    ChannelKind,
    Exercise,
    ExerciseStatus,
    FacilitatorMembership,
    JoinCode,
    Team,
)
from wargame.exercises.scenarios import scenario_from_text, scenario_text_for
from wargame.exercises.services.access import Act, entry
from wargame.exercises.services.log import event_append, exercise_lock, lock_held
from wargame.exercises.views_of import CONTROL
from wargame.languages import LANGUAGES

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from django.contrib.auth.models import User

    from wargame.engine.scenario import Scenario
    from wargame.exercises.principals import Principal

# 31 symbols without look-alikes (0/O, 1/I/L): 10 of them carry 49.5 bits, read aloud easily.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
ALLIED_CHANNELS: tuple[tuple[str, ...], ...] = (
    ("US", "ROK"),
    ("US", "JPN"),
    ("ROK", "JPN"),
    ("US", "ROK", "JPN"),
)
LABEL_FIELDS = ("cohort", "condition")
HOTLINES: dict[str, tuple[str, str]] = {"ik": ("ROK", "DPRK"), "us": ("US", "DPRK")}


def join_code_new() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    """Codes are typed by people: ignore case, spaces and where the dash was put."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == CODE_LENGTH else cleaned


def _channels_create(
    exercise: Exercise, teams: Sequence[str], hotlines: dict[str, str], closed: Iterable[str]
) -> None:
    rows = [
        Channel(exercise=exercise, kind=ChannelKind.TEAM, name=code, members=[code])
        for code in teams
    ]
    rows += [
        Channel(
            exercise=exercise,
            kind=ChannelKind.ALLIED,
            name="-".join(members),
            members=list(members),
        )
        for members in ALLIED_CHANNELS
        if all(code in teams for code in members)
    ]
    rows += [
        Channel(
            exercise=exercise,
            kind=ChannelKind.HOTLINE,
            name="-".join(members),
            members=list(members),
            hotline=key,
            open=hotlines.get(key, "down") != "down",
        )
        for key, members in HOTLINES.items()
        if all(code in teams for code in members)
    ]
    rows += [
        Channel(exercise=exercise, kind=ChannelKind.CONTROL, name=f"control-{code}", members=[code])
        for code in teams
    ]
    # A scenario may start with a line closed (e.g. ROK-JPN during a diplomatic freeze).
    shut = set(closed)
    # Numbered within the new exercise (no other writer can see it yet): the ids clients see.
    for number, row in enumerate(rows, start=1):
        row.number = number
        if row.name in shut and row.kind != ChannelKind.HOTLINE:
            row.open = False
    Channel.objects.bulk_create(rows)


def exercise_create(
    *,
    user: User,
    scenario: str,
    title: str,
    language: str = "en",
    seed: int | None = None,
    deliberation_minutes: int | object | None = ...,
    ai_teams: Sequence[str] = (),
    cut: str = "",
    cohort: str = "",
    condition: str = "",
) -> Exercise:
    """A new exercise in ``draft`` from a scenario the user may use, with codes and channels.

    ``cut`` picks the scenario's version ("short", "half_day", "full_day"; "" its default).
    ``deliberation_minutes`` left out takes the cut's; a value the facilitator sets holds for
    every turn; ``None`` means no clock (practice). ``ai_teams`` are played by control (decisions
    written with ``?team=``) until a person joins. ``cohort`` and ``condition`` label the run for
    research exports (``exercise_labels_set``).
    """
    labels = {
        "cohort": research_label("cohort", cohort),
        "condition": research_label("condition", condition),
    }
    if language not in LANGUAGES:
        raise InvalidInput.on("language", _("Choose one of: en, ja, ko."))
    if not title.strip():
        raise InvalidInput.on("title", _("A title is required."))
    text = scenario_text_for(user=user, slug=scenario)
    base: Scenario = scenario_from_text(text, source_name=f"{scenario}.yaml")
    if cut and cut not in {c.id for c in base.cuts}:
        offered = ", ".join(c.id for c in base.cuts)
        raise InvalidInput.on(
            "cut",
            _("This scenario has no cut %(cut)s; choose one of: %(cuts)s.")
            % {"cut": cut, "cuts": offered}
            if offered
            else _("This scenario comes in one version only: leave the cut empty."),
        )
    loaded = scenario_from_text(text, source_name=f"{scenario}.yaml", cut=cut)
    unknown_ai = sorted(set(ai_teams) - set(loaded.team_codes))
    if unknown_ai:
        raise InvalidInput.on(
            "ai_teams", _("Not teams of this scenario: %(t)s.") % {"t": ", ".join(unknown_ai)}
        )
    state = loaded.initial_state()
    minutes: int | None = (
        loaded.deliberation_minutes if deliberation_minutes is ... else deliberation_minutes  # type: ignore[assignment]
    )
    with transaction.atomic():
        exercise = Exercise.objects.create(
            title=title.strip(),
            scenario_slug=loaded.slug,
            scenario_text=text,
            cut=loaded.cut or "",
            language=language,
            seed=seed if seed is not None else secrets.randbits(62),
            deliberation_minutes=minutes,
            briefing_seconds=loaded.briefing_seconds,
            state=state.to_dict(),
            created_by=user,
            **labels,
        )
        FacilitatorMembership.objects.create(exercise=exercise, user=user)
        teams = [
            Team.objects.create(exercise=exercise, code=code, ai=code in ai_teams)
            for code in loaded.team_codes
        ]
        JoinCode.objects.bulk_create(
            [JoinCode(exercise=exercise, team=team, code=join_code_new()) for team in teams]
            + [JoinCode(exercise=exercise, team=None, code=join_code_new())]
        )
        hotlines = {key: str(value) for key, value in state.to_dict().get("hotline", {}).items()}
        _channels_create(exercise, loaded.team_codes, hotlines, loaded.channels.closed_at_start)
        locked = exercise_lock(exercise_id=exercise.pk)
        event_append(
            exercise=locked,
            type=EventType.EXERCISE_CHANGED,
            audience=[CONTROL],
            payload=ExerciseChangedPayload(change="created", status=ExerciseStatus.DRAFT),
        )
    return locked


def research_label(field: str, value: object) -> str:
    """A cohort or condition label: one line of text, trimmed, at most ``LABEL_LENGTH`` long."""
    if not isinstance(value, str):
        raise InvalidInput.on(field, _("A label must be text."))
    label = value.strip()
    if len(label) > LABEL_LENGTH:
        raise InvalidInput.on(field, _("At most %(n)s characters, please.") % {"n": LABEL_LENGTH})
    if any(not character.isprintable() for character in label):
        raise InvalidInput.on(field, _("A label is one line of plain text."))
    return label


def exercise_labels_set(exercise: Exercise, args: Mapping[str, Any]) -> None:
    """Set the cohort and/or condition of an exercise whose lock the caller holds (the
    ``set_labels`` command); a label left out keeps its value, an empty one clears it."""
    lock_held(exercise)
    given = [name for name in LABEL_FIELDS if name in args]
    if not given:
        raise InvalidInput.on("args", _("Give a cohort, a condition or both."))
    for name in given:
        setattr(exercise, name, research_label(f"args.{name}", args[name]))
    exercise.save(update_fields=given)
    event_append(
        exercise=exercise,
        type=EventType.EXERCISE_CHANGED,
        audience=[CONTROL],
        payload=ExerciseChangedPayload(
            change="labels", cohort=exercise.cohort, condition=exercise.condition
        ),
    )


def facilitator_add(*, principal: Principal, username: str) -> Exercise:
    """Make another account a co-facilitator; the caller must already facilitate. The answer is
    the same whether or not an active account has that name (an unknown one changes nothing), so
    that a facilitator cannot learn which usernames exist; the API limits how often it is asked."""
    with entry(principal, Act.FACILITATORS) as entered:
        exercise = entered.exercise
        other = get_user_model().objects.filter(username=username, is_active=True).first()
        if other is None:
            return exercise
        _membership, created = FacilitatorMembership.objects.get_or_create(
            exercise=exercise, user=other
        )
        if created:
            event_append(
                exercise=exercise,
                type=EventType.EXERCISE_CHANGED,
                audience=[CONTROL],
                payload=ExerciseChangedPayload(change="facilitator_added", username=username),
            )
    return exercise


def codes_rotate(*, exercise: Exercise, teams: Iterable[str] | None) -> dict[str, Any]:
    """New join codes for the named teams (or all, observers included); caller holds the lock."""
    lock_held(exercise)
    wanted = set(teams) if teams is not None else None
    known = set(exercise.teams.values_list("code", flat=True))
    if wanted is not None and not wanted <= known | {"observers"}:
        unknown = ", ".join(sorted(wanted - known - {"observers"}))
        raise InvalidInput.on("args.teams", _("Unknown teams: %(teams)s.") % {"teams": unknown})
    rotated = []
    for row in JoinCode.objects.filter(exercise=exercise).select_related("team"):
        name = row.team.code if row.team is not None else "observers"
        if wanted is None or name in wanted:
            row.code = join_code_new()
            row.save(update_fields=["code"])
            rotated.append(name)
    event_append(
        exercise=exercise,
        type=EventType.EXERCISE_CHANGED,
        audience=[CONTROL],
        payload=ExerciseChangedPayload(change="codes_rotated", teams=sorted(rotated)),
    )
    return {"rotated": sorted(rotated)}
