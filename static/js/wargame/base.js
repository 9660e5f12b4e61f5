// Every page loads this module: API forms, live regions and clocks start from data attributes,
// so templates need no inline script (the CSP forbids it).
import { startClocks } from "./clock.js";
import { startForms } from "./forms.js";
import { fillJoinCode } from "./join.js";
import { startLive } from "./live.js";
import { startLocalTimes } from "./localtime.js";

function start() {
  document.documentElement.classList.add("js");
  fillJoinCode(document);
  startForms(document);
  const live = document.querySelector("[data-live-ws]");
  if (live) startLive(live);
  startClocks(document.querySelector("[data-server-now]"));
  startLocalTimes();
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
