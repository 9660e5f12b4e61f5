"""The after-action review's content, built from the reader's own view: the reader's event
stream for what was said and decided, and the published adjudications read through the same
rules the rest of the game uses (the engine's views, exercises.audience).

Control's report holds the truth of each turn: every team's decisions, perceptions against what
happened, control's overrides and the nuclear decision points. Any other reader (observers under
the teaching view, a practice player) gets its own record only: what its stream carried, the
escalation as its view knew it, and the agreements it was party to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wargame.engine.scenario.belief_bots import seen_of
from wargame.engine.scenario.beliefs import window_turns
from wargame.engine.scenario.objectives import check_met
from wargame.engine.views import view_for
from wargame.exercises.bot_words import rationale_in
from wargame.exercises.models import (
    Adjudication,
    AdjudicationStatus,
    ExerciseStatus,
    Participant,
    ParticipantRole,
    Team,
)
from wargame.exercises.principals import Principal
from wargame.exercises.selectors.beliefs import belief_answers_known
from wargame.exercises.selectors.history import HistoryPoint, escalation_history
from wargame.exercises.selectors.turns import StreamLog, turns_of, view_stream
from wargame.exercises.services.beliefs import played_states
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.services.injects import decision_log
from wargame.exercises.times import iso_utc
from wargame.exercises.views_of import CONTROL, OBSERVERS, team_view
from wargame.reports.aar.analysis import (
    agreement_rows,
    chart_data,
    decision_points,
    override_rows,
    perception_rows,
    say_do_rows,
)
from wargame.reports.aar.causes import (
    consultation_timeline,
    dice_rows,
    escalation_causes,
    played_by_turns,
)
from wargame.reports.aar.debrief import Answer, belief_teams, scorecard
from wargame.reports.aar.questions import discussion_questions, summary_points
from wargame.reports.aar.summary import what_happened
from wargame.reports.aar.text import Words
from wargame.reports.aar.turning import turning_points
from wargame.reports.players import players_by_turn

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime

    from wargame.engine.scenario.objectives import Check
    from wargame.exercises.models import Exercise
    from wargame.exercises.selectors.turns import TurnLog
    from wargame.reports.aar.causes import CauseRow, ConsultRow, DiceRow
    from wargame.reports.aar.shapes import (
        AgreementRow,
        BeliefTeam,
        ChartData,
        DecisionPointRow,
        DecisionRow,
        OverrideRow,
        Overview,
        PerceptionRow,
        Question,
        SayDoRow,
        ScoreTeam,
        TeamRow,
        TurnRow,
    )


@dataclass
class ReportData:
    lang: str
    words: Words
    view: str
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
    released: bool
    scorecard: list[ScoreTeam]
    learning_objectives: list[str]
    beliefs: list[BeliefTeam]
    causes: list[CauseRow] = field(default_factory=list)
    consultations: list[ConsultRow] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    turning_points: list[Question] = field(default_factory=list)
    dice: list[DiceRow] = field(default_factory=list)


def _when(moment: datetime | None, words: Words) -> str:
    if moment is None:
        return words.label("not_yet")
    return iso_utc(moment).replace("T", " ")[:16] + " UTC"


def _teams(exercise: Exercise, words: Words, turns: list[int]) -> tuple[list[TeamRow], int, int]:
    """Each team, who played it turn by turn (people or the AI), and how many people sat in it."""
    by_turn = players_by_turn(exercise, turns)
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
        turns_by_player: dict[str, list[int]] = {}
        for turn in turns:
            turns_by_player.setdefault(by_turn[turn][team.code], []).append(turn)
        if not turns_by_player:  # nothing published yet: who holds the team now
            turns_by_player = {"ai" if team.ai else "human": []}
        played_by = played_by_turns(words, turns_by_player)
        rows.append(
            {
                "code": team.code,
                "name": words.team(team.code),
                "played_by": played_by,
                "players": people,
            }
        )
    return rows, sum(humans.values()), observers


def _overview(
    exercise: Exercise, words: Words, log: StreamLog, published: list[int], view: str
) -> Overview:
    scenario = words.scenario
    teams, players, observers = _teams(exercise, words, published)
    return {
        "title": exercise.title,
        "scenario": scenario.title.get(words.lang),
        "summary": scenario.summary.get(words.lang),
        "scenario_in_english": words.lang not in scenario.languages,
        "scenario_date": scenario.start_date.isoformat(),
        "created": _when(exercise.created_at, words),
        "started": _when(log.started, words),
        "ended": _when(log.ended, words),
        "turns_published": len(published),
        "turns_total": scenario.turn_count,
        # With the seed and the engine, a reader could work out draws it was never shown.
        "seed": exercise.seed if view == CONTROL else None,
        "teams": teams,
        "players": players,
        "observers": observers,
    }


def _decision_rows(
    log_turn: TurnLog, adjudicated: Mapping[str, Any] | None, words: Words, teams: list[str]
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
    words: Words, log: StreamLog, adjudications: Mapping[int, Adjudication], teams: list[str]
) -> list[TurnRow]:
    plans = {plan.n: plan for plan in words.scenario.turns}
    rows: list[TurnRow] = []
    for log_turn in log.played():
        n = log_turn.turn
        if n == 0:
            continue
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
                        "title": words.in_language(i.payload.get("title")),
                        "body": words.in_language(i.payload.get("body")),
                    }
                    for i in log_turn.injects
                ],
                "decisions": _decision_rows(
                    log_turn, adjudication.decisions if adjudication else None, words, teams
                ),
                "statements": [
                    {
                        "team": str(s.payload.get("team") or ""),
                        "team_name": words.team(s.payload.get("team")),
                        "body": str(s.payload.get("body") or ""),
                    }
                    for s in log_turn.statements
                ],
                "narrative": narrative,
                "published": outcome is not None,
            }
        )
    return rows


def _history(exercise: Exercise, view: str) -> list[HistoryPoint]:
    """The escalation after every published turn as the view knew it (the selector checks the
    exercise exists)."""
    return escalation_history(Principal(exercise_id=exercise.pk, view=view))


def _teams_shown(teams: list[str], view: str, *, released: bool) -> list[str]:
    """Whose objectives and beliefs the reader sees: control every team's, a team its own,
    observers every team's once the debrief reached them."""
    if view == CONTROL:
        return teams
    if view == OBSERVERS:
        return teams if released else []
    return [code for code in teams if team_view(code) == view]


def _check_met(exercise: Exercise, words: Words) -> Callable[[Check], bool]:
    states, log, model = played_states(exercise), decision_log(exercise), words.scenario.model()
    return lambda check: check_met(check, states, model, log=log)


def _answers(
    exercise: Exercise,
    words: Words,
    view: str,
    known: list[dict[str, Any]],
    released: bool,
) -> list[Answer]:
    """Each answer with what it is set against: the truth once the reader may see it, else what
    the team's own view showed (a team's report before the debrief)."""
    if released or not view.startswith("team:"):
        return [
            Answer(int(k["turn"]), str(k["team"]), str(k["question"]), k["answer"], k["truth"])
            for k in known
        ]
    team = view.removeprefix("team:")
    scenario, model = words.scenario, words.scenario.model()
    views = {s.turn: view_for(s, team, model) for s in played_states(exercise)}
    questions = {q.id: q for q in scenario.beliefs}
    out: list[Answer] = []
    for k in known:
        question = questions.get(str(k["question"]))
        seen = (
            None
            if question is None
            else seen_of(
                question,
                asked_turn=int(k["turn"]),
                views=views,
                window=window_turns(question, scenario.hours_per_turn),
            )
        )
        out.append(Answer(int(k["turn"]), team, str(k["question"]), k["answer"], seen))
    return out


def report_data(exercise: Exercise, lang: str, view: str = CONTROL) -> ReportData:
    """Everything the report shows ``view``, in ``lang``, as of the view's stream now."""
    words = Words.build(lang, exercise_scenario(exercise))
    position = int(exercise.view_positions.get(view, 0))
    events = view_stream(exercise_id=exercise.pk, view=view, upto=position)
    log = turns_of(events)
    published = list(
        Adjudication.objects.filter(
            exercise=exercise, status=AdjudicationStatus.PUBLISHED
        ).order_by("turn")
    )
    teams = list(
        Team.objects.filter(exercise=exercise).order_by("id").values_list("code", flat=True)
    )
    history = _history(exercise, view)
    truth = view == CONTROL
    # Only control's report reads the adjudications' truth: the decisions the engine took, what
    # each team perceived against what happened, the overrides and the decision points.
    adjudicated = published if truth else []
    perception = perception_rows(adjudicated, words, teams)
    agreements = agreement_rows(published, words, view)
    points = decision_points(adjudicated)
    overrides = override_rows(adjudicated)
    known, released = belief_answers_known(exercise.pk, view, events)
    shown = _teams_shown(teams, view, released=released)
    beliefs = belief_teams(
        words,
        shown,
        _answers(exercise, words, view, known, released),
        settled=exercise.status == ExerciseStatus.ENDED and (released or truth),
    )
    causes = escalation_causes(adjudicated, words)
    consultations = consultation_timeline(adjudicated, words)
    found = turning_points(
        words,
        history=history,
        causes=causes,
        beliefs=beliefs,
        consultations=consultations,
        adjudicated=adjudicated,
        agreements=agreements,
        perception=perception,
        points=points,
        overrides=overrides,
    )
    return ReportData(
        released=released,
        scorecard=scorecard(words, shown, _check_met(exercise, words) if released else None),
        learning_objectives=[t.get(lang) for t in words.scenario.learning_objectives],
        beliefs=beliefs,
        lang=lang,
        words=words,
        view=view,
        last_seq=position,
        overview=_overview(exercise, words, log, [a.turn for a in published], view),
        turns=_turn_rows(words, log, {a.turn: a for a in adjudicated}, teams),
        charts=chart_data(history, words),
        perception=perception,
        say_do=say_do_rows(log.turns, adjudicated, words, teams),
        agreements=agreements,
        overrides=overrides,
        decision_points=points,
        questions=discussion_questions(words, found),
        causes=causes,
        consultations=consultations,
        summary=what_happened(
            words,
            history=history,
            agreements=agreements,
            perception=perception,
            points=points,
            beliefs=beliefs,
            overrides=overrides,
            truth=truth,
        ),
        turning_points=summary_points(words, found),
        dice=dice_rows(adjudicated, words),
    )
