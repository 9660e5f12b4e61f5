// The live page: one WebSocket per page (docs/interface.md#websocket), resumed from the last view
// position seen.
// Server-rendered regions name the event types that change them. A page's socket asks for its
// regions (?page=room): the server renders each changed region once for everyone who shows it and
// pushes the HTML in a "regions" frame after the events, leaving out a region whose HTML this page
// already holds (listed in "kept"). A region an event names waits for that frame; one still
// waiting after FALLBACK_MS (or on a page without pushes) is fetched instead.
// A region the user is typing in keeps what it shows until focus leaves it, so nobody loses what
// they typed to a teammate's update.

import { KNOWN_TYPES } from "./events.js";

const FALLBACK_MS = 3000;
// Besides event types, a region may refresh on a presence frame or on every event.
const REFRESH_NAMES = new Set([...KNOWN_TYPES, "presence", "*"]);
const FINAL_CLOSE_CODES = new Set([4401, 4403, 4404]);
// The view position a fetched fragment is current at (wargame/web/region_views.py).
const POSITION_HEADER = "X-Wargame-Position";

// Per region: the position its HTML is current at, the latest event it waits for, the HTML a
// push brought while the user was typing in it, and its fetch in flight.
const regionState = new WeakMap();
let pagePosition = 0;

function stateOf(region) {
  let state = regionState.get(region);
  if (!state) {
    state = { seq: pagePosition, awaiting: 0, timer: null, held: null, fetching: null, again: false };
    regionState.set(region, state);
  }
  return state;
}

function regionKey(region) {
  const { region: name, variant } = region.dataset;
  return variant ? `${name}:${variant}` : name;
}

function wsUrl(path, since, page) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = new URL(`${scheme}//${location.host}${path}`);
  url.searchParams.set("since", String(since));
  if (page) {
    url.searchParams.set("page", page);
    url.searchParams.set("lang", document.documentElement.lang || "en");
  }
  return url.toString();
}

function isEditing(region) {
  const active = document.activeElement;
  return Boolean(active && region.contains(active) && active.matches("input, textarea, select"));
}

function settle(state) {
  if (state.awaiting && state.awaiting <= state.seq) {
    state.awaiting = 0;
    clearTimeout(state.timer);
    state.timer = null;
  }
}

function swap(region, html, seq) {
  const state = stateOf(region);
  if (seq < state.seq) return; // older than what it shows
  region.innerHTML = html;
  state.seq = seq;
  state.held = null;
  settle(state);
  region.dispatchEvent(new CustomEvent("wargame:refreshed", { bubbles: true }));
}

export async function refreshRegion(region) {
  if (isEditing(region)) {
    region.dataset.stale = "true";
    return;
  }
  delete region.dataset.stale;
  const state = stateOf(region);
  if (state.fetching) {
    state.again = true;
    return state.fetching;
  }
  const src = region.dataset.src;
  state.fetching = (async () => {
    try {
      const response = await fetch(src, {
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      // Not what the region shows any more (another channel was opened meanwhile): drop it.
      if (!response.ok || region.dataset.src !== src) return;
      const html = await response.text();
      swap(region, html, Number(response.headers.get(POSITION_HEADER)) || state.seq);
    } finally {
      state.fetching = null;
    }
  })();
  await state.fetching;
  if (state.again) {
    state.again = false;
    await refreshRegion(region);
  }
}

// A region waits for the regions frame that brings it to ``seq``; a late one is fetched.
function awaitPush(region, seq) {
  const state = stateOf(region);
  if (state.seq >= seq) return;
  state.awaiting = Math.max(state.awaiting, seq);
  if (state.timer) return;
  state.timer = setTimeout(() => {
    state.timer = null;
    if (state.awaiting > state.seq) refreshRegion(region);
  }, FALLBACK_MS);
}

function applyRegions(frame) {
  const names = new Set(frame.names || []);
  const kept = frame.kept || {};
  for (const region of document.querySelectorAll("[data-region]")) {
    const state = stateOf(region);
    const html = frame.regions?.[regionKey(region)];
    // Unchanged since the frame at ``since`` brought it: current if that is what it shows (a
    // fetch or a skipped frame may have put something else there since).
    const since = kept[regionKey(region)];
    if (html === undefined && since !== undefined && state.seq !== since && state.held?.seq !== since) {
      refreshRegion(region);
    }
    if (html !== undefined && frame.seq >= state.seq) {
      if (isEditing(region)) {
        // Kept until focus leaves the region (see the focusout listener).
        state.held = { html, seq: frame.seq };
        region.dataset.stale = "true";
      } else {
        swap(region, html, frame.seq);
      }
    }
    // Named without HTML for this region: the variant it shows did not change.
    if (names.has(region.dataset.region) && state.awaiting && state.awaiting <= frame.seq) {
      state.awaiting = 0;
      clearTimeout(state.timer);
      state.timer = null;
    }
  }
}

function regionsFor(type) {
  return [...document.querySelectorAll("[data-src][data-refresh]")].filter((region) => {
    const types = region.dataset.refresh.split(/\s+/);
    return types.includes("*") || types.includes(type);
  });
}

function setStatus(state) {
  for (const el of document.querySelectorAll("[data-live-status]")) {
    el.dataset.state = state;
    el.textContent = el.dataset[`label${state[0].toUpperCase()}${state.slice(1)}`] || state;
  }
}

// A region that names a type the server never sends would quietly never refresh: say so.
function checkRefreshNames() {
  for (const region of document.querySelectorAll("[data-refresh]")) {
    for (const name of region.dataset.refresh.split(/\s+/).filter(Boolean)) {
      if (!REFRESH_NAMES.has(name)) console.warn(`wargame: unknown event type ${name}`, region);
    }
  }
}

export function startLive(root) {
  checkRefreshNames();
  const path = root.dataset.liveWs;
  const page = root.dataset.livePage || "";
  let since = Number(root.dataset.liveSince || 0);
  pagePosition = since;
  let replaying = true;
  let backoff = 1000;
  let socket = null;

  document.addEventListener("focusout", (event) => {
    const region = event.target.closest?.("[data-src][data-stale]");
    if (!region) return;
    setTimeout(() => {
      if (isEditing(region)) return;
      const held = stateOf(region).held;
      if (held) {
        delete region.dataset.stale;
        swap(region, held.html, held.seq);
      } else {
        refreshRegion(region);
      }
    }, 50);
  });

  const onEvent = (region, seq) => {
    if (page && region.dataset.region) awaitPush(region, seq);
    else refreshRegion(region);
  };

  const onFrame = (frame) => {
    if (frame.type === "replay.done") {
      replaying = false;
      // Live only once caught up: what arrives from here on is news, not history.
      setStatus("online");
      if (frame.seq < since) {
        // Our numbers are from a stream that no longer exists (docs/interface.md#writing-a-client):
        // start afresh.
        location.reload();
      }
      return;
    }
    if (frame.type === "regions") {
      applyRegions(frame);
      return;
    }
    if (frame.type === "presence") {
      document.dispatchEvent(new CustomEvent("wargame:presence", { detail: frame }));
      for (const region of regionsFor("presence")) refreshRegion(region);
      return;
    }
    if (typeof frame.seq !== "number") return;
    if (frame.seq <= since) return;
    if (frame.seq !== since + 1) {
      socket.close(4000, "gap");
      return;
    }
    since = frame.seq;
    document.dispatchEvent(new CustomEvent("wargame:event", { detail: { ...frame, replaying } }));
    for (const region of regionsFor(frame.type)) onEvent(region, frame.seq);
  };

  const connect = () => {
    setStatus("connecting");
    socket = new WebSocket(wsUrl(path, since, page));
    socket.addEventListener("open", () => {
      backoff = 1000;
    });
    socket.addEventListener("message", (message) => {
      try {
        onFrame(JSON.parse(message.data));
      } catch (error) {
        console.error("wargame: bad frame", error);
      }
    });
    socket.addEventListener("close", (event) => {
      if (FINAL_CLOSE_CODES.has(event.code)) {
        setStatus("closed");
        document.dispatchEvent(new CustomEvent("wargame:closed", { detail: event.code }));
        return;
      }
      setStatus("offline");
      replaying = true;
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 10000);
    });
  };
  connect();
}
