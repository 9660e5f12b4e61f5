"""Statistics for simulated games: Wilson intervals, paired same-seed differences, histograms.

Everything here is deterministic and rounds its floats, so a summary built from the same games is
byte-identical whatever the order in which worker processes finished.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

# Two-sided 95% normal quantile; a statistical convention, not a model number.
Z95 = 1.959963984540054
DIGITS = 4


class Interval(TypedDict):
    estimate: float
    low: float
    high: float
    n: int


class Distribution(TypedDict):
    n: int
    mean: float
    p90: float
    min: float
    max: float
    histogram: dict[str, int]


class PairedDifference(TypedDict):
    n: int
    mean_with: float
    mean_without: float
    mean_difference: float
    low: float
    high: float
    ratio: float | None


def rounded(value: float, digits: int = DIGITS) -> float:
    """Round and normalise -0.0, so JSON output never depends on float noise."""
    result = round(float(value), digits)
    return 0.0 if result == 0 else result


def wilson(successes: int, n: int, z: float = Z95) -> Interval:
    """Wilson score interval for a share; well-behaved at 0 and n, unlike the normal one."""
    if n <= 0:
        return {"estimate": 0.0, "low": 0.0, "high": 1.0, "n": 0}
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return {
        "estimate": rounded(p),
        "low": rounded(max(0.0, centre - half)),
        "high": rounded(min(1.0, centre + half)),
        "n": n,
    }


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1): always an observed value, no interpolation noise."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return float(ordered[rank - 1])


def histogram(values: Iterable[float | int]) -> dict[str, int]:
    """Counts keyed by the value as text, in numeric order, so JSON keys sort sensibly."""
    counts: dict[float | int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return {_key(value): counts[value] for value in sorted(counts)}


def _key(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def distribution(values: Sequence[float | int]) -> Distribution:
    floats = [float(v) for v in values]
    return {
        "n": len(floats),
        "mean": rounded(mean(floats)),
        "p90": rounded(percentile(floats, 0.9)),
        "min": rounded(min(floats)) if floats else 0.0,
        "max": rounded(max(floats)) if floats else 0.0,
        "histogram": histogram(values),
    }


def mean_interval(values: Sequence[float], z: float = Z95) -> Interval:
    """Mean with a normal-approximation 95% interval (sample standard deviation)."""
    n = len(values)
    m = mean(values)
    if n < 2:
        return {"estimate": rounded(m), "low": rounded(m), "high": rounded(m), "n": n}
    var = sum((v - m) ** 2 for v in values) / (n - 1)
    half = z * math.sqrt(var / n)
    return {"estimate": rounded(m), "low": rounded(m - half), "high": rounded(m + half), "n": n}


def paired_difference(
    with_condition: Sequence[float], without_condition: Sequence[float], z: float = Z95
) -> PairedDifference:
    """Same-seed differences (with - without): common random numbers cancel most of the noise."""
    if len(with_condition) != len(without_condition):
        raise ValueError("paired samples must come from the same seeds")
    diffs = [a - b for a, b in zip(with_condition, without_condition, strict=True)]
    interval = mean_interval(diffs, z)
    m_with = mean(with_condition)
    m_without = mean(without_condition)
    return {
        "n": len(diffs),
        "mean_with": rounded(m_with),
        "mean_without": rounded(m_without),
        "mean_difference": interval["estimate"],
        "low": interval["low"],
        "high": interval["high"],
        "ratio": rounded(m_with / m_without) if m_without else None,
    }


def share_by_threshold(values: Sequence[float], thresholds: Iterable[int]) -> dict[str, Interval]:
    """Share of games whose value reached each threshold, with Wilson intervals."""
    return {
        str(t): wilson(sum(1 for v in values if v >= t), len(values)) for t in sorted(thresholds)
    }


def mean_trajectory(rows: Sequence[Sequence[float]]) -> list[float]:
    """Per-turn mean over games; games that ended early simply contribute fewer turns."""
    length = max((len(r) for r in rows), default=0)
    out: list[float] = []
    for i in range(length):
        column = [r[i] for r in rows if len(r) > i]
        out.append(rounded(mean(column)))
    return out


def counter_total(counters: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for counter in counters:
        for key, value in counter.items():
            total[key] = total.get(key, 0) + value
    return {key: total[key] for key in sorted(total)}
