"""Layer 2: what a JSON Schema cannot say (cross-references, ranges that depend on the file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from wargame.engine.scenario.conditions import ConditionShapeError, parse_condition
from wargame.engine.scenario.cuts import DEFAULT_DELIBERATION_MINUTES
from wargame.engine.scenario.schema import closest
from wargame.engine.scenario.yaml_reader import Path

# (path, points at the key rather than the value, message)
Finding = tuple[Path, bool, str]

CORE_TEAMS = ("US", "ROK", "JPN", "DPRK")
ALL_TEAMS = ("US", "ROK", "JPN", "DPRK", "PRC", "RUS")
# Hotlines open and close with the state (`hotline/ik`, `hotline/us`), never by channel config.
HOTLINES = {frozenset({"ROK", "DPRK"}): "hotline/ik", frozenset({"US", "DPRK"}): "hotline/us"}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def scenario_teams(data: Mapping[str, Any]) -> list[str]:
    teams = _mapping(data.get("teams"))
    return [code for code in ALL_TEAMS if code in teams]


def text_paths(data: Mapping[str, Any]) -> Iterator[tuple[Path, Any]]:
    """Every text of a scenario file, with its path."""
    for key in ("title", "summary"):
        yield (key,), data.get(key)
    yield ("duration", "turn_represents"), _mapping(data.get("duration")).get("turn_represents")
    for i, item in enumerate(_list(data.get("learning_objectives"))):
        yield ("learning_objectives", i), item
    for code, team in _mapping(data.get("teams")).items():
        team = _mapping(team)
        for key in ("name", "briefing"):
            yield ("teams", code, key), team.get(key)
        for key in ("objectives", "red_lines"):
            for i, item in enumerate(_list(team.get(key))):
                yield ("teams", code, key, i), item
    for i, plan in enumerate(_list(data.get("turns"))):
        yield ("turns", i, "represents"), _mapping(plan).get("represents")
    for i, inject in enumerate(_list(data.get("injects"))):
        for key in ("title", "body"):
            yield ("injects", i, key), _mapping(inject).get(key)
    for c, cut in enumerate(_list(data.get("cuts"))):
        yield ("cuts", c, "name"), _mapping(cut).get("name")
        for m, move in enumerate(_list(_mapping(cut).get("moves"))):
            yield ("cuts", c, "moves", m, "represents"), _mapping(move).get("represents")
    for team, orders in _mapping(data.get("bots")).items():
        for i, order in enumerate(_list(orders)):
            yield ("bots", team, i, "reason"), _mapping(order).get("reason")
    for q, question in enumerate(_list(data.get("beliefs"))):
        yield ("beliefs", q, "ask"), _mapping(question).get("ask")
        for o, option in enumerate(_list(_mapping(question).get("options"))):
            yield ("beliefs", q, "options", o, "text"), _mapping(option).get("text")


BUILTIN_LANGUAGES = ("en", "ja", "ko")
LANGUAGE_NAMES = {"en": "English", "ja": "Japanese", "ko": "Korean"}


def _listed_languages(data: Mapping[str, Any]) -> list[str]:
    return [lang for lang in _list(data.get("languages")) if isinstance(lang, str)]


def check_languages(data: Mapping[str, Any], *, builtin: bool = False) -> Iterator[Finding]:
    """Every text has the languages the file lists; a built-in scenario lists and has all three,
    since the interface promises English, Japanese and Korean players the same game."""
    languages = _listed_languages(data)
    if languages and "en" not in languages:
        yield ("languages",), False, "languages must include 'en' (every text has English)"
    if builtin and "languages" in data and any(x not in languages for x in BUILTIN_LANGUAGES):
        yield ("languages",), False, "a built-in scenario lists en, ja and ko"
    wanted = BUILTIN_LANGUAGES[1:] if builtin else [x for x in languages if x != "en"]
    for path, text in text_paths(data):
        if text is None or not wanted:
            continue
        missing = [lang for lang in wanted if not (isinstance(text, Mapping) and text.get(lang))]
        if not missing:
            continue
        named = ", ".join(missing)
        yield (
            path,
            False,
            (
                f"no {named} text; a built-in scenario has every text in en, ja and ko"
                if builtin
                else (
                    f"no {named} text, but languages lists {named} "
                    "as complete; add it or drop the language from 'languages'"
                )
            ),
        )


def language_warnings(data: Mapping[str, Any]) -> Iterator[Finding]:
    """An uploaded scenario may leave out Japanese or Korean: players of that language then read
    its texts in English, which the pages say. Worth a warning, not an error."""
    languages = _listed_languages(data)
    if not languages:
        return
    for lang in BUILTIN_LANGUAGES[1:]:
        if lang not in languages:
            name = LANGUAGE_NAMES[lang]
            yield (
                ("languages",),
                False,
                (
                    f"no {name} ({lang}) text: players who use the interface in {name} "
                    "will read this scenario in English"
                ),
            )


def check_dates_and_turns(data: Mapping[str, Any]) -> Iterator[Finding]:
    start = data.get("start_date")
    if isinstance(start, str):
        try:
            dt.date.fromisoformat(start)
        except ValueError:
            yield ("start_date",), False, f"'{start}' is not a real date (YYYY-MM-DD)"
    duration = turn_count(data)
    seen: set[int] = set()
    for i, plan in enumerate(_list(data.get("turns"))):
        n = _mapping(plan).get("n")
        if not isinstance(n, int) or isinstance(n, bool):
            continue
        if duration is not None and n > duration:
            yield ("turns", i, "n"), False, f"turn {n} is beyond the duration of {duration} turns"
        if n in seen:
            yield ("turns", i, "n"), False, f"turn {n} is planned twice"
        seen.add(n)


def turn_count(data: Mapping[str, Any]) -> int | None:
    turns = _mapping(data.get("duration")).get("turns")
    return turns if isinstance(turns, int) and not isinstance(turns, bool) else None


def deliberation_for(data: Mapping[str, Any], turn: int) -> int:
    default = _mapping(data.get("duration")).get("deliberation_minutes")
    minutes = default if isinstance(default, int) else DEFAULT_DELIBERATION_MINUTES
    for plan in _list(data.get("turns")):
        plan = _mapping(plan)
        if plan.get("n") == turn and isinstance(plan.get("deliberation_minutes"), int):
            return int(plan["deliberation_minutes"])
    return minutes


def check_audience(raw: Any, path: Path, teams: list[str]) -> Iterator[Finding]:
    entries = [raw] if isinstance(raw, str) else _list(raw)
    for j, entry in enumerate(entries):
        if not isinstance(entry, str):
            continue
        where = path if isinstance(raw, str) else (*path, j)
        code = entry.removeprefix("team:")
        if entry in ("all", "observers", "control") or code in teams:
            if entry == "all" and not isinstance(raw, str) and len(entries) > 1:
                yield where, False, "'all' already includes every view; list it alone"
            continue
        if code in ALL_TEAMS:
            yield (
                where,
                False,
                f"team '{code}' does not play in this scenario (teams: " + (", ".join(teams) + ")"),
            )
            continue
        guess = closest(code, teams)
        hint = f" (did you mean '{guess}'?)" if guess else ""
        yield (
            where,
            False,
            (
                f"unknown team '{code}'; expected one of {', '.join(teams)}{hint}; "
                "a view is a team code, team:<CODE>, observers, control or all"
            ),
        )


def check_injects(data: Mapping[str, Any]) -> Iterator[Finding]:
    teams = scenario_teams(data)
    duration = turn_count(data)
    ids: dict[str, int] = {}
    for i, inject in enumerate(_list(data.get("injects"))):
        inject = _mapping(inject)
        base: Path = ("injects", i)
        inject_id = inject.get("id")
        if isinstance(inject_id, str):
            if inject_id in ids:
                yield (
                    (*base, "id"),
                    False,
                    (
                        f"duplicate inject id '{inject_id}' "
                        f"(first used by injects[{ids[inject_id]}])"
                    ),
                )
            else:
                ids[inject_id] = i
        if "audience" in inject:
            yield from check_audience(inject["audience"], (*base, "audience"), teams)
        has_at, has_when = "at" in inject, "when" in inject
        if "cuts" in data:
            pass  # the cuts place injects (cuts.cut_findings)
        elif has_at == has_when:
            where: Path = (*base, "when") if has_when else base
            yield (
                where,
                False,
                (
                    "give either 'at' (a turn) or 'when' (a condition), not both"
                    if has_at
                    else "an inject needs 'at' (a turn) or 'when' (a condition)"
                ),
            )
        yield from _check_at(_mapping(inject.get("at")), (*base, "at"), duration, data)
        if has_when:
            try:
                parse_condition(inject["when"], (*base, "when"))
            except ConditionShapeError as exc:
                yield exc.path, False, exc.reason


def _check_at(
    at: Mapping[str, Any], path: Path, duration: int | None, data: Any
) -> Iterator[Finding]:
    turn = at.get("turn")
    if not isinstance(turn, int) or isinstance(turn, bool):
        return
    if duration is not None and turn > duration:
        yield (*path, "turn"), False, f"turn {turn} is beyond the duration of {duration} turns"
    if "phase" in at and "offset_minutes" in at:
        yield (*path, "offset_minutes"), False, "give either 'phase' or 'offset_minutes', not both"
    offset = at.get("offset_minutes")
    if isinstance(offset, int) and offset >= (minutes := deliberation_for(data, turn)):
        yield (
            (*path, "offset_minutes"),
            False,
            (f"{offset} minutes is past the end of turn {turn}'s deliberation ({minutes} minutes)"),
        )


def check_channels(data: Mapping[str, Any]) -> Iterator[Finding]:
    teams = scenario_teams(data)
    closed = _list(_mapping(data.get("channels")).get("closed_at_start"))
    for i, name in enumerate(closed):
        if not isinstance(name, str):
            continue
        codes = name.split("-")
        path: Path = ("channels", "closed_at_start", i)
        unknown = [c for c in codes if c not in teams]
        if unknown:
            yield (
                path,
                False,
                (
                    f"unknown team '{unknown[0]}' in channel '{name}'; "
                    f"expected one of {', '.join(teams)}"
                ),
            )
        elif len(set(codes)) != len(codes):
            yield path, False, f"channel '{name}' names a team twice"
        elif (pointer := HOTLINES.get(frozenset(codes))) is not None:
            yield (
                path,
                False,
                (
                    f"'{name}' is a hotline: it follows the state; "
                    f"set initial_state '{pointer}' instead"
                ),
            )


def check_agreement_parties(data: Mapping[str, Any]) -> Iterator[Finding]:
    teams = scenario_teams(data)
    agreements = _list(_mapping(data.get("initial_state")).get("agreements"))
    for i, agreement in enumerate(agreements):
        for j, party in enumerate(_list(_mapping(agreement).get("parties"))):
            if isinstance(party, str) and party in ALL_TEAMS and party not in teams:
                yield (
                    ("initial_state", "agreements", i, "parties", j),
                    False,
                    (f"team '{party}' does not play in this scenario"),
                )


def structural_findings(data: Mapping[str, Any]) -> list[Finding]:
    """Checks needing nothing but the file (languages apart: `check_languages`)."""
    return [
        *check_dates_and_turns(data),
        *check_injects(data),
        *check_channels(data),
        *check_agreement_parties(data),
    ]
