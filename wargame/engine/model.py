"""The adjudication model: data/model.yaml deep-merged with a scenario's `model:` overrides."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .errors import ModelError

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_APPROVAL_RUNG = 8


@dataclass(frozen=True, slots=True)
class Model:
    """Merged, read-only model data and the SHA-256 of its canonical JSON."""

    data: Mapping[str, Any]
    hash: str

    def rule_enabled(self, rule_id: str) -> bool:
        return rule_id not in self.data["rules"]["disabled"]


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=1)
def _defaults_text() -> str:
    return (DATA_DIR / "model.yaml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    # Cached and never mutated: _merge copies only the mappings it changes.
    loaded = yaml.safe_load(_defaults_text())
    if not isinstance(loaded, dict):
        raise ModelError(None, "model.yaml must be a mapping.")
    return loaded


@lru_cache(maxsize=16)
def data_file(name: str) -> Mapping[str, Any]:
    """A data file beside the engine (data/<name>.yaml), read once; ModelError unless a mapping."""
    loaded = yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    if not isinstance(loaded, Mapping):
        raise ModelError(name, f"{name}.yaml must hold a mapping.")
    return loaded


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "mapping"
    if value is None:
        return "null"
    return type(value).__name__


def _merge(base: Any, override: Any, path: str) -> Any:
    if isinstance(base, Mapping):
        if not isinstance(override, Mapping):
            raise ModelError(path or None, f"expected a mapping, got {_kind(override)}.")
        merged = dict(base)
        for key, value in override.items():
            sub = f"{path}.{key}" if path else str(key)
            if key not in base:
                raise ModelError(sub, f"unknown model key '{key}'.")
            merged[key] = _merge(base[key], value, sub)
        return merged
    if base is None or _kind(base) == _kind(override):
        if isinstance(base, int) and not isinstance(base, bool) and isinstance(override, float):
            raise ModelError(path, f"expected an integer, got {override!r}.")
        return override
    raise ModelError(path, f"expected {_kind(base)}, got {_kind(override)}.")


def _check(data: Mapping[str, Any]) -> None:
    rung = data["safety"]["approval_rung"]
    if not 1 <= rung <= MAX_APPROVAL_RUNG:
        raise ModelError(
            "safety.approval_rung",
            f"must be between 1 and {MAX_APPROVAL_RUNG} "
            "(nuclear use is always control's decision).",
        )
    if data["safety"]["hold_rung"] > rung:
        raise ModelError("safety.hold_rung", "must not exceed safety.approval_rung.")
    known = {f"R{n:02d}" for n in range(1, 23)}
    for rule_id in data["rules"]["disabled"]:
        if rule_id not in known:
            raise ModelError("rules.disabled", f"unknown rule '{rule_id}'.")


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


@lru_cache(maxsize=64)
def _load(overrides_json: str) -> Model:
    merged = _merge(_defaults(), json.loads(overrides_json), "")
    _check(merged)
    digest = hashlib.sha256(canonical_json(merged).encode("utf-8")).hexdigest()
    return Model(data=_freeze(merged), hash=digest)


def load_model(overrides: Mapping[str, Any] | None = None) -> Model:
    """Merge `overrides` onto the defaults; unknown keys or wrong types raise ModelError."""
    try:
        key = canonical_json(overrides or {})
    except (TypeError, ValueError) as exc:
        raise ModelError(None, f"overrides are not JSON-serialisable: {exc}") from exc
    return _load(key)


def thaw(value: Any) -> Any:
    """A plain JSON-safe copy of (part of) a model's read-only data."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value
