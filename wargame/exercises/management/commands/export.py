"""``manage.py export EXERCISE --format jsonl|csv|research|pdf [--text keep|omit] [--language L]
[--output PATH]``: the same bytes as the API's export endpoints (the PDF: the after-action report),
to standard output or a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wargame.exercises.models import Exercise
from wargame.languages import LANGUAGES
from wargame.reports.aar.render import report_pdf
from wargame.reports.exports import export_csv, export_jsonl
from wargame.reports.research import TEXT_MODES, export_research

if TYPE_CHECKING:
    from collections.abc import Iterator

FORMATS = ("jsonl", "csv", "research", "pdf")


class Command(BaseCommand):
    help = (
        "Export an exercise's event log (jsonl, csv, the de-identified research jsonl) or its "
        "after-action report (pdf)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("exercise", type=int, help="The exercise id.")
        parser.add_argument("--format", choices=FORMATS, default="jsonl")
        parser.add_argument(
            "--text",
            choices=TEXT_MODES,
            default="keep",
            help="research only: keep free text (masked) or omit it (replaced by its length).",
        )
        parser.add_argument(
            "--language", choices=LANGUAGES, help="pdf only: default, the exercise's."
        )
        parser.add_argument("--output", help="Write to this file instead of standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        exercise = Exercise.objects.filter(pk=options["exercise"]).first()
        if exercise is None:
            raise CommandError(f"No exercise {options['exercise']}.")
        fmt = options["format"]
        if fmt != "research" and options["text"] != "keep":
            raise CommandError("--text applies to --format research only.")
        if fmt != "pdf" and options["language"]:
            raise CommandError("--language applies to --format pdf only.")
        lines: Iterator[str]
        if fmt == "pdf":
            pdf = report_pdf(exercise, options["language"] or exercise.language)
            if options["output"]:
                Path(options["output"]).write_bytes(pdf)
            else:
                self._binary_stdout().write(pdf)
            return
        if fmt == "jsonl":
            lines = export_jsonl(exercise)
        elif fmt == "csv":
            lines = export_csv(exercise)
        else:
            lines = export_research(exercise, text=options["text"])
        if options["output"]:
            with Path(options["output"]).open("wb") as out:
                _write(lines, out)
        else:
            _write(lines, self._binary_stdout())

    def _binary_stdout(self) -> Any:
        """Bytes, not text: the file must be the API's bytes whatever the terminal's encoding."""
        stream: Any = self.stdout._out  # OutputWrapper hides the stream it wraps
        buffer = getattr(stream, "buffer", None)
        return buffer if buffer is not None else _TextAsBytes(stream)


class _TextAsBytes:
    """For a text-only stream (StringIO in tests): UTF-8 decoded again."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        return int(self.stream.write(data.decode()))


def _write(lines: Iterator[str], out: Any) -> None:
    for line in lines:
        out.write(line.encode())
    if out is sys.stdout.buffer:
        out.flush()
