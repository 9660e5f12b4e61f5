"""Who may see what: one rule per kind of row.

Each rule answers "which views may see this row"; the service that writes the row stores that
audience on it (where the row keeps one) and addresses the row's event to it, and the selectors,
the pages, the exports and the after-action report read the row through the same rule. A row's
audience is fixed when it is written: a setting changed later (the observer view) applies to later
rows, as it applies to later events.

Views are ``control``, ``observers`` and ``team:<CODE>``; control sees everything.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.db.models import Q

from wargame.exercises.events import EventType
from wargame.exercises.models import ChannelKind, Event, ExerciseStatus, ObserverView
from wargame.exercises.views_of import CONTROL, OBSERVERS, team_view

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wargame.exercises.models import Channel, Exercise, Participant


def may_see(view: str, audience: Iterable[str]) -> bool:
    """Whether ``view`` is in a row's (or an event's) audience; control always is."""
    return view == CONTROL or view in audience


def audience_filter(view: str, field: str = "audience") -> Q:
    """The rows of a model with an ``audience`` list that ``view`` may see, as a query.

    Matched on the stored JSON text (a quoted view name), which every database can search; JSON
    containment is not available on SQLite, the embedded profile's database."""
    if view == CONTROL:
        return Q()
    return Q(**{f"{field}__icontains": json.dumps(view)})


def all_views(exercise: Exercise) -> list[str]:
    """Every view of the exercise: what the game's public events reach."""
    codes = exercise.teams.values_list("code", flat=True)
    return [CONTROL, OBSERVERS, *(team_view(code) for code in codes)]


def participant_audience(participant: Participant) -> list[str]:
    """A seat: control and the participant's own view (its team, or observers)."""
    own = team_view(participant.team.code) if participant.team is not None else OBSERVERS
    return [CONTROL, own]


def decision_audience(exercise: Exercise, team: str) -> list[str]:
    """A team's decision: the team and control, and observers while the facilitator has opened
    the teams' record to them (``observer_view: teams``, a teaching setting). The others learn
    only that the team submitted."""
    views = [CONTROL, team_view(team)]
    if exercise.observer_view == ObserverView.TEAMS:
        views.append(OBSERVERS)
    return views


def channel_readers(channel: Channel, observer_view: str) -> list[str]:
    """Who may read a channel now: its members and control, and observers under the teaching
    view, except on the private lines between control and a team."""
    views = [CONTROL, *(team_view(code) for code in channel.members)]
    if observer_view == ObserverView.TEAMS and channel.kind != ChannelKind.CONTROL:
        views.append(OBSERVERS)
    return views


def message_audience(channel: Channel, observer_view: str) -> list[str]:
    """A message: the channel's readers when it is posted (kept on the message)."""
    return channel_readers(channel, observer_view)


def channel_state_audience(channel: Channel) -> list[str]:
    """A hotline channel opening or closing: its two members and control."""
    return [CONTROL, *(team_view(code) for code in channel.members)]


def inject_audience(views: Iterable[str]) -> list[str]:
    """An inject: the views it was addressed to, and control."""
    return list(dict.fromkeys([CONTROL, *views]))


def agreement_audience(parties: Iterable[str]) -> list[str]:
    """An agreement: its parties and control. Observers learn of measures through statements."""
    return [CONTROL, *(team_view(code) for code in parties)]


def joint_audience(team: str, partners: Iterable[str]) -> list[str]:
    """A proposed joint action: the proposing team, the partners it names, and control. Nobody
    else learns of it before the outcome (a combined exercise is public once it happens)."""
    return [CONTROL, team_view(team), *(team_view(code) for code in partners)]


def presence_member_visible(view: str, member_team: str | None) -> bool:
    """A seat in the presence roster: control sees every seat, a team its own members, observers
    none (they see only the counts per team)."""
    if view == CONTROL:
        return True
    return view != OBSERVERS and member_team is not None and view == team_view(member_team)


def debrief_released_views(exercise: Exercise) -> list[str]:
    """The views control has opened the debrief to (``release_debrief``): the audiences of the
    exercise's ``debrief.released`` events, control aside."""
    audiences = Event.objects.filter(
        exercise=exercise, type=EventType.DEBRIEF_RELEASED
    ).values_list("audience", flat=True)
    views = dict.fromkeys(view for audience in audiences for view in audience)
    views.pop(CONTROL, None)
    return list(views)


def report_audience(exercise: Exercise) -> list[str]:
    """The after-action report: control at any time; once the exercise has ended, the views
    control released the debrief to, observers if the teams' record was opened to them, and the
    player of a practice game (every other team there is a bot). Each reads the report built
    from its own view."""
    views = [CONTROL]
    if exercise.status != ExerciseStatus.ENDED:
        return views
    if exercise.observer_view == ObserverView.TEAMS:
        views.append(OBSERVERS)
    if exercise.practice:
        views += [team_view(code) for code in exercise.teams.values_list("code", flat=True)]
    views += debrief_released_views(exercise)
    return list(dict.fromkeys(views))


def report_job_audience(view: str) -> list[str]:
    """A report job and its progress: control, and the view the report is written for (a reader
    who asked for its PDF follows its own job)."""
    return list(dict.fromkeys([CONTROL, view]))
