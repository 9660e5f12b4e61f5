"""The tidy per-turn table of played exercises (``exercise_turns`` in the codebook): one row per
exercise, published turn and team, every measure in a column of its own type, as CSV or Parquet.

Built from the published adjudications (the state after the turn, the decisions the engine took,
what each team perceived), the log (who played) and the belief questionnaire (what each team
answered that turn, against the engine's truth). It is de-identified as the research export
is: no names, no titles, no free text (a rationale is kept as its length). It holds every team's
private data, so only the exercise's facilitators may export it (api.export_views).

Types come from the codebook, so a reader loading the Parquet file, or the CSV with the codebook's
types, gets the same columns: integer -> int64, number -> float64, string, boolean; a cell that
does not apply (Japan's Kill Chain level) is empty (null)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from wargame.engine.model import data_file
from wargame.exercises.models import Adjudication, AdjudicationStatus, BeliefAnswer
from wargame.exercises.services.game import exercise_scenario
from wargame.reports.aar.debrief import squared_error
from wargame.reports.exports import UTF8_BOM, csv_text
from wargame.reports.players import players_by_turn

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from wargame.engine.scenario.beliefs import Question
    from wargame.exercises.models import Exercise

TABLE = "exercise_turns"
ARROW_TYPES = {
    "integer": pa.int64(),
    "number": pa.float64(),
    "string": pa.string(),
    "boolean": pa.bool_(),
}
Row = dict[str, Any]


def codebook_columns(table: str = TABLE) -> list[tuple[str, str]]:
    """``(name, type)`` of each column of ``table``, in the codebook's order."""
    book = data_file("codebook")
    return [(str(c["name"]), str(c["type"])) for c in book["tables"][table]["columns"]]


def arrow_schema(table: str = TABLE) -> pa.Schema:
    return pa.schema([(name, ARROW_TYPES[kind]) for name, kind in codebook_columns(table)])


def _acts(decision: Mapping[str, Any] | None) -> list[str]:
    acts = []
    for action in (decision or {}).get("actions") or []:
        target = action.get("target")
        acts.append(f"{action.get('action')}>{target}" if target else str(action.get("action")))
    return acts


def _perceived(team: str, proposal: Mapping[str, Any]) -> dict[str, int]:
    """How many of the others' true acts the team saw as they were, missed or misread, and how
    many acts it saw that nobody did (phantoms)."""
    truth = {
        e["id"]: e
        for e in proposal.get("events", [])
        if e.get("kind") == "action" and e.get("actor") != team
    }
    counts = dict.fromkeys(("seen", "missed", "misread", "phantom"), 0)
    linked: set[str] = set()
    for item in proposal.get("perceptions", {}).get(f"team:{team}", []):
        tags = item.get("tags", [])
        if "own" in tags:
            continue
        if "phantom" in tags or not item.get("event"):
            counts["phantom"] += 1
        elif item["event"] in truth:
            linked.add(item["event"])
            counts["misread" if "misread" in tags else "seen"] += 1
    counts["missed"] = sum(1 for event_id in truth if event_id not in linked)
    return counts


def _belief_columns(
    answers: Mapping[str, Any] | None,
    truths: Mapping[str, Any],
    questions: Mapping[str, Question],
) -> Row:
    """The team's answers to the questionnaire this turn against the engine's truth: how many,
    the Brier score of its forecasts whose outcome is known, how many estimates (a choice or a
    yes/no) were right, and every answer as 'question=answer>truth' (an empty truth: not known)."""
    answers = answers or {}
    errors: list[float] = []
    right = 0
    cells: list[str] = []
    for qid in sorted(answers):
        question = questions.get(qid)
        if question is None:
            continue
        answer, truth = answers[qid], truths.get(qid)
        error = squared_error(question, answer, truth)
        if error is not None and question.answer != "choice":
            errors.append(error)
        if error == 0.0 and question.answer != "probability":
            right += 1
        cells.append(f"{qid}={_belief_cell(answer)}>{_belief_cell(truth)}")
    return {
        "belief_answers": len(cells),
        "belief_forecasts": len(errors),
        "belief_brier": sum(errors) / len(errors) if errors else None,
        "belief_right": right,
        "beliefs": ";".join(cells),
    }


def _belief_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _state_columns(team: str, state: Mapping[str, Any], live: Sequence[str]) -> Row:
    rungs: dict[str, dict[str, int]] = state.get("rung", {})
    threat: dict[str, dict[str, float]] = state.get("threat", {})
    trust: dict[str, dict[str, float]] = state.get("trust", {})
    hotline: dict[str, str] = state.get("hotline", {})
    dprk: dict[str, Any] = state.get("dprk", {})
    inbound = [by_team.get(team) for by_team in rungs.values()]
    return {
        "max_rung": max((v for row in rungs.values() for v in row.values()), default=0),
        "rung_out": max(rungs.get(team, {}).values(), default=0),
        "rung_in": max((v for v in inbound if v is not None), default=0),
        "threat_max": max(threat.get(team, {}).values(), default=None),
        "assurance": state.get("assurance", {}).get(team),
        "trust_us": trust.get(team, {}).get("US"),
        "killchain": state.get("killchain", {}).get(team),
        "sanctions": state.get("sanctions"),
        "hotline_ik": hotline.get("ik"),
        "hotline_us": hotline.get("us"),
        "dprk_posture": dprk.get("posture"),
        "dprk_predelegation": dprk.get("predelegation"),
        "dprk_icbm": dprk.get("icbm"),
        "dprk_warheads": dprk.get("warheads"),
        "in_force": sum(
            1
            for a in state.get("agreements", [])
            if team in a.get("parties", []) and a.get("status") in live
        ),
    }


def exercise_rows(exercise: Exercise) -> list[Row]:
    """The exercise's rows, turn by turn, teams in the scenario's order."""
    scenario = exercise_scenario(exercise)
    live = list(scenario.model().data["cbm"]["in_force"])
    published = list(
        Adjudication.objects.filter(
            exercise=exercise, status=AdjudicationStatus.PUBLISHED
        ).order_by("turn")
    )
    players = players_by_turn(exercise, [a.turn for a in published])
    questions = {q.id: q for q in scenario.beliefs}
    beliefs = {
        (code, turn): (answers, truths)
        for code, turn, answers, truths in BeliefAnswer.objects.filter(
            exercise=exercise
        ).values_list("team__code", "turn", "answers", "truths")
    }
    names = [name for name, _kind in codebook_columns()]
    rows: list[Row] = []
    for adjudication in published:
        proposal = adjudication.proposal
        state = proposal.get("state", {})
        rules = ";".join(str(r.get("id")) for r in proposal.get("rules_fired", []))
        for team in scenario.team_codes:
            decision = adjudication.decisions.get(team)
            acts = _acts(decision)
            row: Row = {
                "exercise": exercise.pk,
                "cohort": exercise.cohort,
                "condition": exercise.condition,
                "scenario": exercise.scenario_slug,
                "turn": adjudication.turn,
                "team": team,
                "played_by": players[adjudication.turn].get(team, "human"),
                "decided": decision is not None,
                "actions": ";".join(acts),
                "action_count": len(acts),
                "rationale_length": len(str((decision or {}).get("rationale") or "")),
                **_state_columns(team, state, live),
                **_perceived(team, proposal),
                **_belief_columns(*beliefs.get((team, adjudication.turn), (None, {})), questions),
                "rules": rules,
            }
            rows.append({name: row[name] for name in names})
    return rows


def cohort_rows(exercises: Iterable[Exercise]) -> Iterator[Row]:
    for exercise in exercises:
        yield from exercise_rows(exercise)


def tidy_csv(rows: Iterable[Row]) -> Iterator[str]:
    """The rows as CSV: a header of the codebook's names; an empty cell is a null."""
    names = [name for name, _kind in codebook_columns()]
    yield UTF8_BOM + csv_text(names)
    for row in rows:
        yield csv_text("" if row[name] is None else _cell(row[name]) for name in names)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def tidy_parquet(rows: Iterable[Row]) -> bytes:
    """The rows as one Parquet file typed by the codebook."""
    schema = arrow_schema()
    table = pa.Table.from_pylist(list(rows), schema=schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()
