"""The after-action review's content, read from control's record of the exercise: the event log
(control's payloads) for what was said and decided, and the published adjudications for the truth
of each turn (the state, the true events, what each team perceived, the overrides).

Control's view is the right one here: the report is written for the facilitator's debrief (and
observers only once the facilitator opens the teams' record to them after the end)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wargame.exercises.bot_words import rationale_in
from wargame.exercises.events import EventType
from wargame.exercises.models import (
    Adjudication,
    AdjudicationStatus,
    Participant,
    ParticipantRole,
    Team,
)
from wargame.exercises.principals import Principal
from wargame.exercises.selectors.history import HistoryPoint, escalation_history
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.times import iso_utc
from wargame.exercises.views_of import CONTROL
from wargame.reports.aar.analysis import (
    agreement_rows,
    chart_data,
    decision_points,
    override_rows,
    perception_rows,
    say_do_rows,
)
from wargame.reports.aar.questions import discussion_questions
from wargame.reports.aar.text import Words
from wargame.reports.exports import TURN_MARKERS, events_of

if TYPE_CHECKING:
    from datetime import datetime

    from wargame.exercises.models import Event, Exercise
    from wargame.reports.aar.shapes import (
        AgreementRow,
        ChartData,
        DecisionPointRow,
        DecisionRow,
        OverrideRow,
        Overview,
        PerceptionRow,
        Question,
        SayDoRow,
        TeamRow,
        TurnRow,
    )


@dataclass
class LogTurn:
    """What the log holds for one turn, in control's payloads."""

    injects: list[dict[str, Any]] = field(default_factory=list)
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    submitted: set[str] = field(default_factory=set)
    statements: list[dict[str, Any]] = field(default_factory=list)
    outcome: dict[str, Any] | None = None


@dataclass
class LogRead:
    turns: dict[int, LogTurn] = field(default_factory=dict)
    started: datetime | None = None
    ended: datetime | None = None

    def turn(self, n: int) -> LogTurn:
        return self.turns.setdefault(n, LogTurn())


@dataclass
class ReportData:
    lang: str
    words: Words
    last_seq: int
    overview: Overview
    turns: list[TurnRow]
    charts: ChartData
    perception: list[PerceptionRow]
    say_do: list[SayDoRow]
    agreements: list[AgreementRow]
    overrides: list[OverrideRow]
    decision_points: list[DecisionPointRow]
    questions: list[Question]


def read_log(exercise: Exercise, *, up_to: int) -> LogRead:
    log = LogRead()
    current = 0
    for event in events_of(exercise, up_to=up_to):
        payload: dict[str, Any] = event.payload if isinstance(event.payload, dict) else {}
        if event.type in TURN_MARKERS and isinstance(payload.get("turn"), int):
            current = int(payload["turn"])
        _note(log, event, payload, current)
    return log


def _note(log: LogRead, event: Event, payload: dict[str, Any], current: int) -> None:
    kind = event.type
    turn = int(payload["turn"]) if isinstance(payload.get("turn"), int) else current
    if kind == EventType.EXERCISE_STARTED:
        log.started = event.created_at
    elif kind == EventType.EXERCISE_ENDED:
        log.ended = event.created_at
    elif kind == EventType.INJECT_RELEASED:
        log.turn(turn).injects.append(payload)
    elif kind in (EventType.DECISION_SAVED, EventType.DECISION_SUBMITTED) and payload.get("team"):
        log.turn(turn).decisions[str(payload["team"])] = payload
        if kind == EventType.DECISION_SUBMITTED:
            log.turn(turn).submitted.add(str(payload["team"]))
    elif kind == EventType.STATEMENT_PUBLISHED:
        log.turn(turn).statements.append(payload)
    elif kind == EventType.OUTCOME_PUBLISHED:
        log.turn(turn).outcome = payload


def _when(moment: datetime | None, words: Words) -> str:
    if moment is None:
        return words.label("not_yet")
    return iso_utc(moment).replace("T", " ")[:16] + " UTC"


def _teams(exercise: Exercise, words: Words) -> tuple[list[TeamRow], int, int]:
    humans: dict[int, int] = {}
    observers = 0
    for team_id, role in Participant.objects.filter(
        exercise=exercise, bot=False, active=True
    ).values_list("team_id", "role"):
        if role == ParticipantRole.OBSERVER:
            observers += 1
        elif team_id is not None:
            humans[team_id] = humans.get(team_id, 0) + 1
    rows: list[TeamRow] = []
    for team in Team.objects.filter(exercise=exercise).order_by("id"):
        people = humans.get(team.pk, 0)
        if team.ai:
            played_by = words.label("humans_and_ai" if people else "ai")
        else:
            played_by = words.label("humans")
        rows.append(
            {
                "code": team.code,
                "name": words.team(team.code),
                "played_by": played_by,
                "players": people,
            }
        )
    return rows, sum(humans.values()), observers


def _overview(exercise: Exercise, words: Words, log: LogRead, published: int) -> Overview:
    scenario = words.scenario
    teams, players, observers = _teams(exercise, words)
    return {
        "title": exercise.title,
        "scenario": scenario.title.get(words.lang),
        "summary": scenario.summary.get(words.lang),
        "scenario_in_english": words.lang not in scenario.languages,
        "scenario_date": scenario.start_date.isoformat(),
        "created": _when(exercise.created_at, words),
        "started": _when(log.started, words),
        "ended": _when(log.ended, words),
        "turns_published": published,
        "turns_total": scenario.turn_count,
        "seed": exercise.seed,
        "teams": teams,
        "players": players,
        "observers": observers,
    }


def _decision_rows(
    log_turn: LogTurn, adjudicated: dict[str, Any] | None, words: Words, teams: list[str]
) -> list[DecisionRow]:
    """The decisions adjudication used where the turn was adjudicated, else the log's drafts."""
    rows: list[DecisionRow] = []
    for code in teams:
        decision = (adjudicated or {}).get(code) or log_turn.decisions.get(code)
        if decision is None:
            continue
        actions = [
            words.action(a.get("action"))
            + (f" → {words.team(a['target'])}" if a.get("target") else "")
            for a in decision.get("actions") or []
        ]
        rows.append(
            {
                "team": code,
                "team_name": words.team(code),
                "actions": actions,
                "rationale": rationale_in(str(decision.get("rationale") or ""), words.lang),
                "submitted": code in log_turn.submitted,
            }
        )
    return rows


def _turn_rows(
    words: Words, log: LogRead, adjudications: dict[int, Adjudication], teams: list[str]
) -> list[TurnRow]:
    plans = {plan.n: plan for plan in words.scenario.turns}
    rows: list[TurnRow] = []
    for n in sorted(t for t in log.turns if t > 0):
        log_turn = log.turns[n]
        adjudication = adjudications.get(n)
        outcome = log_turn.outcome
        narrative = ""
        if outcome is not None:
            narratives = outcome.get("view_narratives") or {}
            narrative = words.in_language(narratives.get(CONTROL) or outcome.get("narrative"))
        plan = plans.get(n)
        rows.append(
            {
                "turn": n,
                "represents": plan.represents.get(words.lang) if plan and plan.represents else "",
                "injects": [
                    {
                        "title": words.in_language(i.get("title")),
                        "body": words.in_language(i.get("body")),
                    }
                    for i in log_turn.injects
                ],
                "decisions": _decision_rows(
                    log_turn, adjudication.decisions if adjudication else None, words, teams
                ),
                "statements": [
                    {
                        "team": str(s.get("team") or ""),
                        "team_name": words.team(s.get("team")),
                        "body": str(s.get("body") or ""),
                    }
                    for s in log_turn.statements
                ],
                "narrative": narrative,
                "published": outcome is not None,
            }
        )
    return rows


def _history(exercise: Exercise) -> list[HistoryPoint]:
    """Control's truth after every published turn (the selector checks the exercise exists)."""
    return escalation_history(Principal(exercise_id=exercise.pk, view=CONTROL))


def report_data(exercise: Exercise, lang: str) -> ReportData:
    """Everything the report shows, in ``lang``, as of the exercise's ``last_seq`` now."""
    words = Words.build(lang, exercise_scenario(exercise))
    last_seq = exercise.last_seq
    log = read_log(exercise, up_to=last_seq)
    adjudications = {
        a.turn: a
        for a in Adjudication.objects.filter(
            exercise=exercise, status=AdjudicationStatus.PUBLISHED
        ).order_by("turn")
    }
    teams = list(
        Team.objects.filter(exercise=exercise).order_by("id").values_list("code", flat=True)
    )
    history = _history(exercise)
    published = [adjudications[t] for t in sorted(adjudications)]
    perception = perception_rows(published, words, teams)
    agreements = agreement_rows(published, words)
    points = decision_points(published)
    overrides = override_rows(published)
    return ReportData(
        lang=lang,
        words=words,
        last_seq=last_seq,
        overview=_overview(exercise, words, log, len(published)),
        turns=_turn_rows(words, log, adjudications, teams),
        charts=chart_data(history, words),
        perception=perception,
        say_do=say_do_rows(log.turns, published, words, teams),
        agreements=agreements,
        overrides=overrides,
        decision_points=points,
        questions=discussion_questions(
            words,
            history=history,
            perception=perception,
            agreements=agreements,
            points=points,
            overrides=overrides,
        ),
    )
