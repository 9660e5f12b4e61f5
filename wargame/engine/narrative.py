"""Narrative from data templates (EN, JA, KO; a missing text falls back to English).
Nuclear use is never narrated (§9): only the fixed decision-point text, to control."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import yaml

from .model import DATA_DIR
from .numbering import numbered

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .catalogue import Catalogue
    from .proposal import OutcomeEvent, PerceivedEvent

LANGS = ("en", "ja", "ko")


@lru_cache(maxsize=1)
def texts() -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = yaml.safe_load(
        (DATA_DIR / "narrative.yaml").read_text(encoding="utf-8")
    )
    return loaded


def _pick(table: Mapping[str, Mapping[str, str]], lang: str, key: str) -> str:
    return table.get(lang, {}).get(key) or table["en"].get(key) or key


def _team(lang: str, code: str | None) -> str:
    return _pick(texts()["teams"], lang, code or "")


def _teams(lang: str, codes: Sequence[str]) -> str:
    """Teams named in a sentence: "Japan and South Korea", 日本・韓国, 일본·한국."""
    names = [_team(lang, code) for code in codes]
    if lang != "en":
        return "・".join(names) if lang == "ja" else "·".join(names)
    return names[0] if len(names) < 2 else f"{', '.join(names[:-1])} and {names[-1]}"


def _title(catalogue: Catalogue, lang: str, action: str | None) -> str:
    adef = catalogue.actions.get(action or "")
    if adef is not None:
        return adef.text("title", lang)
    return _pick(texts()["labels"], lang, action or "")


def _measure(lang: str, measure: str | None) -> str:
    """An agreement's measure by its name (`c.swap` is the engine's id, never a reader's word)."""
    return _pick(texts()["measures"], lang, measure or "")


def _line(lang: str, key: str, **values: Any) -> str:
    return _pick(texts()["templates"], lang, key).format(**values)


def event_line(
    catalogue: Catalogue, lang: str, e: OutcomeEvent, numbers: Mapping[int, int] | None = None
) -> str | None:
    """`e` in words; `numbers` names agreements by a team's own numbers (engine.numbering),
    None by the engine's ids (control)."""
    data = dict(e.data)
    if e.kind == "action":
        key = "action_target" if e.target else "action"
        return _line(
            lang,
            key,
            actor=_team(lang, e.actor),
            target=_team(lang, e.target),
            title=_title(catalogue, lang, e.action),
        )
    if e.kind == "joint_failed":
        missing = data.get("missing") or ()
        return _line(
            lang,
            "joint_missing" if missing else "joint_failed",
            actor=_team(lang, e.actor),
            title=_title(catalogue, lang, e.action),
            missing=_teams(lang, missing),
        )
    if e.kind == "doctrinal":
        return _line(lang, "doctrinal", actor=_team(lang, e.actor), target=_team(lang, e.target))
    if e.kind == "incident":
        if not data.get("contained"):
            return _line(lang, "incident_clash")
        return _line(lang, "incident_local" if data.get("fire") else "incident_contained")
    if e.kind == "advice":
        return advice_text(str(e.action), data.get("recommends") or (), lang)
    if e.kind == "agreement":
        return _line(
            lang,
            "agreement",
            measure=_measure(lang, e.action),
            agreement=data.get("agreement")
            if numbers is None
            else numbered(data.get("agreement"), numbers),
            status=_pick(texts()["statuses"], lang, str(data.get("status"))),
        )
    if e.kind == "violation":
        return _line(
            lang, "violation", actor=_team(lang, e.actor), measure=_measure(lang, e.action)
        )
    if e.kind == "accusation":
        return _line(
            lang,
            "accusation",
            actor=_team(lang, e.actor),
            target=_team(lang, e.target),
            measure=_measure(lang, e.action),
        )
    if e.kind == "inject":
        return _line(lang, "inject_debate" if e.action == "R11.debate" else "inject_base_use")
    return None  # nuclear requests and anything else: never narrated


def advice_text(rule: str, recommends: Sequence[str], lang: str) -> str:
    """A team's standing advice (R02, R04, R11) in `lang`, as its staff words it."""
    key = f"advice_{rule}"
    if rule == "R04" and "m.predelegate" not in recommends:
        key = "advice_R04_posture"
    return _line(lang, key)


def _join(lines: Sequence[str], lang: str) -> str:
    return " ".join(lines) if lines else _line(lang, "quiet")


def public_narrative(catalogue: Catalogue, events: Sequence[OutcomeEvent]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in LANGS:
        lines = [
            line
            for e in events
            if e.vis == "pub" and e.kind != "agreement"
            for line in [event_line(catalogue, lang, e)]
            if line
        ]
        out[lang] = _join(lines, lang)
    return out


def control_narrative(
    catalogue: Catalogue, events: Sequence[OutcomeEvent], decision_points: int
) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in LANGS:
        lines = [line for e in events for line in [event_line(catalogue, lang, e)] if line]
        if decision_points:
            lines.append(_line(lang, "decision_point"))
        out[lang] = _join(lines, lang)
    return out


def team_narrative(
    catalogue: Catalogue,
    perceived: Sequence[PerceivedEvent],
    events_by_id: Mapping[str, OutcomeEvent],
    numbers: Mapping[int, int],
) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in LANGS:
        lines = []
        for p in perceived:
            if p.kind == "action" and "own" in p.tags:
                lines.append(
                    _line(
                        lang,
                        "action",
                        actor=_team(lang, p.actor),
                        title=_title(catalogue, lang, p.action),
                    )
                )
            elif p.kind == "action":
                lines.append(
                    _line(
                        lang,
                        "seen",
                        actor=_team(lang, p.actor),
                        what=_title(catalogue, lang, p.action),
                    )
                )
            elif p.event is not None and p.event in events_by_id:
                line = event_line(catalogue, lang, events_by_id[p.event], numbers)
                if line:
                    lines.append(line)
        out[lang] = _join(lines, lang)
    return out
