"""The after-action review of a played 3-turn exercise: its PDF in English and Japanese, its
self-contained HTML, the cache that keeps it until the log changes, and who may read it."""

from __future__ import annotations

import base64
import io
import re
from typing import TYPE_CHECKING, Any

import pytest
from fontTools.ttLib import TTFont
from rest_framework.test import APIClient

from tests.cast import TEAMS, Game, client_key, facilitator_client, game_create, report_job_row
from tests.reports.pdf import embedded_font_names, font_key, pdf_pages, squeezed
from tests.scenarios.helpers import shorten_scenario_text
from wargame.exercises.models import Exercise
from wargame.exercises.services.reports import report_job_run
from wargame.reports.aar.cache import cached_report
from wargame.reports.aar.render import report_html, report_pdf
from wargame.reports.aar.text import report_texts

if TYPE_CHECKING:
    from pathlib import Path


PLANS: dict[str, list[dict[str, Any]]] = {
    "US": [{"action": "d.consult", "target": "ROK"}, {"action": "d.talks_offer", "target": "DPRK"}],
    "ROK": [{"action": "d.consult", "target": "US"}],
    "JPN": [{"action": "d.trilateral"}],
    "DPRK": [{"action": "d.russia_deepen"}, {"action": "i.loudspeakers", "target": "ROK"}],
}
SECTIONS_EN = (
    "What happened",
    "Turning points",
    "Scorecard",
    "How the crisis moved",
    "Perception versus reality",
    "Say versus do",
    "Confidence-building measures and agreements",
    "Facilitator overrides",
    "Discussion questions",
    "Appendix A: turn-by-turn timeline",
)
# Each part of the report, and each appendix, starts a page of its own.
PAGE_STARTS_EN = (
    "After-action review · The debrief",
    "After-action review · Appendices",
    "Appendix B: every act against what each team perceived",
    "Appendix C: every belief answer",
    "Appendix D: the dice",
)
CHARTS_EN = (
    "Escalation rung per dyad",
    "Crisis-instability index",
    "Threat perception per directed pair",
    "ROK and Japan assurance",
)
SECTIONS_JA = (
    "何が起きたか",
    report_texts()["ja"]["sections"]["appendix_timeline"],
    "認識と現実",
    "発言と行動",
    "討議のための問い",
)
CHARTS_JA = ("対ごとのエスカレーション段階", "危機不安定性指数")
OVERRIDE_REASON = "Seoul briefed the press reassuringly"


def rationale(team: str, turn: int) -> str:
    return f"{team} weighs turn {turn} carefully"


def three_turn_game(control: APIClient) -> Game:
    """The built-in scenario cut to three turns, everyone a person, nothing yet played."""
    game = game_create(control, deliberation_minutes=None)
    exercise = Exercise.objects.get(pk=game.exercise_id)
    exercise.scenario_text = shorten_scenario_text(exercise.scenario_text, 3)
    exercise.save(update_fields=["scenario_text"])
    assert game.command("start").status_code == 200
    return game


def play_turn(game: Game, turn: int) -> None:
    """Every team decides and submits, Japan speaks, control overrides once and publishes."""
    assert game.command("advance", expected_turn=turn, expected_phase="briefing").status_code == 200
    for code in TEAMS:
        saved = game.players[code].put(
            game.url(f"turns/{turn}/decision/"),
            {
                "actions": PLANS[code],
                "rationale": rationale(code, turn),
                "client_key": client_key(),
            },
            format="json",
        )
        assert saved.status_code == 200, saved.content
        submitted = game.players[code].post(
            game.url(f"turns/{turn}/decision/submit/"), {}, format="json"
        )
        assert submitted.status_code == 200, submitted.content
    stated = game.players["JPN"].post(
        game.url("statements/"),
        {"body": f"Japan calls for restraint ({turn})", "client_key": client_key()},
        format="json",
    )
    assert stated.status_code == 201, stated.content
    locked = game.command("advance", expected_turn=turn, expected_phase="deliberation")
    assert locked.status_code == 200, locked.content
    overridden = game.control.patch(
        game.url(f"turns/{turn}/adjudication/"),
        {"overrides": [{"path": "/state/assurance/ROK", "value": 61, "reason": OVERRIDE_REASON}]},
        format="json",
    )
    assert overridden.status_code == 200, overridden.content
    published = game.control.post(
        game.url(f"turns/{turn}/adjudication/publish/"), {}, format="json"
    )
    assert published.status_code == 200, published.content
    assert game.command("advance", expected_turn=turn, expected_phase="outcome").status_code == 200


def embedded_faces(html: str) -> dict[str, set[int]]:
    """The faces a report page carries, each with the characters its embedded font maps."""
    face = r'@font-face \{ font-family: "([^"]+)"; src: url\(data:font/woff;base64,([^)]+)\)'
    rules = re.findall(face, html)
    return {
        family: set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap())
        for family, data in rules
    }


@pytest.fixture
def report_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path / "reports"


def test_it_writes_every_section_chart_and_rationale_in_english_and_japanese(
    control: APIClient,
) -> None:
    game = three_turn_game(control)
    for turn in (1, 2, 3):
        play_turn(game, turn)
    exercise = Exercise.objects.get(pk=game.exercise_id)
    stages: list[tuple[int, str]] = []

    english = report_pdf(exercise, "en", progress=lambda p, s: stages.append((p, s)))
    assert english.startswith(b"%PDF-")
    pages = pdf_pages(english)
    whole = squeezed("\n".join(pages))
    for heading in (*SECTIONS_EN, *CHARTS_EN):
        assert squeezed(heading) in whole, heading
    # the summary first; the body and each appendix on pages of their own, headed by their title
    assert squeezed(pages[0]).startswith(squeezed("After-action review · Summary"))
    starts = [squeezed(page)[:80] for page in pages]
    for heading in PAGE_STARTS_EN:
        assert any(start.startswith(squeezed(heading)) for start in starts), heading
    assert squeezed(rationale("DPRK", 2)) in whole
    assert squeezed(OVERRIDE_REASON) in whole
    assert squeezed("Japan calls for restraint (3)") in whole
    assert [s for _, s in stages] == ["data", "charts", "layout", "pdf", "pdf"]
    assert [p for p, _ in stages] == sorted(p for p, _ in stages)
    assert stages[-1][0] == 100

    japanese = report_pdf(exercise, "ja")
    whole_ja = squeezed("\n".join(pdf_pages(japanese)))
    for heading in (*SECTIONS_JA, *CHARTS_JA):
        assert heading in whole_ja, heading
    assert "北朝鮮" in whole_ja  # team names in Japanese, from the engine's texts
    fonts = {font_key(name) for name in embedded_font_names(japanese)}
    assert "wargamesansjp" in fonts, fonts
    assert not any("wargamesans" in font_key(name) for name in embedded_font_names(english))

    html = report_html(exercise, "en")
    kinds = re.findall(r'<svg class="chart-svg" data-chart="(\w+)"', html)
    assert sorted(kinds) == ["assurance", "ci", "rung", "threat"]
    assert "<path" in html  # drawn, not referenced
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    for external in ("http://", "https://", "<link", "<script", "<img", "@import"):
        assert external not in html, external
    assert rationale("US", 1) in html
    assert "@font-face" not in html  # no CJK text, no embedded font
    # the report shows no participant's display name
    assert "US lead" not in html


def test_it_keeps_the_rendered_file_until_the_log_changes(
    control: APIClient, report_dir: Path
) -> None:
    game = three_turn_game(control)
    play_turn(game, 1)
    first = game.control.get(game.url("report.html"))
    assert first.status_code == 200, first.content
    files = sorted(report_dir.iterdir())
    assert len(files) == 1
    written = files[0].stat().st_mtime_ns
    calls: list[str] = []
    exercise = Exercise.objects.get(pk=game.exercise_id)
    again = cached_report(exercise, "en", "html", progress=lambda _p, stage: calls.append(stage))
    assert again == files[0]
    assert again.stat().st_mtime_ns == written
    assert calls == ["cached"]
    assert game.control.get(game.url("report.html")).content == first.content

    statement = game.players["DPRK"].post(
        game.url("statements/"),
        {"body": "A new line in the log", "client_key": client_key()},
        format="json",
    )
    assert statement.status_code == 201
    second = game.control.get(game.url("report.html"))
    assert second.status_code == 200
    after = sorted(report_dir.iterdir())
    assert len(after) == 1
    assert after != files
    assert b"A new line in the log" in second.content
    assert b"A new line in the log" not in first.content


def test_it_shows_the_report_to_control_and_to_observers_only_after_a_teaching_end(
    control: APIClient, report_dir: Path
) -> None:
    game = three_turn_game(control)
    play_turn(game, 1)
    outsider = facilitator_client("outsider")
    html = game.control.get(game.url("report.html"))
    assert html.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in html["Content-Security-Policy"]
    pending = game.control.get(game.url("report.pdf") + "?language=ja")
    # Not rendered yet: a job renders it, never the request (202, the job to follow).
    assert pending.status_code == 202, pending.content
    job = pending.json()
    assert job["status"] == "queued"
    assert pending["Location"] == game.url(f"reports/{job['id']}/")
    assert int(pending["Retry-After"]) > 0
    job_id = report_job_row(game.url(), job["id"])
    assert report_job_run(job_id=job_id, render=cached_report) == "done"
    pdf = game.control.get(game.url("report.pdf") + "?language=ja")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")
    assert f"exercise-{game.exercise_id}-report-ja.pdf" in pdf["Content-Disposition"]
    assert pdf.getvalue().startswith(b"%PDF-")
    assert game.control.get(game.url("report.html?language=xx")).status_code == 400
    for path in ("report.html", "report.pdf"):
        for reader in (outsider, game.players["US"], game.players["DPRK"], game.observer):
            assert reader.get(game.url(path)).status_code == 404, path
        assert APIClient().get(game.url(path)).status_code == 401

    assert game.command("set_observer_view", args={"view": "teams"}).status_code == 200
    assert game.observer.get(game.url("report.html")).status_code == 404  # not yet ended
    assert game.command("end").status_code == 200
    assert game.observer.get(game.url("report.html")).status_code == 200
    assert game.players["US"].get(game.url("report.html")).status_code == 404
    assert outsider.get(game.url("report.html")).status_code == 404
    assert game.command("set_observer_view", args={"view": "public"}).status_code == 200
    assert game.observer.get(game.url("report.html")).status_code == 404


def test_it_reports_an_exercise_with_nothing_published_yet_in_korean(control: APIClient) -> None:
    game = three_turn_game(control)
    exercise = Exercise.objects.get(pk=game.exercise_id)
    html = report_html(exercise, "ko")
    assert '<html lang="ko">' in html
    assert "무슨 일이 있었나" in html
    assert "아직 공개된 턴이 없다." in html  # the summary says so, in Korean
    assert "토의 질문" in html
    assert "미국" in html  # team names in Korean, from the engine where the scenario has none
    assert len(re.findall(r'<svg class="chart-svg"', html)) == 4
    # A reader's machine may have no Korean font: the page carries the glyphs it uses.
    faces = embedded_faces(html)
    hangul = {ord(c) for c in html if 0xAC00 <= ord(c) <= 0xD7A3}
    assert hangul <= faces["Wargame Sans KR"]
    assert {ord(c) for c in html if ord(c) >= 0x2E80} <= set().union(*faces.values())
