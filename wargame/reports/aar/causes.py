"""Why each escalation step happened, and who the US consulted before each step with the DPRK:
both read from the published adjudications' records (control's truth, so control's report only).

A rung rises when an act implies a higher rung, a rule sets a floor (an incident, an exchange of
fire), the DPRK's posture lifts its dyads, or the other side already stands high. For each rise
the chain lists what the record holds on that dyad: the acts of both sides (a standing order
flagged as such), what the rising side perceived wrongly of the other, the rules those acts
carry or that drew on the dyad, and each draw with its threshold. It is the record, not a proof:
a rise with nothing on its dyad says what it stood on (the other side's rung, the posture)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import yaml
from django.utils import translation

from wargame.engine.korean import format_with_particles
from wargame.labels import value_label

if TYPE_CHECKING:
    from collections.abc import Mapping

    from wargame.exercises.models import Adjudication
    from wargame.reports.aar.text import Words

TEXTS_FILE = Path(__file__).resolve().parent / "causes.yaml"
# Acts a turn's record holds: a team's own acts and the standing orders it authorised.
ACTS = ("action", "doctrinal", "joint_failed")
ALLIES = ("ROK", "JPN")
# What makes a US act a step with the DPRK (the alliance rule R06's list, data/model.yaml).
US_STEPS = ("d.talks_offer", "e.relief_step", "c.propose", "c.accept", "c.implement")
# A dyad whose other side stands at this rung or higher holds its own at least at the floor
# (data/model.yaml ladder.victim_trigger): shown as what the rise stood on.
ANSWER_RUNG = 5
# The rule that moves the DPRK's posture by itself (a stored force dispersing on a misreading).
POSTURE_RULE = "R02"


class CauseRow(TypedDict):
    turn: int
    actor: str
    target: str
    before: int
    after: int
    step: str
    decisions: list[str]
    misreads: list[str]
    rules: list[str]
    draws: list[str]


class ConsultRow(TypedDict):
    turn: int
    step: str
    act: str  # the step alone, without its turn
    allies: list[dict[str, str]]


@lru_cache(maxsize=1)
def _texts() -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return loaded


def cause_texts(lang: str) -> dict[str, Any]:
    """This module's words in ``lang``, English where a text is missing."""
    english: Mapping[str, Any] = _texts()["en"]
    own: Mapping[str, Any] = _texts().get(lang) or {}
    return {key: {**value, **(own.get(key) or {})} for key, value in english.items()}


class _Say:
    def __init__(self, words: Words) -> None:
        self.words = words
        self.t = cause_texts(words.lang)

    def __call__(self, key: str, **values: object) -> str:
        return format_with_particles(str(self.t["labels"][key]), **values)

    def rule(self, rule_id: str) -> str:
        """A rule by what it is about: its id is the engine's, not a reader's word."""
        return str(self.t["rules"].get(rule_id) or self.t["labels"]["other_rule"])

    def act(self, event: Mapping[str, Any]) -> str:
        words = self.words
        title = words.action(event.get("action"))
        if event.get("target"):
            title += f" → {words.team(event['target'])}"
        text = f"{words.team(event.get('actor'))}: {title}"
        if event.get("kind") == "doctrinal":
            return f"{words.team(event.get('actor'))}: " + self("doctrinal", action=title)
        if event.get("kind") == "joint_failed":
            return f"{words.team(event.get('actor'))}: " + self("failed", action=title)
        return text


def _rungs(state: Mapping[str, Any]) -> dict[tuple[str, str], int]:
    return {(a, b): int(v) for a, row in state.get("rung", {}).items() for b, v in row.items()}


def _rule_tags(event: Mapping[str, Any]) -> list[str]:
    return [t.removeprefix("rule:") for t in event.get("tags", []) if t.startswith("rule:")]


def _on_dyad(event: Mapping[str, Any], a: str, b: str, words: Words) -> bool:
    """The rising side's acts toward the other (or toward no one), and the other side's acts
    aimed at it that sit on the ladder (a rung of their own: a provocation, not an offer)."""
    actor, target = event.get("actor"), event.get("target")
    if actor == a:
        return target in (b, None)
    found = words.catalogue.actions.get(str(event.get("action")))
    return actor == b and target == a and found is not None and found.implied_rung is not None


def _misreads(say: _Say, proposal: Mapping[str, Any], a: str, b: str) -> list[str]:
    """What ``a`` perceived wrongly of ``b`` this turn."""
    words = say.words
    truth = {e["id"]: e for e in proposal.get("events", [])}
    out: list[str] = []
    for item in proposal.get("perceptions", {}).get(f"team:{a}", []):
        tags = item.get("tags", [])
        if item.get("actor") != b or "own" in tags:
            continue
        names = {"observer": words.team(a), "actor": words.team(b)}
        if "phantom" in tags or not item.get("event"):
            out.append(say("phantom", perceived=words.action(item.get("action")), **names))
        elif "misread" in tags:
            actual = words.action(truth.get(item["event"], {}).get("action"))
            out.append(
                say("misread", actual=actual, perceived=words.action(item.get("action")), **names)
            )
    return out


def _draws(say: _Say, proposal: Mapping[str, Any], rules: list[str], a: str, b: str) -> list[str]:
    """The draws of the listed rules on this dyad (or on no dyad), each against its threshold."""
    out: list[str] = []
    for die in proposal.get("dice", []):
        purpose = str(die.get("purpose", ""))
        rule = purpose.removeprefix("rule:")
        key = str(die.get("key", ""))
        if not purpose.startswith("rule:") or rule not in rules:
            continue
        if a not in key and b not in key and key.strip("|"):
            continue
        out.append(
            say(
                "draw",
                rule=say.rule(rule),
                u=f"{float(die['u']):.3f}",
                threshold=f"{float(die['threshold']):.3f}",
                outcome=say("hit" if die.get("hit") else "not_hit"),
            )
        )
    return out


def _cause(
    say: _Say, adjudication: Adjudication, pair: tuple[str, str], before: int, after: int
) -> CauseRow:
    a, b = pair
    words = say.words
    proposal = adjudication.proposal
    decisions: list[str] = []
    rules: list[str] = []
    for event in proposal.get("events", []):
        kind = event.get("kind")
        if kind == "incident" and {event.get("actor"), event.get("target")} == {a, b}:
            decisions.append(say("incident"))
            rules += _rule_tags(event)
        elif kind in ACTS and _on_dyad(event, a, b, words):
            decisions.append(say.act(event))
            rules += _rule_tags(event)
    misreads = _misreads(say, proposal, a, b)
    # A misreading is what R02 and R03 read; a rule fired on the dyad with a draw belongs too.
    for die in proposal.get("dice", []):
        purpose = str(die.get("purpose", ""))
        key = str(die.get("key", ""))
        if purpose.startswith("rule:") and die.get("hit") and a in key and b in key:
            rules.append(purpose.removeprefix("rule:"))
    state = proposal.get("state", {})
    posture = state.get("dprk", {}).get("posture")
    if a == "DPRK" and posture != adjudication.base_state.get("dprk", {}).get("posture"):
        # The posture lifts every DPRK dyad; an exercise read as attack preparation (R02) is
        # what moves it without a decision of the DPRK's.
        with translation.override(words.lang):
            decisions.append(say("posture", posture=value_label(posture)))
        rules += [r["id"] for r in proposal.get("rules_fired", []) if r.get("id") == POSTURE_RULE]
    if not decisions:
        back = _rungs(state).get((b, a), 0)
        if back >= ANSWER_RUNG:
            decisions.append(say("answer", rung=back))
    rules = list(dict.fromkeys(rules))
    return {
        "turn": adjudication.turn,
        "actor": a,
        "target": b,
        "before": before,
        "after": after,
        "step": say("step", actor=words.team(a), target=words.team(b), before=before, after=after),
        "decisions": decisions,
        "misreads": misreads,
        "rules": [say.rule(r) for r in rules],
        "draws": _draws(say, proposal, rules, a, b),
    }


def escalation_causes(published: list[Adjudication], words: Words) -> list[CauseRow]:
    """One row per rung rise of a published turn, in turn order."""
    say = _Say(words)
    rows: list[CauseRow] = []
    for adjudication in published:
        before = _rungs(adjudication.base_state)
        after = _rungs(adjudication.proposal.get("state", {}))
        for pair, value in sorted(after.items()):
            if value > before.get(pair, value):
                rows.append(_cause(say, adjudication, pair, before[pair], value))
    return rows


def _consults(proposal: Mapping[str, Any]) -> dict[str, str]:
    """Each ally's consultation with the US in one turn: done, tried, or absent."""
    out: dict[str, str] = {}
    for event in proposal.get("events", []):
        if event.get("action") != "d.consult":
            continue
        pair = {event.get("actor"), event.get("target")}
        for ally in ALLIES:
            if pair == {"US", ally}:
                if event.get("kind") == "action":
                    out[ally] = "consulted"
                else:
                    out.setdefault(ally, "tried")
    return out


def _agenda(state: Mapping[str, Any], ally: str, live: list[str]) -> bool:
    return any(
        a.get("measure") == "c.ed_agenda"
        and {"US", ally} <= set(a.get("parties", []))
        and a.get("status") in live
        for a in state.get("agreements", [])
    )


def consultation_timeline(published: list[Adjudication], words: Words) -> list[ConsultRow]:
    """Each US step with the DPRK and, per ally, whether the US consulted it this turn or the
    last (the alliance rule's window) or had extended deterrence on their agenda."""
    say = _Say(words)
    live = list(words.scenario.model().data["cbm"]["in_force"])
    rows: list[ConsultRow] = []
    previous: dict[str, str] = {}
    for adjudication in published:
        proposal = adjudication.proposal
        now = _consults(proposal)
        for event in proposal.get("events", []):
            if event.get("kind") != "action" or event.get("actor") != "US":
                continue
            if event.get("action") not in US_STEPS or event.get("target") not in (None, "DPRK"):
                continue
            allies = []
            for ally in ALLIES:
                status = now.get(ally) or previous.get(ally) or "not_consulted"
                if status != "consulted" and _agenda(adjudication.base_state, ally, live):
                    status = "agenda"
                allies.append(
                    {"team": ally, "name": words.team(ally), "key": status, "status": say(status)}
                )
            step = say.act(event)
            title = words.action(event.get("action"))
            if event.get("target"):
                title += f" → {words.team(event['target'])}"
            rows.append(
                {
                    "turn": adjudication.turn,
                    "step": say("us_step", turn=adjudication.turn, step=step),
                    "act": title,
                    "allies": allies,
                }
            )
        previous = {k: v for k, v in now.items() if v == "consulted"}
    return rows


class DiceRow(TypedDict):
    turn: int
    purpose: str
    teams: str
    u: str
    threshold: str
    hit: bool


def dice_rows(published: list[Adjudication], words: Words) -> list[DiceRow]:
    """Every draw of every published turn: what it decided, the teams it concerned, the draw
    against its threshold (a draw below it happens)."""
    say = _Say(words)
    rows: list[DiceRow] = []
    for adjudication in published:
        for die in adjudication.proposal.get("dice", []):
            purpose = str(die.get("purpose", ""))
            if purpose.startswith("rule:"):
                name = say.rule(purpose.removeprefix("rule:"))
            else:
                name = str(say.t["purposes"].get(purpose) or say.t["labels"]["other_rule"])
            codes = [
                part for part in str(die.get("key", "")).split("|") if part in words.scenario.teams
            ]
            rows.append(
                {
                    "turn": adjudication.turn,
                    "purpose": name,
                    "teams": " · ".join(dict.fromkeys(words.team(c) for c in codes)),
                    "u": f"{float(die['u']):.3f}",
                    "threshold": f"{float(die['threshold']):.3f}",
                    "hit": bool(die.get("hit")),
                }
            )
    return rows


def played_by_turns(words: Words, turns_by_player: Mapping[str, list[int]]) -> str:
    """ "people (turns 1-3), AI (turns 4-5)" when a team changed hands, else one word."""
    names = {"human": words.label("humans"), "ai": words.label("ai")}
    if len(turns_by_player) <= 1:
        return names[next(iter(turns_by_player), "human")]
    say = cause_texts(words.lang)["labels"]["played_by_turns"]
    parts = []
    for who, turns in sorted(turns_by_player.items(), key=lambda item: min(item[1])):
        parts.append(format_with_particles(say, who=names[who], turns=_spans(turns)))
    return ", ".join(parts)


def _spans(turns: list[int]) -> str:
    """1, 2, 3, 5 -> "1-3, 5"."""
    spans: list[list[int]] = []
    for turn in sorted(turns):
        if spans and turn == spans[-1][-1] + 1:
            spans[-1].append(turn)
        else:
            spans.append([turn])
    return ", ".join(f"{s[0]}-{s[-1]}" if len(s) > 1 else str(s[0]) for s in spans)
