"""The working context of one turn: start-of-turn tables, acts, perceptions and summed deltas.

Every step reads the start-of-turn state S_t through these tables and writes only deltas, which
are summed and clamped once at the end (docs/model.md §8): input order cannot matter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wargame.engine.catalogue import ActionDef, Catalogue, by_param
from wargame.engine.state import Agreement, Belief, State, adversaries, allies

if TYPE_CHECKING:
    from wargame.engine.model import Model
    from wargame.engine.rng import Dice

Pair = tuple[str, str]


@dataclass(slots=True)
class Act:
    """One action taken this turn (or a doctrinal response), in canonical order."""

    actor: str
    action: str
    target: str | None
    params: dict[str, Any]
    key: str
    adef: ActionDef
    event_id: str = ""
    effective: bool = True
    doctrinal: bool = False
    notified: bool = False
    tags: tuple[str, ...] = ()

    def dyads(self, ctx: Ctx) -> tuple[str, ...]:
        """Whom the act is aimed at: its target, else each of the actor's adversaries."""
        if self.target is not None:
            return (self.target,)
        return ctx.adversaries[self.actor]

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


@dataclass(slots=True)
class Perception:
    observer: str
    act: Act | None  # None: a phantom (false alarm)
    actor: str
    label: str  # action id, or what it was mistaken for
    severity: float
    confidence: float
    misread: bool = False
    phantom: bool = False


@dataclass(slots=True)
class Candidate:
    """A nuclear-use candidate for a decision point (§9)."""

    actor: str
    rung: int
    rules: tuple[str, ...]
    p: float
    deltas: dict[str, Any]


@dataclass(slots=True)
class Ctx:
    model: Model
    m: Any  # model.data
    catalogue: Catalogue
    state: State
    seed: int
    turn: int
    teams: tuple[str, ...]
    dice: Dice
    rung: dict[Pair, int]
    threat: dict[Pair, float]
    threat0: dict[Pair, float]
    trust: dict[Pair, float]
    assurance: dict[str, float]
    assurance0: dict[str, float]
    killchain: dict[str, int]
    hotline: dict[str, str]
    beliefs: dict[Pair, Belief]
    adversaries: dict[str, tuple[str, ...]]
    allies: dict[str, tuple[str, ...]]
    ci: float = 0.0
    acts: list[Act] = field(default_factory=list)
    perceptions: list[Perception] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    perceived: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    rules_fired: list[tuple[str, str]] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    doctrinal: list[Act] = field(default_factory=list)
    # deltas, summed then clamped once
    threat_sum: dict[Pair, float] = field(default_factory=lambda: defaultdict(float))
    threat_add: dict[Pair, float] = field(default_factory=lambda: defaultdict(float))
    threat0_add: dict[Pair, float] = field(default_factory=lambda: defaultdict(float))
    trust_add: dict[Pair, float] = field(default_factory=lambda: defaultdict(float))
    rung_floor: dict[Pair, int] = field(default_factory=dict)
    rung_tags: dict[Pair, set[str]] = field(default_factory=lambda: defaultdict(set))
    posture_set: str | None = None
    posture_steps: int = 0
    predelegation_set: str | None = None
    killchain_set: dict[str, int] = field(default_factory=dict)
    killchain_steps: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    sanctions_add: int = 0
    icbm_add: int = 0
    warheads_add: int = 0
    russia_add: int = 0
    yongbyon_set: str | None = None
    relief_steps_add: int = 0
    dprk_verified_add: int = 0
    beliefs_new: dict[Pair, Belief] = field(default_factory=dict)
    hotline_set: dict[str, str] = field(default_factory=dict)
    agreements: dict[int, Agreement] = field(default_factory=dict)
    agreed_now: list[Agreement] = field(default_factory=list)
    next_agreement_id: int = 1
    nuclear_alert: bool = False
    misperception_tags: set[str] = field(default_factory=set)
    consulted_now: set[Pair] = field(default_factory=set)
    icbm_seen: set[str] = field(default_factory=set)
    alert_raised: bool = False
    # alliance politics: impulses and reliefs per (ally, driver), summed at the update
    alliance_push: dict[Pair, list[float]] = field(default_factory=lambda: defaultdict(list))
    alliance_relief: dict[Pair, list[float]] = field(default_factory=lambda: defaultdict(list))
    # standing decisions set this turn (team, name) -> value; advice issued (team, rule) -> acts
    policy: dict[Pair, str] = field(default_factory=dict)
    policy_set: dict[Pair, str] = field(default_factory=dict)
    advice_new: dict[Pair, tuple[str, ...]] = field(default_factory=dict)
    seq: int = 0
    live: dict[str, list[Agreement]] = field(default_factory=dict)

    def in_force(self, measure: str, *parties: str) -> bool:
        """Mechanically in force at the start of the turn between all `parties`."""
        return any(all(p in a.parties for p in parties) for a in self.live.get(measure, ()))

    def live_agreements(self, measure: str, *parties: str) -> list[Agreement]:
        return [a for a in self.live.get(measure, ()) if all(p in a.parties for p in parties)]

    # --- helpers shared by the steps ----------------------------------------------------------

    def next_id(self, prefix: str) -> str:
        self.seq += 1
        return f"t{self.turn}.{prefix}{self.seq}"

    def fire(self, rule_id: str, summary: str) -> None:
        self.rules_fired.append((rule_id, summary))

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.m["rules"]["disabled"]

    def rule(self, rule_id: str) -> Any:
        return self.m["rules"][rule_id]

    def floor(self, pair: Pair, value: int, tag: str | None = None) -> None:
        if value > self.rung_floor.get(pair, -1):
            self.rung_floor[pair] = value
        if tag:
            self.rung_tags[pair].add(tag)

    def push(self, ally: str, driver: str, impulse: float) -> None:
        """An alliance impulse (docs/model.md §13); ignored for a team not in the game."""
        if ally in self.assurance and impulse > 0.0:
            self.alliance_push[(ally, driver)].append(impulse)

    def relieve(self, ally: str, driver: str, share: float) -> None:
        if ally in self.assurance and share > 0.0:
            self.alliance_relief[(ally, driver)].append(share)

    def advise(self, team: str, rule: str, recommends: tuple[str, ...] | None = None) -> None:
        """A standing recommendation to `team` (docs/model.md §13), renewed while it holds."""
        if team in self.teams:
            spec = self.m["advice"][rule]
            self.advice_new[(team, rule)] = recommends or tuple(spec["recommends"])

    def policy_of(self, team: str, name: str) -> str:
        """A standing decision at the start of the turn (the model's default if never set)."""
        found = self.policy.get((team, name))
        if found is not None:
            return found
        return str(self.m["policies"][team][name]["default"])

    def effective(self, action: str | None = None) -> list[Act]:
        return [a for a in self.acts if a.effective and (action is None or a.action == action)]

    def severity(self, act: Act) -> float:
        spec = act.adef.sev
        if isinstance(spec, dict) or hasattr(spec, "keys"):
            if "step" in spec:
                level = int(act.param("level", self.killchain.get(act.actor, 0)))
                per = self.m["capabilities"]["killchain_sev_per_step"]
                return float(per * (level - self.killchain.get(act.actor, 0)))
            return float(by_param(spec, act.params) or 0)
        return float(spec or 0)

    def implied_rung(self, act: Act) -> int | None:
        value = by_param(act.adef.implied_rung, act.params)
        return None if value is None else int(value)


def forbids(rule: Any, act: Act) -> bool:
    """Whether a measure's `forbids` item ({action, when: {param: [values]}}) matches an act."""
    if not isinstance(rule, Mapping) or rule.get("action") != act.action:
        return False
    for name, allowed in (rule.get("when") or {}).items():
        value = act.params.get(name, False if name == "notify" else None)
        if value not in allowed:
            return False
    return True


def build_context(model: Model, catalogue: Catalogue, state: State, seed: int, dice: Dice) -> Ctx:
    teams = state.teams
    agreements = {a.id: a for a in state.agreements}
    in_force = model.data["cbm"]["in_force"]
    live: dict[str, list[Agreement]] = {}
    for a in state.agreements:
        # An undetected violation still works: the parties behave as if it held (§6).
        if a.status in in_force or (a.status == "violated" and not a.detected_by):
            live.setdefault(a.measure, []).append(a)
    return Ctx(
        model=model,
        m=model.data,
        catalogue=catalogue,
        state=state,
        seed=seed,
        turn=state.turn,
        teams=teams,
        dice=dice,
        rung=state.rung_map(),
        threat=state.threat_map(),
        threat0=state.threat0_map(),
        trust=state.trust_map(),
        assurance=dict(state.assurance),
        assurance0=dict(state.assurance0),
        killchain=dict(state.killchain),
        hotline=dict(state.hotline),
        beliefs=state.belief_map(),
        adversaries={t: adversaries(model, t, teams) for t in teams},
        allies={t: allies(model, t, teams) for t in teams},
        agreements=agreements,
        next_agreement_id=state.memory.next_agreement_id,
        live=live,
        policy=state.policy_map(),
    )
