"""The debrief's scorecard and beliefs against truth: pure functions over what the reader may know.

Each team's objectives are scored by their machine checks (`objectives[].check`) over the game's
states; each answer to the belief questionnaire is set against the truth, or, for a reader the
debrief has not been released to, against what the team's own view showed. A team's calibration
is its Brier score: the mean of (p - o)^2 over its probability and yes/no answers (a yes counts as
p = 1), o being 1 when the event came true; 0 is perfect, 0.25 what always answering 0.5 earns.
Its biggest surprise is the answer furthest from the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from wargame.engine.scenario.beliefs import Question
    from wargame.engine.scenario.objectives import Check
    from wargame.reports.aar.shapes import BeliefRow, BeliefTeam, ObjectiveRow, ScoreTeam
    from wargame.reports.aar.text import Words

    CheckMet = Callable[[Check], bool]


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer as the reader may know it, with what it is set against (None: not known)."""

    turn: int
    team: str
    question: str
    answer: Any
    against: Any


def scorecard(words: Words, teams: Sequence[str], met: CheckMet | None) -> list[ScoreTeam]:
    """Each team's objectives; scored by ``met`` where the reader may see the truth."""
    out: list[ScoreTeam] = []
    for code in teams:
        brief = words.scenario.teams.get(code)
        if brief is None:
            continue
        rows: list[ObjectiveRow] = []
        for index, text in enumerate(brief.objectives):
            check = brief.checks[index] if index < len(brief.checks) else None
            result = met(check) if met is not None and check is not None else None
            if check is None:
                status = words.label("prose_only")
            elif result is None:
                status = words.label("scored_at_debrief")
            else:
                status = words.label("met" if result else "not_met")
            rows.append({"text": text.get(words.lang), "met": result, "status": status})
        out.append({"team": code, "team_name": words.team(code), "objectives": rows})
    return out


def squared_error(question: Question, answer: Any, outcome: Any) -> float | None:
    """(p - o)^2 for a probability or a yes/no; 0 or 1 for a choice; None when unknown."""
    if answer is None or outcome is None:
        return None
    if question.answer == "choice":
        return 0.0 if answer == outcome else 1.0
    if not isinstance(outcome, bool):
        return None
    p = float(answer) if question.answer == "probability" else (1.0 if answer else 0.0)
    return (p - (1.0 if outcome else 0.0)) ** 2


def brier(questions: Mapping[str, Question], answers: Sequence[Answer]) -> tuple[float | None, int]:
    """The mean squared error of the forecasts (probability and yes/no answers) whose outcome is
    known, and how many there were."""
    errors = [
        error
        for a in answers
        if (q := questions.get(a.question)) is not None
        and q.answer != "choice"
        and (error := squared_error(q, a.answer, a.against)) is not None
    ]
    if not errors:
        return None, 0
    return round(sum(errors) / len(errors), 3), len(errors)


def _value(words: Words, question: Question, value: Any) -> str:
    if value is None:
        return words.label("unknown")
    if question.answer == "probability":
        return f"{round(float(value) * 100)}%"
    if isinstance(value, bool):
        return words.label("yes" if value else "no")
    for option in question.options:
        if option.value == value:
            return option.text.get(words.lang)
    return str(value)


def _outcome(words: Words, question: Question, value: Any) -> str:
    if question.answer == "probability" and isinstance(value, bool):
        return words.label("came_true" if value else "did_not_happen")
    return _value(words, question, value)


def belief_teams(
    words: Words, teams: Sequence[str], answers: Sequence[Answer], *, settled: bool = False
) -> list[BeliefTeam]:
    """Per team, its answers against the truth (or what it saw), its Brier score and its
    biggest surprise. ``settled``: the game is over, so an answer still without a truth never
    gets one (its window outlived the game) and says so."""
    questions = {q.id: q for q in words.scenario.beliefs}
    out: list[BeliefTeam] = []
    for code in teams:
        own = [a for a in answers if a.team == code and a.question in questions]
        if not own:
            continue
        rows: list[BeliefRow] = []
        worst: tuple[float, Answer] | None = None
        for a in sorted(own, key=lambda a: (a.turn, list(questions).index(a.question))):
            q = questions[a.question]
            error = squared_error(q, a.answer, a.against)
            if error is not None and (worst is None or error > worst[0]):
                worst = (error, a)
            rows.append(
                {
                    "turn": a.turn,
                    "question": q.ask.get(words.lang),
                    "answer": _value(words, q, a.answer),
                    "against": words.label("not_settled")
                    if settled and a.against is None
                    else _outcome(words, q, a.against),
                    "error": None if error is None else round(error, 3),
                }
            )
        score, forecasts = brier(questions, own)
        surprise = ""
        detail: dict[str, str] = {}
        if worst is not None and worst[0] > 0:
            a = worst[1]
            q = questions[a.question]
            detail = {
                "question": q.ask.get(words.lang),
                "answer": _value(words, q, a.answer),
                "outcome": _outcome(words, q, a.against),
            }
            surprise = words.label("surprise", turn=a.turn, **detail)
        out.append(
            {
                "team": code,
                "team_name": words.team(code),
                "rows": rows,
                "brier": score,
                "forecasts": forecasts,
                "surprise": surprise,
                "surprise_detail": detail,
                "surprise_turn": worst[1].turn if worst is not None and worst[0] > 0 else None,
                "surprise_error": round(worst[0], 3) if worst is not None else None,
            }
        )
    return out
