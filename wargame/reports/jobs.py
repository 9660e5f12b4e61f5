"""After-action reports rendered by a worker (CONTRACT.md: POST reports/): request, run, show.

A report is cached until the log changes. The job's own ``report.*`` events are in the log too, so
"the log" here is every event but those: otherwise each report would make itself stale.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wargame.exercises.errors import Conflict, InvalidInput, NotFound
from wargame.exercises.events import (
    EventType,
    ReportFailedPayload,
    ReportProgressPayload,
    ReportReadyPayload,
)
from wargame.exercises.models import Event, Exercise, ReportFormat, ReportJob, ReportStatus
from wargame.exercises.queue import REPORT_RENDER, enqueue_on_commit
from wargame.exercises.services.access import Act, authorize
from wargame.exercises.services.log import event_append, exercise_lock
from wargame.exercises.views_of import CONTROL

if TYPE_CHECKING:
    from collections.abc import Callable

    from wargame.exercises.principals import Principal

logger = logging.getLogger(__name__)

FORMATS = tuple(ReportFormat.values)
LANGUAGES = ("en", "ja", "ko")
REPORT_EVENTS = (EventType.REPORT_PROGRESS, EventType.REPORT_READY, EventType.REPORT_FAILED)
# The console's bar moves in tenths: finer steps would flood every control socket with events.
PROGRESS_EVENT_STEP = 10
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


class ReportJobPayload(TypedDict):
    id: int
    status: str
    progress: int
    url: str | None


def report_job_file_url(job: ReportJob) -> str:
    return f"/api/v1/exercises/{job.exercise_id}/reports/{job.pk}/file"


def report_job_payload(job: ReportJob) -> ReportJobPayload:
    done = job.status == ReportStatus.DONE
    return {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "url": report_job_file_url(job) if done else None,
    }


def report_log_seq(exercise_id: int) -> int:
    """The seq of the log's last event that a report can show (reports' own events excluded)."""
    found = (
        Event.objects.filter(exercise_id=exercise_id)
        .exclude(type__in=REPORT_EVENTS)
        .aggregate(last=Max("seq"))["last"]
    )
    return int(found or 0)


def _stored_name(path: Path) -> str:
    """Under the var directory the name is kept relative, so a moved checkout still finds it."""
    try:
        return str(path.resolve().relative_to(Path(settings.VAR_DIR).resolve()))
    except ValueError:
        return str(path)


def report_job_path(job: ReportJob) -> Path | None:
    """The rendered file of a finished job, or None if it is not (or no longer) there."""
    if job.status != ReportStatus.DONE or not job.file_name:
        return None
    path = Path(job.file_name)
    if not path.is_absolute():
        path = Path(settings.VAR_DIR) / path
    return path if path.is_file() else None


def _control_only(principal: Principal) -> None:
    # The report shows every team's private decisions: to anyone else the jobs do not exist.
    if not principal.is_control:
        raise NotFound(_("Exercise not found."))


def report_request(
    *, principal: Principal, fmt: object, lang: object = None, view: str = CONTROL
) -> ReportJob:
    """A report of the exercise as ``view`` may read it and as its log is now: a finished one if
    the log has not changed since, otherwise a new job, queued for a worker once this transaction
    commits. Jobs are control's; one may be for another view's report (the PDF link)."""
    authorize(principal, Act.REPORT)
    if fmt not in FORMATS:
        raise InvalidInput.on("format", _("Choose pdf or html."))
    exercise = Exercise.objects.get(pk=principal.exercise_id)
    language = exercise.language if lang in (None, "") else lang
    if language not in LANGUAGES:
        raise InvalidInput.on("language", _("Choose one of: en, ja, ko."))
    log_seq = report_log_seq(exercise.pk)
    reusable = ReportJob.objects.filter(
        exercise=exercise,
        format=fmt,
        language=language,
        status=ReportStatus.DONE,
        log_seq=log_seq,
        view=view,
    ).order_by("-pk")
    for job in reusable[:3]:
        if report_job_path(job) is not None:
            return job
    with transaction.atomic():
        job = ReportJob.objects.create(
            exercise=exercise,
            requested_by=principal.user,
            format=str(fmt),
            language=str(language),
            view=view,
            log_seq=log_seq,
        )
        enqueue_on_commit(REPORT_RENDER, job.pk, exercise_id=exercise.pk)
    return job


def report_job_for(principal: Principal, rid: int) -> ReportJob:
    _control_only(principal)
    job = ReportJob.objects.filter(pk=rid, exercise_id=principal.exercise_id).first()
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


def _announce(
    job: ReportJob,
    type: EventType,
    payload: ReportProgressPayload | ReportReadyPayload | ReportFailedPayload,
) -> None:
    with transaction.atomic():
        exercise = exercise_lock(exercise_id=job.exercise_id)
        event_append(exercise=exercise, type=type, audience=[CONTROL], payload=payload)


class _ProgressReporter:
    """The renderer's progress callback: the row follows every step, the console's events at
    most one per tenth."""

    def __init__(self, job: ReportJob) -> None:
        self.job = job
        self.announced = -1

    def __call__(self, percent: int, stage: str) -> None:
        percent = max(0, min(100, int(percent)))
        if percent > self.job.progress:
            self.job.progress = percent
            ReportJob.objects.filter(pk=self.job.pk).update(progress=percent)
        step = percent // PROGRESS_EVENT_STEP
        if step > self.announced:
            self.announced = step
            _announce(
                self.job,
                EventType.REPORT_PROGRESS,
                ReportProgressPayload(id=self.job.pk, progress=percent, stage=str(stage)),
            )


def report_render_file(
    exercise: Exercise, lang: str, fmt: str, progress: Callable[[int, str], None], view: str
) -> Path:
    """The edge to the renderer, which caches by exercise, language, format, view and log."""
    from wargame.reports.aar.cache import cached_report

    path: Path = cached_report(exercise, lang, fmt, progress=progress, view=view)
    return path


def report_job_run(job_id: int) -> str:
    """The worker's body: render, following progress, then ``report.ready`` or a failure.

    Safe to run twice: a finished or failed job is left as it is.
    """
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (ReportStatus.DONE, ReportStatus.FAILED):
            return job.status if job is not None else "missing"
        job.status = ReportStatus.RUNNING
        job.progress = 0
        # The renderer reads the log as it is now, which may have grown since the request.
        job.log_seq = report_log_seq(job.exercise_id)
        job.save(update_fields=["status", "progress", "log_seq"])
    reporter = _ProgressReporter(job)
    try:
        exercise = Exercise.objects.get(pk=job.exercise_id)
        reporter(0, "start")
        path = report_render_file(exercise, job.language, job.format, reporter, job.view)
    except Exception as exc:
        logger.exception("report job %s failed", job_id, extra={"exercise": job.exercise_id})
        job.status = ReportStatus.FAILED
        job.error = f"{type(exc).__name__}: {exc}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        _announce(job, EventType.REPORT_FAILED, ReportFailedPayload(id=job.pk, error=job.error))
        return job.status
    job.status = ReportStatus.DONE
    job.progress = 100
    job.file_name = _stored_name(path)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "file_name", "finished_at"])
    _announce(
        job, EventType.REPORT_READY, ReportReadyPayload(id=job.pk, url=report_job_file_url(job))
    )
    return job.status


def report_jobs_recent(principal: Principal, limit: int = 5) -> list[ReportJob]:
    """Control's latest report jobs, newest first (the console's reports panel)."""
    _control_only(principal)
    return list(ReportJob.objects.filter(exercise_id=principal.exercise_id).order_by("-pk")[:limit])
