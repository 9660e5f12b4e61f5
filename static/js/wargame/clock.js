// Turn clocks count down in the browser between server updates. The page carries the server's
// time when it was rendered, so a laptop whose clock is off still shows the right time left.

let offsetMs = 0;
// Warnings already given, by deadline: a region swapped in live must not warn twice.
const warned = new Map();
const WARNINGS = [
  { seconds: 60, level: "1" },
  { seconds: 300, level: "5" },
];

function warningBox() {
  let box = document.querySelector("[data-deadline-warning]");
  if (!box) {
    box = document.createElement("p");
    box.className = "deadline-warning";
    box.dataset.deadlineWarning = "";
    box.setAttribute("data-testid", "deadline-warning");
    box.setAttribute("role", "alert");
    box.hidden = true;
    document.body.append(box);
  }
  return box;
}

function warn(el, left) {
  // Clocks that carry warning texts (the team room's) warn once at 5 and once at 1 minute left.
  if (!el.dataset.labelWarn5 || left <= 0) return;
  const due = WARNINGS.find((w) => left <= w.seconds);
  if (!due || warned.get(el.dataset.deadline) === due.level) return;
  if (due.level === "5" && warned.get(el.dataset.deadline) === "1") return;
  warned.set(el.dataset.deadline, due.level);
  const box = warningBox();
  box.textContent = due.level === "1" ? el.dataset.labelWarn1 : el.dataset.labelWarn5;
  box.dataset.level = due.level;
  box.hidden = false;
  clearTimeout(box.hideTimer);
  box.hideTimer = setTimeout(() => {
    box.hidden = true;
  }, 15_000);
}

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
    el.dataset.warning = String(left <= 300);
    warn(el, left);
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
