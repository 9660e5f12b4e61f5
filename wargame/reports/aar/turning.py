"""The game's turning points, found in what the reader may know: the largest escalation steps,
the biggest belief surprise, a joint action a partner did not join, a US step with the DPRK taken
without consulting an ally, the swap and the framing of agreements with the DPRK, broken
agreements, misreadings, nuclear decision points and control's overrides.

Each point names its turn and carries the values its sentence needs (already in the report's
language); the summary lists the most salient and the discussion questions are asked about them
(``questions.py``). A step counts only when it is news: it takes a dyad above where it stood
before and at least to the highest rung the game started from, so a side dyad creeping up below a
crisis that opened higher is not a turning point."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, TypedDict

from wargame.reports.aar.analysis import IN_FORCE, dyad_rung, dyads

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from wargame.exercises.models import Adjudication
    from wargame.exercises.selectors.history import HistoryPoint
    from wargame.reports.aar.causes import CauseRow, ConsultRow
    from wargame.reports.aar.shapes import (
        AgreementRow,
        BeliefTeam,
        DecisionPointRow,
        OverrideRow,
        PerceptionRow,
    )
    from wargame.reports.aar.text import Words

# The order of salience when two kinds compete for the summary's few lines.
KINDS = (
    "escalation",
    "decision_point",
    "surprise",
    "unconsulted",
    "joint_failed",
    "swap",
    "framing",
    "violation",
    "misperception",
    "phantom",
    "override",
)
# Acts that put the swap of essay 000 §A on the table: decapitation drills, pre-delegation.
SWAP_ACTS = ("s.decap_drill", "m.predelegate")
SWAP_MEASURE = "c.swap"
# A surprise worth discussing: an answer at least this far (squared) from what came true.
SURPRISE_FLOOR = 0.5


class TurningPoint(TypedDict):
    kind: str
    turn: int
    weight: float  # within a kind, larger first
    values: dict[str, Any]


def _point(kind: str, turn: int, weight: float, **values: Any) -> TurningPoint:
    return {"kind": kind, "turn": turn, "weight": weight, "values": {"turn": turn, **values}}


def _start_peak(history: Sequence[HistoryPoint]) -> int:
    if not history:
        return 0
    return max((v for row in history[0]["rung"].values() for v in row.values()), default=0)


def _steps_from_causes(causes: Sequence[CauseRow], words: Words, floor: int) -> list[TurningPoint]:
    return [
        _point(
            "escalation",
            row["turn"],
            float(row["after"] * 10 + row["after"] - row["before"]),
            a=words.team(row["actor"]),
            b=words.team(row["target"]),
            before=row["before"],
            after=row["after"],
        )
        for row in causes
        if row["after"] >= floor
    ]


def _steps_from_history(
    history: Sequence[HistoryPoint], words: Words, floor: int
) -> list[TurningPoint]:
    """For a reader without the adjudications: the public ladder, per dyad, turn after turn."""
    found: list[TurningPoint] = []
    for before, after in itertools.pairwise(history):
        for a, b in dyads(list(history)):
            old, new = dyad_rung(before, a, b), dyad_rung(after, a, b)
            if old is None or new is None or new <= old or new < floor:
                continue
            found.append(
                _point(
                    "escalation",
                    after["turn"],
                    float(new * 10 + new - old),
                    a=words.team(a),
                    b=words.team(b),
                    before=old,
                    after=new,
                )
            )
    return found


def _surprise(beliefs: Sequence[BeliefTeam]) -> list[TurningPoint]:
    return [
        _point(
            "surprise",
            int(team["surprise_turn"]),
            float(team["surprise_error"]),
            team=team["team_name"],
            **team["surprise_detail"],
        )
        for team in beliefs
        if team["surprise_turn"] is not None
        and team["surprise_error"] is not None
        and team["surprise_error"] >= SURPRISE_FLOOR
    ]


def _acts(adjudicated: Sequence[Adjudication], words: Words) -> list[TurningPoint]:
    """What the turns' records hold: joint acts a partner did not join, the swap's acts."""
    out: list[TurningPoint] = []
    for adjudication in adjudicated:
        for event in adjudication.proposal.get("events", []):
            action = str(event.get("action") or "")
            if event.get("kind") == "joint_failed":
                out.append(
                    _point(
                        "joint_failed",
                        adjudication.turn,
                        1.0,
                        team=words.team(event.get("actor")),
                        partner=words.team(event.get("target")) or "?",
                        action=words.action(action),
                    )
                )
            elif event.get("kind") == "action" and action in SWAP_ACTS:
                out.append(
                    _point(
                        "swap",
                        adjudication.turn,
                        2.0,
                        team=words.team(event.get("actor")),
                        action=words.action(action),
                    )
                )
    return out


def _unconsulted(consultations: Sequence[ConsultRow]) -> list[TurningPoint]:
    return [
        _point(
            "unconsulted",
            row["turn"],
            float(len(missing)),
            step=row["act"],
            allies=", ".join(missing),
        )
        for row in consultations
        if (missing := [a["name"] for a in row["allies"] if a["key"] == "not_consulted"])
    ]


def _agreements(agreements: Sequence[AgreementRow], words: Words) -> list[TurningPoint]:
    """A broken agreement; the swap proposed, refused or agreed; an agreement with the DPRK in
    force though nobody framed it as a step toward denuclearisation (arms control only: a hotline
    needs no such framing)."""
    out: list[TurningPoint] = []
    dprk = words.team("DPRK")
    # Framing matters for arms control only (the rule R18 reads the same flag).
    measures: Mapping[str, Mapping[str, Any]] = words.scenario.model().data["cbm"]["measures"]
    for row in agreements:
        history = row["history"]
        if row["status_key"] == "violated":
            turn = next((h["turn"] for h in history if h["key"] == "violated"), 0)
            out.append(
                _point(
                    "violation",
                    turn,
                    1.0,
                    measure=row["measure"],
                    parties=row["parties"],
                    violators=row["violated_by"] or "?",
                )
            )
        if row["measure_key"] == SWAP_MEASURE:
            last = history[-1]
            out.append(
                _point(
                    "swap",
                    int(last["turn"]),
                    3.0,
                    team=row["proposed_by"],
                    action=f"{row['measure']} ({last['status']})",
                )
            )
        elif (
            row["framing"] != "interim_step"
            and dprk in row["parties"]
            and measures.get(row["measure_key"], {}).get("arms_control")
        ):
            agreed = next((h for h in history if h["key"] in IN_FORCE), None)
            if agreed is not None:
                out.append(
                    _point(
                        "framing",
                        int(agreed["turn"]),
                        1.0,
                        measure=row["measure"],
                        parties=row["parties"],
                    )
                )
    return out


def _misperceptions(perception: Sequence[PerceptionRow]) -> list[TurningPoint]:
    out: list[TurningPoint] = []
    for row in perception:
        for item in row["items"]:
            if item["status"] not in ("misread", "phantom"):
                continue
            out.append(
                _point(
                    "misperception" if item["status"] == "misread" else "phantom",
                    row["turn"],
                    1.0,
                    observer=row["team_name"],
                    actor=item["actor"],
                    perceived=item["perceived_action"],
                    actual=item["actual"],
                )
            )
    return out


def turning_points(
    words: Words,
    *,
    history: Sequence[HistoryPoint],
    causes: Sequence[CauseRow],
    beliefs: Sequence[BeliefTeam],
    consultations: Sequence[ConsultRow],
    adjudicated: Sequence[Adjudication],
    agreements: Sequence[AgreementRow],
    perception: Sequence[PerceptionRow],
    points: Sequence[DecisionPointRow],
    overrides: Sequence[OverrideRow],
) -> list[TurningPoint]:
    """Every turning point the reader may know, the most salient of each kind first."""
    floor = _start_peak(history)
    steps = (
        _steps_from_causes(causes, words, floor)
        if adjudicated
        else _steps_from_history(history, words, floor)
    )
    found = [
        *steps,
        *[
            _point(
                "decision_point",
                p["turn"],
                float(p["rung"]),
                team=words.team(p["team"]),
                rung=p["rung"],
                choice=words.label("approved" if p["approved"] else "held"),
            )
            for p in points
        ],
        *_surprise(beliefs),
        *_unconsulted(consultations),
        *_acts(adjudicated, words),
        *_agreements(agreements, words),
        *_misperceptions(perception),
        *[_point("override", o["turn"], 1.0, reason=o["reason"] or o["path"]) for o in overrides],
    ]
    return sorted(found, key=lambda p: (KINDS.index(p["kind"]), -p["weight"], p["turn"]))


def salient(
    found: Sequence[TurningPoint], limits: Mapping[str, int], total: int
) -> list[TurningPoint]:
    """At most ``limits[kind]`` of each kind (in the order of :data:`KINDS`) and ``total`` in
    all, then in turn order."""
    taken: list[TurningPoint] = []
    counts: dict[str, int] = {}
    turns: set[tuple[str, int]] = set()
    for point in found:
        if counts.get(point["kind"], 0) >= limits.get(point["kind"], 0):
            continue
        if (point["kind"], point["turn"]) in turns:  # one of a kind per turn: the most salient
            continue
        turns.add((point["kind"], point["turn"]))
        counts[point["kind"]] = counts.get(point["kind"], 0) + 1
        taken.append(point)
    return sorted(taken[:total], key=lambda p: (p["turn"], KINDS.index(p["kind"])))
