"""What happened, in a few sentences for the report's first page: how far the crisis climbed and
where it ended, the instability it reached (control), the agreements, the misreadings (control),
the nuclear decision points, how well the teams forecast, and control's hand on the model. Every
figure is read from the same rows the report's body shows, so the summary and the body agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wargame.reports.aar.analysis import IN_FORCE, dyad_rung, dyads

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wargame.exercises.selectors.history import HistoryPoint
    from wargame.reports.aar.shapes import (
        AgreementRow,
        BeliefTeam,
        DecisionPointRow,
        OverrideRow,
        PerceptionRow,
    )
    from wargame.reports.aar.text import Words


def _peak(history: Sequence[HistoryPoint]) -> tuple[int, int, str, str] | None:
    """The highest rung after a played turn: (rung, first turn at it, side, side)."""
    best: tuple[int, int, str, str] | None = None
    for point in history[1:]:
        for a, b in dyads(list(history)):
            rung = dyad_rung(point, a, b)
            if rung is not None and (best is None or rung > best[0]):
                best = (rung, point["turn"], a, b)
    return best


def _end(history: Sequence[HistoryPoint]) -> int | None:
    last = history[-1] if len(history) > 1 else None
    if last is None:
        return None
    found = [r for a, b in dyads(list(history)) if (r := dyad_rung(last, a, b)) is not None]
    return max(found, default=None)


def _ci_peak(history: Sequence[HistoryPoint]) -> tuple[float, int] | None:
    found = [(p["ci"], p["turn"]) for p in history[1:] if p["ci"] is not None]
    return max(found, default=None, key=lambda pair: pair[0])


def what_happened(
    words: Words,
    *,
    history: Sequence[HistoryPoint],
    agreements: Sequence[AgreementRow],
    perception: Sequence[PerceptionRow],
    points: Sequence[DecisionPointRow],
    beliefs: Sequence[BeliefTeam],
    overrides: Sequence[OverrideRow],
    truth: bool,
) -> list[str]:
    """The summary's sentences in the report's language."""
    say = words.summary
    out: list[str] = []
    peak, end = _peak(history), _end(history)
    if peak is None or end is None:
        return [say("nothing_played")]
    rung, turn, a, b = peak
    out.append(
        say("peak", rung=rung, turn=turn, a=words.team(a), b=words.team(b), end=end)
        if rung > 0
        else say("quiet")
    )
    ci = _ci_peak(history) if truth else None
    if ci is not None:
        out.append(say("ci", ci=f"{ci[0]:.2f}", turn=ci[1]))
    live = [row["measure"] for row in agreements if row["status_key"] in IN_FORCE]
    broken = sum(1 for row in agreements if row["status_key"] == "violated")
    if not agreements:
        out.append(say("no_agreements"))
    else:
        out.append(
            say(
                "agreements",
                proposed=len(agreements),
                live=len(live),
                names=", ".join(dict.fromkeys(live)) or "-",
                broken=broken,
            )
        )
    if truth:
        items = [item for row in perception for item in row["items"]]
        out.append(
            say(
                "perception",
                misread=sum(1 for i in items if i["status"] == "misread"),
                phantom=sum(1 for i in items if i["status"] == "phantom"),
                missed=sum(1 for i in items if i["status"] == "missed"),
            )
        )
    out.append(
        say("decision_points", count=len(points), turns=", ".join(str(p["turn"]) for p in points))
        if points
        else say("no_decision_points")
    )
    scored = sorted((t for t in beliefs if t["brier"] is not None), key=lambda t: t["brier"] or 0)
    if len(scored) >= 2:
        best, worst = scored[0], scored[-1]
        out.append(
            say(
                "calibration",
                best=best["team_name"],
                best_brier=f"{best['brier']:.3f}",
                worst=worst["team_name"],
                worst_brier=f"{worst['brier']:.3f}",
            )
        )
    if truth:
        out.append(say("overrides", count=len(overrides)) if overrides else say("no_overrides"))
    return out
