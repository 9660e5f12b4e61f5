"""The adjudication review panel of the console: control only; the proposal, its rules and dice,
overrides, re-roll and publish, and the explicit nuclear approval."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.utils.html import escape

from tests.web.test_review_support import deliberate_and_lock, html, ok, publish, start
from wargame.web.review_labels import die_question

if TYPE_CHECKING:
    from tests.web.conftest import WebCast

pytestmark = pytest.mark.django_db


def part(cast: WebCast) -> str:
    return f"/console/{cast.exercise_id}/adjudication/part/"


def test_it_answers_control_and_hides_from_everyone_else(web_cast: WebCast) -> None:
    assert web_cast.control.get(part(web_cast)).status_code == 200
    others = [web_cast.outsider, web_cast.observer, web_cast.anonymous, *web_cast.players.values()]
    assert [browser.get(part(web_cast)).status_code for browser in others] == [404] * len(others)


def test_before_any_turn_it_says_nothing_is_proposed(web_cast: WebCast) -> None:
    page = html(web_cast.control, part(web_cast))
    assert 'data-testid="review"' in page
    assert 'data-status="none"' in page


def test_a_locked_turn_shows_the_proposal_with_its_rules_and_dice(web_cast: WebCast) -> None:
    start(web_cast.game)
    proposal = deliberate_and_lock(web_cast.game, 1)
    page = html(web_cast.control, part(web_cast))
    assert 'data-status="proposed"' in page
    assert 'data-turn="1"' in page
    for testid in ("state-diff", "rules-fired", "dice", "reroll", "publish", "overrides"):
        assert f'data-testid="{testid}"' in page, testid
    for rule in proposal["rules_fired"]:
        assert f"<code>{rule['id']}</code>" in page
    dice = re.search(r'data-testid="dice".*?</table>', page, re.S)
    assert dice is not None
    assert dice.group(0).count("<tr>") == len(proposal["dice"]) + 1
    assert "Publish outcome" in page
    assert "Re-roll" in page
    assert 'data-path="/state/rung/DPRK/ROK"' in page
    assert 'data-testid="nuclear-warning"' not in page


def test_an_override_made_through_the_api_is_listed_with_its_reason(web_cast: WebCast) -> None:
    game = web_cast.game
    start(game)
    deliberate_and_lock(game, 1)
    ok(
        game.control.patch(
            game.url("turns/1/adjudication/"),
            {
                "overrides": [
                    {"path": "/state/assurance/ROK", "value": 61, "reason": "Calm-Seoul-9"}
                ]
            },
            format="json",
        )
    )
    page = html(web_cast.control, part(web_cast))
    overrides = re.search(r'data-testid="overrides".*?</table>', page, re.S)
    assert overrides is not None
    assert "Calm-Seoul-9" in overrides.group(0)
    assert "/state/assurance/ROK" in overrides.group(0)
    assert "<strong>61</strong>" in overrides.group(0)
    row = re.search(r'<tr[^>]*data-path="/state/assurance/ROK".*?</tr>', page, re.S)
    assert row is not None
    assert "<strong>61</strong>" in row.group(0)


def test_publishing_turns_the_panel_into_the_published_summary(web_cast: WebCast) -> None:
    game = web_cast.game
    start(game)
    proposal = deliberate_and_lock(game, 1)
    publish(game, 1)
    page = html(web_cast.control, part(web_cast))
    assert 'data-status="published"' in page
    assert 'data-testid="publish"' not in page
    assert proposal["narrative"]["en"] in page


def test_a_proposal_over_the_nuclear_threshold_asks_for_explicit_approval(
    web_cast: WebCast,
) -> None:
    game = web_cast.game
    start(game)
    deliberate_and_lock(game, 1)
    changed = ok(
        game.control.patch(
            game.url("turns/1/adjudication/"),
            {"overrides": [{"path": "/state/rung/DPRK/ROK", "value": 8, "reason": "drill"}]},
            format="json",
        )
    )
    assert changed["requires_nuclear_approval"] is True
    page = html(web_cast.control, part(web_cast))
    assert 'data-testid="nuclear-warning"' in page
    checkbox = re.search(r'<input[^>]*data-testid="approve-nuclear"[^>]*>', page)
    assert checkbox is not None
    assert 'name="approve_nuclear"' in checkbox.group(0)
    assert "I approve crossing the nuclear threshold" in page
    button = re.search(r'<button[^>]*data-testid="publish"[^>]*>', page)
    assert button is not None
    assert "disabled" in button.group(0)


def test_the_panel_waits_while_the_engine_has_not_proposed(web_cast: WebCast) -> None:
    from wargame.exercises.models import Adjudication, Exercise

    game = web_cast.game
    start(game)
    deliberate_and_lock(game, 1)
    # As if the engine had not finished: the phase is adjudication and no proposal exists yet.
    Adjudication.objects.filter(exercise_id=game.exercise_id).delete()
    assert Exercise.objects.get(pk=game.exercise_id).phase == "adjudication"
    page = html(web_cast.control, part(web_cast))
    assert 'data-status="pending"' in page
    assert 'data-testid="publish"' not in page


def test_after_publishing_the_next_turns_briefing_still_shows_the_last_outcome(
    web_cast: WebCast,
) -> None:
    game = web_cast.game
    start(game)
    proposal = deliberate_and_lock(game, 1)
    publish(game, 1)
    ok(game.command("advance", expected_turn=1, expected_phase="outcome"))
    page = html(web_cast.control, part(web_cast))
    assert 'data-status="published"' in page
    assert 'data-turn="1"' in page
    assert proposal["narrative"]["en"] in page


def test_the_narrative_follows_the_interface_language(web_cast: WebCast) -> None:
    start(web_cast.game)
    proposal = deliberate_and_lock(web_cast.game, 1)
    web_cast.control.cookies["django_language"] = "ja"
    page = html(web_cast.control, part(web_cast))
    assert proposal["narrative"]["ja"] in page
    assert 'data-path="/narrative/ja"' in page


def test_the_console_embeds_the_same_html_the_fragment_answers(web_cast: WebCast) -> None:
    start(web_cast.game)
    deliberate_and_lock(web_cast.game, 1)
    console = html(web_cast.control, f"/console/{web_cast.exercise_id}/")
    dashboard = f"/console/{web_cast.exercise_id}/dashboard/part/"
    assert html(web_cast.control, part(web_cast)) in console
    assert html(web_cast.control, dashboard) in console


def test_the_review_reads_in_words_with_the_dice_behind_a_closed_disclosure(
    web_cast: WebCast,
) -> None:
    start(web_cast.game)
    proposal = deliberate_and_lock(web_cast.game, 1)
    page = html(web_cast.control, part(web_cast))
    decisions = re.search(r'data-testid="review-decisions".*?</ul>', page, re.S)
    assert decisions is not None
    acted = [e for e in proposal["events"] if e["kind"] == "action" and e.get("action")]
    assert decisions.group(0).count("<li>") == len(acted) > 0
    for event in acted:
        assert event["action"] not in decisions.group(0), "an action's id, not its title"
    assert 'data-testid="key-numbers"' in page
    for testid in ("dice-disclosure", "values-disclosure"):
        tag = re.search(rf'<details[^>]*data-testid="{testid}"[^>]*>', page)
        assert tag is not None, testid
        assert " open" not in tag.group(0), testid
    dice = re.search(r'data-testid="dice".*?</table>', page, re.S)
    assert dice is not None
    for die in proposal["dice"]:
        question = die_question(die["purpose"], die["key"])
        assert question != die["purpose"], f"no words for {die['purpose']}"
        assert escape(question) in dice.group(0)
