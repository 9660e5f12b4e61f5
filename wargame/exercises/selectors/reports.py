"""Report jobs as their readers read them (GET reports/{rid}/, docs/interface.md#endpoints):
control reads every job of its exercise; a reader of the report (exercises.audience.report_audience)
reads the jobs of its own view's report, which its PDF request queued. To anyone else a job does
not exist."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _

from wargame.exercises.audience import may_see, report_audience
from wargame.exercises.errors import Conflict, NotFound
from wargame.exercises.events import EventType
from wargame.exercises.models import Event, Exercise, ReportJob, ReportStatus
from wargame.exercises.shapes import ReportJobBody, ReportJobStatus
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from wargame.exercises.principals import Principal

REPORT_EVENTS = (EventType.REPORT_PROGRESS, EventType.REPORT_READY, EventType.REPORT_FAILED)
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def report_job_number(job: ReportJob, view: str) -> int:
    """The job's id as ``view`` reads it (docs/interface.md#ids): control's number within the
    exercise, the job's own view's within that view."""
    return job.number if view == CONTROL else job.view_number


def report_job_file_url(job: ReportJob, view: str) -> str:
    rid = report_job_number(job, view)
    return f"/api/v1/exercises/{job.exercise_id}/reports/{rid}/file"


def report_job_payload(job: ReportJob, view: str) -> ReportJobBody:
    """The job as ``view`` (control, or the view the report is written for) reads it."""
    done = job.status == ReportStatus.DONE
    return ReportJobBody(
        id=report_job_number(job, view),
        status=cast("ReportJobStatus", job.status),
        progress=job.progress,
        url=report_job_file_url(job, view) if done else None,
    )


def report_log_seq(exercise_id: int) -> int:
    """The seq of the log's last event that a report can show. A report's own ``report.*``
    events are in the log too: counted, each report would make itself stale."""
    found = (
        Event.objects.filter(exercise_id=exercise_id)
        .exclude(type__in=REPORT_EVENTS)
        .aggregate(last=Max("seq"))["last"]
    )
    return int(found or 0)


def report_job_path(job: ReportJob) -> Path | None:
    """The rendered file of a finished job, or None if it is not (or no longer) there."""
    if job.status != ReportStatus.DONE or not job.file_name:
        return None
    path = Path(job.file_name)
    if not path.is_absolute():
        path = Path(settings.VAR_DIR) / path
    return path if path.is_file() else None


def _control_only(principal: Principal) -> None:
    # Control's report shows every team's private decisions: its jobs are control's alone.
    if not principal.is_control:
        raise NotFound(_("Exercise not found."))


def report_job_for(principal: Principal, rid: int) -> ReportJob:
    """The job, if the principal may follow it: control any, a reader its own view's."""
    jobs = ReportJob.objects.filter(exercise_id=principal.exercise_id)
    if principal.is_control:
        jobs = jobs.filter(number=rid)
    else:
        exercise = Exercise.objects.get(pk=principal.exercise_id)
        if not may_see(principal.view, report_audience(exercise)):
            raise NotFound(_("Exercise not found."))
        jobs = jobs.filter(view=principal.view, view_number=rid)
    job = jobs.first()
    if job is None:
        raise NotFound(_("No such report."))
    return job


def report_job_file(principal: Principal, rid: int) -> tuple[ReportJob, Path]:
    """The finished report's file; 409 while it is still being made (or if it failed)."""
    job = report_job_for(principal, rid)
    if job.status != ReportStatus.DONE:
        raise Conflict(_("The report is not ready yet."))
    path = report_job_path(job)
    if path is None:
        raise Conflict(_("The report file is no longer there: make the report again."))
    return job, path


def report_jobs_recent(principal: Principal, limit: int = 5) -> list[ReportJob]:
    """Control's latest report jobs, newest first (the console's reports panel)."""
    _control_only(principal)
    return list(ReportJob.objects.filter(exercise_id=principal.exercise_id).order_by("-pk")[:limit])
