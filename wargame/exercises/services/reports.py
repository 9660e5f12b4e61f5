"""After-action report jobs (POST reports/, docs/interface.md#endpoints): the request, and the
worker's run that renders the report and tells control how it goes.

The renderer is handed in by the task that runs the job (``wargame.tasks.report_render``): the
services own the job's rows and events, ``wargame.reports`` owns the drawing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wargame.exercises.audience import may_see, report_audience, report_job_audience
from wargame.exercises.errors import InvalidInput, NotFound
from wargame.exercises.events import (
    EventType,
    ReportFailedPayload,
    ReportProgressPayload,
    ReportReadyPayload,
)
from wargame.exercises.models import Exercise, ReportFormat, ReportJob, ReportStatus
from wargame.exercises.queue import REPORT_RENDER, enqueue_on_commit
from wargame.exercises.selectors.reports import (
    report_job_file_url,
    report_job_number,
    report_job_path,
    report_log_seq,
)
from wargame.exercises.services.access import Act, authorize
from wargame.exercises.services.log import event_append, exercise_lock
from wargame.exercises.services.numbering import number_next
from wargame.exercises.views_of import CONTROL
from wargame.languages import LANGUAGES

if TYPE_CHECKING:
    from collections.abc import Callable

    from wargame.exercises.principals import Principal

logger = logging.getLogger(__name__)

FORMATS = tuple(ReportFormat.values)
# The console's bar moves in tenths: finer steps would flood every control socket with events.
PROGRESS_EVENT_STEP = 10


class Renderer(Protocol):
    """Draws the report file of the exercise as ``view`` may read it and as its log stands,
    reporting progress as it goes."""

    def __call__(
        self, exercise: Exercise, lang: str, fmt: str, *, progress: Progress, view: str
    ) -> Path: ...


class Progress(Protocol):
    def __call__(self, percent: int, stage: str) -> None: ...


def report_request(*, principal: Principal, fmt: object, lang: object = None) -> ReportJob:
    """Control's report (POST reports/) as the log is now: a finished one if the log has not
    changed since, otherwise a new job, queued for a worker once this transaction commits."""
    authorize(principal, Act.REPORT)
    if fmt not in FORMATS:
        raise InvalidInput.on("format", _("Choose pdf or html."))
    exercise = Exercise.objects.get(pk=principal.exercise_id)
    language = exercise.language if lang in (None, "") else lang
    if language not in LANGUAGES:
        raise InvalidInput.on("language", _("Choose one of: en, ja, ko."))
    return _job_for_log(
        exercise, fmt=str(fmt), lang=str(language), view=CONTROL, principal=principal
    )


def _job_for_log(
    exercise: Exercise, *, fmt: str, lang: str, view: str, principal: Principal
) -> ReportJob:
    """A finished job of ``view``'s report of the log as it is now, else a new one, queued."""
    log_seq = report_log_seq(exercise.pk)
    reusable = ReportJob.objects.filter(
        exercise=exercise,
        format=fmt,
        language=lang,
        status=ReportStatus.DONE,
        log_seq=log_seq,
        view=view,
    ).order_by("-pk")
    for job in reusable[:3]:
        if report_job_path(job) is not None:
            return job
    with transaction.atomic():
        locked = exercise_lock(exercise_id=exercise.pk)
        jobs = ReportJob.objects.filter(exercise=locked)
        job = ReportJob.objects.create(
            exercise=locked,
            number=number_next(exercise=locked, scope=jobs),
            view_number=number_next(
                exercise=locked, scope=jobs.filter(view=view), column="view_number"
            ),
            requested_by=principal.user,
            format=fmt,
            language=lang,
            view=view,
            log_seq=log_seq,
        )
        enqueue_on_commit(REPORT_RENDER, job.pk, exercise_id=exercise.pk)
    return job


def _stored_name(path: Path) -> str:
    """Under the var directory the name is kept relative, so a moved checkout still finds it."""
    try:
        return str(path.resolve().relative_to(Path(settings.VAR_DIR).resolve()))
    except ValueError:
        return str(path)


JobPayload = ReportProgressPayload | ReportReadyPayload | ReportFailedPayload


def _announce(job: ReportJob, type: EventType, payload_for: Callable[[str], JobPayload]) -> None:
    """``payload_for(view)``: the event as each reader reads it, the job by its own id for it
    (control's number, or the job's view's: docs/interface.md#ids)."""
    audience = report_job_audience(job.view)
    with transaction.atomic():
        exercise = exercise_lock(exercise_id=job.exercise_id)
        event_append(
            exercise=exercise,
            type=type,
            audience=audience,
            payload=payload_for(CONTROL),
            view_payloads={view: payload_for(view) for view in audience if view != CONTROL},
        )


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
                lambda view: ReportProgressPayload(
                    id=report_job_number(self.job, view), progress=percent, stage=str(stage)
                ),
            )


def report_job_run(*, job_id: int, render: Renderer) -> str:
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
        path = render(exercise, job.language, job.format, progress=reporter, view=job.view)
    except Exception as exc:
        logger.exception("report job %s failed", job_id, extra={"exercise": job.exercise_id})
        job.status = ReportStatus.FAILED
        job.error = f"{type(exc).__name__}: {exc}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        _announce(
            job,
            EventType.REPORT_FAILED,
            lambda view: ReportFailedPayload(id=report_job_number(job, view), error=job.error),
        )
        return job.status
    job.status = ReportStatus.DONE
    job.progress = 100
    job.file_name = _stored_name(path)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "file_name", "finished_at"])
    _announce(
        job,
        EventType.REPORT_READY,
        lambda view: ReportReadyPayload(
            id=report_job_number(job, view), url=report_job_file_url(job, view)
        ),
    )
    return job.status


# A job for this log that renders (or has rendered) the file: asking again reuses it.
UNDER_WAY = (ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.DONE)


def report_pdf_for(*, principal: Principal, lang: str) -> Path | ReportJob:
    """The rendered PDF of the log as it is now, as the reader's view may read it, or the job that
    renders it: one already under way, else a new one. Rendering takes 5-10 s of CPU, so a reader
    never waits for it inside a request. The job is the reader's view's own: it follows the job
    (GET reports/{rid}/ and its ``report.*`` events) as control follows control's."""
    exercise = Exercise.objects.get(pk=principal.exercise_id)
    if not may_see(principal.view, report_audience(exercise)):
        raise NotFound(_("Exercise not found."))
    job = (
        ReportJob.objects.filter(
            exercise=exercise,
            format=ReportFormat.PDF,
            language=lang,
            view=principal.view,
            log_seq=report_log_seq(exercise.pk),
            status__in=UNDER_WAY,
        )
        .order_by("-pk")
        .first()
    )
    if job is not None and job.status == ReportStatus.DONE:
        path = report_job_path(job)
        if path is not None:
            return path
        job = None  # its file is gone: render again
    if job is None:
        job = _job_for_log(
            exercise, fmt=ReportFormat.PDF, lang=lang, view=principal.view, principal=principal
        )
    return job
