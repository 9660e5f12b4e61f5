"""The adjudication review panel's content: the proposal beside the current state, as rows a
template can show, and the forms' API addresses. Control only; the selectors check that too."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from wargame.exercises.errors import NotFound
from wargame.exercises.selectors.history import proposed_state_view
from wargame.exercises.selectors.reads import adjudication_for, exercise_visible, state_for
from wargame.exercises.services.game import exercise_scenario
from wargame.languages import active_language, in_language
from wargame.web.review_labels import die_question, rung_name

if TYPE_CHECKING:
    from wargame.exercises.events import ProposalPayload
    from wargame.exercises.models import Exercise
    from wargame.exercises.principals import Principal

# The state's overridable parts, in the order the review shows them (`state`,
# docs/interface.md#shapes).
PAIR_SECTIONS = ("rung", "threat", "trust")
# Values named from a list in the model's `domains`: the review offers that list to choose from.
ENUM_LEAVES = frozenset({"posture", "predelegation", "yongbyon"})


def _section_label(section: str) -> str:
    labels = {
        "rung": _("Escalation rung"),
        "threat": _("Threat perceived"),
        "trust": _("Trust"),
        "assurance": _("Assurance"),
        "sanctions": _("Sanctions"),
        "killchain": _("Kill Chain readiness"),
        "hotline": _("Hotline"),
        "dprk": _("DPRK (hidden)"),
    }
    return labels.get(section, section)


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _row(
    path: str, section: str, key: str, now: Any, proposed: Any, domains: Any
) -> dict[str, Any]:
    kind = "number" if isinstance(proposed, int | float) else "string"
    leaf = path.rsplit("/", 1)[-1]
    choices = list(domains.get(leaf, ())) if leaf in ENUM_LEAVES else []
    if section == "hotline":
        choices = list(domains.get("hotline", ()))
    row: dict[str, Any] = {
        "path": path,
        "dom_id": path.strip("/").replace("/", "-"),
        "section": section,
        "key": key,
        "current": _shown(now) if now is not None else "",
        "proposed": _shown(proposed),
        "input": _shown(proposed) if kind == "number" else str(proposed),
        "kind": kind,
        "changed": now != proposed,
        "choices": choices,
        "integer": isinstance(proposed, int) and not isinstance(proposed, bool),
    }
    if section == "rung":
        row["current_name"] = rung_name(int(now)) if now is not None else ""
        row["proposed_name"] = rung_name(int(proposed))
        row["min"], row["max"] = domains["rung"]
    return row


def state_rows(current: dict[str, Any], proposed: dict[str, Any], domains: Any) -> list[Any]:
    """One row per value: current -> proposed, each with the JSON Pointer an override names."""
    groups: list[dict[str, Any]] = []
    for section in ("rung", "threat", "trust", "assurance", "sanctions", "killchain", "hotline"):
        rows: list[dict[str, Any]] = []
        now_section, new_section = current.get(section), proposed.get(section)
        if new_section is None:
            continue
        if section in PAIR_SECTIONS:
            for a in sorted(new_section):
                for b in sorted(new_section[a]):
                    now = (now_section or {}).get(a, {}).get(b)
                    path = f"/state/{section}/{a}/{b}"
                    rows.append(_row(path, section, f"{a} → {b}", now, new_section[a][b], domains))
        elif isinstance(new_section, dict):
            for key in sorted(new_section):
                now = (now_section or {}).get(key)
                path = f"/state/{section}/{key}"
                rows.append(_row(path, section, key, now, new_section[key], domains))
        else:
            rows.append(_row(f"/state/{section}", section, "", now_section, new_section, domains))
        groups.append({"label": _section_label(section), "section": section, "rows": rows})
    dprk_now, dprk_new = current.get("dprk", {}), proposed.get("dprk", {})
    groups.append(
        {
            "label": _section_label("dprk"),
            "section": "dprk",
            "rows": [
                _row(f"/state/dprk/{k}", "dprk", k, dprk_now.get(k), dprk_new[k], domains)
                for k in dprk_new
            ],
        }
    )
    return groups


def _action_title(catalogue: Any, action: str | None, lang: str) -> str:
    if not action:
        return ""
    found = catalogue.actions.get(action)
    return in_language(found.title, lang) if found is not None else action


def perceived_rows(events: list[dict[str, Any]], catalogue: Any, lang: str) -> list[Any]:
    return [
        {
            **event,
            "title": _action_title(catalogue, event.get("action"), lang) or event.get("kind"),
            "confidence_text": _shown(float(event.get("confidence", 1.0))),
        }
        for event in events
    ]


def decision_lines(events: list[dict[str, Any]], catalogue: Any, lang: str) -> list[Any]:
    """The teams' actions this turn as the engine resolved them, one line each in words:
    who, what (the catalogue's title, never its id) and towards whom."""
    return [
        {
            "actor": event.get("actor"),
            "title": _action_title(catalogue, event["action"], lang),
            "target": event.get("target"),
        }
        for event in events
        if event.get("kind") == "action" and event.get("action")
    ]


def key_changes(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The few numbers a facilitator reads before publishing: the rungs that move, and how many
    other values change (all of them are in the table behind the disclosure)."""
    changed = [row for group in groups for row in group["rows"] if row["changed"]]
    rungs = [row for row in changed if row["section"] == "rung"]
    return {"rung_changes": rungs, "other_changes": len(changed) - len(rungs)}


def _api(exercise_id: int, turn: int, tail: str = "") -> str:
    return f"/api/v1/exercises/{exercise_id}/turns/{turn}/adjudication/{tail}"


def _proposal_context(
    principal: Principal, exercise: Exercise, proposal: ProposalPayload, lang: str
) -> dict[str, Any]:
    scenario = exercise_scenario(exercise)
    domains = scenario.model().data["domains"]
    catalogue = scenario.catalogue()
    current = state_for(principal)
    proposed = proposed_state_view(principal, proposal)
    teams = [
        {
            "code": code,
            "name": scenario.teams[code].name.get(lang) if code in scenario.teams else code,
            "events": perceived_rows(
                proposal["perceptions"].get(f"team:{code}", []), catalogue, lang
            ),
            "narrative": in_language(proposal.get("view_narratives", {}).get(f"team:{code}"), lang),
        }
        for code in scenario.team_codes
    ]
    groups = state_rows(current, proposed, domains)
    return {
        "proposal": proposal,
        "groups": groups,
        **key_changes(groups),
        "decisions": decision_lines(proposal["events"], catalogue, lang),
        "dice_hits": sum(1 for die in proposal["dice"] if die["hit"]),
        "ci_now": _shown(float(current["ci"])) if "ci" in current else "",
        "ci_proposed": _shown(float(proposed["ci"])) if "ci" in proposed else "",
        "dice": [
            {
                **die,
                "question": die_question(die["purpose"], die["key"]),
                "u_text": f"{float(die['u']):.4f}",
                "threshold_text": f"{float(die['threshold']):.4f}",
            }
            for die in proposal["dice"]
        ],
        "decision_points": [
            {**point, "rung_name": rung_name(int(point["rung"])), "p_text": _shown(point["p"])}
            for point in proposal["decision_points"]
        ],
        "teams": teams,
        "narrative": in_language(proposal["narrative"], lang),
        "narrative_path": f"/narrative/{lang if lang in proposal['narrative'] else 'en'}",
        "overrides": [
            {
                **item,
                "old_text": json.dumps(item.get("old"), ensure_ascii=False),
                "value_text": json.dumps(item.get("value"), ensure_ascii=False),
            }
            for item in proposal.get("overrides", [])
        ],
        "nuclear": bool(proposal["requires_nuclear_approval"]),
    }


def _latest_published(principal: Principal, exercise: Exercise) -> ProposalPayload | None:
    turn = exercise.turn or 0
    for candidate in (turn, turn - 1):
        if candidate < 1:
            continue
        try:
            proposal = adjudication_for(principal, turn=candidate)
        except NotFound:
            continue
        if proposal is not None and proposal.get("status") == "published":
            return proposal
    return None


def adjudication_context(principal: Principal) -> dict[str, Any]:
    """The panel for the turn in review; outside review, the latest published outcome."""
    exercise = exercise_visible(principal)
    lang = active_language()
    turn = exercise.turn
    context: dict[str, Any] = {"exercise_id": exercise.pk, "turn": turn, "status": "none"}
    if turn is None:
        return context
    if exercise.phase == "adjudication":
        proposal = adjudication_for(principal, turn=turn)
        if proposal is None:
            context["status"] = "pending"
            return context
        context["status"] = proposal.get("status", "proposed")
        context.update(_proposal_context(principal, exercise, proposal, lang))
        context["api"] = {
            "patch": _api(exercise.pk, turn),
            "reroll": _api(exercise.pk, turn, "reroll/"),
            "publish": _api(exercise.pk, turn, "publish/"),
        }
        return context
    published = _latest_published(principal, exercise)
    if published is not None:
        context["status"] = "published"
        context["turn"] = published["turn"]
        context["narrative"] = in_language(published["narrative"], lang)
        context["rules_count"] = len(published["rules_fired"])
        context["overrides_count"] = len(published.get("overrides", []))
        context["summary"] = True
    return context
