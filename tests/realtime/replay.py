"""A small client-side reducer over one view's snapshot (docs/reliability.md#r10, Zulip's
``apply_events``): the snapshot a role reads over REST, plus the events its stream carries, must
equal what it reads afterwards.

A snapshot holds every read an event can change: the exercise, ``state/``, ``channels/``, each
listed channel's messages, ``statements/``, ``agreements/``, the decisions of one turn the role may
read, that turn's joint actions (``turns/{turn}/joint/``) and (control) that turn's proposal. What
it leaves out, and why:

- ``remaining_seconds`` while a deadline runs: the server computes it from its clock at read time,
  so no event can carry it; the deadline itself is compared. While paused it is a stored number,
  carried by the pause and extend events, and compared.
- join codes after ``rotate_codes``: secrets, kept out of the permanent log (which is exported);
  the event names the rotated teams, so the reducer marks those codes stale and the comparison
  asserts that exactly they changed.
- presence (``teams[].connected`` and the member list): socket state, sent as ``presence`` frames
  and not events; no socket is open while a snapshot is taken, so it stays 0 on both sides.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from wargame.exercises.events import EventType

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from rest_framework.test import APIClient

JSON = dict[str, Any]

# The channel shape does not say which hotline a hotline channel carries; docs/interface.md names
# them (``set_hotline {hotline: ik or us}``: the inter-Korean and the US-DPRK line).
HOTLINE_MEMBERS: dict[str, frozenset[str]] = {
    "ik": frozenset({"ROK", "DPRK"}),
    "us": frozenset({"US", "DPRK"}),
}

# Event types that change no field of any snapshot, each with the reason.
ROSTER = "no REST read lists participants: the roster travels in presence frames"
REPORT_JOB = "a report job is its own resource (reports/{rid}/), not exercise state"
NO_SNAPSHOT_CHANGE: dict[EventType, str] = {
    EventType.PARTICIPANT_JOINED: ROSTER,
    EventType.PARTICIPANT_LEFT: ROSTER,
    EventType.INJECT_RELEASED: "injects are read from the event stream; no REST read lists them",
    EventType.ADJUDICATION_DECISION_POINT: (
        "repeats an item of the proposal's decision_points, which adjudication.proposed carried"
    ),
    EventType.BELIEF_SUBMITTED: (
        "a team's answers are read from its event stream; no REST read lists them"
    ),
    EventType.DEBRIEF_RELEASED: (
        "the debrief is read from the event stream and the report; no REST read changes"
    ),
    EventType.REPORT_PROGRESS: REPORT_JOB,
    EventType.REPORT_READY: REPORT_JOB,
    EventType.REPORT_FAILED: REPORT_JOB,
}


class Snapshot(TypedDict):
    seq: int  # the view's latest stream position when taken
    exercise: JSON
    state: JSON
    channels: list[JSON]
    messages: dict[str, list[JSON]]  # channel id -> its messages
    statements: list[JSON]
    agreements: list[JSON]
    decisions: dict[str, JSON]  # team code -> its decision for the snapshot's turn
    joint: dict[str, list[JSON]]  # turn -> the joint actions proposed in it, as listed
    proposals: dict[str, JSON | None]  # turn -> control's proposal (None: not made yet)


@dataclass(frozen=True, slots=True)
class Stale:
    """A value the event says has changed without carrying the new one (a rotated join code)."""

    old: Any


class ReplayError(AssertionError):
    """The stream cannot be applied: a gap in positions, or a type or change it does not know."""


# --- taking a snapshot over REST ----------------------------------------------------------------


def _get(client: APIClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content)
    return response.json()


def _all_pages(client: APIClient, url: str, key: str) -> list[JSON]:
    items: list[JSON] = []
    after = 0
    while True:
        page = _get(client, f"{url}?{key}={after}&limit=500")
        items += page["results"]
        if page["next"] is None or not page["results"]:
            return items
        after = page["results"][-1]["seq" if key == "since" else "id"]


def _decision_teams(exercise: JSON, state: JSON) -> list[str]:
    view = state["view"]
    if view == "control":
        return [team["code"] for team in exercise["teams"]]
    return [view.removeprefix("team:")] if view.startswith("team:") else []


def snapshot_take(client: APIClient, base: str, *, turn: int | None) -> Snapshot:
    """Everything this principal reads that an event can change. ``base`` is the exercise URL;
    ``turn`` picks the decisions and proposal read (the same turn before and after)."""
    exercise = _get(client, base)
    state = _get(client, f"{base}state/")
    channels = _get(client, f"{base}channels/")["results"]
    messages = {
        str(channel["id"]): _all_pages(client, f"{base}channels/{channel['id']}/messages/", "after")
        for channel in channels
    }
    decisions: dict[str, JSON] = {}
    proposals: dict[str, JSON | None] = {}
    joint: dict[str, list[JSON]] = {}
    if turn is not None:
        joint[str(turn)] = _get(client, f"{base}turns/{turn}/joint/")["results"]
        for team in _decision_teams(exercise, state):
            query = f"?team={team}" if state["view"] == "control" else ""
            decisions[team] = _get(client, f"{base}turns/{turn}/decision/{query}")
        if state["view"] == "control":
            answer = client.get(f"{base}turns/{turn}/adjudication/")
            assert answer.status_code in (200, 202, 404), answer.content
            proposals[str(turn)] = answer.json() if answer.status_code != 404 else None
    events = _all_pages(client, f"{base}events/", "since")
    return Snapshot(
        seq=events[-1]["seq"] if events else 0,
        exercise=exercise,
        state=state,
        channels=channels,
        messages=messages,
        statements=_all_pages(client, f"{base}statements/", "after"),
        agreements=_get(client, f"{base}agreements/")["results"],
        decisions=decisions,
        joint=joint,
        proposals=proposals,
    )


# --- the reducer --------------------------------------------------------------------------------


def _team_row(snapshot: Snapshot, code: str) -> JSON:
    return next(team for team in snapshot["exercise"]["teams"] if team["code"] == code)


def _set_turn_and_phase(snapshot: Snapshot, turn: int | None, phase: str | None) -> None:
    exercise = snapshot["exercise"]
    if turn != exercise["turn"]:
        # ``submitted`` is about the current turn's decision: a new turn starts unsubmitted.
        for team in exercise["teams"]:
            team["submitted"] = False
    exercise["turn"] = turn
    exercise["phase"] = phase
    snapshot["state"]["turn"] = turn
    snapshot["state"]["phase"] = phase


def _exercise_changed(snapshot: Snapshot, payload: JSON) -> None:
    exercise = snapshot["exercise"]
    change = payload["change"]
    if change == "status":
        exercise["status"] = payload["status"]
    elif change == "auto_advance":
        exercise["auto_advance"] = payload["enabled"]
        exercise["auto_publish"] = payload["auto_publish"]
    elif change == "observer_view":
        exercise["observer_view"] = payload["view"]
    elif change == "codes_rotated":
        codes = exercise["join_codes"]
        for name in payload["teams"]:
            codes[name] = Stale(codes[name])
    elif change not in ("created", "facilitator_added"):  # the shape lists no facilitators
        raise ReplayError(f"exercise.changed: unknown change {change!r}")


def _exercise_started(snapshot: Snapshot, payload: JSON) -> None:
    snapshot["exercise"]["status"] = "running"
    _set_turn_and_phase(snapshot, payload["turn"], snapshot["exercise"]["phase"])


def _phase_changed(snapshot: Snapshot, payload: JSON) -> None:
    _set_turn_and_phase(snapshot, payload["turn"], payload["phase"])
    snapshot["exercise"]["deadline"] = payload["deadline"]
    snapshot["exercise"]["remaining_seconds"] = None


def _exercise_paused(snapshot: Snapshot, payload: JSON) -> None:
    exercise = snapshot["exercise"]
    exercise["status"] = "paused"
    exercise["deadline"] = None  # a paused clock keeps the remaining time instead
    exercise["remaining_seconds"] = payload["remaining_seconds"]
    _set_turn_and_phase(snapshot, payload["turn"], payload["phase"])


def _exercise_resumed(snapshot: Snapshot, payload: JSON) -> None:
    exercise = snapshot["exercise"]
    exercise["status"] = "running"
    exercise["deadline"] = payload["deadline"]
    exercise["remaining_seconds"] = None
    _set_turn_and_phase(snapshot, payload["turn"], payload["phase"])


def _deadline_changed(snapshot: Snapshot, payload: JSON) -> None:
    snapshot["exercise"]["deadline"] = payload["deadline"]
    snapshot["exercise"]["remaining_seconds"] = payload["remaining_seconds"]


def _exercise_ended(snapshot: Snapshot, payload: JSON) -> None:
    exercise = snapshot["exercise"]
    exercise["status"] = "ended"
    exercise["deadline"] = None
    exercise["remaining_seconds"] = None
    _set_turn_and_phase(snapshot, payload["turn"], None)


def _decision_saved(snapshot: Snapshot, payload: JSON) -> None:
    held = snapshot["decisions"].get(payload["team"])
    if held is not None and held["turn"] == payload["turn"]:
        snapshot["decisions"][payload["team"]] = payload


def _decision_submitted(snapshot: Snapshot, payload: JSON) -> None:
    # Submitting is open in the current turn only, so the sealed form needs no turn number.
    _team_row(snapshot, payload["team"])["submitted"] = True
    if "status" in payload:
        _decision_saved(snapshot, payload)


def _message_posted(snapshot: Snapshot, payload: JSON) -> None:
    listed = snapshot["messages"].get(str(payload["channel"]))
    if listed is None:
        raise ReplayError(f"a message in channel {payload['channel']}, which this view lacks")
    listed.append(payload)


def _statement_published(snapshot: Snapshot, payload: JSON) -> None:
    snapshot["statements"].append(payload)


def _channel_open(snapshot: Snapshot, payload: JSON, *, is_open: bool) -> None:
    channel = next((c for c in snapshot["channels"] if c["id"] == payload["id"]), None)
    if channel is None:
        raise ReplayError(f"channel {payload['id']} changed, which this view does not list")
    channel["open"] = is_open
    if "state" in channel:
        channel["state"] = payload["state"]


def _hotline_changed(snapshot: Snapshot, payload: JSON) -> None:
    key, line_state = payload["hotline"], payload["state"]
    snapshot["state"]["hotline"][key] = line_state
    members = HOTLINE_MEMBERS[key]
    for channel in snapshot["channels"]:
        if channel["kind"] == "hotline" and frozenset(channel["members"]) == members:
            # open while up or degraded (docs/interface.md#shapes); views outside the channel's
            # audience get no channel.opened/closed, so this event alone must keep their list right
            channel["state"] = line_state
            channel["open"] = line_state != "down"
    if "ci" in payload:
        snapshot["state"]["ci"] = payload["ci"]


def _team_ai_changed(snapshot: Snapshot, payload: JSON) -> None:
    _team_row(snapshot, payload["team"])["ai"] = payload["ai"]


def _agreement_changed(snapshot: Snapshot, payload: JSON) -> None:
    rows = snapshot["agreements"]
    index = next((i for i, row in enumerate(rows) if row["id"] == payload["id"]), None)
    if index is None:
        rows.append(payload)
    else:
        rows[index] = payload


def _joint_changed(snapshot: Snapshot, payload: JSON) -> None:
    rows = snapshot["joint"].get(str(payload["turn"]))
    if rows is None:
        return
    key = (payload["team"], payload["action"])
    index = next((i for i, row in enumerate(rows) if (row["team"], row["action"]) == key), None)
    if index is None:
        rows.append(payload)
    else:
        rows[index] = payload


def _proposal_slot(snapshot: Snapshot, turn: int) -> str | None:
    return str(turn) if str(turn) in snapshot["proposals"] else None


def _adjudication_proposed(snapshot: Snapshot, payload: JSON) -> None:
    slot = _proposal_slot(snapshot, payload["turn"])
    if slot is not None:
        snapshot["proposals"][slot] = payload


def _pointer_set(document: JSON, pointer: str, value: Any) -> None:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
    node: Any = document
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _adjudication_overridden(snapshot: Snapshot, payload: JSON) -> None:
    slot = _proposal_slot(snapshot, payload["turn"])
    proposal = snapshot["proposals"].get(slot) if slot is not None else None
    if proposal is None:
        return
    for override in payload["overrides"]:
        _pointer_set(proposal, override["path"], override["value"])
        proposal["overrides"].append(override)
    if "requires_nuclear_approval" in payload:
        proposal["requires_nuclear_approval"] = payload["requires_nuclear_approval"]


def _outcome_published(snapshot: Snapshot, payload: JSON) -> None:
    state = snapshot["state"]
    # The outcome is the new state as this view may know it; turn and phase follow phase.changed.
    snapshot["state"] = {**payload["state"], "turn": state["turn"], "phase": state["phase"]}
    slot = _proposal_slot(snapshot, payload["turn"])
    proposal = snapshot["proposals"].get(slot) if slot is not None else None
    if proposal is not None:
        proposal["status"] = "published"


def _state_changed(snapshot: Snapshot, payload: JSON) -> None:
    state = snapshot["state"]
    snapshot["state"] = {**payload["state"], "turn": state["turn"], "phase": state["phase"]}


def _no_change(snapshot: Snapshot, payload: JSON) -> None:
    del snapshot, payload


REDUCERS: dict[EventType, Callable[[Snapshot, JSON], None]] = {
    EventType.EXERCISE_CHANGED: _exercise_changed,
    EventType.EXERCISE_STARTED: _exercise_started,
    EventType.EXERCISE_PAUSED: _exercise_paused,
    EventType.EXERCISE_RESUMED: _exercise_resumed,
    EventType.EXERCISE_ENDED: _exercise_ended,
    EventType.PHASE_CHANGED: _phase_changed,
    EventType.DEADLINE_CHANGED: _deadline_changed,
    EventType.DECISION_SAVED: _decision_saved,
    EventType.DECISION_SUBMITTED: _decision_submitted,
    EventType.MESSAGE_POSTED: _message_posted,
    EventType.STATEMENT_PUBLISHED: _statement_published,
    EventType.CHANNEL_OPENED: lambda s, p: _channel_open(s, p, is_open=True),
    EventType.CHANNEL_CLOSED: lambda s, p: _channel_open(s, p, is_open=False),
    EventType.HOTLINE_CHANGED: _hotline_changed,
    EventType.TEAM_AI_CHANGED: _team_ai_changed,
    EventType.AGREEMENT_CHANGED: _agreement_changed,
    EventType.JOINT_PROPOSED: _joint_changed,
    EventType.JOINT_JOINED: _joint_changed,
    EventType.ADJUDICATION_PROPOSED: _adjudication_proposed,
    EventType.ADJUDICATION_OVERRIDDEN: _adjudication_overridden,
    EventType.OUTCOME_PUBLISHED: _outcome_published,
    EventType.STATE_CHANGED: _state_changed,
    **dict.fromkeys(NO_SNAPSHOT_CHANGE, _no_change),
}


def event_apply(snapshot: Snapshot, event: JSON) -> Snapshot:
    """The snapshot ``event`` implies, as a client would compute it; the input is left as is."""
    if event["seq"] != snapshot["seq"] + 1:
        raise ReplayError(f"gap: position {event['seq']} after {snapshot['seq']}")
    reducer = REDUCERS.get(EventType(event["type"]))
    if reducer is None:
        raise ReplayError(f"no reducer for event type {event['type']!r}")
    after = copy.deepcopy(snapshot)
    reducer(after, copy.deepcopy(event["payload"]))
    after["seq"] = event["seq"]
    return after


def events_apply(snapshot: Snapshot, events: Iterable[JSON]) -> Snapshot:
    for event in events:
        snapshot = event_apply(snapshot, event)
    return snapshot


# --- comparing ----------------------------------------------------------------------------------


def _comparable(snapshot: Snapshot) -> JSON:
    body: JSON = dict(snapshot)
    exercise = dict(snapshot["exercise"])
    if exercise.get("deadline") is not None:
        exercise.pop("remaining_seconds", None)  # the server's clock at read time
    body["exercise"] = exercise
    return body


def _differences(expected: Any, actual: Any, path: str) -> list[str]:
    if isinstance(expected, Stale):
        return [f"{path}: expected a new value, still {actual!r}"] if actual == expected.old else []
    if isinstance(expected, dict) and isinstance(actual, dict):
        found: list[str] = []
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in actual:
                found.append(f"{path}/{key}: missing after (replay has {expected[key]!r})")
            elif key not in expected:
                found.append(f"{path}/{key}: replay lacks it (fresh has {actual[key]!r})")
            else:
                found += _differences(expected[key], actual[key], f"{path}/{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            diff
            for index, (e, a) in enumerate(zip(expected, actual, strict=True))
            for diff in _differences(e, a, f"{path}/{index}")
        ]
    return [] if expected == actual else [f"{path}: replay {expected!r} != fresh {actual!r}"]


def snapshot_differences(replayed: Snapshot, fresh: Snapshot) -> list[str]:
    """Where the replayed snapshot and a fresh read disagree, as JSON Pointer-like paths."""
    return _differences(_comparable(replayed), _comparable(fresh), "")
