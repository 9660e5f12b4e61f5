"""Rendering regions for a view: a pass (every changed region of one page, view and language at
one log position, rendered together), and the shared answer a page or a fragment request gets.

A page load and a fragment request serve a kept render when no event since it changed the
region, and render (and keep) what is missing; the live push renders in passes
(``wargame.realtime.screens``). Either way a region's HTML is rendered at most once per view,
language and log position however many browsers show it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from wargame.exercises.models import Exercise
from wargame.exercises.selectors.events import event_kinds_between
from wargame.web import render_count
from wargame.web.regions.cache import Entry, Group, region_cache
from wargame.web.regions.reader import Reader
from wargame.web.regions.table import PAGES, Changes, changes_of, key_of, merge

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from wargame.web.regions.cache import RegionCache
    from wargame.web.regions.table import Page, Region


@dataclass(frozen=True, slots=True)
class Pass:
    """Regions of one group rendered at one view position: ``html`` by region key, and the
    region names it brings up to date at ``position`` (a name with no key here: none of its
    variants changed)."""

    position: int
    html: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()


def render_region(page: Page, region: Region, reader: Reader) -> str:
    """One region's HTML for the reader, in the active language (no request: nothing in it is
    anyone's own)."""
    return render_to_string(region.template, {**page.base(reader), **region.build(reader)})


@contextmanager
def _snapshot() -> Iterator[None]:
    """One read of the database for a whole pass where the database offers it (PostgreSQL's
    repeatable read): the position and the regions are then exactly the view at that position.
    Elsewhere the position is read first, so a region is never older than it."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _wanted_variants(
    group: Group, region: Region, reader: Reader, wanted: frozenset[str] | None, cache: RegionCache
) -> dict[str, bool]:
    """The variants to bring up to date, each with whether the view shows it (one a page asking
    for it gets)."""
    assert region.variant is not None  # noqa: S101 - only called for regions of variants
    if wanted is None:  # every one a page may show: those rendered lately, and the default
        wanted = frozenset(cache.variants(group, region.name))
        default = region.variant.shown(reader, None)
        wanted |= {default} if default is not None else frozenset()
    return {v: region.variant.shown(reader, v) == v for v in sorted(wanted)}


def region_pass(
    group: Group, changes: Changes, *, after: int | None = None, cache: RegionCache | None = None
) -> Pass:
    """Render, in one read, every region ``changes`` names (and, with ``after``, every region
    the view's events after that position change too) at the view's current position, and keep
    them. The caller is neither the event loop nor a writer's transaction."""
    cache = cache or region_cache()
    page = PAGES[group.page]
    with _snapshot():
        exercise = Exercise.objects.filter(pk=group.exercise_id).first()
        if exercise is None:
            return Pass(0)
        reader = Reader.of(exercise, group.view, group.lang)
        position = reader.position
        if after is not None and position > after:
            kinds = event_kinds_between(
                exercise_id=group.exercise_id, view=group.view, after=after, upto=position
            )
            changes = merge(changes, changes_of(page, ((t, c) for _p, t, c in kinds)))
        html: dict[str, str] = {}
        # What the view does not show at this position, kept as such: another process's job
        # for the same events then finds everything it names in the cache.
        absent: dict[str, None] = {}
        with translation.override(group.lang):
            for region in page.regions.values():
                if region.name not in changes:
                    continue
                if not region.is_present(reader):
                    absent[region.name] = None
                    continue
                if region.variant is None:
                    html[region.name] = render_region(page, region, reader)
                    continue
                wanted = _wanted_variants(group, region, reader, changes[region.name], cache)
                for variant, shown in wanted.items():
                    key = key_of(region.name, variant)
                    if shown:
                        html[key] = render_region(page, region, reader.showing(variant))
                    else:
                        absent[key] = None
    render_count.note_pass()
    cache.put_many(group, position, _kept(page, {**html, **absent}))
    names = tuple(name for name in page.regions if name in changes)
    return Pass(position, html, names)


def _kept(page: Page, html: Mapping[str, str | None]) -> dict[str, str | None]:
    return {key: text for key, text in html.items() if page.regions[key.split(":")[0]].shared}


def _fresh(
    reader: Reader, page: Page, keys: Mapping[str, str], entries: Mapping[str, Entry]
) -> set[str]:
    """The keys whose kept entry is still the region as it stands at the reader's position: no
    event after the entry's position changes it."""
    position = reader.position
    oldest = min((entry.position for entry in entries.values()), default=position)
    kinds = (
        event_kinds_between(
            exercise_id=reader.exercise.pk, view=reader.view, after=oldest, upto=position
        )
        if oldest < position
        else []
    )
    fresh = set()
    for name, key in keys.items():
        entry = entries.get(key)
        if entry is None:
            continue
        region, variant = page.regions[name], key.partition(":")[2] or None
        if not any(
            at > entry.position and region.variant_changed_by(kind, channel, variant)
            for at, kind, channel in kinds
        ):
            fresh.add(key)
    return fresh


def shared_regions(
    reader: Reader, page: Page, wanted: Mapping[str, str | None]
) -> dict[str, tuple[str | None, str]]:
    """The regions ``wanted`` names (each with the variant a page asks for) as they stand at the
    reader's position, by name: the variant shown and the HTML. Kept renders no event since has
    changed are served again; the rest are rendered now (one pass) and kept."""
    cache = region_cache()
    group = Group(reader.exercise.pk, page.kind, reader.view, reader.lang)
    with translation.override(reader.lang):
        keys = {
            name: key_of(name, _variant(page.regions[name], reader, asked))
            for name, asked in wanted.items()
        }
        shared = {name: key for name, key in keys.items() if page.regions[name].shared}
        entries = {
            key: entry
            for key, entry in cache.get_many(group, shared.values()).items()
            if entry.html is not None
        }
        fresh = _fresh(reader, page, shared, entries)
        html = {name: entries[key].html or "" for name, key in shared.items() if key in fresh}
        made: dict[str, str] = {}
        for name, key in keys.items():
            if name not in html:
                shown = reader.showing(_variant_of_key(key))
                made[key] = html[name] = render_region(page, page.regions[name], shown)
    if made:
        render_count.note_pass()
        cache.put_many(group, reader.position, _kept(page, made))
    return {name: (_variant_of_key(keys[name]), html[name]) for name in keys}


def _variant(region: Region, reader: Reader, asked: str | None) -> str | None:
    return region.variant.shown(reader, asked) if region.variant is not None else None


def _variant_of_key(key: str) -> str | None:
    return key.partition(":")[2] or None


@dataclass(frozen=True, slots=True)
class Shown:
    """A region as a page shows it: its HTML and what live.js needs to keep it current."""

    name: str
    html: SafeString
    src: str
    refresh: str
    variant: str | None


def page_regions(
    reader: Reader, page: Page, asked: Mapping[str, str | None] | None = None
) -> dict[str, Shown]:
    """Every region the page shows the reader (a region of variants: the one ``asked`` names)."""
    asked = asked or {}
    present = {
        name: asked.get(name) for name, region in page.regions.items() if region.is_present(reader)
    }
    shown: dict[str, Shown] = {}
    for name, (variant, html) in shared_regions(reader, page, present).items():
        region = page.regions[name]
        src = region.url(reader.exercise.pk)
        if region.variant is not None and variant is not None:
            src += "?" + urlencode({region.variant.param: variant})
        # The template engine escaped what the region shows when it rendered it.
        safe = mark_safe(html)  # noqa: S308
        shown[name] = Shown(name, safe, src, region.refresh, variant)
    return shown
