"""Every live region of every page: its template, the builder that reads it as the view, and the
events that change it. The page, the region's fragment URL, the shared render and the push all
read this table, so a region added here is rendered once per view and pushed like the others.

A builder reads as the view (``Reader``), never as a person: what differs from one member of a
view to another (a name, a CSRF token, a draft, unread marks, the address a page was opened at)
is never in a region; the page renders it outside its regions or fills it in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from django.urls import reverse

from wargame.exercises.events import ANY_EVENT, CLOCK_EVENTS, PRESENCE, EventType, refresh_on
from wargame.exercises.views_of import CONTROL, OBSERVERS, team_of_view
from wargame.web import (
    console_regions,
    console_reports,
    review_panel,
    review_regions,
    room_context,
    screen_regions,
)
from wargame.web.review_stream import PUBLIC_KINDS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from wargame.web.regions.reader import Reader

ROOM: Final = "room"
CONSOLE: Final = "console"
SCREEN: Final = "screen"


@dataclass(frozen=True, slots=True)
class Variant:
    """A region a page shows one of at a time (a channel): the fragment URL's query parameter
    that names it, which one a page asking for a value is shown, and the event types that change
    only the one their payload's ``channel`` names (any other type changes them all)."""

    param: str
    shown: Callable[[Reader, str | None], str | None]
    named_by_payload: frozenset[str]


@dataclass(frozen=True, slots=True)
class Region:
    page: str
    name: str
    template: str
    build: Callable[[Reader], dict[str, Any]]
    changes_on: tuple[Trigger, ...]
    variant: Variant | None = None
    # Shown on the page only when this holds (the practice bar in practice games).
    present: Callable[[Reader], bool] | None = None
    # The fragment URL's name when it is not the page's own ``<page>-part`` route.
    url_name: str | None = None

    @property
    def refresh(self) -> str:
        """The element's ``data-refresh``: what live.js marks the region stale on."""
        return refresh_on(*self.changes_on)

    @property
    def shared(self) -> bool:
        """Whether a render may be kept and served again until an event changes the region: a
        region that changes with presence (not in the log) is rendered for each request."""
        return PRESENCE not in self.changes_on

    def changed_by(self, event_type: str) -> bool:
        return ANY_EVENT in self.changes_on or event_type in self.changes_on

    def variant_changed_by(self, event_type: str, channel: object, variant: str | None) -> bool:
        """Whether an event changes this region as shown with ``variant``."""
        if not self.changed_by(event_type):
            return False
        if self.variant is None or event_type not in self.variant.named_by_payload:
            return True
        return channel is None or str(channel) == variant

    def is_present(self, reader: Reader) -> bool:
        return self.present is None or self.present(reader)

    def url(self, exercise_id: int) -> str:
        if self.url_name is not None:
            return reverse(self.url_name, args=[exercise_id])
        return reverse(f"web:{self.page}-part", args=[exercise_id, self.name])


@dataclass(frozen=True, slots=True)
class Page:
    kind: str
    # The context every region of the page shows besides its own.
    base: Callable[[Reader], dict[str, Any]]
    regions: Mapping[str, Region]


# What changes a region: event types, a presence frame, or any event.
Trigger = EventType | Literal["presence", "*"]
# A region's changes: its name -> the variants that changed (None: all, or not a variant region).
Changes = dict[str, frozenset[str] | None]


def key_of(name: str, variant: str | None) -> str:
    """A region's key in a regions frame and the shared cache: ``channel:12`` for a variant."""
    return name if variant is None else f"{name}:{variant}"


def changes_of(page: Page, events: Iterable[tuple[str, object]]) -> Changes:
    """What a run of events (each a type and the channel its payload names, or None) changes on
    a page: every region one of them names, and for a region of variants which ones."""
    changes: Changes = {}
    for event_type, channel in set(events):
        for region in page.regions.values():
            if not region.changed_by(event_type):
                continue
            if region.variant is None:
                changes[region.name] = None
                continue
            if region.name in changes and changes[region.name] is None:
                continue
            if event_type in region.variant.named_by_payload and channel is not None:
                known = changes.get(region.name) or frozenset()
                changes[region.name] = known | {str(channel)}
            else:
                changes[region.name] = None
    return changes


def merge(first: Changes, second: Changes) -> Changes:
    merged = dict(first)
    for name, variants in second.items():
        if name in merged and (merged[name] is None or variants is None):
            merged[name] = None
        else:
            merged[name] = (merged.get(name) or frozenset()) | (variants or frozenset())
    return merged


def page_view(kind: str, view: str) -> str | None:
    """The view a page shows to a principal of ``view``, or None when that page is not theirs:
    the room is a team's, the console control's, and the screen the observers' whoever opens it
    (control may read everything observers do)."""
    if kind == ROOM:
        return view if team_of_view(view) is not None else None
    if kind == CONSOLE:
        return view if view == CONTROL else None
    if kind == SCREEN:
        return OBSERVERS if view in (OBSERVERS, CONTROL) else None
    return None


# --- the pages ----------------------------------------------------------------------------------

_CHANNEL = Variant("channel", room_context.shown_channel, frozenset({EventType.MESSAGE_POSTED}))
_CONSOLE_CHANNEL = Variant(
    "channel", console_regions.selected_channel, frozenset({EventType.MESSAGE_POSTED})
)


def _room(name: str, changes_on: tuple[Trigger, ...], **extra: Any) -> Region:
    build = getattr(room_context, extra.pop("builder", name))
    return Region(ROOM, name, f"web/room/parts/{name}.html", build, changes_on, **extra)


def _console(name: str, changes_on: tuple[Trigger, ...], **extra: Any) -> Region:
    build = extra.pop("build", None) or getattr(console_regions, name)
    return Region(CONSOLE, name, f"web/console/parts/{name}.html", build, changes_on, **extra)


def _screen(name: str, changes_on: tuple[Trigger, ...]) -> Region:
    build = getattr(screen_regions, name)
    return Region(SCREEN, name, f"web/screen/_{name}.html", build, changes_on)


def _practice_game(reader: Reader) -> bool:
    return bool(reader.exercise.practice)


def _review(reader: Reader) -> dict[str, Any]:
    return review_panel.adjudication_context(reader.principal)


def _dashboard(reader: Reader) -> dict[str, Any]:
    return review_regions.dashboard_context(reader.principal)


ROOM_PAGE = Page(
    ROOM,
    room_context.base,
    {
        r.name: r
        for r in (
            _room(
                "header",
                (
                    *CLOCK_EVENTS,
                    EventType.DECISION_SUBMITTED,
                    EventType.TEAM_AI_CHANGED,
                    EventType.DEBRIEF_RELEASED,
                ),
            ),
            _room(
                "practice",
                (
                    EventType.EXERCISE_STARTED,
                    EventType.PHASE_CHANGED,
                    EventType.EXERCISE_PAUSED,
                    EventType.EXERCISE_RESUMED,
                    EventType.EXERCISE_ENDED,
                    EventType.OUTCOME_PUBLISHED,
                ),
                present=_practice_game,
            ),
            _room("briefing", ()),
            _room("injects", (EventType.INJECT_RELEASED,)),
            _room("outcome", (EventType.OUTCOME_PUBLISHED,)),
            _room(
                "situation",
                (EventType.OUTCOME_PUBLISHED, EventType.STATE_CHANGED, EventType.HOTLINE_CHANGED),
            ),
            _room("agreements", (EventType.AGREEMENT_CHANGED, EventType.OUTCOME_PUBLISHED)),
            _room(
                "joint",
                (
                    EventType.JOINT_PROPOSED,
                    EventType.JOINT_JOINED,
                    # Whether the team may still propose or join follows its decision's status.
                    EventType.DECISION_SAVED,
                    EventType.DECISION_SUBMITTED,
                    *CLOCK_EVENTS,
                    EventType.OUTCOME_PUBLISHED,
                ),
            ),
            _room(
                "decision",
                (
                    EventType.DECISION_SAVED,
                    EventType.DECISION_SUBMITTED,
                    *CLOCK_EVENTS,
                    EventType.AGREEMENT_CHANGED,
                    EventType.OUTCOME_PUBLISHED,
                    # The actions on offer and their targets are read from the state.
                    EventType.STATE_CHANGED,
                ),
            ),
            _room("beliefs", (EventType.BELIEF_SUBMITTED, *CLOCK_EVENTS)),
            _room(
                "channels",
                (
                    EventType.MESSAGE_POSTED,
                    EventType.CHANNEL_OPENED,
                    EventType.CHANNEL_CLOSED,
                    EventType.HOTLINE_CHANGED,
                ),
                builder="channel_list",
            ),
            _room(
                "channel",
                (
                    EventType.MESSAGE_POSTED,
                    EventType.CHANNEL_OPENED,
                    EventType.CHANNEL_CLOSED,
                    EventType.HOTLINE_CHANGED,
                    EventType.EXERCISE_ENDED,
                ),
                builder="open_channel",
                variant=_CHANNEL,
            ),
            _room("statements", (EventType.STATEMENT_PUBLISHED,)),
        )
    },
)

CONSOLE_PAGE = Page(
    CONSOLE,
    console_regions.base,
    {
        r.name: r
        for r in (
            # A published turn is one a branch may be forked from.
            _console(
                "header",
                (*CLOCK_EVENTS, EventType.EXERCISE_CHANGED, EventType.OUTCOME_PUBLISHED),
            ),
            _console(
                "controls",
                (
                    *CLOCK_EVENTS,
                    EventType.EXERCISE_CHANGED,
                    EventType.ADJUDICATION_PROPOSED,
                    EventType.ADJUDICATION_OVERRIDDEN,
                    EventType.ADJUDICATION_DECISION_POINT,
                    EventType.OUTCOME_PUBLISHED,
                ),
            ),
            _console(
                "teams",
                (
                    PRESENCE,
                    EventType.PARTICIPANT_JOINED,
                    EventType.PARTICIPANT_LEFT,
                    EventType.DECISION_SAVED,
                    EventType.DECISION_SUBMITTED,
                    EventType.BELIEF_SUBMITTED,
                    EventType.PHASE_CHANGED,
                    EventType.TEAM_AI_CHANGED,
                    EventType.EXERCISE_STARTED,
                    # The advice shown beside each team is the state's.
                    EventType.STATE_CHANGED,
                ),
            ),
            # The run view's strip of who has submitted: no presence, so it is rendered once.
            _console(
                "submitted",
                (
                    EventType.DECISION_SAVED,
                    EventType.DECISION_SUBMITTED,
                    EventType.TEAM_AI_CHANGED,
                    EventType.PHASE_CHANGED,
                    EventType.EXERCISE_STARTED,
                ),
            ),
            _console("codes", (EventType.EXERCISE_CHANGED,)),
            _console(
                "injects",
                (
                    EventType.INJECT_RELEASED,
                    EventType.PHASE_CHANGED,
                    EventType.EXERCISE_STARTED,
                    EventType.EXERCISE_PAUSED,
                    EventType.EXERCISE_RESUMED,
                    EventType.EXERCISE_ENDED,
                ),
            ),
            _console(
                "hotlines",
                (
                    EventType.HOTLINE_CHANGED,
                    EventType.EXERCISE_STARTED,
                    EventType.EXERCISE_ENDED,
                    EventType.OUTCOME_PUBLISHED,
                    EventType.PHASE_CHANGED,
                    EventType.STATE_CHANGED,
                ),
            ),
            _console("settings", (EventType.EXERCISE_CHANGED,)),
            # Its progress bar moves in the browser on report.progress (reports.js).
            _console(
                "reports",
                (EventType.REPORT_READY, EventType.REPORT_FAILED, EventType.EXERCISE_ENDED),
                build=console_reports.reports_region,
            ),
            Region(
                CONSOLE,
                "review",
                "web/review/_adjudication.html",
                _review,
                (
                    EventType.PHASE_CHANGED,
                    EventType.ADJUDICATION_PROPOSED,
                    EventType.ADJUDICATION_OVERRIDDEN,
                    EventType.ADJUDICATION_DECISION_POINT,
                    EventType.OUTCOME_PUBLISHED,
                    # The review sets the proposal beside the current state.
                    EventType.STATE_CHANGED,
                ),
                url_name="web:adjudication-part",
            ),
            Region(
                CONSOLE,
                "dashboard",
                "web/review/_dashboard.html",
                _dashboard,
                (
                    EventType.OUTCOME_PUBLISHED,
                    EventType.ADJUDICATION_PROPOSED,
                    EventType.PHASE_CHANGED,
                    # Before the first adjudication, the history's start is the current state.
                    EventType.STATE_CHANGED,
                ),
                url_name="web:dashboard-part",
            ),
            _console(
                "channels",
                (
                    EventType.MESSAGE_POSTED,
                    EventType.STATEMENT_PUBLISHED,
                    EventType.CHANNEL_OPENED,
                    EventType.CHANNEL_CLOSED,
                ),
                variant=_CONSOLE_CHANNEL,
            ),
            _console("events", (ANY_EVENT,)),
        )
    },
)

SCREEN_PAGE = Page(
    SCREEN,
    screen_regions.base,
    {
        r.name: r
        for r in (
            _screen("status", (*CLOCK_EVENTS, EventType.DEBRIEF_RELEASED)),
            _screen(
                "chart",
                (EventType.OUTCOME_PUBLISHED, EventType.EXERCISE_ENDED, EventType.STATE_CHANGED),
            ),
            _screen("feed", tuple(PUBLIC_KINDS)),
        )
    },
)

PAGES: Mapping[str, Page] = {page.kind: page for page in (ROOM_PAGE, CONSOLE_PAGE, SCREEN_PAGE)}

# The event types whose payload's ``channel`` says which variant of a region they change.
CHANNEL_NAMED: frozenset[str] = frozenset(
    kind
    for page in PAGES.values()
    for region in page.regions.values()
    if region.variant is not None
    for kind in region.variant.named_by_payload
)
