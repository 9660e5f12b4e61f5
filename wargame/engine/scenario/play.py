"""A scenario cut played to its end by AI teams, at the engine level.

The same sequence the server follows, without the server: each move's briefing and deliberation
injects (with their branches and effects), every team's bot answering the belief questionnaire and
deciding from its own view, the adjudication, every nuclear decision point held by control
(`deny_all`), and the condition injects the published outcome sets off. The record says what each
view received, what the bots believed and decided, and whether each objective was met. Tests play
every cut of every scenario this way, and the facilitator guide's timing sheet is built from it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wargame.engine.adjudicate import adjudicate, apply_decision_points
from wargame.engine.background import BACKGROUND_TAG
from wargame.engine.bots import bot_decide
from wargame.engine.effects import HAZARDS, hazard_factor
from wargame.engine.scenario.belief_bots import bot_answers
from wargame.engine.scenario.beliefs import score, truth_of
from wargame.engine.scenario.objectives import check_met
from wargame.engine.scenario.reading import Taken, taken_from
from wargame.engine.scenario.release import releases_due, state_after
from wargame.engine.views import agreements_for, view_for

if TYPE_CHECKING:
    from wargame.engine.decisions import Decision
    from wargame.engine.scenario.injects import Inject
    from wargame.engine.scenario.scenario import Scenario
    from wargame.engine.state import State


@dataclass(slots=True)
class MoveRecord:
    turn: int
    released: list[str] = field(default_factory=list)
    # When each inject came: "briefing", "deliberation", "offset", or "outcome" (after publish).
    phases: dict[str, str] = field(default_factory=dict)
    by_view: dict[str, list[str]] = field(default_factory=dict)
    # What each view read of the outcome, in each language.
    outcome: dict[str, dict[str, str]] = field(default_factory=dict)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    max_rung: int = 0
    # What the released effects did this move: hazard factors in force while the teams
    # deliberated, and the teams whose exercise in progress the adjudication saw.
    hazards: dict[str, float] = field(default_factory=dict)
    exercising: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CutRecord:
    slug: str
    cut: str | None
    seed: int
    moves: list[MoveRecord] = field(default_factory=list)
    # The state each move was deliberated on, then the state after the last outcome.
    states: list[State] = field(default_factory=list)
    log: list[Taken] = field(default_factory=list)
    objectives: dict[str, list[bool | None]] = field(default_factory=dict)
    scores: dict[str, dict[str, list[float | None]]] = field(default_factory=dict)

    @property
    def final(self) -> State:
        return self.states[-1]


def _seed(seed: int, turn: int, purpose: str, team: str = "") -> int:
    text = f"v1|{seed}|{turn}|{purpose}|{team}||"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


def _bot_view(state: State, team: str, scenario: Scenario) -> dict[str, Any]:
    view = view_for(state, team, scenario.model())
    view["agreements"] = agreements_for(state, f"team:{team}")
    return view


class _Game:
    def __init__(self, scenario: Scenario, seed: int, policy: str) -> None:
        self.scenario = scenario
        self.policy = policy
        self.model = scenario.model()
        self.catalogue = scenario.catalogue()
        self.state = scenario.initial_state()
        self.record = CutRecord(scenario.slug, scenario.cut, seed)
        self.released: set[str] = set()

    def release(self, move: MoveRecord, due: list[Inject], phase: str) -> None:
        for inject in due:
            self.released.add(inject.id)
            move.released.append(inject.id)
            move.phases[inject.id] = phase
            for view in inject.audience:
                move.by_view.setdefault(view, []).append(inject.id)
            self.state = state_after(self.scenario, self.state, inject)

    def due(self, turn: int, phase: str, before: State | None) -> list[Inject]:
        return releases_due(
            self.scenario,
            turn=turn,
            phase=phase,
            before=before,
            after=self.state,
            released=frozenset(self.released),
            log=self.record.log,
        )

    def offsets(self, turn: int) -> list[Inject]:
        from wargame.engine.scenario.release import branch_open
        from wargame.engine.scenario.schedule import offset_injects

        return [
            i
            for i in offset_injects(self.scenario, turn)
            if i.id not in self.released
            and branch_open(self.scenario, i, self.state, self.record.log)
        ]

    def decide(self, turn: int, move: MoveRecord) -> dict[str, Decision]:
        scripted = self.scenario.bot_orders()
        decisions = {}
        for team in self.scenario.team_codes:
            view = _bot_view(self.state, team, self.scenario)
            bot_seed = _seed(self.record.seed, turn, "bot:seed", team)
            move.answers[team] = bot_answers(
                self.scenario.beliefs, view, team=team, turn=turn, seed=bot_seed
            )
            # One seed for every team, as in simulation: a joint action happens or not as one.
            decisions[team] = bot_decide(
                self.policy,
                view,
                team=team,
                turn=turn,
                seed=self.record.seed,
                catalogue=self.catalogue,
                model=self.model,
                standing_orders=scripted.get(team, ()),
                teams=self.scenario.team_codes,
            )
        return decisions

    def play_move(self, turn: int) -> None:
        move = MoveRecord(turn)
        self.record.moves.append(move)
        before = None if turn == 1 else self.state
        self.release(move, self.due(turn, "briefing", before), "briefing")
        self.release(move, self.due(turn, "deliberation", self.state), "deliberation")
        self.release(move, self.offsets(turn), "offset")
        self.record.states.append(self.state)
        move.hazards = {name: hazard_factor(self.state.effects, turn, name) for name in HAZARDS}
        decisions = self.decide(turn, move)
        move.decisions = decisions
        proposal = adjudicate(
            self.state,
            decisions,
            seed=_seed(self.record.seed, turn, "sim:turn"),
            model=self.model,
            catalogue=self.catalogue,
        )
        published = apply_decision_points(proposal, choice="deny_all", model=self.model)
        self.record.log.extend(taken_from(turn, decisions))
        before, self.state = self.state, published
        move.max_rung = max((v for _a, _b, v in published.rung), default=0)
        move.exercising = sorted(
            str(e.actor) for e in proposal.events if BACKGROUND_TAG in e.tags and e.actor
        )
        move.outcome = {view: dict(texts) for view, texts in proposal.view_narratives.items()}
        self.release(move, self.due(turn, "outcome", before), "outcome")

    def finish(self) -> CutRecord:
        record = self.record
        record.states.append(self.state)
        for code, team in self.scenario.teams.items():
            record.objectives[code] = [
                None
                if check is None
                else check_met(check, record.states, self.model, log=record.log)
                for check in team.checks
            ]
        for move in record.moves:
            for code, answers in move.answers.items():
                for question in self.scenario.beliefs:
                    if question.id not in answers:
                        continue
                    truth = truth_of(
                        question,
                        asked_turn=move.turn,
                        states=record.states,
                        model=self.model,
                        log=record.log,
                        hours_per_turn=self.scenario.hours_per_turn,
                        team=code,
                    )
                    scores = record.scores.setdefault(code, {}).setdefault(question.id, [])
                    scores.append(score(question, answers[question.id], truth))
        return record


def play_cut(scenario: Scenario, *, seed: int = 1, policy: str = "cautious") -> CutRecord:
    """Play `scenario` (already projected onto a cut) to its last move with AI teams."""
    game = _Game(scenario, seed, policy)
    for turn in range(1, scenario.turn_count + 1):
        game.play_move(turn)
    return game.finish()
