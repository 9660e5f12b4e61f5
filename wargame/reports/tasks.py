"""The report worker's task: takes a job id, runs one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from wargame.exercises.queue import REPORT_RENDER
from wargame.reports.jobs import report_job_run


@shared_task(name=REPORT_RENDER, ignore_result=True)
def report_render(job_id: int) -> str:
    """Render one after-action report job (POST reports/), announcing progress to control."""
    return report_job_run(job_id)
