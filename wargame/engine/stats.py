"""Statistics of simulated games: per-game records read from proposals, then Wilson intervals,
paired same-seed differences, histograms and the summary of docs/model.md §11.

Everything here is deterministic and rounds its floats, so a summary built from the same games is
byte-identical whatever the order in which worker processes finished.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from .model import Model
    from .proposal import Proposal
    from .state import State

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


# --- game records and their summary -------------------------------------------------------------


class GameRecord(TypedDict):
    """What one simulated game leaves behind: small, JSON-safe, summed in seed order."""

    seed: int
    peak: dict[str, int]
    max_rung: int
    decision_points: int
    decision_point_turns: int
    use_candidates: int
    approval_turns: int
    misperceptions: dict[str, int]
    misperception_escalations: dict[str, int]
    incidents: int
    contained: int
    assurance: dict[str, list[float]]
    icbm: int
    warheads_added: int
    cbm: dict[str, str]
    rules: dict[str, int]


def total_misperception_escalations(record: GameRecord) -> int:
    return sum(record["misperception_escalations"].values())


def uncontained_incidents(record: GameRecord) -> int:
    return record["incidents"] - record["contained"]


def per_year(per_game: float, years: float) -> float:
    """A per-game mean as a rate per simulated year."""
    return rounded(per_game / years) if years > 0 else 0.0


def summarise_records(
    records: Sequence[GameRecord], *, thresholds: Sequence[int], years: float
) -> dict[str, Any]:
    """The Monte Carlo outputs of docs/model.md §11 from the games' records; `years` is the
    simulated time one game stands for, so counts also appear as rates `per_year`."""
    n = len(records)
    dyads = sorted({d for r in records for d in r["peak"]})
    paths = sorted(
        {p for r in records for p in (*r["misperceptions"], *r["misperception_escalations"])}
    )
    allies = sorted({a for r in records for a in r["assurance"]})
    incidents = sum(r["incidents"] for r in records)
    contained = sum(r["contained"] for r in records)
    escalations = [float(total_misperception_escalations(r)) for r in records]
    incident_mean = mean([float(r["incidents"]) for r in records])
    uncontained_mean = mean([float(uncontained_incidents(r)) for r in records])
    misread_mean = mean([float(sum(r["misperceptions"].values())) for r in records])
    dp_mean = mean([float(r["decision_points"]) for r in records])
    return {
        "games": n,
        "years_per_game": rounded(years),
        "per_year": {
            "incidents": per_year(incident_mean, years),
            "uncontained_incidents": per_year(uncontained_mean, years),
            "misperceptions": per_year(misread_mean, years),
            "misperception_escalations": per_year(mean(escalations), years),
            "decision_points": per_year(dp_mean, years),
            "warheads_added": per_year(mean([float(r["warheads_added"]) for r in records]), years),
        },
        "peak_rung": {d: distribution([r["peak"].get(d, 0) for r in records]) for d in dyads},
        "max_peak_rung": distribution([r["max_rung"] for r in records]),
        "reached_rung": share_by_threshold([float(r["max_rung"]) for r in records], thresholds),
        "nuclear": {
            "decision_point_games": wilson(sum(1 for r in records if r["decision_points"]), n),
            "decision_points_per_game": mean_interval(
                [float(r["decision_points"]) for r in records]
            ),
            "per_year": {"decision_points": per_year(dp_mean, years)},
            "decision_point_turn_share": wilson(
                sum(r["decision_point_turns"] for r in records),
                sum(len(next(iter(r["assurance"].values()), [])) for r in records),
            ),
            "approval_games": wilson(sum(1 for r in records if r["approval_turns"]), n),
            # The engine never applies nuclear use by itself: under deny_all it is held at the
            # threshold. Both choices follow the same path up to the first candidate, so the share
            # of games with one is the use rate had control approved everything.
            "use_rate": {
                "deny_all": wilson(0, n),
                "approve_all": wilson(sum(1 for r in records if r["use_candidates"]), n),
            },
        },
        "misperception": {
            "by_path": {
                p: {
                    "per_game": rounded(
                        mean([float(r["misperceptions"].get(p, 0)) for r in records])
                    ),
                    "escalations_per_game": rounded(
                        mean([float(r["misperception_escalations"].get(p, 0)) for r in records])
                    ),
                }
                for p in paths
            },
            "escalations_per_game": mean_interval(escalations),
            "games_with_escalation": wilson(sum(1 for e in escalations if e > 0), n),
            "per_year": {
                "misperceptions": per_year(misread_mean, years),
                "escalations": per_year(mean(escalations), years),
            },
        },
        "incidents": {
            "per_game": mean_interval([float(r["incidents"]) for r in records]),
            "uncontained_per_game": mean_interval(
                [float(uncontained_incidents(r)) for r in records]
            ),
            "containment": wilson(contained, incidents),
            "per_year": {
                "incidents": per_year(incident_mean, years),
                "uncontained": per_year(uncontained_mean, years),
            },
        },
        "assurance": {
            a: {
                "final_mean": rounded(
                    mean([r["assurance"][a][-1] for r in records if r["assurance"].get(a)])
                ),
                "trajectory": mean_trajectory([r["assurance"].get(a, []) for r in records]),
            }
            for a in allies
        },
        "icbm": distribution([r["icbm"] for r in records]),
        "cbm_end_states": counter_total(
            {f"{m.split('#')[0]}:{s}": 1 for m, s in r["cbm"].items()} for r in records
        ),
        "rules": counter_total(r["rules"] for r in records),
    }


# --- reading a proposal (the simulator is control: it reads the truth beside each perception) --

PATH_BY_ACTION = {
    "s.exercise": "exercise->attack",
    "s.missile_test": "launch->attack",
    "s.satellite": "satellite->ICBM",
    "s.decap_drill": "drill->decapitation",
}
PHANTOM = "phantom"
OTHER = "other"


def _misreads(proposal: Proposal) -> list[tuple[str, str, str]]:
    """(observer, path, perceived label) for every misread and phantom any team saw this turn."""
    truth = {e.id: e.action for e in proposal.events}
    out = []
    for view, items in proposal.perceptions.items():
        if not view.startswith("team:"):
            continue
        for item in items:
            if "phantom" in item.tags:
                out.append((item.observer, PHANTOM, str(item.action)))
            elif "misread" in item.tags:
                action = truth.get(item.event or "")
                out.append(
                    (item.observer, PATH_BY_ACTION.get(str(action), OTHER), str(item.action))
                )
    return out


def misperception_paths(proposal: Proposal) -> list[str]:
    return [path for _, path, _ in _misreads(proposal)]


def misperception_escalations(proposal: Proposal, before: State, model: Model) -> list[str]:
    """The escalations a misperception caused this turn, each with the path it came by.

    The mechanisms are the rules that act on a misread (docs/model.md §7): R02 (an exercise read
    as attack preparation moves the DPRK posture, or a pre-emption candidate), R03 (a launch or a
    phantom read as an attack: a step up on alert, a doctrinal strike on strike-on-detection), R04
    (a drill read as decapitation moves the posture) and R01 strikes on a false belief."""
    rules = model.data["rules"]
    labels = model.data["perception"]
    misreads = _misreads(proposal)
    fired = [rule_id for rule_id, _ in proposal.rules_fired]
    out: list[str] = ["exercise->attack"] * fired.count("R02")
    killchain = dict(before.killchain)
    launch_reads: dict[str, list[str]] = {}
    for observer, path, label in misreads:
        if label in labels["launch_labels"] and observer in killchain:
            launch_reads.setdefault(observer, []).append(path)
            level = killchain[observer]
            if rules["R03"]["alert_killchain"] <= level < rules["R03"]["strike_killchain"]:
                out.append(path)
    for event in proposal.events:
        if event.kind != "doctrinal" or "cause.misperception" not in event.tags:
            continue
        reads = sorted(launch_reads.get(str(event.actor), []), key=lambda p: p == PHANTOM)
        out.append(reads[0] if "rule:R03" in event.tags and reads else OTHER)
    if "R04" in fired and any(
        o == "DPRK" and label in labels["decapitation_labels"] for o, _, label in misreads
    ):
        out.append("drill->decapitation")
    return out


def incident_counts(proposal: Proposal) -> tuple[int, int]:
    incidents = [e for e in proposal.events if e.kind == "incident"]
    return len(incidents), sum(1 for e in incidents if "contained" in e.tags)


def is_use_candidate(point: Any, model: Model) -> bool:
    """A decision point above the hold rung (9+: nuclear demonstration or use, §2, §9)."""
    return int(point.rung) > int(model.data["safety"]["hold_rung"])


class GameTally:
    """Running counts over one game's turns (truth side: the simulator is control)."""

    def __init__(self, start: State, model: Model) -> None:
        self.model = model
        self.before = start
        self.peak = {f"{a}>{b}": v for a, b, v in start.rung}
        self.decision_points = 0
        self.decision_point_turns = 0
        self.use_candidates = 0
        self.approval_turns = 0
        self.misperceptions: dict[str, int] = {}
        self.escalations: dict[str, int] = {}
        self.incidents = 0
        self.contained = 0
        self.assurance: dict[str, list[float]] = {a: [] for a, _ in start.assurance}
        self.rules: dict[str, int] = {}
        self.warheads_start = int(start.dprk.warheads)

    def add(self, proposal: Proposal, after: State) -> None:
        for a, b, v in proposal.state.rung:
            key = f"{a}>{b}"
            self.peak[key] = max(self.peak.get(key, 0), v)
        points = proposal.decision_points
        self.decision_points += len(points)
        self.decision_point_turns += 1 if points else 0
        self.use_candidates += sum(1 for d in points if is_use_candidate(d, self.model))
        self.approval_turns += 1 if proposal.requires_nuclear_approval else 0
        for path in misperception_paths(proposal):
            self.misperceptions[path] = self.misperceptions.get(path, 0) + 1
        for path in misperception_escalations(proposal, self.before, self.model):
            self.escalations[path] = self.escalations.get(path, 0) + 1
        incidents, contained = incident_counts(proposal)
        self.incidents += incidents
        self.contained += contained
        for ally, value in after.assurance:
            self.assurance.setdefault(ally, []).append(rounded(value, 2))
        for rule_id, _summary in proposal.rules_fired:
            self.rules[rule_id] = self.rules.get(rule_id, 0) + 1
        self.before = after

    def record(self, seed: int, final: State) -> GameRecord:
        return {
            "seed": seed,
            "peak": dict(sorted(self.peak.items())),
            "max_rung": max(self.peak.values(), default=0),
            "decision_points": self.decision_points,
            "decision_point_turns": self.decision_point_turns,
            "use_candidates": self.use_candidates,
            "approval_turns": self.approval_turns,
            "misperceptions": dict(sorted(self.misperceptions.items())),
            "misperception_escalations": dict(sorted(self.escalations.items())),
            "incidents": self.incidents,
            "contained": self.contained,
            "assurance": self.assurance,
            "icbm": int(final.dprk.icbm),
            "warheads_added": int(final.dprk.warheads) - self.warheads_start,
            "cbm": {f"{a.measure}#{a.id}": a.status for a in final.agreements},
            "rules": dict(sorted(self.rules.items())),
        }
