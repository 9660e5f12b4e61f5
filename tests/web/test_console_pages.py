"""The facilitator console's pages: the list of one's exercises, the setup form, and who may
open an exercise's console and its QR codes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cast import facilitator_client, game_create
from tests.web.conftest import signed_in
from wargame.web.console_views import console_tab

if TYPE_CHECKING:
    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db


def _list_queries(browser: Client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = browser.get("/console/")
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_list_asks_a_visitor_to_sign_in_first() -> None:
    answer = Client().get("/console/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/?next=/console/")


def test_the_list_shows_only_the_facilitators_own_exercises(web_cast: WebCast) -> None:
    html = web_cast.control.get("/console/").content.decode()
    assert 'data-testid="console-list"' in html
    assert f'href="/console/{web_cast.exercise_id}/"' in html
    assert 'data-testid="exercise-new"' in html
    outsider = web_cast.outsider.get("/console/").content.decode()
    assert f'href="/console/{web_cast.exercise_id}/"' not in outsider
    assert "Seminar 3" not in outsider


def test_the_list_costs_the_same_queries_for_one_exercise_or_five() -> None:
    api = facilitator_client("busy")
    game_create(api)
    browser = signed_in("busy")
    one, _ = _list_queries(browser)
    for _n in range(4):
        game_create(api)
    five, html = _list_queries(browser)
    assert html.count('<tr data-exercise="') == 5
    assert five == one


def test_the_setup_form_offers_every_visible_scenario(web_cast: WebCast) -> None:
    page = web_cast.control.get("/console/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="setup-form"' in html
    assert 'data-testid="scenario-select"' in html
    assert '<option value="exercise_season"' in html
    assert 'data-api="/api/v1/exercises/"' in html
    assert 'data-redirect="/console/{id}/"' in html
    assert "Create exercise" in html
    assert 'name="ai_teams" data-type="json"' in html


def test_the_setup_form_prefills_the_scenarios_own_deliberation_time(web_cast: WebCast) -> None:
    from wargame.exercises.selectors.scenarios import builtin_scenarios

    scenario = next(s for s in builtin_scenarios() if s.slug == "exercise_season")
    html = web_cast.control.get("/console/new/?scenario=exercise_season").content.decode()
    assert f'data-deliberation="{scenario.deliberation_minutes}" selected' in html
    assert f'value="{scenario.deliberation_minutes}" data-minutes-input' in html


def test_the_setup_form_offers_the_chosen_scenario_s_cuts(web_cast: WebCast) -> None:
    html = web_cast.control.get("/console/new/?scenario=exercise_season").content.decode()
    assert 'name="cut" data-testid="cut-select"' in html
    options = re.findall(r'<option value="([a-z_]*)" data-scenario="([a-z_0-9]+)"([^>]*)>', html)
    mine = [(value, rest) for value, scenario, rest in options if scenario == "exercise_season"]
    assert [value for value, _ in mine] == ["short", "half_day", "full_day"]
    assert [value for value, rest in mine if rest.endswith(" selected")] == ["full_day"]
    others = [rest for _value, scenario, rest in options if scenario != "exercise_season"]
    assert others
    assert all("hidden disabled" in rest for rest in others)
    assert "90 minutes: three moves (3 turns, about 90 minutes)" in html


def test_the_console_shows_control_the_cut_and_its_learning_objectives(web_cast: WebCast) -> None:
    html = web_cast.control.get(f"/console/{web_cast.exercise_id}/part/header/").content.decode()
    assert 'data-testid="cut-name">A full day: ten moves<' in html
    assert 'data-testid="learning-objectives"' in html
    assert "Trace, in play, the two misperception paths" in html


def test_the_setup_form_needs_a_signed_in_facilitator() -> None:
    answer = Client().get("/console/new/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")


def test_the_console_shows_each_code_its_join_link_and_qr(web_cast: WebCast) -> None:
    page = web_cast.control.get(f"/console/{web_cast.exercise_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="console"' in html
    for key, code in web_cast.game.join_codes.items():
        assert f'data-testid="join-code" data-team="{key}">{code}</code>' in html
        # The codes region is every facilitator's: it holds the link's path, and the page puts
        # its own address before it (console.js).
        assert f'href="/join/#code={code}" data-testid="join-link"' in html
        assert f'src="/console/{web_cast.exercise_id}/qr/{key}.svg?v={code}"' in html


def test_a_qr_code_is_an_svg_of_the_join_link_that_is_never_cached(web_cast: WebCast) -> None:
    code = web_cast.game.join_codes["US"]
    answer = web_cast.control.get(f"/console/{web_cast.exercise_id}/qr/US.svg")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/svg+xml"
    assert "no-store" in answer["Cache-Control"]
    root = ET.fromstring(answer.content)  # noqa: S314 - our own server's answer in a test
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert code in answer.content.decode()  # the title names the code
    observers = web_cast.control.get(f"/console/{web_cast.exercise_id}/qr/observers.svg")
    assert observers.status_code == 200
    assert observers.content != answer.content


def test_the_qr_code_encodes_this_exercises_join_link(web_cast: WebCast) -> None:
    from wargame.web.qr import qr_svg

    code = web_cast.game.join_codes["ROK"]
    answer = web_cast.control.get(f"/console/{web_cast.exercise_id}/qr/ROK.svg").content.decode()
    assert answer == qr_svg(f"http://testserver/join/#code={code}", title=code)
    assert answer != qr_svg("http://testserver/join/?code=WRONG-CODE0", title=code)


def test_an_unknown_qr_key_is_not_found(web_cast: WebCast) -> None:
    assert web_cast.control.get(f"/console/{web_cast.exercise_id}/qr/PRC.svg").status_code == 404


@pytest.mark.parametrize("path", ["", "qr/US.svg", "part/teams/", "part/header/"])
def test_no_one_but_its_facilitators_may_open_the_console(web_cast: WebCast, path: str) -> None:
    url = f"/console/{web_cast.exercise_id}/{path}"
    assert web_cast.control.get(url).status_code == 200
    assert web_cast.outsider.get(url).status_code == 404
    assert web_cast.observer.get(url).status_code == 404
    for browser in web_cast.players.values():
        assert browser.get(url).status_code == 404


def test_a_visitor_is_sent_to_sign_in_for_the_console(web_cast: WebCast) -> None:
    url = f"/console/{web_cast.exercise_id}/"
    answer = web_cast.anonymous.get(url)
    assert answer.status_code == 302
    assert answer["Location"] == f"/accounts/login/?next={url}"


def test_a_fragment_is_never_a_login_page(web_cast: WebCast) -> None:
    answer = web_cast.anonymous.get(f"/console/{web_cast.exercise_id}/part/teams/")
    assert answer.status_code == 404


def test_an_unknown_fragment_is_not_found(web_cast: WebCast) -> None:
    answer = web_cast.control.get(f"/console/{web_cast.exercise_id}/part/secrets/")
    assert answer.status_code == 404


def test_the_console_is_a_live_page_from_controls_position(web_cast: WebCast) -> None:
    from wargame.exercises.models import Exercise

    html = web_cast.control.get(f"/console/{web_cast.exercise_id}/").content.decode()
    position = Exercise.objects.get(pk=web_cast.exercise_id).view_positions["control"]
    assert f'data-live-ws="/ws/exercises/{web_cast.exercise_id}/"' in html
    assert f'data-live-since="{position}"' in html
    assert "data-server-now=" in html
    assert 'data-testid="review-region"' in html
    assert 'data-testid="dashboard-region"' in html


@pytest.mark.parametrize(
    ("url_name", "testid"),
    [("web:adjudication-part", "review-region"), ("web:dashboard-part", "dashboard-region")],
)
def test_the_review_panels_are_embedded_as_live_regions(
    web_cast: WebCast, url_name: str, testid: str
) -> None:
    url = reverse(url_name, args=[web_cast.exercise_id])
    html = web_cast.control.get(f"/console/{web_cast.exercise_id}/").content.decode()
    section = re.search(rf'<section[^>]*data-testid="{testid}"[^>]*>', html)
    assert section is not None
    assert f'data-src="{url}"' in section.group(0)
    assert "data-region=" in section.group(0)  # kept current by pushes, rendered with the page
    assert "outcome.published" in section.group(0)


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_the_console_renders_in_each_interface_language(web_cast: WebCast, lang: str) -> None:
    web_cast.control.cookies["django_language"] = lang
    web_cast.game.command("start")
    for path in ("", "part/injects/", "part/teams/"):
        answer = web_cast.control.get(f"/console/{web_cast.exercise_id}/{path}")
        assert answer.status_code == 200
    page = web_cast.control.get(f"/console/{web_cast.exercise_id}/").content.decode()
    assert f'<html lang="{lang}">' in page
    assert 'data-testid="command-advance"' in page


@pytest.mark.parametrize(
    ("status", "asked", "opens"),
    [
        ("draft", None, "codes"),
        ("lobby", None, "codes"),
        ("running", None, "run"),
        ("paused", None, "run"),
        ("ended", None, "report"),
        ("running", "injects", "injects"),
        ("lobby", "run", "run"),
        ("running", "nonsense", "run"),
    ],
)
def test_the_console_opens_on_the_tab_asked_for_or_the_one_the_game_needs(
    status: str, asked: str | None, opens: str
) -> None:
    assert console_tab(asked, status) == opens


def test_the_tab_asked_for_is_the_one_panel_shown_and_the_link_marked_current(
    web_cast: WebCast,
) -> None:
    page = web_cast.control.get(f"/console/{web_cast.exercise_id}/?tab=injects").content.decode()
    panels = dict(
        re.findall(r'<div class="console-panel[^"]*" id="panel-(\w+)"[^>]*?( hidden)?>', page)
    )
    assert panels == {
        "run": " hidden",
        "codes": " hidden",
        "injects": "",
        "settings": " hidden",
        "report": " hidden",
    }
    assert re.search(r'<a href="\?tab=injects"[^>]*aria-current="page"', page)
    assert len(re.findall(r'aria-current="page"', page)) == 1
