"""Reads a render pass shares (wargame.exercises.selectors.snapshot): once per view and log
position under a snapshot, never shared between views, read again once the log grows, never kept
for an API request, and each caller's copy its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.web.test_room_helpers import post_message, to_deliberation
from wargame.exercises.models import Exercise
from wargame.exercises.principals import view_reader
from wargame.exercises.selectors import snapshot
from wargame.exercises.selectors.reads import channels_for

if TYPE_CHECKING:
    from tests.web.conftest import WebCast
    from wargame.exercises.principals import Principal

pytestmark = pytest.mark.django_db


def test_a_shared_read_is_made_once_per_view_and_position(web_cast: WebCast) -> None:
    to_deliberation(web_cast)
    calls: list[str] = []

    @snapshot.once_per_snapshot
    def names(principal: Principal, *, suffix: str) -> list[str]:
        calls.append(principal.view)
        return [c["name"] + suffix for c in channels_for(principal)]

    row = Exercise.objects.get(pk=web_cast.exercise_id)
    us = view_reader(row.pk, "team:US", snapshot=row)
    rok = view_reader(row.pk, "team:ROK", snapshot=row)
    first = names(us, suffix="")
    assert names(us, suffix="") == first
    assert calls == ["team:US"]
    # Another view at the same position reads its own: the US team's channel is not in it.
    assert names(rok, suffix="") != first
    assert calls == ["team:US", "team:ROK"]
    # Another copy of the row at the same position (another language's pass) shares the read.
    again = Exercise.objects.get(pk=web_cast.exercise_id)
    assert names(view_reader(again.pk, "team:US", snapshot=again), suffix="") == first
    assert calls == ["team:US", "team:ROK"]
    # The caller's copy is its own.
    mine = names(us, suffix="")
    mine.append("changed by a builder")
    assert names(us, suffix="") == first

    post_message(web_cast.game, "US", "US", "the log grows")
    grown = Exercise.objects.get(pk=web_cast.exercise_id)
    names(view_reader(grown.pk, "team:US", snapshot=grown), suffix="")
    assert calls == ["team:US", "team:ROK", "team:US"]
    # Without a snapshot (an API request) nothing is kept.
    names(view_reader(grown.pk, "team:US"), suffix="")
    names(view_reader(grown.pk, "team:US"), suffix="")
    assert calls[-2:] == ["team:US", "team:US"]
