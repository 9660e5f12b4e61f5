// Turn clocks count down in the browser between server updates. The page carries the server's
// time when it was rendered, so a laptop whose clock is off still shows the right time left.

let offsetMs = 0;

function format(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

function tick() {
  const now = Date.now() + offsetMs;
  for (const el of document.querySelectorAll("[data-deadline]")) {
    const out = el.querySelector("[data-clock-text]") || el;
    if (el.dataset.paused === "true") {
      out.textContent = format(Number(el.dataset.remaining || 0));
      continue;
    }
    const left = (Date.parse(el.dataset.deadline) - now) / 1000;
    el.dataset.urgent = String(left <= 60);
    out.textContent = left > 0 ? format(left) : el.dataset.labelOver || "0:00";
  }
}

export function startClocks(root) {
  const serverNow = root?.dataset.serverNow;
  if (serverNow) offsetMs = Date.parse(serverNow) - Date.now();
  tick();
  setInterval(tick, 1000);
  document.addEventListener("wargame:refreshed", tick);
}
