"""A report job as the worker runs it, timed: a 10-turn game played by AI teams, then control's
PDF report (charts included) rendered by ``report_job_run`` in each language, from a cold cache.

Run as ``python -m bench.report_job`` in a fresh var directory (bench/reports.py does): it
migrates its own SQLite database and prints one JSON line per language."""

from __future__ import annotations

import json
import os
import resource
import time

TURNS = 10
SCENARIO = "exercise_season"


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    django.setup()
    from django.core.management import call_command

    from wargame.exercises.management.commands.sample_report import sample_play
    from wargame.exercises.models import ReportJob
    from wargame.exercises.services.reports import report_job_run
    from wargame.exercises.views_of import CONTROL
    from wargame.languages import LANGUAGES
    from wargame.reports.aar.cache import cached_report

    call_command("migrate", verbosity=0)
    exercise = sample_play(scenario=SCENARIO, turns=TURNS, seed=7, language="en")
    # The exercise is fresh: its report jobs (control's) are numbered 1, 2, 3 within it.
    for number, lang in enumerate(LANGUAGES, start=1):
        job = ReportJob.objects.create(
            exercise=exercise,
            number=number,
            view_number=number,
            format="pdf",
            language=lang,
            view=CONTROL,
            log_seq=0,
        )
        wall, cpu = time.perf_counter(), _cpu_seconds()
        status = report_job_run(job_id=job.pk, render=cached_report)
        job.refresh_from_db()
        print(
            json.dumps(
                {
                    "language": lang,
                    "turns": exercise.turn,
                    "status": status,
                    "seconds": time.perf_counter() - wall,
                    "cpu_seconds": _cpu_seconds() - cpu,
                    "progress": job.progress,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
