"""The situation as a team sees it: its view of the state (`state_for`), laid out for reading.

Only what the view holds is laid out: a hidden variable is absent from the view, so it has no
row here either; the team's belief about it stands in (docs/model.md §1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wargame.engine.narrative import advice_text
from wargame.labels import (
    NEAR_NUCLEAR_RUNGS,
    NUCLEAR_RUNG,
    TOP_RUNG,
    VARIABLE_NAMES,
    rung_name,
    value_label,
)

TEAM_ORDER = ("US", "ROK", "JPN", "DPRK", "PRC", "RUS")


def _order(code: str) -> int:
    return TEAM_ORDER.index(code) if code in TEAM_ORDER else len(TEAM_ORDER)


def _direction(a: str, b: str, rung: int, names: Mapping[str, str]) -> dict[str, Any]:
    """One direction of a ladder (a's rung toward b), as the ladder and the threshold show it."""
    return {
        "var": f"rung/{a}/{b}",
        "from": a,
        "to": b,
        "from_name": names.get(a, a),
        "to_name": names.get(b, b),
        "rung": rung,
        "name": rung_name(rung),
    }


def _ladders(
    rungs: Mapping[str, Mapping[str, Any]], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One entry per dyad, both directions: the ladder is a pair of bars."""
    dyads: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for a in sorted(rungs, key=_order):
        for b in sorted(rungs[a], key=_order):
            rung = int(rungs[a][b])
            key = tuple(sorted((a, b), key=_order))
            dyads.setdefault((key[0], key[1]), []).append(
                _direction(a, b, rung, names)
                | {"percent": round(100 * rung / TOP_RUNG), "nuclear": rung >= NUCLEAR_RUNG}
            )
    return [
        {"pair": f"{x}-{y}", "names": (names.get(x, x), names.get(y, y)), "directions": d}
        for (x, y), d in dyads.items()
    ]


def _matrix(values: Mapping[str, Mapping[str, Any]], prefix: str, digits: int) -> dict[str, Any]:
    codes = sorted(set(values) | {b for row in values.values() for b in row}, key=_order)
    return {
        "codes": codes,
        "rows": [
            {
                "code": a,
                "cells": [
                    {"var": f"{prefix}/{a}/{b}", "value": round(float(values[a][b]), digits)}
                    if b in values.get(a, {})
                    else None
                    for b in codes
                ],
            }
            for a in codes
            if a in values
        ],
    }


def _variables(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for code, level in (view.get("killchain") or {}).items():
        var = f"killchain/{code}"
        out.append({"var": var, "name": VARIABLE_NAMES.get(var, var), "value": level})
    for name, value in (view.get("dprk") or {}).items():
        var = f"dprk/{name}"
        out.append({"var": var, "name": VARIABLE_NAMES.get(var, var), "value": value_label(value)})
    return out


def _beliefs(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The team's estimates of what it cannot see (a map of pointer to estimate, confidence)."""
    out = []
    for pointer, belief in sorted((view.get("belief") or {}).items()):
        if not isinstance(belief, Mapping) or "estimate" not in belief:
            continue
        var = pointer.lstrip("/")
        out.append(
            {
                "pointer": pointer,
                "name": VARIABLE_NAMES.get(var, var),
                "estimate": value_label(belief["estimate"]),
                "confidence": round(100 * float(belief.get("confidence") or 0)),
            }
        )
    return out


def nearest_threshold(view: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The ladder directions nearest the nuclear threshold in the team's own view (the published
    rungs it sees, never a proposal's), and whether they are near enough to explain it."""
    directions = [
        (int(rung), a, b) for a, row in (view.get("rung") or {}).items() for b, rung in row.items()
    ]
    top = max((rung for rung, _, _ in directions), default=0)
    return {
        "rung": NUCLEAR_RUNG,
        "rung_name": rung_name(NUCLEAR_RUNG),
        "near": top >= NUCLEAR_RUNG - NEAR_NUCLEAR_RUNGS,
        "nearest": [
            _direction(a, b, rung, names) | {"below": max(NUCLEAR_RUNG - rung, 0)}
            for rung, a, b in sorted(directions, key=lambda d: (_order(d[1]), _order(d[2])))
            if rung == top and top > 0
        ],
    }


def advice(view: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    """The team's standing advice (the 2022 law to the DPRK, the nuclear-option debate to the ROK,
    base use to Japan), in the reader's language: a recommendation, never a decision."""
    return [
        {
            "rule": item["rule"],
            "until": item["until"],
            "text": advice_text(item["rule"], item.get("recommends") or (), lang),
        }
        for item in view.get("advice") or ()
        if isinstance(item, Mapping)
    ]


def situation(
    view: Mapping[str, Any], names: Mapping[str, str], lang: str = "en"
) -> dict[str, Any]:
    hotlines = view.get("hotline") or {}
    return {
        "advice": advice(view, lang),
        "turn": view.get("turn"),
        "ladders": _ladders(view.get("rung") or {}, names),
        "threat": _matrix(view.get("threat") or {}, "threat", 0),
        "trust": _matrix(view.get("trust") or {}, "trust", 2),
        "assurance": [
            {"var": f"assurance/{code}", "code": code, "value": round(float(v))}
            for code, v in sorted((view.get("assurance") or {}).items(), key=lambda i: _order(i[0]))
        ],
        "sanctions": view.get("sanctions"),
        "hotlines": [
            {
                "var": f"hotline/{key}",
                "name": VARIABLE_NAMES.get(f"hotline/{key}", key),
                "state": state,
                "state_name": value_label(state),
            }
            for key, state in sorted(hotlines.items())
        ],
        "variables": _variables(view),
        "beliefs": _beliefs(view),
    }
