"""Discussion questions drawn from the exercise's turning points (``data/questions.yaml``): the
largest jumps up the ladder, nuclear decision points, misperceptions, broken agreements and
control's overrides, the most salient of each kind first."""

from __future__ import annotations

import itertools
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from wargame.engine.korean import format_with_particles
from wargame.reports.aar.analysis import dyad_rung, dyads

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wargame.exercises.selectors.history import HistoryPoint
    from wargame.reports.aar.shapes import (
        AgreementRow,
        DecisionPointRow,
        OverrideRow,
        PerceptionRow,
        Question,
    )
    from wargame.reports.aar.text import Words

QUESTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "questions.yaml"


@lru_cache(maxsize=1)
def question_data() -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    return loaded


def _ask(kind: str, words: Words, turn: int, **values: object) -> Question:
    table: Mapping[str, str] = question_data()["templates"][kind]
    text = table.get(words.lang) or table["en"]
    return {"kind": kind, "turn": turn, "text": format_with_particles(text, turn=turn, **values)}


def _rung_jumps(history: list[HistoryPoint], words: Words) -> list[tuple[int, Question]]:
    found: list[tuple[int, Question]] = []
    for before, after in itertools.pairwise(history):
        for a, b in dyads(history):
            old, new = dyad_rung(before, a, b), dyad_rung(after, a, b)
            if old is None or new is None or new <= old:
                continue
            question = _ask(
                "rung_jump",
                words,
                after["turn"],
                a=words.team(a),
                b=words.team(b),
                before=old,
                after=new,
            )
            found.append((new - old, question))
    return found


def _misperceptions(perception: list[PerceptionRow], words: Words) -> list[Question]:
    out: list[Question] = []
    for row in perception:
        for item in row["items"]:
            if item["status"] == "misread":
                out.append(
                    _ask(
                        "misperception",
                        words,
                        row["turn"],
                        observer=row["team_name"],
                        actor=item["actor"],
                        perceived=item["perceived_action"],
                        actual=item["actual"],
                    )
                )
            elif item["status"] == "phantom":
                out.append(
                    _ask(
                        "phantom",
                        words,
                        row["turn"],
                        observer=row["team_name"],
                        actor=item["actor"],
                        perceived=item["perceived_action"],
                    )
                )
    return out


def discussion_questions(
    words: Words,
    *,
    history: list[HistoryPoint],
    perception: list[PerceptionRow],
    agreements: list[AgreementRow],
    points: list[DecisionPointRow],
    overrides: list[OverrideRow],
) -> list[Question]:
    limits: Mapping[str, int] = question_data()["limits"]
    jumps = sorted(_rung_jumps(history, words), key=lambda found: (-found[0], found[1]["turn"]))
    picked: list[Question] = [q for _, q in jumps[: limits["rung_jump"]]]
    picked += [
        _ask(
            "decision_point",
            words,
            p["turn"],
            team=words.team(p["team"]),
            rung=p["rung"],
            choice=words.label("approved" if p["approved"] else "held"),
        )
        for p in points[: limits["decision_point"]]
    ]
    picked += _misperceptions(perception, words)[: limits["misperception"]]
    violated = [a for a in agreements if a["status_key"] == "violated"]
    picked += [
        _ask(
            "violation",
            words,
            next((h["turn"] for h in a["history"] if h["key"] == "violated"), 0),
            measure=a["measure"],
            parties=a["parties"],
            violators=a["violated_by"] or "?",
        )
        for a in violated[: limits["violation"]]
    ]
    picked += [
        _ask("override", words, o["turn"], reason=o["reason"] or o["path"])
        for o in overrides[: limits["override"]]
    ]
    picked = sorted(picked[: limits["total"] - 1], key=lambda q: q["turn"])
    return [*picked, _ask("general", words, 0)]
