"""The loaded scenario: a frozen, checked description of one exercise."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypedDict

from wargame.engine.scenario.beliefs import Question, parse_questions
from wargame.engine.scenario.bot_orders import BotOrder, parse_orders
from wargame.engine.scenario.clock import clocked_overrides
from wargame.engine.scenario.conditions import parse_condition
from wargame.engine.scenario.cuts import DEFAULT_DELIBERATION_MINUTES, Cut, parse_cuts
from wargame.engine.scenario.effects import parse_effect
from wargame.engine.scenario.injects import Inject, audience_views
from wargame.engine.scenario.objectives import Check, parse_check
from wargame.engine.scenario.period import model_data, state_data
from wargame.engine.scenario.texts import Text, TextDict

if TYPE_CHECKING:
    from wargame.engine.catalogue import Catalogue
    from wargame.engine.model import Model
    from wargame.engine.state import State


class TeamSummary(TypedDict):
    code: str
    name: TextDict


class CutSummary(TypedDict):
    id: str
    name: TextDict
    session_minutes: int
    moves: int
    default: bool


class ScenarioSummary(TypedDict):
    """The scenario shape of the public API."""

    slug: str
    title: TextDict
    summary: TextDict
    teams: list[TeamSummary]
    turns: int
    languages: list[str]
    cuts: list[CutSummary]


@dataclass(frozen=True, slots=True)
class TeamBrief:
    code: str
    name: Text
    briefing: Text
    objectives: tuple[Text, ...]
    red_lines: tuple[Text, ...]
    # The machine-checkable condition of each objective (`objectives[].check`), None where the
    # objective is prose only; in the order of `objectives`.
    checks: tuple[Check | None, ...] = ()


@dataclass(frozen=True, slots=True)
class TurnPlan:
    n: int
    represents: Text | None
    deliberation_minutes: int


@dataclass(frozen=True, slots=True)
class ChannelsConfig:
    closed_at_start: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scenario:
    slug: str
    title: Text
    summary: Text
    languages: tuple[str, ...]
    teams: Mapping[str, TeamBrief]
    turn_count: int
    deliberation_minutes: int
    briefing_seconds: int | None
    turn_represents: Text | None
    start_date: dt.date
    # Scenario time one turn stands for; None leaves the game calendar at whole dates.
    hours_per_turn: float | None
    learning_objectives: tuple[Text, ...]
    sources: tuple[str, ...]
    turns: tuple[TurnPlan, ...]
    injects: tuple[Inject, ...]
    channels: ChannelsConfig
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    source_name: str = field(default="", compare=False)
    engine_model: Model | None = field(default=None, repr=False, compare=False)
    engine_state: State | None = field(default=None, repr=False, compare=False)
    engine_catalogue: Catalogue | None = field(default=None, repr=False, compare=False)
    # Every inject as written (a cut places some of them; `injects` are the placed ones), every
    # learning objective (a cut may teach some), the cuts, and the cut this scenario is played in.
    inject_pool: tuple[Inject, ...] = ()
    all_learning_objectives: tuple[Text, ...] = ()
    cuts: tuple[Cut, ...] = ()
    cut: str | None = None
    beliefs: tuple[Question, ...] = ()
    bots: Mapping[str, tuple[BotOrder, ...]] = field(default_factory=dict)

    def bot_orders(self) -> dict[str, list[dict[str, Any]]]:
        """Each team's scenario orders, as the engine's bots take standing orders."""
        return {team: [o.entry() for o in orders] for team, orders in self.bots.items()}

    @property
    def team_codes(self) -> tuple[str, ...]:
        return tuple(self.teams)

    def for_cut(self, cut_id: str | None) -> Scenario:
        """The scenario played in the cut `cut_id` (None: the default cut); KeyError for a cut
        it does not offer. A scenario without cuts is its own only version."""
        if not self.cuts:
            if cut_id is not None:
                raise KeyError(cut_id)
            return self
        wanted = cut_id or self.default_cut().id
        if wanted == self.cut:
            return self
        for cut in self.cuts:
            if cut.id == wanted:
                return project(self, cut)
        raise KeyError(cut_id)

    def default_cut(self) -> Cut:
        return next(c for c in self.cuts if c.default)

    def current_cut(self) -> Cut | None:
        return next((c for c in self.cuts if c.id == self.cut), None)

    def model(self, hours_per_turn: float | None = None) -> Model:
        """The engine model with this scenario's `model:` overrides and its time per turn merged
        in; `hours_per_turn` plays the scenario at another pace (a cut of it)."""
        if self.engine_model is not None and hours_per_turn is None:
            return self.engine_model
        from wargame.engine.model import load_model

        return load_model(
            clocked_overrides(self.model_overrides(), hours_per_turn or self.hours_per_turn)
        )

    def initial_state(self) -> State:
        if self.engine_state is not None:
            return self.engine_state
        from wargame.engine.state import initial_state

        return initial_state(self.model(), teams=self.team_codes, overrides=self.state_overrides())

    def catalogue(self) -> Catalogue:
        if self.engine_catalogue is not None:
            return self.engine_catalogue
        from wargame.engine.catalogue import load_catalogue

        return load_catalogue(self.model(), self.action_extensions())

    def model_overrides(self) -> dict[str, Any]:
        """The `model:` overrides, on top of the period baseline's where it names one."""
        return model_data(self.raw)

    def state_overrides(self) -> dict[str, Any]:
        """The `initial_state`, on top of the period baseline's where it names one."""
        return state_data(self.raw)

    def action_extensions(self) -> dict[str, Any]:
        return copy.deepcopy(dict(self.raw.get("actions") or {}))

    def deliberation_minutes_for(self, turn: int) -> int:
        for plan in self.turns:
            if plan.n == turn:
                return plan.deliberation_minutes
        return self.deliberation_minutes

    def text(self, field_path: str, lang: str) -> str:
        """A text by dotted path into the file ("title", "teams.US.briefing", "injects.0.body"),
        in `lang`, falling back to English."""
        node: Any = self.raw
        for part in field_path.split("."):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                raise KeyError(f"no text at '{field_path}'")
        if not isinstance(node, str | Mapping):
            raise KeyError(f"'{field_path}' is not a text")
        return Text.from_raw(node).get(lang)

    def summary_dict(self) -> ScenarioSummary:
        return {
            "slug": self.slug,
            "title": self.title.to_dict(),
            "summary": self.summary.to_dict(),
            "teams": [{"code": c, "name": t.name.to_dict()} for c, t in self.teams.items()],
            "turns": self.turn_count,
            "languages": list(self.languages),
            "cuts": [
                {
                    "id": c.id,
                    "name": c.name.to_dict(),
                    "session_minutes": c.session_minutes,
                    "moves": len(c.moves),
                    "default": c.default,
                }
                for c in self.cuts
            ],
        }


def project(scenario: Scenario, cut: Cut) -> Scenario:
    """The scenario as played in `cut`: its moves become the turns, its placements the injects'
    times; injects the cut does not place are left out, condition injects kept."""
    placed = cut.placed()
    injects = []
    for inject in scenario.inject_pool:
        if inject.when is not None:
            injects.append(inject)
        elif inject.id in placed:
            n, where = placed[inject.id]
            injects.append(
                dataclasses.replace(
                    inject, turn=n, phase=where.phase, offset_minutes=where.offset_minutes
                )
            )
    turns = tuple(TurnPlan(m.n, m.represents, m.deliberation_minutes) for m in cut.moves)
    objectives = tuple(
        scenario.all_learning_objectives[i]
        for i in cut.learning_objectives
        if i < len(scenario.all_learning_objectives)
    )
    model = scenario.engine_model
    if cut.hours_per_turn != scenario.hours_per_turn:
        model = scenario.model(cut.hours_per_turn)
    return dataclasses.replace(
        scenario,
        turn_count=len(cut.moves),
        deliberation_minutes=cut.usual_minutes,
        turns=turns,
        hours_per_turn=cut.hours_per_turn,
        injects=tuple(injects),
        learning_objectives=objectives,
        cut=cut.id,
        engine_model=model,
    )


TEAM_ORDER = ("US", "ROK", "JPN", "DPRK", "PRC", "RUS")


def _texts(raw: Any) -> tuple[Text, ...]:
    return tuple(Text.from_raw(item) for item in raw or ())


def _optional_text(raw: Any) -> Text | None:
    return None if raw is None else Text.from_raw(raw)


def _optional_hours(raw: Any) -> float | None:
    return None if raw is None else float(raw)


def _checks(code: str, objectives: Any) -> tuple[Check | None, ...]:
    return tuple(
        parse_check(item["check"], ("teams", code, "objectives", i, "check"))
        if isinstance(item, Mapping) and "check" in item
        else None
        for i, item in enumerate(objectives or ())
    )


def build_scenario(data: Mapping[str, Any], *, source_name: str) -> Scenario:
    """Turn checked data into a Scenario (call only after validation found no errors), not yet
    projected onto a cut (`Scenario.for_cut`)."""
    duration = data["duration"]
    default_minutes = int(duration.get("deliberation_minutes") or DEFAULT_DELIBERATION_MINUTES)
    codes = [code for code in TEAM_ORDER if code in data["teams"]]
    teams = {
        code: TeamBrief(
            code=code,
            name=Text.from_raw(raw["name"]),
            briefing=Text.from_raw(raw["briefing"]),
            objectives=_texts(raw["objectives"]),
            red_lines=_texts(raw.get("red_lines")),
            checks=_checks(code, raw["objectives"]),
        )
        for code, raw in ((c, data["teams"][c]) for c in codes)
    }
    turns = tuple(
        TurnPlan(
            n=int(item["n"]),
            represents=_optional_text(item.get("represents")),
            deliberation_minutes=int(item.get("deliberation_minutes") or default_minutes),
        )
        for item in sorted(data.get("turns") or (), key=lambda t: int(t["n"]))
    )
    injects = tuple(
        _inject(raw, index, codes) for index, raw in enumerate(data.get("injects") or ())
    )
    channels = data.get("channels") or {}
    learning = _texts(data.get("learning_objectives"))
    return Scenario(
        slug=str(data["slug"]),
        title=Text.from_raw(data["title"]),
        summary=Text.from_raw(data["summary"]),
        languages=tuple(data["languages"]),
        teams=MappingProxyType(teams),
        turn_count=int(duration.get("turns") or 0),
        deliberation_minutes=default_minutes,
        briefing_seconds=duration.get("briefing_seconds"),
        turn_represents=_optional_text(duration.get("turn_represents")),
        start_date=dt.date.fromisoformat(str(data["start_date"])),
        hours_per_turn=_optional_hours(duration.get("hours_per_turn")),
        learning_objectives=learning,
        sources=tuple(data["sources"]),
        turns=turns,
        injects=injects,
        channels=ChannelsConfig(tuple(channels.get("closed_at_start") or ())),
        raw=MappingProxyType(dict(data)),
        source_name=source_name,
        inject_pool=injects,
        all_learning_objectives=learning,
        cuts=parse_cuts(data),
        beliefs=parse_questions(data.get("beliefs"), codes),
        bots=MappingProxyType(parse_orders(data.get("bots"))),
    )


def _inject(raw: Mapping[str, Any], index: int, codes: list[str]) -> Inject:
    at = raw.get("at") or {}
    offset = at.get("offset_minutes")
    when = raw.get("when")
    branch = raw.get("if")
    return Inject(
        id=str(raw["id"]),
        title=Text.from_raw(raw["title"]),
        body=Text.from_raw(raw["body"]),
        audience=audience_views(raw["audience"], codes),
        source=str(raw["source"]),
        turn=at.get("turn"),
        phase=None if (offset is not None or when is not None) else at.get("phase", "briefing"),
        offset_minutes=offset,
        when=None if when is None else parse_condition(when, ("injects", index, "when")),
        branch=None if branch is None else parse_condition(branch, ("injects", index, "if")),
        effects=tuple(parse_effect(e) for e in raw.get("effects") or ()),
        asks=tuple(str(a) for a in raw.get("asks") or ()),
    )
