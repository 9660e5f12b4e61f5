"""The after-action report once leaked control's record to observers: with ``observer_view: teams``,
after the end, ``report.html`` and ``report.pdf`` were rendered from control's record, with
injects addressed only to control or to one team, the facilitator's override reasons and the
exercise's seed. Each reader gets the report of its own view: the page, the PDF and the job that
renders the PDF (the reader's own, which it follows to the file)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from rest_framework.test import APIClient

from tests.cast import (
    TEAMS,
    client_key,
    facilitator_client,
    participant_client,
    report_job_row,
    view_events,
)
from tests.reports.pdf import pdf_pages, squeezed
from tests.reports.play import PLANS
from wargame.exercises.services.reports import report_job_run
from wargame.reports.aar.cache import cached_report

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.django_db

SEED = 918_273_645  # long enough that finding it in a report cannot be chance


class Leak:
    """One teaching game ended, with text planted where observers may and may not read it."""

    def __init__(self) -> None:
        self.control = facilitator_client("leak-control")
        created = self.control.post(
            "/api/v1/exercises/",
            {"scenario": "exercise_season", "title": "Leak", "language": "en", "seed": SEED},
            format="json",
        )
        assert created.status_code == 201, created.content
        self.exercise_id: int = created.json()["id"]
        self.codes: dict[str, str] = created.json()["join_codes"]
        self.hidden: dict[str, str] = {}  # text observers must never read -> what it is
        self.shown: dict[str, str] = {}  # text observers read in their report -> what it is

    def url(self, tail: str = "") -> str:
        return f"/api/v1/exercises/{self.exercise_id}/{tail}"

    def ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.content[:300]
        return response.json() if response.content else None

    def command(self, command: str, **args: Any) -> None:
        self.ok(
            self.control.post(self.url("commands/"), {"command": command, "args": args}, "json")
        )

    def join(self, code: str) -> APIClient:
        body = {"code": self.codes[code], "display_name": f"{code} seat"}
        return participant_client(
            self.ok(APIClient().post("/api/v1/join/", body, "json"), 201)["token"]
        )

    def inject(self, audience: list[str], text: str) -> None:
        self.command(
            "release_inject", title=f"Title {text}", body=f"Body {text}", audience=audience
        )

    def play(self) -> dict[str, APIClient]:
        self.command("set_observer_view", view="teams")
        self.command("open_lobby")
        players = {code: self.join(code) for code in TEAMS}
        observer = self.join("observers")
        self.command("start")
        self.command("advance")
        plant = self._planter()
        self.inject(["control"], plant("hidden", "an inject to control only"))
        self.inject(["DPRK"], plant("hidden", "an inject to the DPRK only"))
        self.inject(["observers"], plant("shown", "an inject to observers"))
        for code in TEAMS:
            rationale = plant("shown", f"{code}'s rationale, written under the teaching view")
            body = {"actions": PLANS[code], "rationale": rationale, "client_key": client_key()}
            self.ok(players[code].put(self.url("turns/1/decision/"), body, "json"))
            self.ok(players[code].post(self.url("turns/1/decision/submit/"), {}, "json"))
        line = next(
            c["id"]
            for c in self.ok(players["DPRK"].get(self.url("channels/")))["results"]
            if c["name"] == "control-DPRK"
        )
        message = {"body": plant("hidden", "the DPRK's line to control"), "client_key": "k1"}
        self.ok(players["DPRK"].post(self.url(f"channels/{line}/messages/"), message, "json"), 201)
        self.lock_override_publish_end(plant)
        return {**players, "observer": observer}

    def lock_override_publish_end(self, plant: Callable[[str, str], str]) -> None:
        """Lock turn 1, override the state with a planted reason, publish, and end."""
        self.command("advance")
        reason = plant("hidden", "control's override reason")
        override = {"path": "/state/assurance/ROK", "value": 61, "reason": reason}
        self.ok(
            self.control.patch(self.url("turns/1/adjudication/"), {"overrides": [override]}, "json")
        )
        self.ok(self.control.post(self.url("turns/1/adjudication/publish/"), {}, "json"))
        self.command("end")

    def _planter(self) -> Callable[[str, str], str]:
        def plant(kind: str, what: str) -> str:
            text = f"lkq{len(self.hidden) + len(self.shown):03d}z"
            (self.hidden if kind == "hidden" else self.shown)[text] = what
            return text

        return plant


def _pdf_text(reader: APIClient, url: str) -> str:
    """The PDF as the reader gets it: 202 with its own job, followed to the file."""
    pending = reader.get(url)
    assert pending.status_code == 202, pending.content[:300]
    job = pending.json()
    assert pending["Location"].endswith(f"/reports/{job['id']}/")
    assert reader.get(pending["Location"]).json()["status"] == "queued"
    report_job_run(job_id=report_job_row(url, job["id"], reader), render=cached_report)
    done = reader.get(pending["Location"]).json()
    assert done["status"] == "done", done
    from_job = reader.get(done["url"])
    assert from_job.status_code == 200
    answer = reader.get(url)
    assert answer.status_code == 200, answer.content[:300]
    content = b"".join(getattr(answer, "streaming_content", []))
    assert content == b"".join(getattr(from_job, "streaming_content", []))
    return squeezed(" ".join(pdf_pages(content)))


def test_observers_read_their_own_report_never_controls() -> None:
    game = Leak()
    seats = game.play()
    observer = seats["observer"]
    html = observer.get(game.url("report.html"))
    assert html.status_code == 200, html.content[:300]
    readings = {
        "report.html": html.content.decode(),
        "report.pdf": _pdf_text(observer, game.url("report.pdf")),
    }
    for name, text in readings.items():
        leaked = [what for planted, what in game.hidden.items() if planted in text]
        assert leaked == [], f"{name} shows observers {leaked}"
        assert str(SEED) not in text, f"{name} shows observers the seed"
        missing = [what for planted, what in game.shown.items() if planted not in text]
        assert missing == [], f"{name} leaves out {missing}: the check above would see nothing"
    control = game.control.get(game.url("report.html")).content.decode()
    absent = [what for planted, what in game.hidden.items() if planted not in control]
    # The report tells no messages at all; everything else hidden from observers is control's.
    assert absent == ["the DPRK's line to control"], absent
    assert str(SEED) in control, "control's own report keeps the seed"


def test_a_readers_report_job_is_followed_by_that_view_and_control_only() -> None:
    game = Leak()
    seats = game.play()
    observer, player = seats["observer"], seats["US"]
    theirs = game.ok(observer.get(game.url("report.pdf")), 202)["id"]
    controls = game.ok(game.control.post(game.url("reports/"), {"format": "html"}, "json"), 202)
    for rid, readers, others in (
        (theirs, (observer, game.control), (player,)),
        (controls["id"], (game.control,), (observer, player)),
    ):
        for reader in readers:
            assert reader.get(game.url(f"reports/{rid}/")).status_code == 200
        for other in others:
            assert other.get(game.url(f"reports/{rid}/")).status_code == 404
            assert other.get(game.url(f"reports/{rid}/file")).status_code == 404
    report_job_run(job_id=report_job_row(game.url(), theirs, observer), render=cached_report)
    told = [e for e in view_events(observer, game.url()) if e["type"].startswith("report.")]
    assert [e["type"] for e in told][-1] == "report.ready"
    assert {e["payload"]["id"] for e in told} == {theirs}
    assert not [e for e in view_events(player, game.url()) if e["type"].startswith("report.")]
