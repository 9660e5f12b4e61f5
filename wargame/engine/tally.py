"""What one simulated game leaves behind: a record per game and a row per turn, read from the
proposals with the truth beside each perception (the simulator is control)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from .alliance import fears
from .crisis import crisis_instability
from .stats import rounded

if TYPE_CHECKING:
    from .model import Model
    from .proposal import Proposal
    from .state import State


class TurnRow(TypedDict):
    """One turn of one game, tidy: one observation per field (docs/model.md §16, the codebook)."""

    turn: int
    max_rung: int
    rung_rok_dprk: int
    rung_us_dprk: int
    rung_jpn_dprk: int
    ci: float
    incidents: int
    exchanges: int
    spirals: int
    launches: int
    misperceptions: int
    escalations: int
    decision_points: int
    approval: bool
    assurance_rok: float
    assurance_jpn: float
    abandonment_rok: float
    entrapment_rok: float
    abandonment_jpn: float
    entrapment_jpn: float
    warheads: int
    icbm: int
    sanctions: int
    posture: str
    predelegation: str
    in_force: int
    proposed: int
    agreed: int
    advice: str
    actions: str
    rules: str


class GameRecord(TypedDict):
    """A game: small, JSON-safe, summed in seed order."""

    seed: int
    peak: dict[str, int]
    max_rung: int
    decision_points: int
    decision_point_turns: int
    use_candidates: int
    approval_turns: int
    misperceptions: dict[str, int]
    misperception_escalations: dict[str, int]
    incidents: int
    contained: int
    exchanges: int
    spirals: int
    launches: int
    launches_detected: dict[str, int]
    proposals: int
    agreements: int
    assurance: dict[str, list[float]]
    icbm: int
    warheads_added: int
    cbm: dict[str, str]
    rules: dict[str, int]
    turns: list[TurnRow]


def total_misperception_escalations(record: GameRecord) -> int:
    return sum(record["misperception_escalations"].values())


def uncontained_incidents(record: GameRecord) -> int:
    return record["incidents"] - record["contained"]


PATH_BY_ACTION = {
    "s.exercise": "exercise->attack",
    "s.missile_test": "launch->attack",
    "s.satellite": "satellite->ICBM",
    "s.decap_drill": "drill->decapitation",
}
PHANTOM = "phantom"
OTHER = "other"


def _misreads(proposal: Proposal) -> list[tuple[str, str, str]]:
    """(observer, path, perceived label) for every misread and phantom any team saw this turn."""
    truth = {e.id: e.action for e in proposal.events}
    out = []
    for view, items in proposal.perceptions.items():
        if not view.startswith("team:"):
            continue
        for item in items:
            if "phantom" in item.tags:
                out.append((item.observer, PHANTOM, str(item.action)))
            elif "misread" in item.tags:
                action = truth.get(item.event or "")
                out.append(
                    (item.observer, PATH_BY_ACTION.get(str(action), OTHER), str(item.action))
                )
    return out


def misperception_paths(proposal: Proposal) -> list[str]:
    return [path for _, path, _ in _misreads(proposal)]


def misperception_escalations(proposal: Proposal) -> list[str]:
    """The escalations a misperception caused this turn, each with the path it came by: R02 (an
    exercise read as attack preparation moves the DPRK posture, or a pre-emption candidate) and
    doctrinal strikes on a misreading (R01, R03). A launch misread at Kill Chain 2 is corrected by
    tracking and escalates nothing; the 2022 law only advises the DPRK team (docs/model.md §7)."""
    misreads = _misreads(proposal)
    fired = [rule_id for rule_id, _ in proposal.rules_fired]
    out: list[str] = ["exercise->attack"] * fired.count("R02")
    launch_reads: dict[str, list[str]] = {}
    for observer, path, _label in misreads:
        launch_reads.setdefault(observer, []).append(path)
    for event in proposal.events:
        if event.kind != "doctrinal" or "cause.misperception" not in event.tags:
            continue
        reads = sorted(launch_reads.get(str(event.actor), []), key=lambda p: p == PHANTOM)
        out.append(reads[0] if "rule:R03" in event.tags and reads else OTHER)
    return out


def is_use_candidate(point: Any, model: Model) -> bool:
    """A decision point above the hold rung (9+: nuclear demonstration or use, §2, §9)."""
    return int(point.rung) > int(model.data["safety"]["hold_rung"])


def _launches(proposal: Proposal, model: Model) -> tuple[int, dict[str, int]]:
    """DPRK launches this turn and, per team, how many it perceived (as launches or misread)."""
    kinds = set(model.data["perception"]["launch"]["actions"])
    ids = {e.id for e in proposal.events if e.kind == "action" and e.action in kinds}
    seen: dict[str, int] = {}
    for view, items in proposal.perceptions.items():
        if not view.startswith("team:") or view == "team:DPRK":
            continue
        team = view[5:]
        seen[team] = len({p.event for p in items if p.event in ids and "own" not in p.tags})
    return len(ids), seen


class GameTally:
    """Running counts over one game's turns."""

    def __init__(self, start: State, model: Model) -> None:
        self.model = model
        self.before = start
        self.peak = {f"{a}>{b}": v for a, b, v in start.rung}
        self.decision_points = 0
        self.decision_point_turns = 0
        self.use_candidates = 0
        self.approval_turns = 0
        self.misperceptions: dict[str, int] = {}
        self.escalations: dict[str, int] = {}
        self.incidents = 0
        self.contained = 0
        self.exchanges = 0
        self.spirals = 0
        self.launches = 0
        self.detected: dict[str, int] = {}
        self.proposals = 0
        self.agreements = 0
        self.assurance: dict[str, list[float]] = {a: [] for a, _ in start.assurance}
        self.rules: dict[str, int] = {}
        self.warheads_start = int(start.dprk.warheads)
        self.rows: list[TurnRow] = []

    def add(self, proposal: Proposal, after: State) -> None:
        for a, b, v in proposal.state.rung:
            key = f"{a}>{b}"
            self.peak[key] = max(self.peak.get(key, 0), v)
        points = proposal.decision_points
        self.decision_points += len(points)
        self.decision_point_turns += 1 if points else 0
        self.use_candidates += sum(1 for d in points if is_use_candidate(d, self.model))
        self.approval_turns += 1 if proposal.requires_nuclear_approval else 0
        paths = misperception_paths(proposal)
        for path in paths:
            self.misperceptions[path] = self.misperceptions.get(path, 0) + 1
        escalations = misperception_escalations(proposal)
        for path in escalations:
            self.escalations[path] = self.escalations.get(path, 0) + 1
        incidents = [e for e in proposal.events if e.kind == "incident"]
        fire = [e for e in incidents if "fire" in e.tags]
        spirals = [e for e in incidents if "contained" not in e.tags]
        self.incidents += len(incidents)
        self.contained += len(incidents) - len(spirals)
        self.exchanges += len(fire)
        self.spirals += len(spirals)
        launches, seen = _launches(proposal, self.model)
        self.launches += launches
        for team, count in seen.items():
            self.detected[team] = self.detected.get(team, 0) + count
        agreed = [e for e in proposal.events if e.kind == "agreement"]
        proposed = sum(1 for e in agreed if dict(e.data).get("status") == "proposed")
        concluded = sum(1 for e in agreed if dict(e.data).get("status") == "agreed")
        self.proposals += proposed
        self.agreements += concluded
        for ally, value in after.assurance:
            self.assurance.setdefault(ally, []).append(rounded(value, 2))
        fired = [rule_id for rule_id, _summary in proposal.rules_fired]
        for rule_id in fired:
            self.rules[rule_id] = self.rules.get(rule_id, 0) + 1
        self.rows.append(
            self._row(
                proposal,
                after,
                len(incidents),
                len(fire),
                len(spirals),
                launches,
                len(paths),
                len(escalations),
                proposed,
                concluded,
                fired,
            )
        )
        self.before = after

    def _row(
        self,
        proposal: Proposal,
        after: State,
        incidents: int,
        exchanges: int,
        spirals: int,
        launches: int,
        misreads: int,
        escalations: int,
        proposed: int,
        concluded: int,
        fired: list[str],
    ) -> TurnRow:
        rung = after.rung_map()
        assurance = dict(after.assurance)
        feared = fears(self.model, after)
        live = self.model.data["cbm"]["in_force"]
        acts = sorted(
            f"{e.actor}:{e.action}" for e in proposal.events if e.kind in ("action", "doctrinal")
        )
        return {
            "turn": proposal.turn,
            "max_rung": max(rung.values(), default=0),
            "rung_rok_dprk": rung.get(("ROK", "DPRK"), 0),
            "rung_us_dprk": rung.get(("US", "DPRK"), 0),
            "rung_jpn_dprk": rung.get(("JPN", "DPRK"), 0),
            "ci": rounded(crisis_instability(after, self.model)),
            "incidents": incidents,
            "exchanges": exchanges,
            "spirals": spirals,
            "launches": launches,
            "misperceptions": misreads,
            "escalations": escalations,
            "decision_points": len(proposal.decision_points),
            "approval": proposal.requires_nuclear_approval,
            "assurance_rok": rounded(assurance.get("ROK", 0.0), 2),
            "assurance_jpn": rounded(assurance.get("JPN", 0.0), 2),
            "abandonment_rok": rounded(feared.get("ROK", (0.0, 0.0))[0]),
            "entrapment_rok": rounded(feared.get("ROK", (0.0, 0.0))[1]),
            "abandonment_jpn": rounded(feared.get("JPN", (0.0, 0.0))[0]),
            "entrapment_jpn": rounded(feared.get("JPN", (0.0, 0.0))[1]),
            "warheads": int(after.dprk.warheads),
            "icbm": int(after.dprk.icbm),
            "sanctions": int(after.sanctions),
            "posture": after.dprk.posture,
            "predelegation": after.dprk.predelegation,
            "in_force": sum(1 for a in after.agreements if a.status in live),
            "proposed": proposed,
            "agreed": concluded,
            "advice": ";".join(f"{a.team}:{a.rule}" for a in after.advice),
            "actions": ";".join(acts),
            "rules": ";".join(sorted(set(fired))),
        }

    def record(self, seed: int, final: State) -> GameRecord:
        return {
            "seed": seed,
            "peak": dict(sorted(self.peak.items())),
            "max_rung": max(self.peak.values(), default=0),
            "decision_points": self.decision_points,
            "decision_point_turns": self.decision_point_turns,
            "use_candidates": self.use_candidates,
            "approval_turns": self.approval_turns,
            "misperceptions": dict(sorted(self.misperceptions.items())),
            "misperception_escalations": dict(sorted(self.escalations.items())),
            "incidents": self.incidents,
            "contained": self.contained,
            "exchanges": self.exchanges,
            "spirals": self.spirals,
            "launches": self.launches,
            "launches_detected": dict(sorted(self.detected.items())),
            "proposals": self.proposals,
            "agreements": self.agreements,
            "assurance": self.assurance,
            "icbm": int(final.dprk.icbm),
            "warheads_added": int(final.dprk.warheads) - self.warheads_start,
            "cbm": {f"{a.measure}#{a.id}": a.status for a in final.agreements},
            "rules": dict(sorted(self.rules.items())),
            "turns": self.rows,
        }
