"""Report jobs (docs/interface.md#endpoints: POST reports/, GET reports/{rid}/): a facilitator asks,
a worker renders with progress shown to control only, the file downloads, an unchanged log reuses
it.

Most tests here check the job mechanics with a stand-in for the renderer the task hands the job
(``report_job_run(render=...)``); the one marked REAL RENDERER runs a real Celery worker on Redis
with the real renderer."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
from django.template.loader import render_to_string
from rest_framework.test import APIClient

from tests.cast import client_key, facilitator_client, report_job_row, view_events
from tests.reports.play import Played, play
from wargame.celery import app as celery_app
from wargame.exercises import queue
from wargame.exercises.models import Event, Exercise, ReportJob
from wargame.exercises.principals import Principal
from wargame.exercises.services.reports import report_job_run
from wargame.web.console_reports import reports_region

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.services import CeleryWorker

pytestmark = pytest.mark.django_db

STAGES = ("data", "charts", "layout", "pdf")


def _events(game: Played, client: APIClient) -> list[dict[str, Any]]:
    return view_events(client, game.url())


def _report_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [event for event in events if event["type"].startswith("report.")]


class FakeRenderer(list[tuple[str, str]]):
    """A stand-in renderer: reports in 5 % steps, writes a small file, remembers each call."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def __call__(
        self,
        exercise: Exercise,
        lang: str,
        fmt: str,
        *,
        progress: Callable[[int, str], None],
        view: str,
    ) -> Path:
        self.append((lang, fmt))
        for percent in range(0, 101, 5):
            progress(percent, STAGES[min(percent // 26, 3)])
        path = self.folder / f"report-{exercise.pk}-{len(self)}.{fmt}"
        body = b"%PDF-1.7 fake" if fmt == "pdf" else "<html>報告</html>".encode()
        path.write_bytes(body)
        return path


@pytest.fixture
def renders(tmp_path: Path) -> FakeRenderer:
    return FakeRenderer(tmp_path)


def _request(game: Played, client: APIClient, **body: Any) -> Any:
    return client.post(game.url("reports/"), body, format="json")


def test_a_job_goes_from_queued_to_done_and_its_file_downloads(
    played: Played, renders: FakeRenderer
) -> None:
    asked = _request(played, played.control, format="pdf", language="ja")
    assert asked.status_code == 202, asked.content
    body = asked.json()
    assert body == {"id": body["id"], "status": "queued", "progress": 0, "url": None}
    before = played.control.get(played.url(f"reports/{body['id']}/"))
    assert before.json()["status"] == "queued"
    assert played.control.get(played.url(f"reports/{body['id']}/file")).status_code == 409

    assert (
        report_job_run(job_id=report_job_row(played.exercise_id, body["id"]), render=renders)
        == "done"
    )

    after = played.control.get(played.url(f"reports/{body['id']}/"))
    assert after.status_code == 200
    url = f"/api/v1/exercises/{played.exercise_id}/reports/{body['id']}/file"
    assert after.json() == {"id": body["id"], "status": "done", "progress": 100, "url": url}
    assert renders == [("ja", "pdf")]
    download = played.control.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.getvalue().startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]


def test_progress_goes_to_controls_stream_at_most_once_a_tenth_and_never_to_teams(
    played: Played, renders: FakeRenderer
) -> None:
    job_id = _request(played, played.control, format="html").json()["id"]
    report_job_run(job_id=report_job_row(played.exercise_id, job_id), render=renders)

    seen = _report_events(_events(played, played.control))
    progress = [event["payload"] for event in seen if event["type"] == "report.progress"]
    # 21 callbacks in 5 % steps: one event per tenth (0, 10, ..., 100), no more
    assert [item["progress"] for item in progress] == list(range(0, 101, 10))
    assert all(item["id"] == job_id and isinstance(item["stage"], str) for item in progress)
    assert seen[-1]["type"] == "report.ready"
    assert seen[-1]["payload"] == {
        "id": job_id,
        "url": f"/api/v1/exercises/{played.exercise_id}/reports/{job_id}/file",
    }
    for client in (*played.players.values(), played.observer):
        assert _report_events(_events(played, client)) == []
    stored = Event.objects.filter(exercise_id=played.exercise_id, type__startswith="report.")
    assert {tuple(event.audience) for event in stored} == {("control",)}


def test_a_second_request_with_an_unchanged_log_reuses_the_finished_job(
    played: Played, renders: FakeRenderer
) -> None:
    first = _request(played, played.control, format="pdf", language="en").json()
    report_job_run(job_id=report_job_row(played.exercise_id, first["id"]), render=renders)

    again = _request(played, played.control, format="pdf", language="en")
    assert again.status_code == 202
    assert again.json()["id"] == first["id"]
    assert again.json()["status"] == "done"
    other_language = _request(played, played.control, format="pdf", language="ko").json()
    assert other_language["id"] != first["id"]
    assert renders == [("en", "pdf")]

    posted = played.players["US"].post(
        played.url("statements/"),
        {"body": "The log grows.", "client_key": client_key()},
        format="json",
    )
    assert posted.status_code == 201, posted.content
    changed = _request(played, played.control, format="pdf", language="en").json()
    assert changed["id"] not in (first["id"], other_language["id"])
    assert changed["status"] == "queued"


def test_the_language_defaults_to_the_exercises_own(played: Played, renders: FakeRenderer) -> None:
    Exercise.objects.filter(pk=played.exercise_id).update(language="ko")
    job_id = _request(played, played.control, format="html").json()["id"]
    assert ReportJob.objects.get(pk=report_job_row(played.exercise_id, job_id)).language == "ko"


def test_a_renderer_error_fails_the_job_with_its_message(
    played: Played,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Path:
        raise RuntimeError("no fonts for the chart")

    job_id = _request(played, played.control, format="pdf").json()["id"]
    assert (
        report_job_run(job_id=report_job_row(played.exercise_id, job_id), render=broken) == "failed"
    )
    job = ReportJob.objects.get(pk=report_job_row(played.exercise_id, job_id))
    assert "no fonts for the chart" in job.error
    shown = played.control.get(played.url(f"reports/{job_id}/")).json()
    assert shown["status"] == "failed"
    assert shown["url"] is None
    assert played.control.get(played.url(f"reports/{job_id}/file")).status_code == 409
    failed = [e for e in _events(played, played.control) if e["type"] == "report.failed"]
    assert [event["payload"]["id"] for event in failed] == [job_id]


def test_a_request_queues_the_render_task_once_the_transaction_commits(
    played: Played,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from wargame import tasks

    queued: list[tuple[str, tuple[int, ...]]] = []
    monkeypatch.setattr(
        celery_app, "send_task", lambda name, args, eta: queued.append((name, args))
    )
    with django_capture_on_commit_callbacks(execute=True):
        job_id = _request(played, played.control, format="pdf").json()["id"]
    assert queued == [(queue.REPORT_RENDER, (report_job_row(played.exercise_id, job_id),))]
    assert tasks.report_render.name == queue.REPORT_RENDER


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "docx"}, "format"),
        ({}, "format"),
        ({"format": "pdf", "language": "fr"}, "language"),
    ],
)
def test_a_format_or_language_we_do_not_make_is_400(
    played: Played, body: dict[str, Any], field: str
) -> None:
    answer = _request(played, played.control, **body)
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]
    assert not ReportJob.objects.filter(exercise_id=played.exercise_id).exists()


def test_only_control_may_ask_for_or_read_reports(played: Played, renders: FakeRenderer) -> None:
    job_id = _request(played, played.control, format="pdf").json()["id"]
    report_job_run(job_id=report_job_row(played.exercise_id, job_id), render=renders)
    outsider = facilitator_client("outsider")
    others = {**played.players, "observer": played.observer, "outsider": outsider}
    paths = (f"reports/{job_id}/", f"reports/{job_id}/file")
    for who, client in others.items():
        assert _request(played, client, format="pdf").status_code == 404, who
        for tail in paths:
            assert client.get(played.url(tail)).status_code == 404, (who, tail)
    anonymous = APIClient()
    assert _request(played, anonymous, format="pdf").status_code == 401
    for tail in paths:
        assert anonymous.get(played.url(tail)).status_code == 401
    # job ids count within their exercise: another exercise's first job is 1 too, and a number
    # this exercise has not given out is not found
    mine = play(outsider, tag="b")
    theirs = _request(mine, outsider, format="pdf").json()["id"]
    assert theirs == 1
    assert played.control.get(played.url("reports/2/")).status_code == 404
    assert ReportJob.objects.filter(exercise_id=played.exercise_id).count() == 1


def test_the_console_panel_offers_the_form_and_links_a_finished_report(
    played: Played, renders: FakeRenderer
) -> None:
    job_id = _request(played, played.control, format="pdf", language="en").json()["id"]
    report_job_run(job_id=report_job_row(played.exercise_id, job_id), render=renders)
    exercise = Exercise.objects.get(pk=played.exercise_id)
    ctx = type(
        "Ctx",
        (),
        {"principal": Principal(exercise_id=exercise.pk, view="control"), "exercise": exercise},
    )()
    html = render_to_string(
        "web/console/parts/reports.html", {**reports_region(ctx), "exercise": exercise}
    )
    assert f'data-api="/api/v1/exercises/{exercise.pk}/reports/"' in html
    assert 'name="format"' in html
    assert 'name="language"' in html
    assert "Make the report" in html
    assert f"/api/v1/exercises/{exercise.pk}/reports/{job_id}/file" in html


# --- a real worker, the real renderer -------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_REAL_RENDERER_a_worker_makes_the_pdf_with_progress_and_it_downloads(  # noqa: N802
    redis_broker: CeleryWorker,
) -> None:
    control = facilitator_client("control")
    game = play(control, tag="w")
    asked = _request(game, control, format="pdf", language="en")
    assert asked.status_code == 202, asked.content
    job_id = asked.json()["id"]
    statuses = [asked.json()["status"]]
    deadline = time.monotonic() + 180
    while statuses[-1] not in ("done", "failed"):
        assert time.monotonic() < deadline, redis_broker.log()
        time.sleep(0.2)
        status = control.get(game.url(f"reports/{job_id}/")).json()["status"]
        if status != statuses[-1]:
            statuses.append(status)
    job = ReportJob.objects.get(pk=report_job_row(game.exercise_id, job_id))
    assert statuses[-1] == "done", (job.error, redis_broker.log())
    assert statuses[0] == "queued"

    seen = _report_events(_events(game, control))
    progress = [e["payload"]["progress"] for e in seen if e["type"] == "report.progress"]
    assert progress, "no progress was announced"
    assert progress == sorted(progress)
    assert len(progress) <= 11
    assert seen[-1]["type"] == "report.ready"
    for client in game.players.values():
        assert _report_events(_events(game, client)) == []

    download = control.get(game.url(f"reports/{job_id}/file"))
    assert download.status_code == 200
    pdf = download.getvalue()
    assert pdf.startswith(b"%PDF")
    again = _request(game, control, format="pdf", language="en").json()
    assert again["id"] == job_id
    assert again["status"] == "done"
