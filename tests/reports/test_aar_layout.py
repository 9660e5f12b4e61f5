"""The debrief's layout on a 10-turn game (four bot teams through the services): the summary
comes first and ends before page 3 in every language, the body keeps to eight pages, the
appendices come after; the summary's account agrees with the record; and every discussion
question is about a turn that was played, saying what really happened in it."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from tests.reports.pdf import pdf_pages, squeezed
from wargame.engine.scenario import load_builtin
from wargame.exercises.management.commands.sample_report import sample_play
from wargame.exercises.models import Adjudication, AdjudicationStatus
from wargame.reports.aar.causes import cause_texts
from wargame.reports.aar.data import report_data
from wargame.reports.aar.questions import discussion_questions
from wargame.reports.aar.render import report_pdf
from wargame.reports.aar.text import Words, report_texts
from wargame.reports.aar.turning import turning_points
from wargame.reports.tidy import exercise_rows

if TYPE_CHECKING:
    from wargame.exercises.models import Exercise

pytestmark = pytest.mark.django_db

SUMMARY_PAGES = 2
BODY_PAGES = 8
ESSAY_POINT = re.compile(r"(000|004) §[A-C]|(000|004) §[IV]+")
ESCALATION_EN = re.compile(
    r"^In turn (\d+), (.+?) went from rung (\d+) to rung (\d+) against (.+?)\."
)


def _played() -> Exercise:
    return sample_play(scenario="exercise_season", turns=10, seed=7, language="en")


def _kicker(lang: str, part: str) -> str:
    t = report_texts()[lang]
    return squeezed(f"{t['report']} · {t['sections'][part]}")


def _first_page_starting(pages: list[str], text: str) -> int:
    return next(i for i, page in enumerate(pages) if squeezed(page).startswith(text))


def test_REAL_RENDERER_the_summary_comes_first_and_ends_before_page_3_in_every_language() -> None:  # noqa: N802
    exercise = _played()
    for lang in ("en", "ja", "ko"):
        pages = pdf_pages(report_pdf(exercise, lang))
        assert squeezed(pages[0]).startswith(_kicker(lang, "summary")), lang
        body = _first_page_starting(pages, _kicker(lang, "body"))
        appendices = _first_page_starting(pages, _kicker(lang, "appendices"))
        # The summary's content (its last part is the scorecard) is all before the body.
        summary = squeezed("".join(pages[:body]))
        data = report_data(exercise, lang)
        for team in data.scorecard:
            for row in team["objectives"]:
                assert squeezed(row["text"]) in summary, (lang, row["text"])
        assert body <= SUMMARY_PAGES, (lang, body)
        assert 0 < appendices - body <= BODY_PAGES, (lang, body, appendices, len(pages))
        # Quiet rows are counted in the body, not listed: the full table is an appendix.
        seen = report_texts()[lang]["labels"]["seen"]
        body_text = "".join(pages[body:appendices])
        assert seen not in body_text, lang
        assert seen in "".join(pages[appendices:]), lang


def _rung(state: dict[str, Any], a: str, b: str) -> int:
    return int(state["rung"][a][b])


def test_every_question_is_about_a_played_turn_and_says_what_happened_in_it() -> None:
    exercise = _played()
    published = {
        a.turn: a
        for a in Adjudication.objects.filter(exercise=exercise, status=AdjudicationStatus.PUBLISHED)
    }
    scenario = load_builtin("exercise_season")
    words = Words.build("en", scenario)
    codes = {words.team(code): code for code in scenario.teams}
    start = max(v for row in published[1].base_state["rung"].values() for v in row.values())
    for lang in ("en", "ja", "ko"):
        questions = report_data(exercise, lang).questions
        asked = [q for q in questions if q["kind"] != "general"]
        assert asked, lang
        for question in questions:
            assert not re.search(r"[{}]", question["text"]), question
            assert not re.search(r"\b[cdsmei]\.[a-z_]+\b|\bR\d\d\b", question["text"]), question
        for question in asked:
            assert question["turn"] in published, question
            assert ESSAY_POINT.search(question["essay"]), question
            if lang != "en":
                assert not re.search(r"\b(turn|rung|went from)\b", question["text"]), question
    for question in report_data(exercise, "en").questions:
        if question["kind"] != "escalation":
            continue
        found = ESCALATION_EN.match(question["text"])
        assert found, question
        turn, actor, before, after, target = found.groups()
        adjudication = published[int(turn)]
        a, b = codes[actor], codes[target]
        assert _rung(adjudication.base_state, a, b) == int(before), question
        assert _rung(adjudication.proposal["state"], a, b) == int(after), question
        assert int(after) >= start, question  # no step below where the crisis opened


def test_a_side_dyad_creeping_up_below_where_the_crisis_opened_is_no_turning_point() -> None:
    """The border clash opens at rung 5 between the Koreas: the DPRK and Japan going from 0 to 2
    is not a turning point; the Koreas going to 6 is."""
    words = Words.build("en", load_builtin("border_clash"))
    start = {"ROK": {"DPRK": 5}, "DPRK": {"ROK": 5, "JPN": 0}}
    after = {"ROK": {"DPRK": 6}, "DPRK": {"ROK": 5, "JPN": 2}}
    history: list[Any] = [
        {"turn": 0, "rung": start, "ci": None, "state": {}},
        {"turn": 1, "rung": after, "ci": None, "state": {}},
    ]
    found = turning_points(
        words,
        history=history,
        causes=[],
        beliefs=[],
        consultations=[],
        adjudicated=[],
        agreements=[],
        perception=[],
        points=[],
        overrides=[],
    )
    steps = [(p["values"]["before"], p["values"]["after"]) for p in found]
    assert steps == [(5, 6)]


def test_a_failed_joint_act_an_unconsulted_ally_the_swap_and_an_unframed_deal_are_asked_about() -> (
    None
):
    """Each turning point the record holds becomes a question about its own turn, naming the
    essay point it tests, in every language and with no placeholder left."""
    scenario = load_builtin("exercise_season")
    record = SimpleNamespace(
        turn=4,
        proposal={
            "events": [
                {"kind": "joint_failed", "actor": "US", "target": "JPN", "action": "d.consult"},
                {"kind": "action", "actor": "DPRK", "target": None, "action": "m.predelegate"},
            ]
        },
    )
    for lang in ("en", "ja", "ko"):
        words = Words.build(lang, scenario)
        consult: Any = {
            "turn": 3,
            "step": "",
            "act": words.action("d.talks_offer"),
            "allies": [
                {"team": "ROK", "name": words.team("ROK"), "key": "consulted", "status": ""},
                {"team": "JPN", "name": words.team("JPN"), "key": "not_consulted", "status": ""},
            ],
        }
        deal: Any = {
            "measure": words.measure("c.icbm_cap"),
            "measure_key": "c.icbm_cap",
            "framing": "none",
            "parties": f"{words.team('US')}, {words.team('DPRK')}",
            "proposed_by": words.team("US"),
            "status_key": "agreed",
            "violated_by": "",
            "history": [
                {"turn": 5, "key": "proposed", "status": ""},
                {"turn": 6, "key": "agreed", "status": ""},
            ],
        }
        found = turning_points(
            words,
            history=[],
            causes=[],
            beliefs=[],
            consultations=[consult],
            adjudicated=[record],  # type: ignore[list-item]
            agreements=[deal],
            perception=[],
            points=[],
            overrides=[],
        )
        asked = {q["kind"]: q for q in discussion_questions(words, found)}
        assert {k: q["turn"] for k, q in asked.items() if k != "general"} == {
            "unconsulted": 3,
            "joint_failed": 4,
            "swap": 4,
            "framing": 6,
        }, lang
        assert words.team("JPN") in asked["unconsulted"]["text"]
        assert words.team("ROK") not in asked["unconsulted"]["text"].split("(")[0]
        assert "000 §B" in asked["unconsulted"]["essay"]
        assert "000 §C" in asked["joint_failed"]["essay"]
        assert "000 §A" in asked["swap"]["essay"]
        assert "000 §C" in asked["framing"]["essay"]
        for question in asked.values():
            assert not re.search(r"[{}]", question["text"]), question


PEAK_EN = re.compile(
    r"The crisis peaked at rung (\d+), between (.+?) and (.+?) in turn (\d+), "
    r"and ended with its highest rung at (\d+)\."
)
AGREEMENTS_EN = re.compile(r"Measures or agreements proposed: (\d+); in force at the end: (\d+) ")
PERCEPTION_EN = re.compile(
    r"Acts of others that teams misread: (\d+); saw though they never happened: (\d+); "
    r"missed: (\d+)\."
)


def _max_rung(state: dict[str, Any]) -> int:
    return max(int(v) for row in state["rung"].values() for v in row.values())


def test_the_summarys_account_agrees_with_the_adjudications_and_the_tidy_table() -> None:
    exercise = _played()
    published = list(
        Adjudication.objects.filter(
            exercise=exercise, status=AdjudicationStatus.PUBLISHED
        ).order_by("turn")
    )
    account = " ".join(report_data(exercise, "en").summary)
    peak = PEAK_EN.search(account)
    assert peak, account
    rungs = [(_max_rung(a.proposal["state"]), a.turn) for a in published]
    highest = max(r for r, _ in rungs)
    assert int(peak.group(1)) == highest
    assert int(peak.group(4)) == next(t for r, t in rungs if r == highest)
    assert int(peak.group(5)) == rungs[-1][0]
    agreements = published[-1].proposal["state"]["agreements"]
    counts = AGREEMENTS_EN.search(account)
    assert counts, account
    live = [a for a in agreements if a["status"] in ("agreed", "implemented", "verified")]
    assert (int(counts.group(1)), int(counts.group(2))) == (len(agreements), len(live))
    seen = PERCEPTION_EN.search(account)
    assert seen, account
    rows = exercise_rows(exercise)
    assert [int(n) for n in seen.groups()] == [
        sum(row[key] for row in rows) for key in ("misread", "phantom", "missed")
    ]
    # Every draw of the game says in words what it decided (appendix D, control's copy).
    for lang in ("en", "ja", "ko"):
        dice = report_data(exercise, lang).dice
        assert len(dice) == sum(len(a.proposal["dice"]) for a in published)
        unnamed = cause_texts(lang)["labels"]["other_rule"]
        assert [d for d in dice if d["purpose"] == unnamed] == [], lang
