"""Readings of the published adjudications: perception against truth, words against deeds, the
life of each agreement, control's interventions, and the chart series."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from wargame.engine.state import State
from wargame.engine.views import agreements_seen
from wargame.exercises.audience import agreement_audience, may_see
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wargame.exercises.models import Adjudication
    from wargame.exercises.selectors.history import HistoryPoint
    from wargame.exercises.selectors.turns import TurnLog
    from wargame.reports.aar.shapes import (
        AgreementRow,
        ChartData,
        DecisionPointRow,
        OverrideRow,
        PerceptionItem,
        PerceptionRow,
        SayDoRow,
        Series,
    )
    from wargame.reports.aar.text import Words

# Visibility classes of the catalogue: "prv" acts are done out of sight (docs/model.md#1-state).
PRIVATE = "prv"
# Agreement statuses in force (data/model.yaml cbm.in_force).
IN_FORCE = ("agreed", "implemented", "verified")


def _true_actions(proposal: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in proposal.get("events", []) if e.get("kind") == "action"}


def _perception_items(
    team: str, truth: dict[str, dict[str, Any]], seen: list[dict[str, Any]], words: Words
) -> list[PerceptionItem]:
    items: list[PerceptionItem] = []
    by_event: dict[str, list[dict[str, Any]]] = {}
    for item in seen:
        if "own" in item.get("tags", []):
            continue
        if "phantom" in item.get("tags", []) or not item.get("event"):
            items.append(
                {
                    "actor": words.team(item.get("actor")),
                    "actual": words.label("phantom"),
                    "perceived": words.action(item.get("action")),
                    "perceived_action": words.action(item.get("action")),
                    "status": "phantom",
                    "wrong": True,
                }
            )
            continue
        by_event.setdefault(str(item["event"]), []).append(item)
    for event_id, event in truth.items():
        if event.get("actor") == team:
            continue
        actual = words.action(event.get("action"))
        if event.get("target"):
            actual += f" → {words.team(event['target'])}"
        found = by_event.get(event_id, [])
        if not found:
            items.append(
                {
                    "actor": words.team(event.get("actor")),
                    "actual": actual,
                    "perceived": words.label("missed"),
                    "perceived_action": "",
                    "status": "missed",
                    "wrong": False,
                }
            )
        for item in found:
            misread = "misread" in item.get("tags", [])
            label = words.action(item.get("action"))
            items.append(
                {
                    "actor": words.team(event.get("actor")),
                    "actual": actual,
                    "perceived": words.label("misread_as", label=label)
                    if misread
                    else words.label("seen"),
                    "perceived_action": label,
                    "status": "misread" if misread else "seen",
                    "wrong": misread,
                }
            )
    return items


def perception_rows(
    published: list[Adjudication], words: Words, teams: list[str]
) -> list[PerceptionRow]:
    """Per turn and team: each true act of the others against what the team took it to be."""
    rows: list[PerceptionRow] = []
    for adjudication in published:
        proposal = adjudication.proposal
        truth = _true_actions(proposal)
        perceptions: dict[str, list[dict[str, Any]]] = proposal.get("perceptions", {})
        for team in teams:
            items = _perception_items(team, truth, perceptions.get(f"team:{team}", []), words)
            if not items:
                continue
            rows.append(
                {
                    "turn": adjudication.turn,
                    "team": team,
                    "team_name": words.team(team),
                    "items": items,
                    "wrong": sum(1 for i in items if i["wrong"]),
                }
            )
    return rows


def say_do_rows(
    log_turns: Mapping[int, TurnLog],
    published: list[Adjudication],
    words: Words,
    teams: list[str],
) -> list[SayDoRow]:
    """Each team's public statements beside what it actually did that turn (its adjudicated
    decision; an act marked private went unannounced)."""
    adjudicated = {a.turn: a for a in published}
    rows: list[SayDoRow] = []
    for turn in sorted(t for t in log_turns if t > 0):
        log_turn = log_turns[turn]
        adjudication = adjudicated.get(turn)
        visibility = {}
        decisions: dict[str, Any] = {}
        if adjudication is not None:
            decisions = adjudication.decisions
            for event in _true_actions(adjudication.proposal).values():
                visibility[(event.get("actor"), event.get("action"), event.get("target"))] = (
                    event.get("vis")
                )
        for team in teams:
            said = [
                str(s.payload.get("body") or "")
                for s in log_turn.statements
                if s.payload.get("team") == team
            ]
            decision = decisions.get(team) or log_turn.decisions.get(team) or {}
            did = [
                {
                    "title": words.action(a.get("action"))
                    + (f" → {words.team(a['target'])}" if a.get("target") else ""),
                    "private": visibility.get((team, a.get("action"), a.get("target"))) == PRIVATE,
                }
                for a in decision.get("actions") or []
            ]
            if said or did:
                rows.append(
                    {
                        "turn": turn,
                        "team": team,
                        "team_name": words.team(team),
                        "said": said,
                        "did": did,
                    }
                )
    return rows


def agreement_rows(
    published: list[Adjudication], words: Words, view: str = CONTROL
) -> list[AgreementRow]:
    """Every agreement the view was party to, with its status after each published turn as the
    view knew it, by the view's own numbers (control: every agreement, and the truth)."""
    history: dict[int, list[dict[str, Any]]] = {}
    last: dict[int, dict[str, Any]] = {}
    for adjudication in published:
        state = State.from_dict(adjudication.proposal["state"])
        for agreement in agreements_seen(state, view):
            if not may_see(view, agreement_audience(agreement["parties"])):
                continue
            key = int(agreement["id"])
            last[key] = agreement
            steps = history.setdefault(key, [])
            if not steps or steps[-1]["key"] != agreement["status"]:
                steps.append(
                    {
                        "turn": adjudication.turn,
                        "key": agreement["status"],
                        "status": words.status(agreement["status"]),
                    }
                )
    rows: list[AgreementRow] = []
    for key in sorted(last):
        agreement = last[key]
        rows.append(
            {
                "id": key,
                "measure": words.measure(agreement.get("measure")),
                "measure_key": str(agreement.get("measure") or ""),
                "framing": str(agreement.get("framing") or "none"),
                "parties": ", ".join(words.team(p) for p in agreement.get("parties", [])),
                "proposed_by": words.team(agreement.get("proposed_by")),
                "status": words.status(agreement["status"]),
                "status_key": str(agreement["status"]),
                "history": history[key],
                "violated_by": ", ".join(words.team(p) for p in agreement.get("violated_by", [])),
            }
        )
    return rows


def decision_points(published: list[Adjudication]) -> list[DecisionPointRow]:
    return [
        {
            "turn": a.turn,
            "team": str(point["actor"]),
            "rung": int(point["rung"]),
            "approved": a.approved_nuclear,
        }
        for a in published
        for point in a.proposal.get("decision_points", [])
    ]


def _shown(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def override_rows(published: list[Adjudication]) -> list[OverrideRow]:
    return [
        {
            "turn": a.turn,
            "path": str(o.get("path", "")),
            "old": _shown(o.get("old")),
            "new": _shown(o.get("value")),
            "reason": str(o.get("reason") or ""),
        }
        for a in published
        for o in a.overrides or []
    ]


def dyads(history: list[HistoryPoint]) -> list[tuple[str, str]]:
    """Unordered adversary pairs, as the ladder holds them (each direction carries one rung)."""
    seen: list[tuple[str, str]] = []
    for point in history:
        for a, row in point["rung"].items():
            for b in row:
                pair = (a, b) if (b, a) not in seen else (b, a)
                if pair not in seen:
                    seen.append(pair)
    return seen


def dyad_rung(point: HistoryPoint, a: str, b: str) -> int | None:
    values = [
        point["rung"].get(x, {}).get(y)
        for x, y in ((a, b), (b, a))
        if y in point["rung"].get(x, {})
    ]
    found = [int(v) for v in values if v is not None]
    return max(found) if found else None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def chart_data(history: list[HistoryPoint], words: Words) -> ChartData:
    turns = [point["turn"] for point in history]
    rung: list[Series] = [
        {
            "label": f"{words.team(a)} \u2013 {words.team(b)}",
            "values": [_number(dyad_rung(p, a, b)) for p in history],
        }
        for a, b in dyads(history)
    ]
    ci: list[Series] = [{"label": "CI", "values": [p["ci"] for p in history]}]
    threat: list[Series] = [
        {
            "label": f"{words.team(a)} → {words.team(b)}",
            "values": [_number(p["state"].get("threat", {}).get(a, {}).get(b)) for p in history],
        }
        for a, b in _directed(history)
    ]
    assurance: list[Series] = [
        {
            "label": words.team(code),
            "values": [_number(p["state"].get("assurance", {}).get(code)) for p in history],
        }
        for code in ("ROK", "JPN")
        if any(code in p["state"].get("assurance", {}) for p in history)
    ]
    bounds = [v for s in rung for v in s["values"] if v is not None]
    return {
        "turns": turns,
        "rung": rung,
        "ci": ci,
        "threat": threat,
        "assurance": assurance,
        "rung_bounds": (int(min(bounds, default=0)), int(max(bounds, default=1))),
    }


def _directed(history: list[HistoryPoint]) -> list[tuple[str, str]]:
    """Threat is read along the ladder's pairs: an ally's threat of an ally stays flat."""
    out: list[tuple[str, str]] = []
    for point in history:
        for a, row in point["rung"].items():
            for b in row:
                if (a, b) not in out:
                    out.append((a, b))
    return out
