"""Deterministic draws (docs/model.md §10): SHA-256 of the draw's identity, never `random`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

SCALE = float(2**64)


def draw(seed: int, turn: int, purpose: str, actor: str, action_key: str, observer: str) -> float:
    """u in [0, 1) from "v1|seed|turn|purpose|actor|action_key|observer"."""
    text = f"v1|{seed}|{turn}|{purpose}|{actor}|{action_key}|{observer}"
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / SCALE


@dataclass(frozen=True, slots=True)
class Die:
    purpose: str
    key: str
    u: float
    threshold: float
    hit: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "purpose": self.purpose,
            "key": self.key,
            "u": self.u,
            "threshold": self.threshold,
            "hit": self.hit,
        }


class Dice:
    """Rolls and logs every draw of one turn; a draw hits when u < threshold."""

    __slots__ = ("log", "seed", "turn")

    def __init__(self, seed: int, turn: int) -> None:
        self.seed = seed
        self.turn = turn
        self.log: list[Die] = []

    def roll(
        self,
        purpose: str,
        threshold: float,
        actor: str = "",
        action_key: str = "",
        observer: str = "",
    ) -> bool:
        if threshold <= 0.0:
            return False
        if threshold >= 1.0:
            return True
        u = draw(self.seed, self.turn, purpose, actor, action_key, observer)
        hit = u < threshold
        self.log.append(Die(purpose, f"{actor}|{action_key}|{observer}", u, threshold, hit))
        return hit

    def uniform(
        self, purpose: str, mean: float, actor: str = "", action_key: str = "", observer: str = ""
    ) -> float:
        """A draw for a count (a Poisson number of warheads); logged with the mean it serves."""
        u = draw(self.seed, self.turn, purpose, actor, action_key, observer)
        self.log.append(Die(purpose, f"{actor}|{action_key}|{observer}", u, mean, u < mean))
        return u
