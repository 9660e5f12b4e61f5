// The live page: one WebSocket per page (docs/interface.md#websocket), resumed from the last view
// position seen.
// Server-rendered regions name the event types that change them; on such an event the region is
// fetched again and swapped in. A region the user is typing in waits until focus leaves it, so
// nobody loses what they typed to a teammate's update.

import { KNOWN_TYPES } from "./events.js";

const REFRESH_DELAY_MS = 120;
// Besides event types, a region may refresh on a presence frame or on every event.
const REFRESH_NAMES = new Set([...KNOWN_TYPES, "presence", "*"]);
const FINAL_CLOSE_CODES = new Set([4401, 4403, 4404]);

function wsUrl(path, since) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}?since=${since}`;
}

function isEditing(region) {
  const active = document.activeElement;
  return Boolean(active && region.contains(active) && active.matches("input, textarea, select"));
}

export async function refreshRegion(region) {
  if (isEditing(region)) {
    region.dataset.stale = "true";
    return;
  }
  delete region.dataset.stale;
  const response = await fetch(region.dataset.src, {
    headers: { "X-Requested-With": "fetch" },
    credentials: "same-origin",
  });
  if (!response.ok) return;
  const html = await response.text();
  region.innerHTML = html;
  region.dispatchEvent(new CustomEvent("wargame:refreshed", { bubbles: true }));
}

const pending = new Map();
function scheduleRefresh(region) {
  if (pending.has(region)) return;
  pending.set(
    region,
    setTimeout(() => {
      pending.delete(region);
      refreshRegion(region);
    }, REFRESH_DELAY_MS),
  );
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
  let since = Number(root.dataset.liveSince || 0);
  let replaying = true;
  let backoff = 1000;
  let socket = null;

  document.addEventListener("focusout", (event) => {
    const region = event.target.closest?.("[data-src][data-stale]");
    if (region) setTimeout(() => !isEditing(region) && refreshRegion(region), 50);
  });

  const onFrame = (frame) => {
    if (frame.type === "replay.done") {
      replaying = false;
      if (frame.seq < since) {
        // Our numbers are from a stream that no longer exists (docs/interface.md#writing-a-client):
        // start afresh.
        location.reload();
      }
      return;
    }
    if (frame.type === "presence") {
      document.dispatchEvent(new CustomEvent("wargame:presence", { detail: frame }));
      for (const region of regionsFor("presence")) scheduleRefresh(region);
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
    for (const region of regionsFor(frame.type)) scheduleRefresh(region);
  };

  const connect = () => {
    setStatus("connecting");
    socket = new WebSocket(wsUrl(path, since));
    socket.addEventListener("open", () => {
      backoff = 1000;
      setStatus("online");
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
