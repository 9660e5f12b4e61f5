// Unread marks that live in this browser: injects released after the last one it showed, and
// messages after the last one read in each channel. Nothing of it goes to the server.
import { refreshRegion } from "../live.js";

const storageKey = () => document.querySelector("[data-testid='room']")?.dataset.storageKey || "";
const injectKey = () => `wargame:injects:${storageKey()}`;
const readKey = (channelId) => `wargame:read:${storageKey()}:${channelId}`;
const number = (value) => Number.parseInt(value || "0", 10) || 0;

// Injects stay marked for as long as this page is open, until the player marks them read.
let injectBaseline = null;

function markInjects() {
  const feed = document.querySelector("[data-testid='inject-feed']");
  if (!feed) return;
  if (injectBaseline === null) injectBaseline = number(localStorage.getItem(injectKey()));
  const items = [...feed.querySelectorAll("[data-inject-seq]")];
  let newest = injectBaseline;
  let unread = 0;
  for (const item of items) {
    const seq = number(item.dataset.injectSeq);
    const isNew = seq > injectBaseline;
    item.classList.toggle("unread", isNew);
    const label = item.querySelector("[data-unread-label]");
    if (label) label.hidden = !isNew;
    if (isNew) unread += 1;
    newest = Math.max(newest, seq);
  }
  localStorage.setItem(injectKey(), String(newest));
  const badge = feed.querySelector("[data-inject-unread]");
  if (badge) {
    badge.hidden = unread === 0;
    badge.textContent = String(unread);
  }
  const button = feed.querySelector("[data-inject-mark-read]");
  if (button) button.hidden = unread === 0;
}

// The channel list is the same for the whole team; which channel is open is this page's own.
function markOpenChannel(region) {
  const shown = region.querySelector("[data-region='channel']")?.dataset.variant;
  for (const link of region.querySelectorAll("[data-testid='channel-link']")) {
    const open = link.dataset.channelId === shown;
    link.classList.toggle("selected", open);
    if (open) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  }
}

function markChannels() {
  const region = document.getElementById("channels");
  if (!region) return;
  markOpenChannel(region);
  const open = region.querySelector("[data-channel]");
  // Read only when it can be seen: on a phone showing another tab the open channel is hidden.
  if (open && document.visibilityState === "visible" && open.getClientRects().length > 0) {
    const ids = [...open.querySelectorAll("[data-message-id]")].map((m) => number(m.dataset.messageId));
    const last = Math.max(0, ...ids);
    const key = readKey(open.dataset.channelId);
    if (last > number(localStorage.getItem(key))) localStorage.setItem(key, String(last));
    const list = open.querySelector("[data-testid='message-list']");
    if (list) list.scrollTop = list.scrollHeight;
  }
  let total = 0;
  for (const link of region.querySelectorAll("[data-channel-id][data-message-ids]")) {
    const lastRead = number(localStorage.getItem(readKey(link.dataset.channelId)));
    const ids = link.dataset.messageIds ? link.dataset.messageIds.split(",").map(number) : [];
    const unread = ids.filter((id) => id > lastRead).length;
    const badge = link.querySelector("[data-unread]");
    if (badge) {
      badge.hidden = unread === 0;
      badge.textContent = String(unread);
    }
    link.classList.toggle("has-unread", unread > 0);
    total += unread;
  }
  markChannelsTab(total);
}

// The phone's Channels tab: what is unread across every channel, said in the link's label.
function markChannelsTab(total) {
  const badge = document.querySelector("[data-channels-unread]");
  const tab = badge?.closest("a[data-tab]");
  if (!badge || !tab) return;
  badge.hidden = total === 0;
  badge.textContent = String(total);
  if (total === 0) tab.removeAttribute("aria-label");
  else {
    const label = total === 1 ? tab.dataset.labelUnreadOne : tab.dataset.labelUnreadOther;
    tab.setAttribute("aria-label", label.replace("{count}", String(total)));
  }
}

function selectChannel(link) {
  const region = document.querySelector("#channels [data-region='channel']");
  if (!region) return;
  const base = region.dataset.src.split("?")[0];
  region.dataset.src = `${base}?channel=${encodeURIComponent(link.dataset.channelId)}`;
  region.dataset.variant = link.dataset.channelId;
  const url = new URL(location.href);
  url.searchParams.set("channel", link.dataset.channelId);
  history.replaceState(null, "", url);
  markOpenChannel(document.getElementById("channels"));
  // The old channel's form goes at once, so nothing is typed into it while the new one loads.
  region.querySelector("[data-channel]")?.remove();
  refreshRegion(region).then(() => {
    region.querySelector("[data-testid='message-body']")?.focus();
  });
}

export function startFeeds() {
  markInjects();
  markChannels();
  document.addEventListener("wargame:refreshed", (event) => {
    if (event.target.matches?.("[data-testid='inject-feed']")) markInjects();
    if (event.target.closest?.("#channels")) markChannels();
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("#channels [data-testid='channel-link']");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      selectChannel(link);
    }
    if (event.target.closest?.("[data-inject-mark-read]")) {
      injectBaseline = number(localStorage.getItem(injectKey()));
      markInjects();
    }
  });
  document.addEventListener("visibilitychange", markChannels);
  // A phone that shows the Channels tab shows the open channel: it is read now.
  document.addEventListener("wargame:tab", markChannels);
}
