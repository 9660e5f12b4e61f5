"""The report worker's task: takes a job id, runs one service, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="wargame.report_render", ignore_result=True)
def report_render(job_id: int) -> str:
    """Render one after-action report job (POST reports/), announcing progress to control."""
    from wargame.reports.jobs import report_job_run

    return report_job_run(job_id)
