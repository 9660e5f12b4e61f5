"""The de-identified research export (``export.research.jsonl``, docs/research-export.md).

The same lines as ``export.jsonl``, with every person replaced by a pseudonym that is stable
within one exercise and unrelated across exercises: ``P-`` + 6 hex digits for a participant,
``F-`` for a facilitator, each the start of HMAC-SHA256 under a key derived from SECRET_KEY and
the exercise id. Without SECRET_KEY a pseudonym cannot be tied back to a seat, and two
exercises' pseudonyms cannot be linked to each other.

Names, usernames, tokens, join codes and network addresses never leave: identity fields are
replaced or dropped wherever they occur, and free text that is kept has any display name, join
code, token or address inside it masked. With ``text="omit"`` free text itself is replaced by
its length.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.contrib.auth import get_user_model

from wargame.exercises.events import EventType
from wargame.exercises.models import (
    Adjudication,
    Exercise,
    FacilitatorMembership,
    JoinCode,
    Participant,
)
from wargame.reports.exports import event_line, events_of, jsonl_lines

if TYPE_CHECKING:
    from collections.abc import Iterator

TextMode = Literal["keep", "omit"]
TEXT_MODES: tuple[TextMode, ...] = ("keep", "omit")

# Enough to tell a dozen seats apart (the interface's form, "P-3f9a2c"), too short to invert.
PSEUDONYM_HEX = 6
# Keys that name a person, or a credential, wherever they appear: dropped.
DROPPED_KEYS = frozenset(
    {"display_name", "token", "token_hash", "join_code", "join_codes", "address", "ip"}
)
# Keys whose string value is free text somebody wrote: kept (masked) or replaced by its length.
# (A ``reason`` elsewhere, as on phase.changed, is a fixed word, not text somebody wrote.)
FREE_TEXT_KEYS = frozenset({"body", "rationale"})
# An override's reason, and its values, which may be narrative text written by control.
OVERRIDE_TEXT_KEYS = frozenset({"value", "old", "reason"})
# Keys of text that may quote a person (engine narrative quotes nobody, but overrides edit it).
MASKED_KEYS = FREE_TEXT_KEYS | OVERRIDE_TEXT_KEYS | frozenset({"title", "narrative", "text"})
# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet.
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{40,}")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){3,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])")
OMITTED = "[omitted]"
OVERRIDE_TEXT_MIN = 8


def research_key(exercise_id: int) -> bytes:
    """The exercise's own key: one exercise's pseudonyms say nothing about another's."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"wargame.research.v1|{exercise_id}".encode(), hashlib.sha256
    ).digest()


def pseudonym(key: bytes, kind: Literal["P", "F"], ident: int | str) -> str:
    digest = hmac.new(key, f"{kind}|{ident}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}-{digest[:PSEUDONYM_HEX]}"


@dataclass(frozen=True, slots=True)
class Secrets:
    """What of one exercise must never appear in a research export."""

    display_names: dict[str, str]  # lowercased name -> the participant's pseudonym
    join_codes: frozenset[str]
    token_hashes: frozenset[str]
    usernames: dict[str, int]  # facilitator username -> user id
    override_texts: frozenset[str]


def exercise_secrets(exercise: Exercise, key: bytes) -> Secrets:
    # By the number the log's payloads carry: a name and its seat's id get one pseudonym.
    participants = Participant.objects.filter(exercise=exercise).values_list(
        "number", "display_name", "token_hash"
    )
    names: dict[str, str] = {}
    hashes: set[str] = set()
    for number, name, token_hash in participants:
        if name.strip():
            names[name.strip().lower()] = pseudonym(key, "P", number)
        hashes.add(token_hash)
    user_ids = set(
        FacilitatorMembership.objects.filter(exercise=exercise).values_list("user_id", flat=True)
    )
    if exercise.created_by_id is not None:
        user_ids.add(exercise.created_by_id)
    users = get_user_model().objects.filter(pk__in=user_ids)
    texts: set[str] = set()
    for overrides in Adjudication.objects.filter(exercise=exercise).values_list(
        "overrides", flat=True
    ):
        for item in overrides or []:
            value = item.get("value") if isinstance(item, dict) else None
            # Narrative written over the engine's; short words (a hotline's "down") are no text.
            if isinstance(value, str) and len(value.strip()) >= OVERRIDE_TEXT_MIN:
                texts.add(value)
    return Secrets(
        display_names=names,
        join_codes=frozenset(
            JoinCode.objects.filter(exercise=exercise).values_list("code", flat=True)
        ),
        token_hashes=frozenset(hashes),
        usernames={user.get_username(): user.pk for user in users},
        override_texts=frozenset(texts),
    )


class Scrubber:
    """Rewrites one export line into its de-identified form."""

    def __init__(self, exercise: Exercise, *, text: TextMode) -> None:
        if text not in TEXT_MODES:
            raise ValueError(f"text must be one of {', '.join(TEXT_MODES)}")
        self.key = research_key(exercise.pk)
        self.text = text
        self.secrets = exercise_secrets(exercise, self.key)
        names = sorted(self.secrets.display_names, key=len, reverse=True)
        self._names = (
            re.compile("|".join(re.escape(name) for name in names), re.IGNORECASE)
            if names
            else None
        )

    # --- identities -----------------------------------------------------------------------
    def participant(self, value: Any) -> Any:
        return pseudonym(self.key, "P", value) if isinstance(value, int) else None

    def facilitator(self, value: Any) -> Any:
        """A user id, or a username (overrides log who made them by username)."""
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, str):
            user_id = self.secrets.usernames.get(value)
            if user_id is None and value == "control":
                return value  # no account behind it (services.review's fallback)
            return pseudonym(self.key, "F", user_id if user_id is not None else f"name:{value}")
        return pseudonym(self.key, "F", value)

    # --- text -----------------------------------------------------------------------------
    def mask(self, value: str, *, names: bool) -> str:
        """Hide what identifies a person or a seat inside a string that is kept."""
        if names and self._names is not None:
            value = self._names.sub(lambda m: self.secrets.display_names[m.group(0).lower()], value)
        for code in self.secrets.join_codes:
            if code in value:
                value = value.replace(code, "[join code]")
        value = _TOKEN_LIKE.sub(self._token_or_text, value)
        value = _IPV4.sub("[address]", value)
        return _IPV6.sub("[address]", value)

    def _token_or_text(self, match: re.Match[str]) -> str:
        word = match.group(0)
        if hashlib.sha256(word.encode()).hexdigest() in self.secrets.token_hashes:
            return "[token]"
        return word

    # --- the walk -------------------------------------------------------------------------
    def value(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return self.mapping(value)
        if isinstance(value, list):
            return [self.value(item, key) for item in value]
        if isinstance(value, str):
            if self.text == "omit" and value in self.secrets.override_texts:
                return OMITTED
            return self.mask(value, names=key in MASKED_KEYS)
        return value

    def mapping(self, source: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, item in source.items():
            if key in DROPPED_KEYS:
                continue
            if key == "participant_id":
                out[key] = self.participant(item)
            elif key in ("user_id", "by", "username"):
                out[key] = self.facilitator(item)
            elif self.text == "omit" and key in FREE_TEXT_KEYS and isinstance(item, str):
                out[f"{key}_length"] = len(item)
            else:
                out[key] = self.value(item, key)
        return out

    def payload(self, payload: Any, *, type_: str) -> Any:
        if (
            self.text == "omit"
            and type_ == EventType.INJECT_RELEASED
            and isinstance(payload, dict)
            and payload.get("source") == "control"
        ):
            # Ad hoc injects are written by control during the game: free text, unlike the
            # scenario's injects, which are published material.
            payload = {k: v for k, v in payload.items() if k not in ("title", "body")} | {
                "title_length": _text_length(payload.get("title")),
                "body_length": _text_length(payload.get("body")),
            }
        if self.text == "omit" and isinstance(payload, dict) and "overrides" in payload:
            payload = {**payload, "overrides": [_override_lengths(o) for o in payload["overrides"]]}
        return self.value(payload)

    def line(self, line: dict[str, Any]) -> dict[str, Any]:
        out = dict(line)
        out["actor"] = self.value(line.get("actor"))
        out["payload"] = self.payload(line.get("payload"), type_=str(line.get("type")))
        if "views" in line:
            out["views"] = {
                view: self.payload(p, type_=str(line.get("type")))
                for view, p in line["views"].items()
            }
        return out


def _text_length(text: Any) -> int:
    """Ad hoc inject text is the same in every language: its English length."""
    if isinstance(text, dict):
        first = text.get("en") or next(iter(text.values()), "")
        return len(first) if isinstance(first, str) else 0
    return len(text) if isinstance(text, str) else 0


def _override_lengths(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    out = dict(item)
    for field in OVERRIDE_TEXT_KEYS:
        if isinstance(out.get(field), str):
            out[f"{field}_length"] = len(out.pop(field))
    return out


def export_research(
    exercise: Exercise, *, text: TextMode = "keep", up_to: int | None = None
) -> Iterator[str]:
    """``export.research.jsonl``: ``export.jsonl`` de-identified, one event a line."""
    scrubber = Scrubber(exercise, text=text)
    lines = (scrubber.line(dict(event_line(event))) for event in events_of(exercise, up_to=up_to))
    return jsonl_lines(lines)
