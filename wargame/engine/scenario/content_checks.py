"""Checks of what an inject does and what a game is scored on: branches (`if:`), effects,
the decisions an inject asks for (`asks:`), the belief questionnaire and objective checks; and,
for the built-in scenarios, the promises the pack makes to a class (a private decision for every
team in every cut, no engine id in a student's text).

Shapes are checked from the file alone (`content_shape_findings`); the engine then judges
variables, actions, pointers and values (`content_engine_findings`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from wargame.engine.scenario.beliefs import ANSWERS, FITS, TRUTHS
from wargame.engine.scenario.bot_orders import order_findings
from wargame.engine.scenario.conditions import (
    ConditionShapeError,
    Decided,
    comparisons,
    decisions_named,
    parse_condition,
    type_mismatch,
)
from wargame.engine.scenario.effects import effect_engine_findings, effect_findings, parse_effect
from wargame.engine.scenario.objectives import MODES, split_check
from wargame.engine.scenario.schema import closest, did_you_mean

if TYPE_CHECKING:
    from wargame.engine.catalogue import Catalogue
    from wargame.engine.model import Model
    from wargame.engine.scenario.yaml_reader import Path
    from wargame.engine.state import State

    Finding = tuple[Path, bool, str]

TEAMS = ("US", "ROK", "JPN", "DPRK", "PRC", "RUS")
EXERCISE = "s.exercise"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _teams(data: Mapping[str, Any]) -> list[str]:
    return [code for code in TEAMS if code in _mapping(data.get("teams"))]


def condition_sites(data: Mapping[str, Any]) -> Iterator[tuple[Path, Any, bool]]:
    """Every condition of the file: (its path, its data, whether it belongs to a belief, where
    `target: self` names the answering team)."""
    for i, inject in enumerate(_list(data.get("injects"))):
        for key in ("when", "if"):
            if key in _mapping(inject):
                yield ("injects", i, key), inject[key], False
    for q, question in enumerate(_list(data.get("beliefs"))):
        truth = _mapping(_mapping(question).get("truth"))
        for key in ("holds", "happens"):
            if key in truth:
                yield ("beliefs", q, "truth", key), truth[key], True
    for code, team in _mapping(data.get("teams")).items():
        for i, objective in enumerate(_list(_mapping(team).get("objectives"))):
            check = _mapping(objective).get("check")
            if isinstance(check, Mapping):
                _mode, raw, keys = split_check(check)
                yield ("teams", code, "objectives", i, "check", *keys), raw, False


# --- shapes ---------------------------------------------------------------------------------


def content_shape_findings(data: Mapping[str, Any]) -> Iterator[Finding]:
    teams = _teams(data)
    for path, raw, _belief in condition_sites(data):
        if path[0] == "injects" and path[2] == "when":
            continue  # checked with the inject's other keys (semantic.check_injects)
        try:
            parse_condition(raw, path)
        except ConditionShapeError as exc:
            yield exc.path, False, exc.reason
    yield from _check_modes(data)
    for i, inject in enumerate(_list(data.get("injects"))):
        for j, effect in enumerate(_list(_mapping(inject).get("effects"))):
            yield from effect_findings(effect, ("injects", i, "effects", j), teams)
    yield from _question_shapes(data, teams)


def _check_modes(data: Mapping[str, Any]) -> Iterator[Finding]:
    for code, team in _mapping(data.get("teams")).items():
        for i, objective in enumerate(_list(_mapping(team).get("objectives"))):
            check = _mapping(objective).get("check")
            if not isinstance(check, Mapping):
                continue
            modes = [m for m in MODES if m in check]
            if modes and len(check) > 1:
                path: Path = ("teams", code, "objectives", i, "check")
                yield (
                    path,
                    False,
                    f"'{modes[0]}' stands alone in a check; write {{{modes[0]}: <condition>}}",
                )


def _question_shapes(data: Mapping[str, Any], teams: list[str]) -> Iterator[Finding]:
    ids: dict[str, int] = {}
    for q, question in enumerate(_list(data.get("beliefs"))):
        question = _mapping(question)
        base: Path = ("beliefs", q)
        qid = question.get("id")
        if isinstance(qid, str):
            if qid in ids:
                yield (
                    (*base, "id"),
                    False,
                    f"duplicate question id '{qid}' (first used by beliefs[{ids[qid]}])",
                )
            ids.setdefault(qid, q)
        for j, team in enumerate(_list(question.get("teams"))):
            if team in TEAMS and team not in teams:
                yield (*base, "teams", j), False, f"team '{team}' does not play in this scenario"
        answer = question.get("answer")
        if "truth" not in question:
            continue  # the schema names the missing truth
        truth = _mapping(question.get("truth"))
        kinds = [k for k in TRUTHS if k in truth]
        if len(kinds) != 1:
            yield (
                (*base, "truth"),
                False,
                "a truth is one of {var: <pointer>}, {holds: <condition>} or "
                "{happens: <condition>, within_hours: N}",
            )
            continue
        kind = kinds[0]
        windows = [key for key in ("within_hours", "within_turns") if key in truth]
        if kind == "happens" and len(windows) != 1:
            yield (
                (*base, "truth"),
                False,
                "'happens' needs one of 'within_hours' or 'within_turns': how long to watch",
            )
        if kind != "happens" and windows:
            yield (*base, "truth", windows[0]), True, f"'{windows[0]}' goes with 'happens' only"
        if answer in ANSWERS and kind not in FITS[answer]:
            fits = " or ".join(FITS[answer])
            yield (
                (*base, "truth", kind),
                True,
                f"a {answer} answer is scored against a '{fits}' truth, not '{kind}'",
            )
        if answer == "choice" and "options" not in question:
            yield (*base, "answer"), False, "a choice question lists its 'options'"
        if answer in ("probability", "yes_no") and "options" in question:
            yield (*base, "options"), True, f"a {answer} question has no options"


# --- the engine's judgement -----------------------------------------------------------------


def _known_hint(name: str, known: frozenset[str]) -> str:
    guess = closest(name, sorted(known))
    return f"; did you mean '{guess}'?" if guess else ""


def _decided_findings(
    test: Decided, teams: list[str], catalogue: Catalogue, belief: bool
) -> Iterator[Finding]:
    where = test.path
    if test.team not in teams:
        yield (*where, "team"), False, f"unknown team '{test.team}' (teams: {', '.join(teams)})"
        return
    adef = catalogue.actions.get(test.action)
    if adef is None:
        hint = did_you_mean(test.action, sorted(catalogue.actions))
        yield (
            (*where, "action"),
            False,
            f"a branch on an unknown decision: no action '{test.action}'{hint}",
        )
        return
    if test.team not in adef.actors:
        yield (
            (*where, "action"),
            False,
            f"a branch on a decision that cannot be taken: {test.team} cannot take '{test.action}'",
        )
    if test.target is not None and test.target not in teams:
        if test.target == "self" and belief:
            return
        extra = "" if not belief else " or 'self' (the team that answers)"
        yield (
            (*where, "target"),
            False,
            f"unknown target '{test.target}'; expected one of {', '.join(teams)}{extra}",
        )


def _condition_engine_findings(
    data: Mapping[str, Any], model: Model, state: State, catalogue: Catalogue | None
) -> Iterator[Finding]:
    from wargame.engine.errors import EngineError
    from wargame.engine.scenario.reading import known_variables, variable_value

    known = known_variables(state, model)
    teams = _teams(data)
    for path, raw, belief in condition_sites(data):
        try:
            condition = parse_condition(raw, path)
        except ConditionShapeError:
            continue  # reported with the shapes
        for compare in comparisons(condition):
            try:
                current = variable_value(state, compare.var, model)
            except EngineError:
                yield (
                    (*compare.path, "var"),
                    False,
                    f"unknown variable '{compare.var}'{_known_hint(compare.var, known)} (a state "
                    "pointer, 'ci', 'rung/max', 'turn' or 'agreement/<measure>')",
                )
                continue
            problem = type_mismatch(compare, current)
            if problem:
                yield (*compare.path, compare.op), False, problem
        if catalogue is not None:
            for test in decisions_named(condition):
                yield from _decided_findings(test, teams, catalogue, belief)


def _effects_engine_findings(
    data: Mapping[str, Any], model: Model, state: State, catalogue: Catalogue | None
) -> Iterator[Finding]:
    exercise = catalogue.actions.get(EXERCISE) if catalogue is not None else None
    can_exercise = frozenset(exercise.actors) if exercise is not None else frozenset()
    teams = _teams(data)
    for i, inject in enumerate(_list(data.get("injects"))):
        for j, raw in enumerate(_list(_mapping(inject).get("effects"))):
            if list(effect_findings(raw, (), teams)):
                continue
            spec = parse_effect(raw)
            yield from effect_engine_findings(
                spec, ("injects", i, "effects", j), state, model, can_exercise
            )


def _audience_teams(raw: Any, teams: list[str]) -> list[str]:
    entries = [raw] if isinstance(raw, str) else _list(raw)
    if "all" in entries:
        return list(teams)
    return [e.removeprefix("team:") for e in entries if e.removeprefix("team:") in teams]


def _asks_findings(data: Mapping[str, Any], catalogue: Catalogue) -> Iterator[Finding]:
    teams = _teams(data)
    for i, inject in enumerate(_list(data.get("injects"))):
        inject = _mapping(inject)
        audience = _audience_teams(inject.get("audience"), teams)
        for j, action in enumerate(_list(inject.get("asks"))):
            if not isinstance(action, str):
                continue
            adef = catalogue.actions.get(action)
            where: Path = ("injects", i, "asks", j)
            if adef is None:
                hint = did_you_mean(action, sorted(catalogue.actions))
                yield where, False, f"unknown action '{action}'{hint}"
            elif not any(team in adef.actors for team in audience):
                yield (
                    where,
                    False,
                    f"no team this inject reaches can take '{action}' "
                    f"(it reaches {', '.join(audience) or 'no team'})",
                )


def _question_engine_findings(
    data: Mapping[str, Any], model: Model, state: State
) -> Iterator[Finding]:
    from wargame.engine.errors import EngineError
    from wargame.engine.scenario.reading import known_variables, variable_value

    known = known_variables(state, model)
    domains = model.data["domains"]
    for q, question in enumerate(_list(data.get("beliefs"))):
        var = _mapping(_mapping(question).get("truth")).get("var")
        if not isinstance(var, str):
            continue
        try:
            current = variable_value(state, var, model)
        except EngineError:
            yield (
                ("beliefs", q, "truth", "var"),
                False,
                f"unknown variable '{var}'{_known_hint(var, known)}",
            )
            continue
        domain = domains.get(var.split("/")[-1])
        for o, option in enumerate(_list(_mapping(question).get("options"))):
            value = _mapping(option).get("value")
            where: Path = ("beliefs", q, "options", o, "value")
            if isinstance(domain, list) and domain and isinstance(domain[0], str):
                if value not in domain:
                    yield where, False, f"'{value}' is not a value of '{var}' ({', '.join(domain)})"
            elif isinstance(current, int | float) != isinstance(value, int | float):
                kind = "a number" if isinstance(current, int | float) else "text"
                yield where, False, f"'{var}' is {kind}; so is each option"


def content_engine_findings(
    data: Mapping[str, Any],
    model: Model,
    state: State,
    catalogue: Catalogue | None,
    *,
    builtin: bool = False,
    cuts_checked: bool = True,
) -> Iterator[Finding]:
    yield from _condition_engine_findings(data, model, state, catalogue)
    yield from _effects_engine_findings(data, model, state, catalogue)
    yield from _question_engine_findings(data, model, state)
    if catalogue is not None:
        yield from _asks_findings(data, catalogue)
        yield from order_findings(data, _teams(data), catalogue, state, model)
        if builtin:
            yield from engine_word_findings(data, model, catalogue)
            if cuts_checked:
                yield from private_decision_findings(data, catalogue)


# --- the built-ins' promises ----------------------------------------------------------------


def private_decision_findings(data: Mapping[str, Any], catalogue: Catalogue) -> Iterator[Finding]:
    """In every cut, every team receives a private inject that asks it to decide something it
    can do: an inject the cut is sure to release, not to every team nor to the observers."""
    from wargame.engine.scenario.cuts import parse_cuts

    teams = _teams(data)
    injects = {str(_mapping(i).get("id")): _mapping(i) for i in _list(data.get("injects"))}
    for c, cut in enumerate(parse_cuts(data)):
        covered: set[str] = set()
        for inject_id in cut.placed():
            inject = injects.get(inject_id) or {}
            audience = inject.get("audience")
            entries = [audience] if isinstance(audience, str) else _list(audience)
            reached = _audience_teams(audience, teams)
            if "if" in inject or "observers" in entries or len(reached) == len(teams):
                continue
            for team in reached:
                if any(
                    team in getattr(catalogue.actions.get(str(a)), "actors", ())
                    for a in _list(inject.get("asks"))
                ):
                    covered.add(team)
        for team in teams:
            if team not in covered:
                yield (
                    ("cuts", c),
                    False,
                    f"in cut '{cut.id}' team {team} receives no private inject that asks it to "
                    "decide (an inject to it alone or a few teams, with 'asks')",
                )


def engine_word_findings(
    data: Mapping[str, Any], model: Model, catalogue: Catalogue
) -> Iterator[Finding]:
    """No engine id, rule number or state path in a built-in scenario's texts: a player reads
    the action as the decision form names it, not 's.decap_drill'."""
    from wargame.engine.scenario.semantic import text_paths

    ids = sorted({*catalogue.actions, *model.data["cbm"]["measures"]}, key=len, reverse=True)
    engine_id = re.compile(
        r"(?<![\w.])(" + "|".join(re.escape(i) for i in ids) + r")(?![\w])"
        r"|(?<![\w/])(rung|threat|trust|assurance|killchain|hotline|dprk|belief|agreement)/\w"
        r"|\bR(0[1-9]|1[0-9])\b"
    )
    code = re.compile(r"(?<![A-Za-z])(JPN|DPRK|ROK|PRC|RUS)(?![A-Za-z])")
    for path, text in text_paths(data):
        values = {"en": text} if isinstance(text, str) else dict(_mapping(text))
        for lang, value in values.items():
            if lang not in ("en", "ja", "ko") or not isinstance(value, str):
                continue
            found = engine_id.search(value)
            if found:
                yield (
                    (*path, lang) if not isinstance(text, str) else path,
                    False,
                    f"'{found.group(0)}' is an engine id or state path: name it as players see it",
                )
            bare = code.search(value) if lang != "en" or "JPN" in value else None
            if bare and (lang != "en" or bare.group(0) == "JPN"):
                yield (
                    (*path, lang) if not isinstance(text, str) else path,
                    False,
                    f"'{bare.group(0)}' is a team code: a sentence names the country",
                )
