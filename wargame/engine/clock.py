"""The real clock: a turn stands for `clock.days_per_turn` days of the scenario's time.

Hazards, growth, lapses and reversions are given in data as rates per year or half-lives in days;
these helpers turn them into what one turn of a given length does, so a 4-day turn and a 30-day
turn of the same situation give the same rates per simulated year.
"""

from __future__ import annotations

import math
from typing import Any

DAYS_PER_YEAR = 365.25


def days_per_turn(m: Any) -> float:
    """The days one turn stands for (`m` is a model's data)."""
    return float(m["clock"]["days_per_turn"])


def turns_per_year(m: Any) -> float:
    return DAYS_PER_YEAR / days_per_turn(m)


def chance(per_year: float, days: float) -> float:
    """The chance that a Poisson event with `per_year` occurrences a year happens within `days`."""
    if per_year <= 0.0 or days <= 0.0:
        return 0.0
    return 1.0 - math.exp(-per_year * days / DAYS_PER_YEAR)


def remaining(half_life_days: float, days: float) -> float:
    """The share of a deviation left after `days` when it halves every `half_life_days`."""
    if half_life_days <= 0.0:
        return 0.0
    return float(0.5 ** (days / half_life_days))


def poisson_count(u: float, mean: float) -> int:
    """The Poisson count whose cumulative probability first exceeds `u` (inverse transform, one
    draw per count, so a growth of several units in a long turn stays one logged die)."""
    if mean <= 0.0:
        return 0
    term = math.exp(-mean)
    total = term
    k = 0
    while u >= total and k < 1000:
        k += 1
        term *= mean / k
        total += term
    return k


def every_turns(every_days: float, m: Any) -> int:
    """A periodic act every `every_days` days, as a whole number of turns (at least one)."""
    return max(1, round(every_days / days_per_turn(m)))
