"""The scenario's own clock: a turn moves it on by the scenario's hours; three capitals read it."""

from __future__ import annotations

import datetime as dt

from wargame.web.scenario_clock import OPENING_HOUR, scenario_time

START = dt.date(2027, 3, 1)


def _places(turn: int, hours: float) -> dict[str, str]:
    moment = scenario_time(START, turn, hours)
    return {p.place: p.local.strftime("%Y-%m-%d %H:%M") for p in moment.places}


def test_it_opens_in_the_seoul_morning_of_the_start_date() -> None:
    places = _places(1, 96)
    assert places["seoul"] == f"2027-03-01 {OPENING_HOUR:02d}:00"
    assert places["tokyo"] == places["seoul"]


def test_it_puts_washington_fourteen_hours_behind_in_winter_and_thirteen_in_summer() -> None:
    winter = scenario_time(START, 1, 96).places
    summer = scenario_time(START, 5, 96).places  # 16 days on: after 14 March, US daylight time
    gaps = [
        (seoul.local.replace(tzinfo=None) - washington.local.replace(tzinfo=None))
        for washington, seoul, _ in (winter, summer)
    ]
    assert gaps == [dt.timedelta(hours=14), dt.timedelta(hours=13)]


def test_it_moves_on_by_the_hours_of_one_turn_per_turn() -> None:
    first = scenario_time(START, 1, 36).places[1].local
    third = scenario_time(START, 3, 36).places[1].local
    assert third - first == dt.timedelta(hours=72)


def test_it_shows_only_the_date_when_the_scenario_gives_no_hours() -> None:
    moment = scenario_time(START, 4, None)
    assert moment.date == START
    assert not moment.has_time


def test_before_the_start_it_shows_the_opening() -> None:
    assert scenario_time(START, None, 24) == scenario_time(START, 1, 24)
