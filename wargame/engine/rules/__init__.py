"""Interaction rules R01-R22 (docs/model.md §7), run in order on one turn's context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import alliance, decisions, diplomacy, korea, stability

if TYPE_CHECKING:
    from collections.abc import Callable

    from .context import Ctx

# R14 and R15 act on the registry and run in cbm.lifecycle (step 9); R16 in capabilities (step 6).
RULES: tuple[tuple[str, Callable[[Ctx], None]], ...] = (
    ("R01", stability.r01),
    ("R02", stability.r02),
    ("R03", stability.r03),
    ("R04", stability.r04),
    ("R05", stability.r05),
    ("R06", alliance.r06),
    ("R07", alliance.r07),
    ("R08", alliance.r08),
    ("R09", alliance.r09),
    ("R10", alliance.r10),
    ("R11", alliance.r11),
    ("R12", korea.r12_r13),
    ("R17", diplomacy.r17),
    ("R18", alliance.r18),
    ("R19", diplomacy.r19),
    ("R20", decisions.r20),
    ("R21", decisions.r21),
    ("R22", decisions.r22),
)


def run_rules(ctx: Ctx) -> None:
    for rule_id, rule in RULES:
        if ctx.enabled(rule_id):
            rule(ctx)
