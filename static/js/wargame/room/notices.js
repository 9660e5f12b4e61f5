// Notice what changed: a banner for a published outcome with its headline, a toast for a new
// inject or a message from control, and a count in the tab's title of what arrived since the
// reader last looked. Banner and toasts are live regions, so screen readers announce them too.
// Events replayed on (re)connection are history, not news: they are never announced. An outcome
// and an inject also chime, if the player turned the sound on (sound.js).
import { chime } from "./sound.js";

const TOAST_MS = 12_000;
let unseen = 0;
let baseTitle = "";

function pick(text) {
  if (!text || typeof text === "string") return text || "";
  const lang = document.documentElement.lang || "en";
  return text[lang] || text.en || Object.values(text)[0] || "";
}

function headline(narrative) {
  // The first sentence of the narrative, in the page's language, is the outcome in one line.
  const prose = pick(narrative).trim();
  const match = prose.match(/^[\s\S]*?[.。!?！？](?=\s|$)/);
  return match ? match[0] : prose;
}

function count() {
  unseen += 1;
  document.title = `(${unseen}) ${baseTitle}`;
}

function seen() {
  if (!unseen) return;
  unseen = 0;
  document.title = baseTitle;
}

function toast(box, label, text) {
  const list = box.querySelector("[data-toasts]");
  const item = document.createElement("li");
  item.className = "toast";
  item.setAttribute("data-testid", "toast");
  const strong = document.createElement("strong");
  strong.textContent = label;
  item.append(strong, " ", text);
  list.append(item);
  setTimeout(() => item.remove(), TOAST_MS);
  count();
}

function banner(box, payload) {
  const el = box.querySelector("[data-outcome-banner]");
  el.querySelector("[data-banner-title]").textContent = box.dataset.labelOutcome.replace(
    "{turn}",
    String(payload.turn ?? ""),
  );
  el.querySelector("[data-banner-headline]").textContent = headline(payload.narrative);
  el.hidden = false;
  count();
}

function fromControl(payload) {
  const author = payload.author || {};
  return author.participant_id == null && !author.team && !author.bot;
}

export function startNotices() {
  const box = document.querySelector("[data-notices]");
  if (!box) return;
  baseTitle = document.title;
  box.querySelector("[data-banner-close]").addEventListener("click", () => {
    box.querySelector("[data-outcome-banner]").hidden = true;
  });
  document.addEventListener("wargame:event", (event) => {
    const frame = event.detail;
    if (frame.replaying) return;
    const payload = frame.payload || {};
    if (frame.type === "outcome.published") {
      banner(box, payload);
      chime(880);
    } else if (frame.type === "inject.released") {
      toast(box, box.dataset.labelInject, pick(payload.title));
      chime(660);
    } else if (frame.type === "message.posted" && fromControl(payload)) {
      toast(box, box.dataset.labelControl, payload.body || "");
    }
  });
  // Looking at the page again (returning to the tab, a click, a key) clears the count.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) seen();
  });
  for (const kind of ["pointerdown", "keydown"]) document.addEventListener(kind, seen, true);
}
