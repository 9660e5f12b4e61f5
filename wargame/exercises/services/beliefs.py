"""The belief questionnaire in a played exercise: a team's answers during deliberation, and the
engine's truth stored beside each answer.

The questionnaire is the scenario's (`beliefs:`); it is answered during deliberation of the current
turn and closes at the lock (it is not a phase of its own). At the lock the truth of each question
that the state can answer (a variable's value, a condition that holds) is stored beside the answers;
a question about what happens in the next moves gets its truth when the outcome that closes its
window is published. The truth is never in a team's payload: the team sees it only when control
releases the debrief (services.debrief).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from wargame.engine.scenario.beliefs import truth_of
from wargame.engine.state import State
from wargame.exercises.errors import Conflict, InvalidInput, NotPermitted
from wargame.exercises.events import AuthorPayload, BeliefPayload, EventType
from wargame.exercises.models import (
    Adjudication,
    AdjudicationStatus,
    BeliefAnswer,
    Exercise,
    ExerciseStatus,
    Participant,
    Phase,
    Team,
)
from wargame.exercises.services.access import Act, entry
from wargame.exercises.services.game import exercise_scenario, exercise_state
from wargame.exercises.services.injects import decision_log
from wargame.exercises.services.log import event_append, lock_held
from wargame.exercises.views_of import CONTROL, team_view

if TYPE_CHECKING:
    from datetime import datetime

    from wargame.engine.scenario import Scenario
    from wargame.engine.scenario.beliefs import Question
    from wargame.exercises.principals import Principal


def questions_for(scenario: Scenario, team: str) -> list[Question]:
    """The questions put to ``team``, in the scenario's order."""
    return [q for q in scenario.beliefs if team in q.teams]


def belief_payload(row: BeliefAnswer) -> BeliefPayload:
    """The answers as the team and control see them: never the truth."""
    author = row.updated_by
    asked = len(questions_for(exercise_scenario(row.exercise), row.team.code))
    return BeliefPayload(
        turn=row.turn,
        team=row.team.code,
        version=row.version,
        answers=dict(row.answers),
        answered=len(row.answers),
        asked=asked,
        updated_by=(
            AuthorPayload(
                participant_id=author.number, display_name=author.display_name, bot=author.bot
            )
            if author
            else None
        ),
    )


def _answer_problem(question: Question, value: Any) -> str | None:
    """Why ``value`` does not answer ``question``, in the reader's language (None if it does)."""
    if question.answer == "probability":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            return _("Give a probability from 0 to 1.")
        return None
    if question.answer == "yes_no":
        return None if isinstance(value, bool) else _("Answer yes (true) or no (false).")
    if isinstance(value, bool) or value not in question.option_values():
        return _("Choose one of the options offered.")
    return None


def _checked_answers(scenario: Scenario, team: str, answers: Any) -> dict[str, Any]:
    if not isinstance(answers, dict):
        raise InvalidInput.on("answers", _("An object of question ids and answers is expected."))
    asked = {q.id: q for q in questions_for(scenario, team)}
    checked: dict[str, Any] = {}
    for key, value in answers.items():
        question = asked.get(key)
        if question is None:
            raise InvalidInput.on(f"answers.{key}", _("Not a question put to your team."))
        if value is None:
            continue  # left unanswered
        problem = _answer_problem(question, value)
        if problem is not None:
            raise InvalidInput.on(f"answers.{key}", problem)
        checked[key] = float(value) if question.answer == "probability" else value
    return checked


def _check_open(exercise: Exercise, turn: int, now: datetime) -> None:
    """Open during deliberation of the current turn, up to the lock (and the deadline)."""
    if exercise.status != ExerciseStatus.RUNNING or exercise.turn is None:
        raise Conflict(_("The exercise is not running."))
    if turn != exercise.turn:
        raise Conflict(_("Only the current turn's questions can be answered."))
    if exercise.phase != Phase.DELIBERATION or (
        exercise.deadline is not None and exercise.deadline <= now
    ):
        raise Conflict(_("The questions are open during deliberation only."))


def belief_answers_write(
    exercise: Exercise,
    team: Team,
    turn: int,
    answers: dict[str, Any],
    *,
    principal: Principal,
    expected_version: int | None = None,
) -> BeliefAnswer:
    """Store checked answers and announce them to the team and control. A stale
    ``expected_version`` is 409, so a teammate's newer answers are never silently overwritten.
    The caller holds the exercise lock."""
    lock_held(exercise)
    row, _created = BeliefAnswer.objects.select_related("team").get_or_create(
        exercise=exercise, team=team, turn=turn
    )
    if expected_version is not None and expected_version != row.version:
        raise Conflict(
            _("A teammate saved newer answers (version %(v)d). Reload to see them.")
            % {"v": row.version}
        )
    return _answers_store(exercise, row, answers, principal.participant, principal.actor())


def belief_answers_copied(
    exercise: Exercise, team: Team, turn: int, answers: dict[str, Any]
) -> None:
    """A what-if branch takes over the answers the original's team gave up to the fork; their
    truths are the branch's own, stored as its turns lock and publish. The caller holds the lock."""
    lock_held(exercise)
    row = BeliefAnswer(exercise=exercise, team=team, turn=turn)
    _answers_store(exercise, row, dict(answers), None, {"branch": True})


def _answers_store(
    exercise: Exercise,
    row: BeliefAnswer,
    answers: dict[str, Any],
    author: Participant | None,
    actor: Any,
) -> BeliefAnswer:
    row.answers = answers
    row.version += 1
    row.updated_by = author
    row.save()
    event_append(
        exercise=exercise,
        type=EventType.BELIEF_SUBMITTED,
        audience=[CONTROL, team_view(row.team.code)],
        payload=belief_payload(row),
        actor=actor,
    )
    return row


def beliefs_save(
    *,
    principal: Principal,
    turn: int,
    answers: Any,
    now: datetime,
    expected_version: int | None = None,
) -> BeliefAnswer:
    """A team member's answers for the current turn (all of them, replacing earlier ones); with
    ``expected_version``, only if nobody saved since that version."""
    if principal.is_control:
        raise NotPermitted(_("Only the team's members answer its questions."))
    with entry(principal, Act.DECIDE) as entered:
        exercise = entered.exercise
        team = principal.own_team() or Team.objects.get(exercise=exercise, code=principal.team_code)
        _check_open(exercise, turn, now)
        checked = _checked_answers(exercise_scenario(exercise), team.code, answers)
        return belief_answers_write(
            exercise,
            team,
            turn,
            checked,
            principal=entered.principal,
            expected_version=expected_version,
        )


def played_states(exercise: Exercise) -> list[State]:
    """The state at the start of each turn published so far, then the current state (the start
    of the turn being played, or the end of the game)."""
    rows = Adjudication.objects.filter(
        exercise=exercise, status=AdjudicationStatus.PUBLISHED
    ).order_by("turn")
    return [*(State.from_dict(row.base_state) for row in rows), exercise_state(exercise)]


def belief_truths_fill(exercise: Exercise) -> int:
    """Store the truth beside every answer whose truth is now known: at the lock, what the state
    answers; after an outcome, what happens-questions whose window has closed. Returns how many
    truths were stored. The caller holds the exercise lock."""
    lock_held(exercise)
    scenario = exercise_scenario(exercise)
    questions = {q.id: q for q in scenario.beliefs}
    rows = [
        row
        for row in BeliefAnswer.objects.filter(exercise=exercise).select_related("team")
        if set(row.answers) - set(row.truths)
    ]
    if not rows:
        return 0
    states, log, model = played_states(exercise), decision_log(exercise), scenario.model()
    stored = 0
    for row in rows:
        for qid in set(row.answers) - set(row.truths):
            question = questions.get(qid)
            if question is None:
                continue
            truth = truth_of(
                question,
                asked_turn=row.turn,
                states=states,
                model=model,
                log=log,
                hours_per_turn=scenario.hours_per_turn,
                team=row.team.code,
            )
            if truth is not None:
                row.truths[qid] = truth
                stored += 1
        row.save(update_fields=["truths"])
    return stored
