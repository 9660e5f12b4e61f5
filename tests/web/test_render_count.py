"""The render counter the screens benchmark reads: off unless switched on, and when on it counts
every render of a region's template, whichever path rendered it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from django.test import RequestFactory

from tests.web.test_room_helpers import html, room_url, to_deliberation
from wargame.web import render_count

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
