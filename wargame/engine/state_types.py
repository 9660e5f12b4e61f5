"""The game state's types (docs/model.md §1): frozen, JSON round-trippable. Version 2 adds team
policies, alliance stocks, standing advice, the UNC line and agreement packages; a version-1 state
reads as version 2 with those at their defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .effects import Effect
from .errors import StateError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)
CORE_TEAMS: tuple[str, ...] = ("US", "ROK", "JPN", "DPRK")
OPTIONAL_TEAMS: tuple[str, ...] = ("PRC", "RUS")
ALL_TEAMS: tuple[str, ...] = CORE_TEAMS + OPTIONAL_TEAMS
DPRK_VARS: tuple[str, ...] = ("posture", "predelegation", "icbm", "warheads", "yongbyon", "russia")
DPRK_INT_VARS = frozenset({"icbm", "warheads", "russia"})
AGREEMENT_STATUSES: tuple[str, ...] = (
    "proposed",
    "agreed",
    "implemented",
    "verified",
    "rejected",
    "expired",
    "violated",
    "lapsed",
)
VERIFICATION_MODES: tuple[str, ...] = ("none", "self", "ntm", "observers", "onsite", "iaea")
FRAMINGS: tuple[str, ...] = ("none", "interim_step")
EXERCISE_TERMS: tuple[str, ...] = ("none", "reduced", "suspended")

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Dprk:
    posture: str = "stored"
    predelegation: str = "conditional"
    icbm: int = 3
    warheads: int = 50
    yongbyon: str = "operating"
    russia: int = 2


@dataclass(frozen=True, slots=True)
class Belief:
    team: str
    pointer: str  # without the leading slash: "dprk/posture", "killchain/US"
    estimate: Any
    confidence: float


@dataclass(frozen=True, slots=True)
class Agreement:
    id: int
    measure: str
    parties: tuple[str, ...]
    status: str
    proposed_by: str
    proposed_turn: int
    accepted: tuple[str, ...] = ()
    steps: tuple[tuple[str, int | None], ...] = ()
    verification: str = "none"
    framing: str = "none"
    status_turn: int = 0
    phase: int = 0
    phase_turn: int = -1
    violated_by: tuple[str, ...] = ()
    detected_by: tuple[str, ...] = ()
    # A package: agreements proposed together share `package` (the first one's id) and enter force
    # together; its quid is sanctions relief (steps) and the scale of US-ROK exercises.
    package: int = 0
    relief: int = 0
    exercises: str = "none"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "measure": self.measure,
            "parties": list(self.parties),
            "status": self.status,
            "proposed_by": self.proposed_by,
            "proposed_turn": self.proposed_turn,
            "accepted": list(self.accepted),
            "steps": dict(self.steps),
            "verification": self.verification,
            "framing": self.framing,
            "status_turn": self.status_turn,
            "phase": self.phase,
            "phase_turn": self.phase_turn,
            "violated_by": list(self.violated_by),
            "detected_by": list(self.detected_by),
            "package": self.package,
            "relief": self.relief,
            "exercises": self.exercises,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Agreement:
        parties = tuple(raw["parties"])
        steps_raw = raw.get("steps") or {}
        return cls(
            id=int(raw["id"]),
            measure=str(raw["measure"]),
            parties=parties,
            status=str(raw["status"]),
            proposed_by=str(raw.get("proposed_by") or parties[0]),
            proposed_turn=int(raw.get("proposed_turn", 0)),
            accepted=tuple(raw.get("accepted", ())),
            steps=tuple((t, steps_raw.get(t)) for t in parties),
            verification=str(raw.get("verification", "none")),
            framing=str(raw.get("framing", "none")),
            status_turn=int(raw.get("status_turn", 0)),
            phase=int(raw.get("phase", 0)),
            phase_turn=int(raw.get("phase_turn", -1)),
            violated_by=tuple(raw.get("violated_by", ())),
            detected_by=tuple(raw.get("detected_by", ())),
            package=int(raw.get("package", 0)),
            relief=int(raw.get("relief", 0)),
            exercises=str(raw.get("exercises", "none")),
        )


@dataclass(frozen=True, slots=True)
class Memory:
    """What rules need from the previous turn (never shown to teams)."""

    next_agreement_id: int = 1
    last_acts: tuple[tuple[str, str, str], ...] = ()  # (actor, action, target or "")
    doctrinal_last: tuple[tuple[str, str, str], ...] = ()
    relief_steps: int = 0
    dprk_verified_steps: int = 0
    # DPRK posture steps raised by standing orders (R02) that relax once the alert is over.
    alert_steps: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "next_agreement_id": self.next_agreement_id,
            "last_acts": [list(a) for a in self.last_acts],
            "doctrinal_last": [list(a) for a in self.doctrinal_last],
            "relief_steps": self.relief_steps,
            "dprk_verified_steps": self.dprk_verified_steps,
            "alert_steps": self.alert_steps,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Memory:
        return cls(
            next_agreement_id=int(raw.get("next_agreement_id", 1)),
            last_acts=tuple(tuple(a) for a in raw.get("last_acts", ())),
            doctrinal_last=tuple(tuple(a) for a in raw.get("doctrinal_last", ())),
            relief_steps=int(raw.get("relief_steps", 0)),
            dprk_verified_steps=int(raw.get("dprk_verified_steps", 0)),
            alert_steps=int(raw.get("alert_steps", 0)),
        )


@dataclass(frozen=True, slots=True)
class Advice:
    """A standing recommendation to one team (R04 to the DPRK, R11 to the ROK or Japan): what its
    staff recommends, from which turn, until which turn unless renewed."""

    team: str
    rule: str
    since: int
    until: int
    recommends: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "rule": self.rule,
            "since": self.since,
            "until": self.until,
            "recommends": list(self.recommends),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Advice:
        return cls(
            team=str(raw["team"]),
            rule=str(raw["rule"]),
            since=int(raw["since"]),
            until=int(raw["until"]),
            recommends=tuple(str(a) for a in raw.get("recommends", ())),
        )


@dataclass(frozen=True, slots=True)
class State:
    schema_version: int
    turn: int
    teams: tuple[str, ...]
    rung: tuple[tuple[str, str, int], ...]
    threat: tuple[tuple[str, str, float], ...]
    threat0: tuple[tuple[str, str, float], ...]
    trust: tuple[tuple[str, str, float], ...]
    assurance: tuple[tuple[str, float], ...]
    assurance0: tuple[tuple[str, float], ...]
    sanctions: int
    killchain: tuple[tuple[str, int], ...]
    hotline: tuple[tuple[str, str], ...]
    dprk: Dprk
    agreements: tuple[Agreement, ...] = ()
    beliefs: tuple[Belief, ...] = ()
    memory: Memory = field(default_factory=Memory)
    # Standing team decisions (team, name, value); a name missing reads as the model's default.
    policy: tuple[tuple[str, str, str], ...] = ()
    # Alliance driver stocks (ally, driver, stock in [0, 1]); a missing one is 0.
    alliance: tuple[tuple[str, str, float], ...] = ()
    advice: tuple[Advice, ...] = ()
    # Standing effects a scenario's injects set going (wargame.engine.effects).
    effects: tuple[Effect, ...] = ()

    # Accessors build small dicts; hot paths build them once per turn (see adjudicate.Tables).
    def rung_map(self) -> dict[Pair, int]:
        return {(a, b): v for a, b, v in self.rung}

    def threat_map(self) -> dict[Pair, float]:
        return {(a, b): v for a, b, v in self.threat}

    def threat0_map(self) -> dict[Pair, float]:
        return {(a, b): v for a, b, v in self.threat0}

    def trust_map(self) -> dict[Pair, float]:
        return {(a, b): v for a, b, v in self.trust}

    def belief_map(self) -> dict[Pair, Belief]:
        return {(b.team, b.pointer): b for b in self.beliefs}

    def policy_map(self) -> dict[Pair, str]:
        return {(t, name): v for t, name, v in self.policy}

    def alliance_map(self) -> dict[Pair, float]:
        return {(a, d): v for a, d, v in self.alliance}

    def to_dict(self) -> dict[str, Any]:
        out = {
            "schema_version": self.schema_version,
            "turn": self.turn,
            "teams": list(self.teams),
            "rung": nest3(self.rung),
            "threat": nest3(self.threat),
            "threat0": nest3(self.threat0),
            "trust": nest3(self.trust),
            "assurance": dict(self.assurance),
            "assurance0": dict(self.assurance0),
            "sanctions": self.sanctions,
            "killchain": dict(self.killchain),
            "hotline": dict(self.hotline),
            "dprk": {name: getattr(self.dprk, name) for name in DPRK_VARS},
            "agreements": [a.to_dict() for a in self.agreements],
            "belief": _beliefs_to_dict(self.beliefs),
            "memory": self.memory.to_dict(),
            "policy": nest3(self.policy),
            "alliance": nest3(self.alliance),
            "advice": [a.to_dict() for a in self.advice],
        }
        # Written only when there are some, so states of games without them read as before.
        if self.effects:
            out["effects"] = [e.to_dict() for e in self.effects]
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> State:
        version = raw.get("schema_version")
        if version not in READABLE_VERSIONS:
            raise StateError("schema_version", f"unsupported state schema version {version!r}.")
        try:
            return cls(
                schema_version=SCHEMA_VERSION,
                turn=int(raw["turn"]),
                teams=tuple(raw["teams"]),
                rung=_flat3(raw["rung"], int),
                threat=_flat3(raw["threat"], float),
                threat0=_flat3(raw["threat0"], float),
                trust=_flat3(raw["trust"], float),
                assurance=tuple(sorted((k, float(v)) for k, v in raw["assurance"].items())),
                assurance0=tuple(sorted((k, float(v)) for k, v in raw["assurance0"].items())),
                sanctions=int(raw["sanctions"]),
                killchain=tuple(sorted((k, int(v)) for k, v in raw["killchain"].items())),
                hotline=tuple(sorted((k, str(v)) for k, v in raw["hotline"].items())),
                dprk=Dprk(**{name: raw["dprk"][name] for name in DPRK_VARS}),
                agreements=tuple(Agreement.from_dict(a) for a in raw.get("agreements", ())),
                beliefs=_beliefs_from_dict(raw.get("belief", {})),
                memory=Memory.from_dict(raw.get("memory", {})),
                policy=_flat3(raw.get("policy", {}), str),
                alliance=_flat3(raw.get("alliance", {}), float),
                advice=tuple(Advice.from_dict(a) for a in raw.get("advice", ())),
                effects=tuple(Effect.from_dict(e) for e in raw.get("effects", ())),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StateError(None, f"malformed state: {exc!r}") from exc


def nest3(items: Iterable[tuple[str, str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for a, b, v in items:
        out.setdefault(a, {})[b] = v
    return out


def _flat3(raw: Mapping[str, Mapping[str, Any]], cast: type) -> tuple[tuple[str, str, Any], ...]:
    return tuple(sorted((a, b, cast(v)) for a, row in raw.items() for b, v in row.items()))


def _beliefs_to_dict(beliefs: Iterable[Belief]) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for b in beliefs:
        out.setdefault(b.team, {})["/" + b.pointer] = {
            "estimate": b.estimate,
            "confidence": b.confidence,
        }
    return out


def _beliefs_from_dict(raw: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> tuple[Belief, ...]:
    return tuple(
        sorted(
            (
                Belief(team, pointer.lstrip("/"), v["estimate"], float(v["confidence"]))
                for team, row in raw.items()
                for pointer, v in row.items()
            ),
            key=lambda b: (b.team, b.pointer),
        )
    )
