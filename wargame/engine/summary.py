"""The Monte Carlo summary of docs/model.md §11, from the games' records: distributions, threshold
crossings, misperception paths, incidents and exchanges of fire, launches and their detection,
negotiation, assurance, and every count again as a rate `per_year` of simulated time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .stats import (
    counter_total,
    distribution,
    mean,
    mean_interval,
    mean_trajectory,
    rounded,
    share_by_threshold,
    wilson,
)
from .tally import total_misperception_escalations, uncontained_incidents

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .tally import GameRecord


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
    exchanges = sum(r["exchanges"] for r in records)
    spirals = sum(r["spirals"] for r in records)
    exchange_mean = mean([float(r["exchanges"]) for r in records])
    launches = sum(r["launches"] for r in records)
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
            "exchanges_of_fire": per_year(exchange_mean, years),
            "launches": per_year(mean([float(r["launches"]) for r in records]), years),
            "proposals": per_year(mean([float(r["proposals"]) for r in records]), years),
            "agreements": per_year(mean([float(r["agreements"]) for r in records]), years),
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
            "exchanges_per_game": mean_interval([float(r["exchanges"]) for r in records]),
            "exchange_containment": wilson(exchanges - spirals, exchanges),
            "per_year": {
                "incidents": per_year(incident_mean, years),
                "uncontained": per_year(uncontained_mean, years),
                "exchanges_of_fire": per_year(exchange_mean, years),
            },
        },
        "launches": {
            "per_game": mean_interval([float(r["launches"]) for r in records]),
            "detected": {
                team: wilson(sum(r["launches_detected"].get(team, 0) for r in records), launches)
                for team in sorted({t for r in records for t in r["launches_detected"]})
            },
            "per_year": {
                "launches": per_year(mean([float(r["launches"]) for r in records]), years)
            },
        },
        "negotiation": {
            "games_with_proposal": wilson(sum(1 for r in records if r["proposals"]), n),
            "games_with_agreement": wilson(sum(1 for r in records if r["agreements"]), n),
            "proposals_per_game": mean_interval([float(r["proposals"]) for r in records]),
            "agreements_per_game": mean_interval([float(r["agreements"]) for r in records]),
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
