"""The tidy per-turn table: a cohort of three played exercises exports one table, in Parquet and
in CSV, whose columns carry the codebook's types; labels are control's; nobody else exports it."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from tests.cast import TEAMS, facilitator_client
from tests.reports.play import PLANS, play
from wargame.exercises.management.commands.sample_report import sample_play
from wargame.exercises.models import BeliefAnswer
from wargame.reports.aar.data import report_data
from wargame.reports.tidy import ARROW_TYPES, codebook_columns, exercise_rows

if TYPE_CHECKING:
    from rest_framework.test import APIClient

    from tests.reports.play import Played

COHORT = "seminar 2026"


def _body(response: object) -> bytes:
    streamed = getattr(response, "streaming_content", None)
    if streamed is not None:
        return b"".join(streamed)
    return bytes(response.content)  # type: ignore[attr-defined]


def _cohort(control: APIClient) -> list[Played]:
    games = []
    for tag, condition in (("a", "hotline-first"), ("b", "control"), ("c", "hotline-first")):
        game = play(control, tag=tag)
        game.command("set_labels", args={"cohort": f"  {COHORT} ", "condition": condition})
        games.append(game)
    return games


def test_a_cohort_of_three_exports_one_table_typed_as_the_codebook_says(control: APIClient) -> None:
    games = _cohort(control)
    response = control.get(f"/api/v1/cohort/export.turns.parquet?cohort={COHORT}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(_body(response)))

    expected = pa.schema([(name, ARROW_TYPES[kind]) for name, kind in codebook_columns()])
    assert table.schema.equals(expected), table.schema
    assert table.num_rows == 3 * len(TEAMS)  # one published turn each, one row per team
    rows = table.to_pylist()
    assert {row["exercise"] for row in rows} == {g.exercise_id for g in games}
    assert {row["cohort"] for row in rows} == {COHORT}
    conditions = {row["exercise"]: row["condition"] for row in rows}
    assert [conditions[g.exercise_id] for g in games] == [
        "hotline-first",
        "control",
        "hotline-first",
    ]
    for row in rows:
        plan = PLANS[row["team"]]
        assert row["turn"] == 1
        assert row["played_by"] == "human"
        assert row["action_count"] == len(plan)
        assert row["actions"] == ";".join(
            f"{a['action']}>{a['target']}" if "target" in a else a["action"] for a in plan
        )
        assert row["rationale_length"] > 0
        assert 0 <= row["rung_out"] <= row["max_rung"] <= 11
        assert row["hotline_ik"] in ("up", "degraded", "down")
        # Only the allies hold assurance; only ROK and the US a Kill Chain level.
        assert (row["assurance"] is None) == (row["team"] not in ("ROK", "JPN"))
        assert (row["killchain"] is None) == (row["team"] not in ("ROK", "US"))
        assert min(row["seen"], row["missed"], row["misread"], row["phantom"]) >= 0
    # The control override of turn 1 (ROK assurance 61) is the published truth.
    assert {row["assurance"] for row in rows if row["team"] == "ROK"} == {61.0}

    # The CSV holds the same table once read with the codebook's types.
    csv = control.get(
        f"/api/v1/cohort/export.turns.csv?exercises={','.join(str(g.exercise_id) for g in games)}"
    )
    assert csv.status_code == 200
    data = _body(csv)
    read = pacsv.read_csv(
        io.BytesIO(data),
        convert_options=pacsv.ConvertOptions(
            column_types=expected,
            strings_can_be_null=False,
            null_values=[""],
            true_values=["true"],
            false_values=["false"],
        ),
    )
    assert read.column_names == table.column_names
    for name, kind in codebook_columns():
        column = read.column(name).to_pylist()
        if kind == "string":  # an empty string and a null read alike in CSV
            column = [v or None for v in column]
            assert column == [v or None for v in table.column(name).to_pylist()], name
        else:
            assert column == table.column(name).to_pylist(), name

    # De-identified: no name, token, join code or free text of any game.
    for game in games:
        for secret in (*game.names.values(), *game.tokens, *game.join_codes, *game.free_text):
            assert secret.encode() not in data


def test_one_exercise_exports_its_table_and_only_its_facilitators_may(played: Played) -> None:
    for fmt in ("csv", "parquet"):
        assert played.control.get(played.url(f"export.turns.{fmt}")).status_code == 200
        for reader in (played.players["US"], played.players["DPRK"], played.observer):
            refused = reader.get(played.url(f"export.turns.{fmt}"))
            assert refused.status_code == 403, refused.content
            assert (
                reader.get(
                    f"/api/v1/cohort/export.turns.{fmt}?exercises={played.exercise_id}"
                ).status_code
                == 403
            )
    stranger = facilitator_client("stranger")
    assert stranger.get(played.url("export.turns.csv")).status_code == 404
    hidden = stranger.get(f"/api/v1/cohort/export.turns.csv?exercises={played.exercise_id}")
    assert hidden.status_code == 404
    assert _body(hidden).find(b"Kwzname") == -1


def test_labels_are_control_s_and_bad_ones_are_refused(played: Played) -> None:
    too_long = played.control.post(
        played.url("commands/"),
        {"command": "set_labels", "args": {"cohort": "x" * 81}},
        format="json",
    )
    assert too_long.status_code == 400
    assert "args.cohort" in too_long.json()["error"]["fields"]
    none = played.control.post(
        played.url("commands/"), {"command": "set_labels", "args": {}}, format="json"
    )
    assert none.status_code == 400
    labelled = played.command("set_labels", args={"condition": "framing"}).json()
    assert (labelled["cohort"], labelled["condition"]) == ("", "framing")
    seen = played.players["ROK"].get(played.url()).json()
    assert "cohort" not in seen
    assert "condition" not in seen
    refused = played.players["ROK"].post(
        played.url("commands/"),
        {"command": "set_labels", "args": {"cohort": "mine"}},
        format="json",
    )
    assert refused.status_code == 403
    mixed = played.control.get("/api/v1/cohort/export.turns.csv?exercises=abc")
    assert mixed.status_code == 400


def test_an_exercise_is_created_with_its_labels(control: APIClient) -> None:
    created = control.post(
        "/api/v1/exercises/",
        {
            "scenario": "border_clash",
            "title": "Group 3",
            "cohort": "spring",
            "condition": "no-hotline",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (created.json()["cohort"], created.json()["condition"]) == ("spring", "no-hotline")
    other = control.post(
        "/api/v1/exercises/",
        {"scenario": "exercise_season", "title": "Group 4", "cohort": "spring"},
        format="json",
    )
    assert other.status_code == 201
    mixed = control.get("/api/v1/cohort/export.turns.csv?cohort=spring")
    assert mixed.status_code == 400
    assert "exercises" in mixed.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_belief_columns_hold_each_teams_answers_and_agree_with_the_reports_brier() -> None:
    exercise = sample_play(scenario="exercise_season", turns=3, seed=7, language="en")
    rows = exercise_rows(exercise)
    stored = {
        (code, turn): (answers, truths)
        for code, turn, answers, truths in BeliefAnswer.objects.filter(
            exercise=exercise
        ).values_list("team__code", "turn", "answers", "truths")
    }
    assert stored, "the AI teams answer the questionnaire"
    for row in rows:
        answers, truths = stored.get((row["team"], row["turn"]), ({}, {}))
        cells = dict(cell.split("=", 1) for cell in row["beliefs"].split(";") if cell)
        assert set(cells) == set(answers), row
        assert row["belief_answers"] == len(answers)
        for qid, cell in cells.items():
            answer, truth = cell.split(">")
            assert answer == str(answers[qid]).lower(), (qid, cell)
            assert truth == ("" if truths.get(qid) is None else str(truths[qid]).lower())
        assert (row["belief_brier"] is None) == (row["belief_forecasts"] == 0)
    # The report's Brier score of each team is the mean over its turns' forecasts.
    for team in report_data(exercise, "en").beliefs:
        own = [r for r in rows if r["team"] == team["team"] and r["belief_forecasts"]]
        forecasts = sum(r["belief_forecasts"] for r in own)
        assert forecasts == team["forecasts"], team["team"]
        mean = sum(r["belief_brier"] * r["belief_forecasts"] for r in own) / forecasts
        assert round(mean, 3) == team["brier"], team["team"]
