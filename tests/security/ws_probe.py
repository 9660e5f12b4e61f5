"""One hostile WebSocket client: it sends frames and reports how the server ended the exchange."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import websockets

# What the contract allows a hostile frame to end in (docs/interface.md#close-codes).
REFUSALS = frozenset({4400, 4401, 4413, 1009, 1003, 1007, 4429})
ANSWER_SECONDS = 10.0


@dataclass
class Outcome:
    close_code: int | None = None
    frames: list[dict[str, Any]] = field(default_factory=list)

    @property
    def alive(self) -> bool:
        """Still open and still answering: the probe's closing ping got its pong."""
        return self.close_code is None and any(f.get("type") == "pong" for f in self.frames)

    def errors(self) -> list[str]:
        return [str(f.get("code")) for f in self.frames if f.get("type") == "error"]


async def probe(
    url: str,
    frames: list[str | bytes],
    *,
    as_text: bool = False,
    since: str = "0",
    until_closed: bool = False,
) -> Outcome:
    """Sends ``frames`` (bytes as text frames when ``as_text``), then a ping; the server must
    close with a refusal code or answer the ping (or, ``until_closed``, close), within
    ``ANSWER_SECONDS``. A socket that does neither fails here: it is stuck."""
    outcome = Outcome()
    async with websockets.connect(f"{url}?since={since}", max_size=None) as ws:
        try:
            for frame in frames:
                await ws.send(frame, text=True if as_text else None)
            await ws.send(json.dumps({"type": "ping"}))
            async with asyncio.timeout(ANSWER_SECONDS):
                while until_closed or not outcome.alive:
                    raw = await ws.recv()
                    outcome.frames.append(json.loads(raw))
        except websockets.ConnectionClosed:
            outcome.close_code = ws.close_code
        except TimeoutError as stuck:
            raise AssertionError(f"no close and no answer in {ANSWER_SECONDS} s") from stuck
    return outcome
