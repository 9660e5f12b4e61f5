"""``manage.py sample_report``: four bot teams play a built-in scenario through the services, and
its report is written as a PDF with PNG pages (the sample under docs/samples/)."""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command

from wargame.exercises.management.commands.sample_report import PNG_PAGES, sample_play
from wargame.exercises.models import (
    Adjudication,
    AdjudicationStatus,
    Decision,
    DecisionStatus,
    ExerciseStatus,
    Team,
)

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.django_db


def test_it_plays_the_turns_asked_for_with_every_team_a_bot_and_ends() -> None:
    exercise = sample_play(scenario="exercise_season", turns=2, seed=7, language="en")

    assert exercise.status == ExerciseStatus.ENDED
    teams = list(Team.objects.filter(exercise=exercise))
    assert len(teams) >= 4
    assert all(team.ai for team in teams)
    published = Adjudication.objects.filter(exercise=exercise, status=AdjudicationStatus.PUBLISHED)
    assert sorted(published.values_list("turn", flat=True)) == [1, 2]
    for turn in (1, 2):
        submitted = Decision.objects.filter(
            exercise=exercise, turn=turn, status=DecisionStatus.SUBMITTED
        )
        assert submitted.count() == len(teams), turn


def test_it_stops_at_the_scenarios_last_turn_when_asked_for_more() -> None:
    exercise = sample_play(scenario="border_clash", turns=99, seed=7, language="en")
    assert exercise.status == ExerciseStatus.ENDED
    published = Adjudication.objects.filter(exercise=exercise, status=AdjudicationStatus.PUBLISHED)
    assert published.count() == exercise.turn


def test_REAL_RENDERER_the_command_writes_a_pdf_with_pages_and_png_pages(  # noqa: N802
    tmp_path: Path,
) -> None:
    import pypdfium2

    out = StringIO()
    call_command(
        "sample_report",
        "--scenario",
        "exercise_season",
        "--turns",
        "2",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    pdf = tmp_path / "exercise_season-report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        pages = len(document)
        text = "".join(document[i].get_textpage().get_text_range() for i in range(pages))
    finally:
        document.close()
    assert pages >= 1
    assert text.strip(), "the PDF has no text layer"
    pngs = sorted(tmp_path.glob("exercise_season-report-p*.png"))
    assert [p.name for p in pngs] == [
        f"exercise_season-report-p{n}.png" for n in range(1, min(pages, PNG_PAGES) + 1)
    ]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    assert str(pdf) in out.getvalue()
