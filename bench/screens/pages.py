"""What a simulated browser knows of its page: the socket it opens (and the page kind it asks
regions for), the position the page was rendered at, and its live regions, read from the page's
own HTML exactly as live.js reads them (``[data-src][data-refresh]``, each with its
``data-region`` name and ``data-variant``; ``*`` matches every event type)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

ROOM, SCREEN, CONSOLE = "room", "screen", "console"
PAGE_PATHS = {ROOM: "/play/{id}/", SCREEN: "/screen/{id}/", CONSOLE: "/console/{id}/"}


@dataclass(frozen=True, slots=True)
class Region:
    src: str
    types: frozenset[str]
    name: str = ""
    variant: str = ""

    def changes_on(self, event_type: str) -> bool:
        return "*" in self.types or event_type in self.types

    @property
    def key(self) -> str:
        """Its key in a regions frame (``channel:12`` for a variant)."""
        return f"{self.name}:{self.variant}" if self.variant else self.name


@dataclass(frozen=True, slots=True)
class Page:
    ws_path: str
    since: int
    regions: tuple[Region, ...]
    kind: str = ""  # data-live-page: the page kind its socket asks regions for

    def regions_for(self, event_type: str) -> list[Region]:
        return [region for region in self.regions if region.changes_on(event_type)]


@dataclass(frozen=True, slots=True)
class Seat:
    """One person's browser: which page, as which view, in which language, with which cookies."""

    kind: str
    view: str
    lang: str
    cookies: tuple[tuple[str, str], ...]

    @property
    def group(self) -> tuple[str, str, str]:
        """Seats of one group see the same page (but for per-person bits such as a name)."""
        return (self.kind, self.view, self.lang)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies)

    def headers(self) -> list[tuple[str, str]]:
        return [("Cookie", self.cookie_header()), ("Accept-Language", self.lang)]


class _RegionParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ws_path = ""
        self.since = -1
        self.kind = ""
        self.regions: list[Region] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "data-live-ws" in found:
            self.ws_path = found["data-live-ws"]
            self.since = int(found.get("data-live-since") or 0)
            self.kind = found.get("data-live-page", "")
        if "data-src" in found and "data-refresh" in found:
            types = frozenset(found["data-refresh"].split())
            name, variant = found.get("data-region", ""), found.get("data-variant", "")
            self.regions.append(Region(found["data-src"], types, name, variant))


def page_of(html: str) -> Page:
    parser = _RegionParser()
    parser.feed(html)
    if not parser.ws_path or parser.since < 0:
        raise ValueError("not a live page: no data-live-ws")
    return Page(parser.ws_path, parser.since, tuple(parser.regions), parser.kind)
