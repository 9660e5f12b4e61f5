"""Renders an exercise's report PDFs in a process of its own, for ``test_report_fonts``:

    python -m tests.reports.isolated_render EXERCISE_ID OUT_DIR LANG [LANG ...]

The caller sets the environment before this process starts (fontconfig reads ``FONTCONFIG_FILE``
and matplotlib ``MPLCONFIGDIR`` once, when first loaded). Writes ``OUT_DIR/<lang>.pdf`` and prints
one JSON object: the warnings and the log records of WARNING and above, in order.
"""

from __future__ import annotations

import json
import logging
import sys
import warnings
from pathlib import Path


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


def main() -> None:
    exercise_id, out, languages = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    logs = _Collect()
    logging.getLogger().addHandler(logs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import django

        django.setup()
        from wargame.exercises.models import Exercise
        from wargame.reports.aar.render import report_pdf

        exercise = Exercise.objects.get(pk=exercise_id)
        for lang in languages:
            (out / f"{lang}.pdf").write_bytes(report_pdf(exercise, lang))
    report = {
        "warnings": [f"{w.category.__name__}: {w.message}" for w in caught],
        "logs": logs.records,
    }
    sys.stdout.write(json.dumps(report))


if __name__ == "__main__":
    main()
