"""Who may call which service: one authorization layer for every entry point.

A public service names what it does (an ``Act``) and enters through ``entry``: the principal is
checked here, the same way whichever client called (REST, a page, a bot, a command), then the
transaction opens and the exercise row is locked. Finer rules that need the exercise's rows (which
team a player writes for, which channel it belongs to) stay in the service, after the lock.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from wargame.exercises.errors import NotFound, NotPermitted
from wargame.exercises.principals import Principal
from wargame.exercises.services.log import exercise_lock
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wargame.exercises.models import Exercise


class Act(StrEnum):
    COMMAND = "command"  # a lifecycle command (docs/interface.md#commands)
    REVIEW = "review"  # override or reroll the proposal in review
    PUBLISH = "publish"  # publish the proposal in review
    FACILITATORS = "facilitators"  # add or remove a co-facilitator
    FORK = "fork"  # a what-if branch
    REPORT = "report"  # an after-action report job
    DECIDE = "decide"  # write or submit a team's decision
    TALK = "talk"  # post on a channel
    STATE = "state"  # make a public statement


# What the one player of a solo practice exercise may do as its control (/practice/,
# docs/interface.md#commands).
PRACTICE_COMMANDS = frozenset({"advance", "pause", "resume", "end"})
# Control's acts that a seated participant may not do: refused openly (403), since the
# participant knows the exercise. Control's own objects (branches, report jobs) are hidden (404).
_CONTROL_OPENLY = frozenset({Act.COMMAND, Act.REVIEW, Act.PUBLISH, Act.FACILITATORS})
_CONTROL_HIDDEN = frozenset({Act.FORK, Act.REPORT})


def _practice_control(principal: Principal, act: Act, command: str | None) -> bool:
    """The player of a practice game runs its pacing and publishes, as its control would."""
    participant = principal.participant
    pacing = act == Act.PUBLISH or (act == Act.COMMAND and command in PRACTICE_COMMANDS)
    return (
        pacing and participant is not None and principal.is_player and participant.exercise.practice
    )


def authorize(principal: Principal, act: Act, *, command: str | None = None) -> Principal:
    """The principal that acts, or the refusal: control runs the game and may decide for a bot's
    team and talk on its lines (a practice game's player runs its pacing, acting as control);
    players decide, talk and make statements; observers read."""
    if principal.is_control:
        if act == Act.STATE:
            raise NotPermitted(_("Only players make public statements."))
        return principal
    if act in _CONTROL_OPENLY or act in _CONTROL_HIDDEN:
        if _practice_control(principal, act, command):
            return Principal(
                exercise_id=principal.exercise_id, view=CONTROL, participant=principal.participant
            )
        if act in _CONTROL_HIDDEN:
            raise NotFound(_("Exercise not found."))
        raise NotPermitted(_("Only the exercise's facilitators may do this."))
    if principal.is_player:
        return principal
    if act == Act.DECIDE:
        raise NotFound(_("No decision you may write here."))
    if act == Act.TALK:
        raise NotFound(_("Channel not found."))
    raise NotPermitted(_("Only players make public statements."))


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry point's authorized principal and its exercise, locked for the transaction."""

    principal: Principal
    exercise: Exercise


@contextlib.contextmanager
def entry(principal: Principal, act: Act, *, command: str | None = None) -> Iterator[Entry]:
    """Authorize, open the transaction, lock the exercise: how every public service begins."""
    acting = authorize(principal, act, command=command)
    with transaction.atomic():
        yield Entry(acting, exercise_lock(exercise_id=principal.exercise_id))
