"""``manage.py sample_report --scenario SLUG --turns N --out DIR``: a built-in scenario played by
four bot teams through the services, then its after-action report as a PDF and PNG pages
(the sample under docs/samples/ that the README shows)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from wargame.exercises.errors import WargameError
from wargame.exercises.models import Adjudication, Exercise, ExerciseStatus, Phase
from wargame.exercises.principals import Principal
from wargame.exercises.scenarios import scenario_from_text, scenario_text_for
from wargame.exercises.services.bots import bot_moves_run
from wargame.exercises.services.exercises import exercise_create
from wargame.exercises.services.game import exercise_scenario
from wargame.exercises.services.lifecycle import exercise_command
from wargame.exercises.services.review import adjudication_publish
from wargame.exercises.views_of import CONTROL
from wargame.languages import LANGUAGES
from wargame.reports.aar.causes import cause_texts
from wargame.reports.aar.render import report_pdf
from wargame.reports.aar.text import report_texts

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SAMPLE_USERNAME = "sample-report"
# A fixed seed: the committed sample is the same game every time it is made again. Seed 9 is the
# first whose ten turns reach a nuclear decision point, so the sample shows every section.
DEFAULT_SEED = 9
PNG_DPI = 110
PNG_PAGES = 4
PDF_POINTS_PER_INCH = 72


class Command(BaseCommand):
    help = "Play a built-in scenario with four bot teams and write its report as PDF and PNGs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scenario", default="exercise_season", help="A built-in slug.")
        parser.add_argument("--turns", type=int, default=10, help="Turns to play (at least 1).")
        parser.add_argument("--out", default="docs/samples/", help="The output directory.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--language", choices=LANGUAGES, default="en")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["turns"] < 1:
            raise CommandError("--turns must be at least 1.")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        try:
            exercise = sample_play(
                scenario=options["scenario"],
                turns=options["turns"],
                seed=options["seed"],
                language=options["language"],
            )
        except WargameError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"played exercise {exercise.pk}: {exercise.turn} turns, bots only")
        for path in sample_write(exercise, language=options["language"], out=out):
            self.stdout.write(f"wrote {path}")


def _sample_user() -> User:
    user, created = get_user_model().objects.get_or_create(username=SAMPLE_USERNAME)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def sample_play(*, scenario: str, turns: int, seed: int, language: str) -> Exercise:
    """A bot-only exercise played ``turns`` turns (or to its last) and ended."""
    user = _sample_user()
    loaded = scenario_from_text(
        scenario_text_for(user=user, slug=scenario), source_name=f"{scenario}.yaml"
    )
    exercise = exercise_create(
        user=user,
        scenario=scenario,
        title=f"Sample: {loaded.title.get(language)}",
        language=language,
        seed=seed,
        deliberation_minutes=None,  # no clock: the bots never miss a deadline
        ai_teams=list(loaded.team_codes),
    )
    principal = Principal(exercise_id=exercise.pk, view=CONTROL, user=user)

    def command(name: str) -> Exercise:
        return exercise_command(principal=principal, command=name)

    command("open_lobby")
    current = command("start")
    last = min(turns, exercise_scenario(current).turn_count)
    for turn in range(1, last + 1):
        if current.phase == Phase.BRIEFING:
            current = command("advance")
        bot_moves_run(exercise_id=exercise.pk, turn=turn, now=timezone.now())
        current = Exercise.objects.get(pk=exercise.pk)
        if current.phase == Phase.DELIBERATION:
            current = command("advance")
        if current.phase == Phase.ADJUDICATION:
            proposal = Adjudication.objects.get(exercise=current, turn=turn).proposal
            adjudication_publish(
                principal=principal,
                turn=turn,
                approve_nuclear=bool(proposal["requires_nuclear_approval"]),
            )
            current = Exercise.objects.get(pk=exercise.pk)
        if turn < last and current.status == ExerciseStatus.RUNNING:
            current = command("advance")
        if current.status == ExerciseStatus.ENDED:
            break
    if current.status != ExerciseStatus.ENDED:
        current = command("end")
    return Exercise.objects.get(pk=exercise.pk)


# The pages worth a picture: the summary, then the first page of each of these sections.
PICTURED_SECTIONS = ("charts", "causes", "questions")


def _pictured_pages(document: Any, language: str) -> list[int]:
    headings = {**report_texts()[language]["sections"], **cause_texts(language)["sections"]}
    texts = [document[index].get_textpage().get_text_range() for index in range(len(document))]
    pages = [0]
    for section in PICTURED_SECTIONS:
        found = next((i for i, text in enumerate(texts) if i and headings[section] in text), None)
        if found is not None and found not in pages:
            pages.append(found)
    # Sections sharing a page (a short game): the pages after the summary fill the pictures.
    pages += [i for i in range(len(texts)) if i not in pages]
    return sorted(pages[:PNG_PAGES])


def sample_write(exercise: Exercise, *, language: str, out: Path) -> list[Path]:
    """The report as ``<scenario>-report.pdf`` and pictures of its main pages beside it."""
    import pypdfium2  # imported here: only this command draws PDF pages as pictures

    stem = f"{exercise.scenario_slug}-report"
    pdf_path = out / f"{stem}.pdf"
    pdf_path.write_bytes(report_pdf(exercise, language))
    written = [pdf_path]
    for stale in out.glob(f"{stem}-p*.png"):
        stale.unlink()
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        for number, index in enumerate(_pictured_pages(document, language), start=1):
            page = document[index]
            image = page.render(scale=PNG_DPI / PDF_POINTS_PER_INCH).to_pil()
            png_path = out / f"{stem}-p{number}.png"
            image.save(png_path, format="PNG", optimize=True)
            written.append(png_path)
            page.close()
    finally:
        document.close()
    return written
