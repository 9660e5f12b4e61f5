// The console's reports panel: after "Make the report" the bar follows the job's
// report.progress events and a download link appears on report.ready. Every visible word
// comes from the template's data-label-* attributes.

import { EVENT_TYPES } from "./events.js";

let current = null; // {id, status, progress, url} of the job this page asked for

function panel() {
  return document.querySelector("[data-report-progress]");
}

function show(job) {
  const box = panel();
  if (!box || !job) return;
  box.hidden = false;
  const bar = box.querySelector("[data-report-bar]");
  if (bar) bar.value = job.progress ?? 0;
  const status = box.querySelector("[data-report-status]");
  if (status) status.textContent = box.dataset[`label${job.status[0].toUpperCase()}${job.status.slice(1)}`] || "";
  const link = box.querySelector("[data-report-download]");
  if (link) {
    link.hidden = !job.url;
    if (job.url) {
      link.href = job.url;
      link.textContent = box.dataset.labelDownload || job.url;
    }
  }
  for (const row of document.querySelectorAll(`[data-report-job-bar="${job.id}"]`)) {
    row.value = job.progress ?? 0;
  }
}

function update(id, change) {
  for (const row of document.querySelectorAll(`[data-report-job-bar="${id}"]`)) {
    if (typeof change.progress === "number") row.value = change.progress;
  }
  if (!current || current.id !== id) return;
  current = { ...current, ...change };
  show(current);
}

function onEvent(event) {
  const frame = event.detail || {};
  const payload = frame.payload || {};
  if (typeof payload.id !== "number") return;
  if (frame.type === EVENT_TYPES.REPORT_PROGRESS) {
    const progress = Math.max(current?.id === payload.id ? current.progress : 0, payload.progress);
    update(payload.id, { status: "running", progress });
  } else if (frame.type === EVENT_TYPES.REPORT_READY) {
    update(payload.id, { status: "done", progress: 100, url: payload.url });
  } else if (frame.type === EVENT_TYPES.REPORT_FAILED) {
    update(payload.id, { status: "failed" });
  }
}

function start() {
  // A new request forgets the last job at once: until the answer names the new job, the panel
  // offers no file, so the previous report (another language or format) is never taken for it.
  document.addEventListener("submit", (event) => {
    if (!event.target.closest?.("[data-report-form]")) return;
    current = null;
    const box = panel();
    if (!box) return;
    const link = box.querySelector("[data-report-download]");
    if (link) {
      link.hidden = true;
      link.removeAttribute("href");
    }
  });
  document.addEventListener("api:ok", (event) => {
    if (!event.target.closest?.("[data-report-form]")) return;
    current = { ...event.detail };
    show(current);
  });
  document.addEventListener("wargame:event", onEvent);
  // The panel is re-rendered on report.ready: keep showing what this page asked for.
  document.addEventListener("wargame:refreshed", (event) => {
    if (current && event.target.querySelector?.("[data-report-progress]")) show(current);
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
