"""The escalation figure (rungs per dyad and, for control, the crisis-instability index) and the
alerts of thresholds crossed, built from a history the selectors already filtered for its view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.utils.translation import gettext as _

from wargame.web.charts import Guide, Series, line_chart
from wargame.web.review_labels import ci_alert_level, rung_name

if TYPE_CHECKING:
    from wargame.exercises.selectors.history import HistoryPoint, LadderScale
    from wargame.web.charts import Chart

CI_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)


class Alert(TypedDict):
    turn: int
    kind: str  # "nuclear", "incident", "ci"
    level: str  # "danger" or "warn"
    dyad: str
    value: str
    name: str


def dyads(history: list[HistoryPoint]) -> list[tuple[str, str]]:
    """Every ladder in the history, DPRK's own first, in a stable order."""
    found = {(a, b) for point in history for a, row in point["rung"].items() for b in row}
    return sorted(found, key=lambda pair: (pair[0] != "DPRK", pair))


def dyad_label(pair: tuple[str, str]) -> str:
    return f"{pair[0]} → {pair[1]}"


def rung_series(history: list[HistoryPoint]) -> list[Series]:
    return [
        Series(
            key=f"{a}-{b}",
            label=dyad_label((a, b)),
            team=a,
            points=tuple(
                (p["turn"], float(p["rung"][a][b])) for p in history if b in p["rung"].get(a, {})
            ),
        )
        for a, b in dyads(history)
    ]


def ci_series(history: list[HistoryPoint]) -> list[Series]:
    points = tuple((p["turn"], p["ci"]) for p in history if p["ci"] is not None)
    if not points:
        return []
    return [Series(key="ci", label=_("Crisis instability"), team="control", points=points)]


def _ci_text(value: float) -> str:
    return f"{value:.2f}"


def escalation_figure(
    history: list[HistoryPoint], scale: LadderScale, *, dom_id: str, with_ci: bool
) -> dict[str, Any]:
    """Template context of ``web/review/_escalation.html``: the charts and their data table."""
    turns = [p["turn"] for p in history]
    series = rung_series(history)
    rung_chart: Chart = line_chart(
        series=series,
        turns=turns,
        y_range=(scale["bottom"], scale["top"]),
        y_ticks=range(scale["bottom"], scale["top"] + 1),
        title=_("Escalation ladder per dyad, turn by turn"),
        desc=_(
            "One line per dyad: the rung (0 to %(top)d) one team holds toward another after each "
            "published turn. The dashed red line marks the nuclear threshold (rung %(rung)d)."
        )
        % {"top": scale["top"], "rung": scale["approval_rung"]},
        x_label=_("Turn"),
        y_label=_("Rung"),
        dom_id=f"{dom_id}-rungs",
        guides=(Guide(scale["approval_rung"], _("Nuclear threshold"), "danger"),),
        testid="escalation-chart",
        tick_label=lambda v: str(int(v)),
    )
    context: dict[str, Any] = {
        "dom_id": dom_id,
        "rung_chart": rung_chart,
        "dyads": [dyad_label(d) for d in dyads(history)],
        "rows": [
            {
                "turn": p["turn"],
                "rungs": [p["rung"].get(a, {}).get(b) for a, b in dyads(history)],
                "ci": _ci_text(p["ci"]) if p["ci"] is not None else None,
            }
            for p in history
        ],
        "with_ci": False,
    }
    ci = ci_series(history) if with_ci else []
    if ci:
        level = ci_alert_level()
        context["with_ci"] = True
        context["ci_chart"] = line_chart(
            series=ci,
            turns=turns,
            y_range=(0.0, 1.0),
            y_ticks=CI_TICKS,
            title=_("Crisis-instability index, turn by turn"),
            desc=_(
                "The crisis-instability index (0 to 1) after each published turn; the dashed "
                "line marks the alert level %(level)s."
            )
            % {"level": _ci_text(level)},
            x_label=_("Turn"),
            y_label=_("CI"),
            dom_id=f"{dom_id}-ci",
            guides=(Guide(level, _("Alert level"), "warn"),),
            testid="ci-chart",
            tick_label=_ci_text,
        )
    return context


def escalation_alerts(history: list[HistoryPoint], scale: LadderScale) -> list[Alert]:
    """Each threshold a value crossed upward, newest first; a start already at or above one
    counts as crossed at turn 0."""
    alerts: list[Alert] = []
    rung_levels = (
        ("nuclear", "danger", scale["approval_rung"]),
        ("incident", "warn", scale["victim_trigger"]),
    )
    for a, b in dyads(history):
        before: int | None = None
        for point in history:
            now = point["rung"].get(a, {}).get(b)
            if now is None:
                continue
            for kind, level, threshold in rung_levels:
                if now >= threshold and (before is None or before < threshold):
                    alerts.append(
                        {
                            "turn": point["turn"],
                            "kind": kind,
                            "level": level,
                            "dyad": dyad_label((a, b)),
                            "value": str(now),
                            "name": rung_name(now),
                        }
                    )
                    break
            before = now
    ci_level = ci_alert_level()
    previous: float | None = None
    for point in history:
        ci = point["ci"]
        if ci is None:
            continue
        if ci > ci_level and (previous is None or previous <= ci_level):
            alerts.append(
                {
                    "turn": point["turn"],
                    "kind": "ci",
                    "level": "warn",
                    "dyad": "",
                    "value": _ci_text(ci),
                    "name": _ci_text(ci_level),
                }
            )
        previous = ci
    return sorted(alerts, key=lambda alert: -alert["turn"])
