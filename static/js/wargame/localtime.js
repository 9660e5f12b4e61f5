// Times of day in the reader's own time zone. Templates write UTC (the server's one clock) in a
// <time datetime> element; this rewrites the text in the browser's zone and keeps the UTC time on
// hover, so a class spread over Tokyo, Seoul and Washington each reads its own clock. Scenario
// times (inside [data-zone]) are in the scenario's places, and dates without a time stay as they are.

function utcText(date, withSeconds) {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)} UTC`;
}

function localize(el) {
  if (el.dataset.local === "done" || el.closest("[data-zone]")) return;
  const raw = el.getAttribute("datetime") || "";
  if (!raw.includes("T")) return;
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) return;
  const withSeconds = /\d:\d\d:\d\d/.test(el.textContent);
  const lang = document.documentElement.lang || undefined;
  const options = { hour: "2-digit", minute: "2-digit", hour12: false };
  if (withSeconds) options.second = "2-digit";
  el.textContent = new Intl.DateTimeFormat(lang, options).format(date);
  el.title = utcText(date, withSeconds);
  el.dataset.local = "done";
}

export function localizeTimes(root = document) {
  for (const el of root.querySelectorAll("time[datetime]")) localize(el);
}

export function startLocalTimes() {
  localizeTimes(document);
  // Regions swapped in live, and messages added to a feed, bring new <time> elements, whichever
  // script puts them there.
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        if (node.matches("time[datetime]")) localize(node);
        else localizeTimes(node);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
}
