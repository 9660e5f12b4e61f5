"""The render counter the screens benchmark reads: off unless switched on, and when on it counts
every render of a region's template, whichever path rendered it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from django.test import RequestFactory

from tests.web.test_room_helpers import html, put_draft, room_url, to_deliberation
from wargame.web import render_count
from wargame.web.regions import parts

if TYPE_CHECKING:
    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db


def test_the_counts_are_not_served_unless_the_counter_is_switched_on(web_cast: WebCast) -> None:
    assert web_cast.control.get("/_bench/renders").status_code == 404


def test_it_counts_each_render_of_a_region_template(web_cast: WebCast) -> None:
    render_count.install()
    to_deliberation(web_cast)
    before = render_count.counts()
    html(web_cast.players["US"], room_url(web_cast.exercise_id, "injects"))
    html(web_cast.players["ROK"], room_url(web_cast.exercise_id, "injects"))
    html(web_cast.players["ROK"], room_url(web_cast.exercise_id, "header"))
    after = render_count.counts()

    def grew(name: str) -> int:
        return after.get(name, 0) - before.get(name, 0)

    assert grew("web/room/parts/injects.html") == 2
    assert grew("web/room/parts/header.html") == 1
    assert grew("web/room/parts/decision.html") == 0


def test_installing_twice_counts_once(web_cast: WebCast) -> None:
    render_count.install()
    render_count.install()
    to_deliberation(web_cast)
    before = render_count.counts().get("web/room/parts/outcome.html", 0)
    html(web_cast.players["JPN"], room_url(web_cast.exercise_id, "outcome"))
    assert render_count.counts()["web/room/parts/outcome.html"] == before + 1


def test_the_counts_are_answered_as_json_and_never_cached() -> None:
    render_count.install()
    response = render_count.counts_view(RequestFactory().get("/_bench/renders"))
    body = json.loads(response.content)
    assert isinstance(body["pid"], int)
    assert isinstance(body["renders"], dict)
    assert response["Cache-Control"] == "no-store"


def _row_templates(decision: str) -> str:
    return decision[decision.index("<div hidden>") :]


def test_the_decision_regions_row_templates_are_rendered_once_while_the_actions_stay(
    web_cast: WebCast,
) -> None:
    render_count.install()
    parts.clear()
    to_deliberation(web_cast)
    us, url = web_cast.players["US"], room_url(web_cast.exercise_id, "decision")
    first = html(us, url)
    put_draft(web_cast.game, "US", 1, "first thoughts", [])
    before = render_count.counts()
    second = html(us, url)  # the draft changed the region: rendered again
    after = render_count.counts()

    def grew(name: str) -> int:
        return after.get(name, 0) - before.get(name, 0)

    assert grew("web/room/parts/decision.html") == 1
    assert grew("web/room/_row_templates.html") == 0
    assert "first thoughts" in second
    assert 'data-row-template="' in _row_templates(second)
    assert _row_templates(first) == _row_templates(second)
    # Another team is offered other actions: its own templates, never the US's.
    rok = html(web_cast.players["ROK"], url)
    assert (
        render_count.counts()["web/room/_row_templates.html"]
        == after.get("web/room/_row_templates.html", 0) + 1
    )
    assert _row_templates(rok) != _row_templates(second)
