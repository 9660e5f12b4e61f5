"""Who played each team in each turn: people or the AI.

A team's seat can change hands during a game (``set_ai``), so the team's flag now says nothing
about an earlier turn. A turn's decision tells: the seat that last wrote it was a bot or a person.
A turn whose decision nobody wrote (or control wrote for the team) counts as the AI's when the
team was the AI's at the moment its decisions were locked, which the log's ``team.ai_changed``
events give."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from wargame.exercises.events import EventType
from wargame.exercises.models import Decision, Event, Team

if TYPE_CHECKING:
    from wargame.exercises.models import Exercise

Player = Literal["human", "ai"]
# The event after which a turn's decisions can no longer change: its first proposal.
LOCKED = EventType.ADJUDICATION_PROPOSED


def _ai_when_locked(exercise: Exercise, teams: dict[str, bool]) -> dict[int, dict[str, bool]]:
    """Each turn's AI flags as they stood when its decisions were locked."""
    changes = list(
        Event.objects.filter(
            exercise=exercise, type__in=(EventType.TEAM_AI_CHANGED, LOCKED)
        ).order_by("seq")
    )
    # The flags at creation: each team's first change undone, or its flag now if it never changed.
    flags = dict(teams)
    for event in reversed(changes):
        if event.type == EventType.TEAM_AI_CHANGED and event.payload.get("team") in flags:
            flags[event.payload["team"]] = not bool(event.payload.get("ai"))
    locked: dict[int, dict[str, bool]] = {}
    for event in changes:
        if event.type == EventType.TEAM_AI_CHANGED and event.payload.get("team") in flags:
            flags[event.payload["team"]] = bool(event.payload.get("ai"))
        elif event.type == LOCKED and isinstance(event.payload.get("turn"), int):
            locked.setdefault(int(event.payload["turn"]), dict(flags))
    return locked


def players_by_turn(exercise: Exercise, turns: list[int]) -> dict[int, dict[str, Player]]:
    """``{turn: {team: "human" | "ai"}}`` for the given turns."""
    teams = dict(Team.objects.filter(exercise=exercise).values_list("code", "ai"))
    locked = _ai_when_locked(exercise, teams)
    authors: dict[tuple[int, str], bool | None] = {}
    for turn, code, by_bot in Decision.objects.filter(
        exercise=exercise, turn__in=turns
    ).values_list("turn", "team__code", "updated_by__bot"):
        authors[(turn, code)] = by_bot
    out: dict[int, dict[str, Player]] = {}
    for turn in turns:
        flags = locked.get(turn, teams)
        row: dict[str, Player] = {}
        for code in teams:
            bot = authors.get((turn, code))
            row[code] = "ai" if (flags.get(code, False) if bot is None else bot) else "human"
        out[turn] = row
    return out
