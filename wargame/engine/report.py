"""The readable report of a simulation: the summary, the arms of a sweep, E1-E4 and the calibration
suite, as text for a terminal (the same numbers as `simulate --json`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _pct(interval: Mapping[str, Any]) -> str:
    return (
        f"{100 * interval['estimate']:5.1f}%  "
        f"[{100 * interval['low']:.1f}, {100 * interval['high']:.1f}]"
    )


def render_table(
    summary: Mapping[str, Any],
    checks: Mapping[str, str],
    details: Mapping[str, Any],
    calibration: Mapping[str, Any] | None = None,
    arms: Mapping[str, Any] | None = None,
) -> str:
    """The readable report: distributions, threshold crossings, misperception, incidents and
    exchanges of fire, launches, negotiation, assurance, rates a year, checks and calibration."""
    config = summary["config"]
    lines = [
        f"Scenario {config['scenario']}  policy {config['policy']}  seeds {config['seeds']}  "
        f"turns {config['turns']}  nuclear decisions: {config['nuclear_choice']}",
        "",
        "Peak rung per dyad      mean   p90   histogram (rung: games)",
    ]
    for dyad, dist in summary["peak_rung"].items():
        hist = " ".join(f"{k}:{v}" for k, v in dist["histogram"].items())
        lines.append(f"  {dyad:<20} {dist['mean']:5.2f} {dist['p90']:5.1f}   {hist}")
    lines += ["", "Games reaching rung     share   [95% Wilson]"]
    for rung, interval in summary["reached_rung"].items():
        lines.append(f"  >= {rung:<18} {_pct(interval)}")
    nuclear = summary["nuclear"]
    lines += [
        "",
        f"Nuclear decision points: games {_pct(nuclear['decision_point_games'])}",
        f"  use rate deny_all {_pct(nuclear['use_rate']['deny_all'])}   "
        f"approve_all {_pct(nuclear['use_rate']['approve_all'])}",
        "",
        "Misperception path      per game   escalations per game",
    ]
    mis = summary["misperception"]
    for path, row in mis["by_path"].items():
        lines.append(f"  {path:<20} {row['per_game']:8.3f}   {row['escalations_per_game']:8.3f}")
    esc = mis["escalations_per_game"]
    lines.append(
        f"  misperception-triggered escalations per game {esc['estimate']:.3f} "
        f"[{esc['low']:.3f}, {esc['high']:.3f}]; "
        f"games with one {_pct(mis['games_with_escalation'])}"
    )
    inc = summary["incidents"]
    lines += [
        "",
        f"Inter-Korean incidents per game {inc['per_game']['estimate']:.3f}, uncontained "
        f"{inc['uncontained_per_game']['estimate']:.3f}; contained {_pct(inc['containment'])}",
        f"  exchanges of fire per game {inc['exchanges_per_game']['estimate']:.3f}; they stay "
        f"local {_pct(inc['exchange_containment'])}",
        "",
        f"Per simulated year ({summary['years_per_game']:.2f} years a game): "
        + ", ".join(f"{k.replace('_', ' ')} {v:.3f}" for k, v in summary["per_year"].items()),
        "",
        "Launches detected (share of DPRK launches)  "
        + "  ".join(f"{t} {_pct(v)}" for t, v in summary["launches"]["detected"].items()),
        f"Negotiation: games with a proposal {_pct(summary['negotiation']['games_with_proposal'])}"
        f", with an agreement {_pct(summary['negotiation']['games_with_agreement'])}",
        "",
        "Assurance (mean by turn)",
    ]
    for ally, row in summary["assurance"].items():
        trajectory = " ".join(f"{v:.0f}" for v in row["trajectory"])
        lines.append(f"  {ally:<4} final {row['final_mean']:6.1f}   {trajectory}")
    icbm = summary["icbm"]
    lines.append(
        f"DPRK ICBM level at the end: mean {icbm['mean']:.2f}, histogram {icbm['histogram']}"
    )
    if summary["cbm_end_states"]:
        states = ", ".join(f"{k} {v}" for k, v in summary["cbm_end_states"].items())
        lines.append(f"CBM end states (games): {states}")
    rules = ", ".join(f"{k} {v}" for k, v in summary["rules"].items())
    lines += [f"Rules fired: {rules}", ""]
    hashes = summary["hashes"]
    lines.append(
        f"Hashes: model {hashes['model'][:12]}  scenario {hashes['scenario'][:12]}  "
        f"engine {hashes['engine'][:12]}"
    )
    if arms:
        lines += ["", "Arms (same seeds; difference from the arm without a package)"]
        lines += [_arm_line(name, arm) for name, arm in arms.items()]
    if checks:
        lines += ["", "Plausibility checks (same seeds, paired)"]
        for name, verdict in checks.items():
            lines.append(f"  {name:<7} {verdict}  {_check_line(details.get(name, {}))}")
    if calibration:
        lines += ["", "Calibration against the public record (docs/model.md §14)"]
        for scenario, entry in calibration.items():
            lines.append(f"  {scenario} ({entry['kind']})")
            for name, result in entry["checks"].items():
                lines.append(
                    f"    {result['verdict']:<4} {name:<26} {result['value']} "
                    f"in [{result['low']}, {result['high']}]  ({result['run']})"
                )
    return "\n".join(lines) + "\n"


def _arm_line(name: str, arm: Mapping[str, Any]) -> str:
    diffs = "; ".join(
        f"{metric} {d['mean_with']} vs {d['mean_without']} ({d['mean_difference']:+})"
        for metric, d in arm.get("paired", {}).items()
    )
    return f"  {name:<28} {diffs}"


def _check_line(detail: Mapping[str, Any]) -> str:
    if "paired" in detail:
        p = detail["paired"]
        return (
            f"{detail['metric']}: with {p['mean_with']} vs without {p['mean_without']} "
            f"(ratio {p['ratio']}, paired diff {p['mean_difference']} "
            f"[{p['low']}, {p['high']}]); rule {detail['rule']}"
        )
    if "mean_peak_rung" in detail:
        share = detail["cautious_decision_point_games"]["estimate"]
        return f"mean peak rung {detail['mean_peak_rung']}; cautious decision-point games {share}"
    parts = [
        f"{ally}: without consultation {d['mean_with']} vs with {d['mean_without']} "
        f"(difference {d['mean_difference']})"
        for ally, d in detail.items()
        if isinstance(d, Mapping) and "mean_difference" in d
    ]
    return "; ".join(parts) + (f"; rule {detail.get('rule', '')}" if parts else "")
