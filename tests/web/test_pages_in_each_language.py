"""A game played in Korean (and in Japanese) reads in that language on every page and fragment:
the team rooms, the timelines, control's console and review, the observer screen, the report and
the glossary. What people typed is written in the language too, so any English word left is the
interface's: an untranslated string, an English scenario text, a raw state value or "(bot)". The
Korean pages also carry no particle placeholder such as "와(과)".

No page and no narrative, in English, Japanese or Korean, shows an action or measure id
(`s.missile_test`, `c.swap`), a rule id (`R11`) or a state path (`/state/...`). Team codes,
audiences and channel names (dyads such as "US → DPRK") are not checked here yet."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from tests.cast import TEAMS, Game, client_key, facilitator_client, participant_client
from tests.web.conftest import CONSOLE_PARTS, browser_with_seat, signed_in
from tests.web.test_review_support import ok, publish
from tests.web.test_room_helpers import PARTS, channel_id, post_message, room_url
from wargame.exercises.models import Adjudication
from wargame.exercises.services.bots import bot_replies_run
from wargame.tasks import bot_moves

pytestmark = pytest.mark.django_db

SCREEN_PARTS = ("status", "feed", "chart")
# What a reader of each language types: titles, names, messages, rationales.
TYPED = {
    "en": {"title": "Seminar 3", "name": "{team} lead", "say": "We want talks", "why": "Carefully"},
    "ko": {"title": "세미나 3반", "name": "{team} 대표", "say": "대화를 원한다", "why": "신중하게"},
    "ja": {"title": "第3回ゼミ", "name": "{team}代表", "say": "対話を望む", "why": "慎重に"},
}
PLANS: dict[str, list[dict[str, Any]]] = {
    "US": [{"action": "d.consult", "target": "ROK"}, {"action": "d.talks_offer", "target": "DPRK"}],
    "ROK": [{"action": "d.consult", "target": "US"}],
    "JPN": [{"action": "d.trilateral"}],
}
# Acronyms and names written in Latin letters in every language, and the brand.
LATIN_WORDS = {"wargame", "English", "Lines"}
# Left for the change that names engine ids in words: ids, audiences, backquoted parameters.
# Also set aside: an English gloss in brackets after the word it glosses ("안심(assurance)"), and
# the placeholders a script fills in ("{budget}").
LATER = re.compile(
    r"\b[a-z]\.[a-z_]+\b|team:[A-Z]+|control-[A-Z]+|\b(?:control|observers)\b|`[^`]*`"
    r"|(?<=[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3])[(\uff08][A-Za-z ]+[)\uff09]|\{[a-z_]+\}"
)
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")
ENGINE_ID = re.compile(r"\b[a-z]\.[a-z_]{2,}\b|\bR\d\d\b|/state/")
PLACEHOLDER = re.compile(r"\((?:이|가|은|는|을|를|와|과|으|으로|이나|이라)\)")


class VisibleText(HTMLParser):
    """The text a reader sees or hears in the page's language: text nodes, and the attributes
    shown or read aloud; not what an element marks as another language (lang="en")."""

    SHOWN = ("title", "placeholder", "aria-label", "alt", "data-fallback", "data-confirm")
    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr"})

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its text to be skipped?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        skip = tag in ("script", "style") or found.get("lang", self.lang) != self.lang
        if tag not in self.VOID:
            self.stack.append(skip or any(self.stack))
        if skip or any(self.stack):
            return
        for name, value in attrs:
            if value and (name in self.SHOWN or name.startswith("data-label")):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not any(self.stack) and data.strip():
            self.parts.append(data.strip())


def visible(page: str, lang: str) -> list[str]:
    parser = VisibleText(lang)  # it resolves entities in text and attributes
    parser.feed(page)
    return parser.parts


def english_in(lines: list[str], lang: str) -> list[str]:
    """Lines of a page with an English word, ids and what people typed left aside."""
    found = []
    for line in lines:
        # An address: absolute, or a path the page completes with its own origin (join links).
        if "://" in line or (line.startswith("/") and " " not in line):
            continue
        words = set(ENGLISH_WORD.findall(LATER.sub(" ", line))) - LATIN_WORDS
        if words:
            found.append(f"{sorted(words)} in {line[:100]!r}")
    return found


def _page(browser: Client, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return str(response.content.decode())


def _play(lang: str) -> tuple[Game, dict[str, Client]]:
    """Two turns of exercise_season: three teams of people, the DPRK played by its bot, a
    hotline up, messages, statements and the bot's replies. The game, and browsers by role."""
    typed = TYPED[lang]
    control_api = facilitator_client("control")
    created = control_api.post(
        "/api/v1/exercises/",
        {"scenario": "exercise_season", "title": typed["title"], "language": lang, "seed": 7},
        format="json",
    )
    assert created.status_code == 201, created.content
    eid, codes = created.json()["id"], created.json()["join_codes"]
    url = f"/api/v1/exercises/{eid}/"

    def command(name: str, **args: Any) -> None:
        ok(control_api.post(f"{url}commands/", {"command": name, "args": args}, format="json"))

    command("open_lobby")
    browsers = {c: browser_with_seat(codes[c], typed["name"].format(team=c)) for c in TEAMS}
    browsers["observer"] = browser_with_seat(codes["observers"], typed["name"].format(team="-"))
    browsers["control"] = signed_in("control")
    game = Game(eid, control_api, players={}, observer=participant_client(""), join_codes=codes)
    for code in ("US", "ROK", "JPN"):
        joined = Client().post(
            "/api/v1/join/",
            {"code": codes[code], "display_name": typed["name"].format(team=code)},
            content_type="application/json",
        )
        game.players[code] = participant_client(joined.json()["token"])
    command("start")
    command("set_ai", team="DPRK", ai=True)
    command("set_hotline", hotline="us", state="up")
    for turn in (1, 2):
        command("advance", expected_turn=turn, expected_phase="briefing")
        bot_moves(eid, turn)
        for code, plan in PLANS.items():
            saved = game.players[code].put(
                f"{url}turns/{turn}/decision/",
                {"actions": plan, "rationale": typed["why"], "client_key": client_key()},
                format="json",
            )
            assert saved.status_code == 200, saved.content
        command("advance", expected_turn=turn, expected_phase="deliberation")
        ok(control_api.get(f"{url}turns/{turn}/adjudication/"))
        publish(game, turn, approve_nuclear=True)
        said = game.players["US"].post(
            f"{url}statements/", {"body": typed["say"], "client_key": client_key()}, format="json"
        )
        assert said.status_code == 201, said.content
        post_message(game, "US", "US-DPRK", typed["say"])
        post_message(game, "ROK", "US-ROK", typed["say"])
        bot_replies_run(exercise_id=eid)
        if turn == 1:
            command("advance", expected_turn=turn, expected_phase="outcome")
    for browser in browsers.values():
        browser.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    return game, browsers


def _every_page(game: Game, browsers: dict[str, Client], lang: str) -> dict[str, str]:
    eid = game.exercise_id
    hotline = channel_id(game, "US", "US-DPRK")
    pages: dict[str, str] = {
        "room US hotline": _page(browsers["US"], room_url(eid, "channel") + f"?channel={hotline}")
    }
    for code in TEAMS:
        player = browsers[code]
        pages[f"room {code}"] = _page(player, room_url(eid))
        for part in PARTS:
            pages[f"room {code} {part}"] = _page(player, room_url(eid, part))
        pages[f"timeline {code}"] = _page(player, f"/exercises/{eid}/timeline/")
    control = browsers["control"]
    pages["console"] = _page(control, f"/console/{eid}/")
    for part in CONSOLE_PARTS:
        pages[f"console {part}"] = _page(control, f"/console/{eid}/part/{part}/")
    pages["adjudication"] = _page(control, f"/console/{eid}/adjudication/part/")
    pages["dashboard"] = _page(control, f"/console/{eid}/dashboard/part/")
    pages["exercises"] = _page(control, "/console/")
    pages["new exercise"] = _page(control, "/console/new/")
    pages["timeline control"] = _page(control, f"/exercises/{eid}/timeline/")
    pages["report"] = _page(control, f"/api/v1/exercises/{eid}/report.html?language={lang}")
    observer = browsers["observer"]
    pages["screen"] = _page(observer, f"/screen/{eid}/")
    for part in SCREEN_PARTS:
        pages[f"screen {part}"] = _page(observer, f"/screen/{eid}/part/{part}/")
    pages["timeline observers"] = _page(observer, f"/exercises/{eid}/timeline/")
    pages["glossary"] = _page(observer, "/glossary/")
    pages["practice"] = _page(Client(HTTP_ACCEPT_LANGUAGE=lang), "/practice/")
    return pages


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_every_page_of_a_played_game_reads_in_the_players_language(lang: str) -> None:
    game, browsers = _play(lang)
    pages = _every_page(game, browsers, lang)
    english = {
        name: found
        for name, page in pages.items()
        if (found := english_in(visible(page, lang), lang))
    }
    assert not english, "\n".join(f"{n}: {f}" for n, found in english.items() for f in found)
    shown = {name: html.unescape(page) for name, page in pages.items()}
    team_names = {"ko": ("미국", "한국", "일본", "북한"), "ja": ("米国", "韓国", "日本", "北朝鮮")}
    for name in team_names[lang]:
        assert name in shown["room US"], name
    if lang == "ko":
        placeholders = {
            n: PLACEHOLDER.findall(p) for n, p in shown.items() if PLACEHOLDER.search(p)
        }
        assert not placeholders, placeholders
        assert "AI 대역" in shown["room US hotline"]  # the DPRK bot answered on the hotline
        assert "핫라인 · 정상" in shown["room US channels"]  # the channel list
        assert "'자유의 방패 27' 발표: 역대 최대 규모" in shown["room ROK injects"]
        assert "약 4일" in shown["room JPN header"]


@pytest.mark.parametrize("lang", ["en", "ja", "ko"])
def test_no_page_or_narrative_shows_an_engine_id_a_state_path_or_a_placeholder(lang: str) -> None:
    game, browsers = _play(lang)
    pages = _every_page(game, browsers, lang)
    texts = {
        name: [line for line in visible(page, lang) if "://" not in line]
        for name, page in pages.items()
    }
    for row in Adjudication.objects.filter(exercise_id=game.exercise_id).order_by("turn"):
        texts[f"narrative {row.turn}"] = [row.proposal["narrative"][lang]]
    found = {
        f"{name}: {line[:100]!r}": ENGINE_ID.findall(line) + PLACEHOLDER.findall(line)
        for name, lines in texts.items()
        for line in lines
        if ENGINE_ID.search(line) or PLACEHOLDER.search(line)
    }
    assert not found, "\n".join(f"{where} {ids}" for where, ids in found.items())
    assert any("narrative" in name for name in texts)
