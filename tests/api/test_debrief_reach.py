"""The debrief's reach: once control releases it to a view, that view's readers open the report,
the copy built from their own view (never control's), as a page the browser shows (a projector)
and as a PDF job of their own; before the release they find nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.reports.test_report_leak import SEED, Leak, _pdf_text
from wargame.exercises.models import ReportJob

if TYPE_CHECKING:
    from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

# Each team's answers, distinctive enough to be found in a page (percentages of probabilities).
ANSWERS: dict[str, dict[str, Any]] = {
    "US": {"clash_within_four_days": 0.37},
    "ROK": {"clash_within_four_days": 0.83},
}


class Released(Leak):
    """The leak game in the public observer view, with beliefs answered, ended."""

    def play(self) -> dict[str, APIClient]:
        self.command("open_lobby")
        players = {code: self.join(code) for code in ("US", "ROK", "DPRK")}
        observer = self.join("observers")
        self.command("start")
        self.command("advance")
        plant = self._planter()
        self.inject(["control"], plant("hidden", "an inject to control only"))
        self.inject(["DPRK"], plant("hidden", "an inject to the DPRK only"))
        for code, answers in ANSWERS.items():
            self.ok(players[code].put(self.url("turns/1/beliefs/"), {"answers": answers}, "json"))
        self.lock_override_publish_end(plant)
        return {**players, "observer": observer}


def _page(reader: APIClient, game: Leak, status: int = 200) -> str:
    answer = reader.get(game.url("report.html"))
    assert answer.status_code == status, answer.content[:300]
    if status != 200:
        return ""
    assert "attachment" not in answer.get("Content-Disposition", ""), "a file, not a page"
    return str(answer.content.decode())


def test_a_team_reads_its_own_copy_once_the_debrief_is_released_to_it() -> None:
    game = Released()
    seats = game.play()
    for reader in ("US", "DPRK", "observer"):
        _page(seats[reader], game, 404)
        assert seats[reader].get(game.url("report.pdf")).status_code == 404
    game.command("release_debrief", views=["US", "observers"])

    us = _page(seats["US"], game)
    assert "37%" in us, "the team's own belief is in its copy"
    assert "83%" not in us, "another team's answer is not"
    assert str(SEED) not in us
    leaked = [what for planted, what in game.hidden.items() if planted in us]
    assert leaked == [], f"the US copy shows {leaked}"
    _page(seats["DPRK"], game, 404)  # not released to the DPRK
    _page(seats["ROK"], game, 404)

    observers = _page(seats["observer"], game)
    assert "37%" not in observers, "no team's answers (the public view)"
    assert "83%" not in observers
    assert str(SEED) not in observers
    assert [what for planted, what in game.hidden.items() if planted in observers] == []

    control = _page(game.control, game)
    assert "37%" in control
    assert "83%" in control
    assert str(SEED) in control
    assert [what for planted, what in game.hidden.items() if planted not in control] == []

    projected = game.control.get(game.url("report.html") + "?view=observers")
    assert projected.status_code == 200
    assert projected.content.decode() == observers, "control projects the observers' own copy"
    assert seats["US"].get(game.url("report.html") + "?view=observers").status_code == 404
    assert seats["observer"].get(game.url("report.html") + "?view=team:US").status_code == 404

    saved = game.control.get(game.url("report.html") + "?download=1")
    assert saved["Content-Disposition"].startswith("attachment;")

    text = _pdf_text(seats["US"], game.url("report.pdf"))
    assert "37%" in text
    assert "83%" not in text
    assert str(SEED) not in text
    assert set(ReportJob.objects.values_list("view", flat=True)) == {"team:US"}
