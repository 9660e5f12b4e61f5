"""The scenario's own calendar: what time it is in the game, in the three capitals that play it.

A turn moves the game clock on by the scenario's `duration.hours_per_turn`; a scenario without it
has no time of day, only its start date. Pure: no Django, no wall clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Washington decides for the US, Seoul and Pyongyang share a time zone, Tokyo decides for Japan.
PLACES: tuple[tuple[str, str], ...] = (
    ("washington", "America/New_York"),
    ("seoul", "Asia/Seoul"),
    ("tokyo", "Asia/Tokyo"),
)
# The game opens on its start date at the start of the working day in the theatre (ext: the
# scenarios open with a morning announcement in Seoul; a time is needed to place the other clocks).
OPENING_ZONE = "Asia/Seoul"
OPENING_HOUR = 9


@dataclass(frozen=True, slots=True)
class PlaceTime:
    place: str
    zone: str
    local: dt.datetime


@dataclass(frozen=True, slots=True)
class ScenarioTime:
    """Turn ``turn``'s moment in the game; ``places`` is empty when the scenario has no hours."""

    turn: int
    date: dt.date
    places: tuple[PlaceTime, ...]

    @property
    def has_time(self) -> bool:
        return bool(self.places)


def scenario_moment(start_date: dt.date, turn: int, hours_per_turn: float) -> dt.datetime:
    """The aware moment at which turn ``turn`` (1-based) begins in the game."""
    opening = dt.datetime.combine(
        start_date, dt.time(hour=OPENING_HOUR), tzinfo=ZoneInfo(OPENING_ZONE)
    )
    return opening + dt.timedelta(hours=hours_per_turn * (max(turn, 1) - 1))


def scenario_time(
    start_date: dt.date, turn: int | None, hours_per_turn: float | None
) -> ScenarioTime:
    """Where the game's clock stands for ``turn`` (None before the start: the opening)."""
    n = turn or 1
    if hours_per_turn is None:
        return ScenarioTime(turn=n, date=start_date, places=())
    moment = scenario_moment(start_date, n, hours_per_turn)
    places = tuple(
        PlaceTime(place=place, zone=zone, local=moment.astimezone(ZoneInfo(zone)))
        for place, zone in PLACES
    )
    return ScenarioTime(turn=n, date=places[1].local.date(), places=places)
