"""Period baselines of the public record (docs/model.md §14): January 2010, 2015, 2017, 2018, 2020
and 2024, each with the model settings of its year and a scripted replay of its twelve months
(data/periods.yaml, data/scripts/<year>.yaml). `simulate --scenario period-2017` plays from one."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .bots import period_script
from .errors import EngineError
from .model import data_file

PREFIX = "period-"


class PeriodError(EngineError):
    """An unknown period, or a malformed periods file."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(field, reason)


@dataclass(frozen=True, slots=True)
class Period:
    year: str
    label: str
    model_overrides: Mapping[str, Any]
    state_overrides: Mapping[str, Any]
    script: Mapping[str, Any]
    sources: tuple[str, ...]

    @property
    def slug(self) -> str:
        return f"{PREFIX}{self.year}"


def _raw() -> Mapping[str, Any]:
    loaded = data_file("periods")
    if not isinstance(loaded.get("periods"), Mapping):
        raise PeriodError("periods", "periods.yaml must hold a mapping `periods`.")
    return loaded


def period_slugs() -> list[str]:
    return [f"{PREFIX}{year}" for year in sorted(_raw()["periods"])]


def is_period(slug: str) -> bool:
    return slug.startswith(PREFIX)


def load_period(slug: str) -> Period:
    year = slug.removeprefix(PREFIX)
    raw = _raw()["periods"].get(year)
    if raw is None:
        known = ", ".join(period_slugs())
        raise PeriodError("scenario", f"Unknown period {slug!r}; the periods are {known}.")
    return Period(
        year=year,
        label=str(raw["label"]),
        model_overrides=copy.deepcopy(dict(raw.get("model") or {})),
        state_overrides=copy.deepcopy(dict(raw.get("state") or {})),
        script=period_script(str(raw["script"])),
        sources=tuple(str(s) for s in raw.get("sources", ())),
    )
