"""The CBM registry (docs/model.md §6): proposals, acceptance, implementation, verification,
violations and lapses. Transitions take effect next turn; reads use the start-of-turn registry."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .clock import DAYS_PER_YEAR, chance, days_per_turn
from .effects import hazard_factor
from .perception import detection_p
from .proposal import OutcomeEvent
from .rules.context import Act, Ctx, forbids
from .state import ALL_TEAMS, Agreement

if TYPE_CHECKING:
    from collections.abc import Mapping


def _event(ctx: Ctx, agreement: Agreement, status: str, actor: str | None) -> None:
    event = OutcomeEvent(
        id=ctx.next_id("e"),
        kind="agreement",
        actor=actor,
        action=agreement.measure,
        vis="decl",
        data=(("agreement", agreement.id), ("parties", agreement.parties), ("status", status)),
    )
    ctx.events.append(event)
    for party in agreement.parties:
        ctx.perceived[f"team:{party}"].append(event)


def _set_status(ctx: Ctx, a: Agreement, status: str, actor: str | None) -> Agreement:
    new = replace(a, status=status, status_turn=ctx.turn)
    ctx.agreements[a.id] = new
    _event(ctx, new, status, actor)
    return new


def _pairwise_trust(ctx: Ctx, parties: tuple[str, ...], amount: float) -> None:
    for a in parties:
        for b in parties:
            if a != b:
                ctx.trust_add[(a, b)] += amount


def transitions(ctx: Ctx) -> None:
    """Step 3: c.* acts move the registry (effective next turn)."""
    measures = ctx.m["cbm"]["measures"]
    rejected: set[int] = set()
    touched: list[int] = []
    for act in ctx.acts:
        if not act.effective or not act.action.startswith("c."):
            continue
        if act.action == "c.propose":
            _propose(ctx, act, measures)
            continue
        ref = act.params.get("proposal", act.params.get("agreement"))
        found = ctx.agreements.get(int(ref)) if ref is not None else None
        if found is None or act.actor not in found.parties:
            continue
        if act.action == "c.accept" and found.status == "proposed":
            # Accepting one measure of a package accepts the package: it is agreed together.
            for member in _package(ctx, found):
                if act.actor not in member.accepted and member.status == "proposed":
                    accepted = tuple(
                        t for t in member.parties if t in member.accepted or t == act.actor
                    )
                    ctx.agreements[member.id] = replace(member, accepted=accepted)
                    touched.append(member.id)
        elif act.action == "c.reject" and found.status == "proposed":
            rejected.update(m.id for m in _package(ctx, found))
        elif act.action == "c.implement":
            steps = tuple((t, ctx.turn if t == act.actor else s) for t, s in found.steps)
            ctx.agreements[found.id] = replace(found, steps=steps)
            touched.append(found.id)
        elif act.action == "c.invite_verification":
            ladder = list(ctx.m["cbm"]["verification_ladder"])
            mode = found.verification
            nxt = ladder[min(len(ladder) - 1, ladder.index(mode) + 1)] if mode in ladder else mode
            ctx.agreements[found.id] = replace(found, verification=nxt)
        elif act.action == "c.withdraw" and found.status != "lapsed":
            _set_status(ctx, found, "lapsed", act.actor)
            for party in found.parties:
                if party != act.actor:
                    ctx.trust_add[(party, act.actor)] += ctx.m["trust"]["withdraw"]
    for aid in sorted(rejected):
        _set_status(ctx, ctx.agreements[aid], "rejected", None)
    for aid in sorted(set(touched) - rejected):
        a = ctx.agreements[aid]
        if a.status == "proposed" and set(a.accepted) >= set(a.parties):
            a = _set_status(ctx, a, "agreed", None)
            ctx.agreed_now.append(a)
        elif a.status in ("agreed", "implemented", "verified"):
            _maybe_implemented(ctx, a)


def _propose(ctx: Ctx, act: Act, measures: Mapping[str, Any]) -> None:
    """A proposal: one agreement per measure of the package, tied by the first one's id; the
    package's quid (relief steps, the scale of exercises) rides on the first."""
    parties = tuple(t for t in ALL_TEAMS if t in act.params["parties"])
    names = [act.params["measure"]] + [
        m for m in act.params.get("package", ()) if m != act.params["measure"]
    ]
    lead = ctx.next_agreement_id
    for n, measure in enumerate(names):
        new = Agreement(
            id=ctx.next_agreement_id,
            measure=measure,
            parties=parties,
            status="proposed",
            proposed_by=act.actor,
            proposed_turn=ctx.turn,
            accepted=(act.actor,),
            steps=tuple((t, None) for t in parties),
            verification=act.params.get("verification", measures[measure]["verification"]),
            framing=act.params.get("framing", "none"),
            status_turn=ctx.turn,
            package=lead if len(names) > 1 or act.params.get("relief") else 0,
            relief=int(act.params.get("relief", 0)) if n == 0 else 0,
            exercises=str(act.params.get("exercises", "none")) if n == 0 else "none",
        )
        ctx.next_agreement_id += 1
        ctx.agreements[new.id] = new
        _event(ctx, new, "proposed", act.actor)


def _package(ctx: Ctx, found: Agreement) -> list[Agreement]:
    if not found.package:
        return [found]
    return [a for a in ctx.agreements.values() if a.package == found.package]


def package_relief(ctx: Ctx) -> None:
    """A package entering force delivers its relief (R17 counts it as relief given)."""
    for a in ctx.agreed_now:
        if a.relief:
            ctx.sanctions_add -= a.relief
            ctx.relief_steps_add += a.relief


def _maybe_implemented(ctx: Ctx, a: Agreement) -> None:
    if not all(s is not None and s > a.phase_turn for _, s in a.steps):
        return
    spec = ctx.m["cbm"]["measures"][a.measure]
    phases = spec.get("phases", 1)
    if a.phase >= phases:
        return
    phase = a.phase + 1
    new = replace(a, phase=phase, phase_turn=ctx.turn, status="implemented", status_turn=ctx.turn)
    ctx.agreements[a.id] = new
    _event(ctx, new, "implemented", None)
    # A reciprocal step earns trust; one-sided steps earn none (R14, 004 §III).
    _pairwise_trust(ctx, a.parties, ctx.m["trust"]["reciprocal_step"])
    relief = spec.get("relief")
    if relief:
        ctx.sanctions_add -= int(relief[min(phase, len(relief)) - 1])
        ctx.relief_steps_add += 1
    if a.measure == "c.yongbyon":
        ctx.yongbyon_set = "closed" if phase == 1 else "dismantled"


def violations(ctx: Ctx) -> None:
    """A forbidden act while a measure is in force is a violation (truth); each other party
    detects it with the §4 probability x the verification mode multiplier."""
    mults = ctx.m["cbm"]["detect_mult"]
    for act in ctx.acts:
        if not act.effective or act.doctrinal:
            continue
        for measure, a in _breaches(ctx, act):
            current = ctx.agreements[a.id]
            violated_by = tuple(sorted(set(current.violated_by) | {act.actor}))
            detected = set(current.detected_by)
            for other in current.parties:
                if other == act.actor or other in detected:
                    continue
                p = detection_p(ctx, act, other)
                if p < 1.0:
                    p = min(ctx.m["cbm"]["detect_cap"], p * mults.get(a.verification, 1.0))
                if ctx.dice.roll("cbm:violation", p, act.actor, act.key, other):
                    detected.add(other)
                    ctx.trust_add[(other, act.actor)] += ctx.m["trust"]["violation"]
            new = replace(
                current,
                status="violated",
                status_turn=ctx.turn,
                violated_by=violated_by,
                detected_by=tuple(sorted(detected)),
            )
            ctx.agreements[a.id] = new
            event = OutcomeEvent(
                id=ctx.next_id("e"),
                kind="violation",
                actor=act.actor,
                action=measure,
                vis="control",
                tags=("violation",),
                data=(
                    ("agreement", a.id),
                    ("by", act.action),
                    ("detected_by", new.detected_by),
                ),
            )
            ctx.events.append(event)
            for team in (*new.detected_by, act.actor):
                ctx.perceived[f"team:{team}"].append(event)


_FORBIDDING: dict[str, dict[str, list[tuple[str, Any]]]] = {}


def _forbidding(ctx: Ctx) -> dict[str, list[tuple[str, Any]]]:
    """action -> [(measure, forbids item)], built once per model (a model is immutable)."""
    found = _FORBIDDING.get(ctx.model.hash)
    if found is None:
        found = {}
        for measure, spec in ctx.m["cbm"]["measures"].items():
            for rule in spec["forbids"]:
                found.setdefault(str(rule["action"]), []).append((measure, rule))
        _FORBIDDING[ctx.model.hash] = found
    return found


def _breaches(ctx: Ctx, act: Act) -> list[tuple[str, Agreement]]:
    """The agreements in force that an act breaks: what their measures forbid, and exercises above
    the scale a package agreed (reduced forbids full-scale ones, suspended any)."""
    out: list[tuple[str, Agreement]] = []
    measures = sorted({m for m, rule in _forbidding(ctx).get(act.action, ()) if forbids(rule, act)})
    for measure in measures:
        if measure in ctx.live:
            out.extend((measure, a) for a in ctx.live_agreements(measure, act.actor))
    if act.action == "s.exercise":
        full = act.param("scale", "full") == "full"
        for measure, agreements in sorted(ctx.live.items()):
            for a in agreements:
                if act.actor not in a.parties or a.exercises == "none":
                    continue
                if a.exercises == "suspended" or full:
                    out.append((measure, a))
    return out


def false_accusations(ctx: Ctx) -> None:
    """A misread that looks like a forbidden act yields a false accusation (§6)."""
    as_action = ctx.m["perception"].get("misread_as_action", {})
    measures = ctx.m["cbm"]["measures"]
    for pc in ctx.perceptions:
        if not pc.misread or pc.label not in as_action:
            continue
        spec = as_action[pc.label]
        fake = Act(pc.actor, spec["action"], None, dict(spec.get("params", {})), "", None)  # type: ignore[arg-type]
        for measure, mspec in measures.items():
            if any(forbids(r, fake) for r in mspec["forbids"]) and ctx.in_force(
                measure, pc.observer, pc.actor
            ):
                ctx.trust_add[(pc.observer, pc.actor)] += ctx.m["trust"]["violation"]
                event = OutcomeEvent(
                    id=ctx.next_id("e"),
                    kind="accusation",
                    actor=pc.observer,
                    target=pc.actor,
                    action=measure,
                    tags=("cause.misperception", "accusation.false"),
                )
                ctx.events.append(event)
                ctx.perceived[f"team:{pc.observer}"].append(event)
                break


def _track_running(ctx: Ctx) -> bool:
    for measure, spec in ctx.m["cbm"]["measures"].items():
        if spec["group"] in ("political", "economic") and ctx.in_force(measure):
            return True
    return any(ctx.effective(a) for a in ctx.m["cbm"]["political_actions"])


def lifecycle(ctx: Ctx) -> None:
    """Step 9: expiry, one-sided lapses (R14), verification draws, military lapses (R14, R15),
    per-turn effects of measures in force."""
    cbm = ctx.m["cbm"]
    turn = ctx.turn
    days = days_per_turn(ctx.m)
    full_exercise = any(a.param("scale", "full") == "full" for a in ctx.effective("s.exercise"))
    track = _track_running(ctx)
    for aid in sorted(ctx.agreements):
        a = ctx.agreements[aid]
        original = next((x for x in ctx.state.agreements if x.id == aid), None)
        if original is None:
            continue  # proposed this turn
        if a.status != original.status:
            continue  # moved this turn already
        if a.status == "proposed":
            if turn - a.proposed_turn >= cbm["expire_turns"]:
                _set_status(ctx, a, "expired", None)
            continue
        if a.status not in cbm["in_force"]:
            continue
        spec = cbm["measures"][a.measure]
        steps = [s for _, s in a.steps if s is not None and s > a.phase_turn]
        unmatched = bool(steps) and len(steps) < len(a.steps)
        if unmatched and turn - min(steps) >= cbm["step_lapse_turns"] and ctx.enabled("R14"):
            ctx.fire("R14", f"{a.measure} lapsed: a one-sided step went unmatched.")
            _set_status(ctx, a, "lapsed", None)
            continue
        if a.status == "implemented":
            p = chance(cbm["verify_per_year"].get(a.verification, 0.0), days)
            if ctx.dice.roll("cbm:verify", p, "", f"agreement:{aid}", ""):
                a = _set_status(ctx, a, "verified", None)
                _pairwise_trust(ctx, a.parties, ctx.m["trust"]["verified_step"])
                if "DPRK" in a.parties:
                    ctx.dprk_verified_add += 1
                if a.measure == "c.yongbyon" and a.phase == 1:
                    ctx.yongbyon_set = "verified"
        hazard = 0.0
        if spec["group"] == "military" and ctx.enabled("R14"):
            rate = cbm["military_lapse_per_year"] * (cbm["track_factor"] if track else 1.0)
            hazard = chance(rate, days)
        r15 = a.measure == "c.moratorium" and full_exercise and ctx.enabled("R15")
        if r15:
            hazard += ctx.rule("R15")["hazard"]
        if ctx.dice.roll("cbm:lapse", hazard, "", f"agreement:{aid}", ""):
            _set_status(ctx, a, "lapsed", None)
            if r15:
                ctx.fire("R15", "A full-scale exercise broke the moratorium; it lapsed.")
                ctx.trust_add[("DPRK", "US")] += ctx.rule("R15")["trust"]
            else:
                ctx.fire("R14", f"{a.measure} lapsed (military measure without a track).")
            continue
        kaesong = spec.get("trust_per_year")
        if kaesong:
            _pairwise_trust(ctx, a.parties, kaesong * days / DAYS_PER_YEAR)


def hotlines(ctx: Ctx) -> None:
    """A tested hotline is repaired promptly and fails less (004 §IV.1, §V.1)."""
    h = ctx.m["hotline"]
    for name in sorted(h["links"]):
        link = h["links"][name]
        if not all(t in ctx.teams for t in link) or name in ctx.hotline_set:
            continue  # a party cut or restored the line this turn (d.line)
        current = ctx.hotline.get(name, "down")
        if name in h["line_checked"]:
            tested = True  # the UNC line's twice-daily checks: it fails less, no one repairs it
        else:
            tested = ctx.in_force("c.hotline", *link)
            if tested and current != "up":
                ctx.hotline_set[name] = "up"
                continue
        if current == "down":
            continue
        rate = h["fail_per_year_tested"] if tested else h["fail_per_year"]
        rate *= hazard_factor(ctx.state.effects, ctx.turn, "hotline_failure")
        p = chance(rate, days_per_turn(ctx.m))
        if ctx.dice.roll("hotline:fail", p, "", name, ""):
            ctx.hotline_set[name] = "degraded" if current == "up" else "down"
