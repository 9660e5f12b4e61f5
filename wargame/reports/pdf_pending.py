"""A PDF report that is not rendered yet: queue its job and answer 202 at once.

Rendering takes 5-10 s of CPU; inside a request it held a server thread that long for each
reader who asked first. The job is control's (``report_request``): control follows it by its
``Location``; another reader of the report (an observer after a teaching end, the player of a
practice game) is told when to ask again. A job that already renders this log is reused, so
asking again queues nothing new.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.response import Response

from wargame.exercises.models import ReportJob, ReportStatus
from wargame.exercises.principals import Principal
from wargame.exercises.views_of import CONTROL
from wargame.reports.jobs import (
    report_job_path,
    report_job_payload,
    report_log_seq,
    report_request,
)

if TYPE_CHECKING:
    from pathlib import Path

RETRY_AFTER_SECONDS = 5
UNDER_WAY = (ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.DONE)


def report_pdf_or_pending(principal: Principal, lang: str) -> Path | Response:
    """The rendered PDF of the log as it is now, as the reader's view may read it, or 202 with
    the job that renders it."""
    under_way = (
        ReportJob.objects.filter(
            exercise_id=principal.exercise_id,
            format="pdf",
            language=lang,
            view=principal.view,
            log_seq=report_log_seq(principal.exercise_id),
            status__in=UNDER_WAY,
        )
        .order_by("-pk")
        .first()
    )
    job = under_way
    if job is not None and job.status == ReportStatus.DONE:
        path = report_job_path(job)
        if path is not None:
            return path
        job = None  # its file is gone: render again
    if job is None:
        as_control = Principal(exercise_id=principal.exercise_id, view=CONTROL, user=principal.user)
        job = report_request(principal=as_control, fmt="pdf", lang=lang, view=principal.view)
    response = Response(report_job_payload(job), status=202)
    if principal.is_control:
        response["Location"] = f"/api/v1/exercises/{principal.exercise_id}/reports/{job.pk}/"
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
