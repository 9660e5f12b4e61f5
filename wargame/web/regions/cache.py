"""Region renders kept for reuse: one entry per (exercise, page, view, language, region), the
latest render only, with the view position it was rendered at.

An entry rendered at position q holds everything the view's stream held up to q (the render read
q first), so it may be served to any page that is current up to a position p <= q, and to a page
at a later p as long as no event in (q, p] changes the region. One process keeps its entries in
a dictionary under a byte cap (least recently used out); several processes share them in Redis,
where an entry expires after ten minutes without use and a render is claimed so that only one
process makes it.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol

from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import redis

logger = logging.getLogger(__name__)

ENTRY_SECONDS = 600
CLAIM_MS = 2000


@dataclass(frozen=True, slots=True)
class Group:
    """The pages that show the same regions: one page kind, one view, one language."""

    exercise_id: int
    page: str
    view: str
    lang: str

    def prefix(self) -> str:
        return f"wargame:region:{self.exercise_id}:{self.page}:{self.view}:{self.lang}"


@dataclass(frozen=True, slots=True)
class Entry:
    """A region as a pass found it at ``position``: its HTML, or None when the view does not
    show it there (a region not on this game's page, a channel the view may not open), so that
    another process's job for it is done without rendering it again."""

    position: int
    html: str | None


class RegionCache(Protocol):
    def get_many(self, group: Group, keys: Iterable[str]) -> dict[str, Entry]: ...

    def put_many(self, group: Group, position: int, html: Mapping[str, str | None]) -> None:
        """Keep these renders (None: not shown), unless an entry rendered at a later position is
        already kept."""

    def variants(self, group: Group, name: str) -> set[str]:
        """The variants of a region rendered lately (the channels pages have open)."""

    def claim(self, group: Group, token: str) -> bool:
        """True when this process may render the group's regions now (no one else is)."""

    def release(self, group: Group, token: str) -> None: ...


def _variant_of(key: str) -> tuple[str, str | None]:
    name, _colon, variant = key.partition(":")
    return name, variant or None


class LocalCache:
    """One process's entries, least recently used out past ``max_bytes`` of HTML."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.entries: OrderedDict[tuple[Group, str], Entry] = OrderedDict()
        self.lock = threading.Lock()

    def get_many(self, group: Group, keys: Iterable[str]) -> dict[str, Entry]:
        found: dict[str, Entry] = {}
        with self.lock:
            for key in keys:
                entry = self.entries.get((group, key))
                if entry is not None:
                    self.entries.move_to_end((group, key))
                    found[key] = entry
        return found

    def put_many(self, group: Group, position: int, html: Mapping[str, str | None]) -> None:
        with self.lock:
            for key, text in html.items():
                old = self.entries.get((group, key))
                if old is not None and old.position > position:
                    continue
                if old is not None:
                    self.bytes -= len(old.html or "")
                self.entries[(group, key)] = Entry(position, text)
                self.entries.move_to_end((group, key))
                self.bytes += len(text or "")
            while self.bytes > self.max_bytes and self.entries:
                _key, dropped = self.entries.popitem(last=False)
                self.bytes -= len(dropped.html or "")

    def variants(self, group: Group, name: str) -> set[str]:
        with self.lock:
            keys = [k for (g, k), e in self.entries.items() if g == group and e.html is not None]
        return {v for key in keys for n, v in [_variant_of(key)] if n == name and v is not None}

    def claim(self, group: Group, token: str) -> bool:
        return True  # one process: its render queue already keeps one render per group at once

    def release(self, group: Group, token: str) -> None:
        return None

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.bytes = 0


# Keep the later of two renders: a fragment request rendered at p must not replace an entry a
# pass rendered at a later q while the request was under way.
_PUT = """
local position = tonumber(ARGV[1])
local seconds = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  local old = redis.call('GET', key)
  local kept = old and tonumber(string.match(old, '^(%d+)'))
  if kept and kept > position then
    redis.call('EXPIRE', key, seconds)
  else
    redis.call('SET', key, ARGV[1] .. ARGV[i + 2], 'EX', seconds)
  end
end
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisCache:
    """Entries shared by every server process, and the claim that one of them renders."""

    def __init__(self, url: str) -> None:
        import redis as redis_client

        self.client: redis.Redis = redis_client.Redis.from_url(url)
        self.put_script = self.client.register_script(_PUT)
        self.release_script = self.client.register_script(_RELEASE)

    def get_many(self, group: Group, keys: Iterable[str]) -> dict[str, Entry]:
        wanted = list(keys)
        if not wanted:
            return {}
        prefix = group.prefix()
        pipe = self.client.pipeline(transaction=False)
        for key in wanted:
            pipe.getex(f"{prefix}:{key}", ex=ENTRY_SECONDS)
        found: dict[str, Entry] = {}
        for key, raw in zip(wanted, pipe.execute(), strict=True):
            if raw is None:
                continue
            # "<position>\n<html>", or "<position>-" for a region not shown.
            position, newline, html = bytes(raw).partition(b"\n")
            if newline:
                found[key] = Entry(int(position), html.decode())
            else:
                found[key] = Entry(int(position.rstrip(b"-")), None)
        return found

    def put_many(self, group: Group, position: int, html: Mapping[str, str | None]) -> None:
        if not html:
            return
        prefix = group.prefix()
        keys = [f"{prefix}:{key}" for key in html]
        values = ["-" if text is None else "\n" + text for text in html.values()]
        self.put_script(keys=keys, args=[position, ENTRY_SECONDS, *values])
        pipe = self.client.pipeline(transaction=False)
        for key, text in html.items():
            name, variant = _variant_of(key)
            if variant is not None and text is not None:
                pipe.sadd(f"{prefix}:{name}:variants", variant)
                pipe.expire(f"{prefix}:{name}:variants", ENTRY_SECONDS)
        pipe.execute()

    def variants(self, group: Group, name: str) -> set[str]:
        found = self.client.smembers(f"{group.prefix()}:{name}:variants")
        return {v.decode() if isinstance(v, bytes) else str(v) for v in found}

    def claim(self, group: Group, token: str) -> bool:
        return bool(self.client.set(f"{group.prefix()}:claim", token, nx=True, px=CLAIM_MS))

    def release(self, group: Group, token: str) -> None:
        self.release_script(keys=[f"{group.prefix()}:claim"], args=[token])


@cache
def region_cache() -> RegionCache:
    """Redis when the processes share it (the production topology), else this process's own."""
    url = getattr(settings, "REDIS_URL", None)
    if url:
        return RedisCache(url)
    return LocalCache(int(getattr(settings, "REGION_CACHE_BYTES", 32 * 1024 * 1024)))
