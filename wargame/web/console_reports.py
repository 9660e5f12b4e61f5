"""The console's reports panel: the form's choices and control's latest report jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from wargame.exercises.models import ReportStatus
from wargame.exercises.selectors.reports import report_job_payload, report_jobs_recent
from wargame.exercises.views_of import CONTROL
from wargame.languages import LANGUAGE_NAMES, LANGUAGES

if TYPE_CHECKING:
    from wargame.exercises.models import Exercise
    from wargame.exercises.principals import Principal


class ConsoleCtx(Protocol):
    """What the console's region builders get (console_regions.Ctx, which imports this module)."""

    @property
    def principal(self) -> Principal: ...

    @property
    def exercise(self) -> Exercise: ...


def reports_region(ctx: ConsoleCtx) -> dict[str, Any]:
    labels = {code: str(name) for code, name in LANGUAGE_NAMES.items()}
    statuses = dict(ReportStatus.choices)
    jobs = [
        {
            **report_job_payload(job, CONTROL),
            "format": job.format,
            "language": job.language,
            "language_label": labels.get(job.language, job.language),
            "status_label": statuses.get(job.status, job.status),
            "error": job.error,
            "created_at": job.created_at,
        }
        for job in report_jobs_recent(ctx.principal)
    ]
    return {
        "report_formats": [("pdf", "PDF"), ("html", "HTML")],
        "report_languages": [(code, labels[code]) for code in LANGUAGES],
        "report_language": ctx.exercise.language,
        "report_jobs": jobs,
    }
