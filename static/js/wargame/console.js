// The facilitator console's own behaviour: the tabs switch in place (and by keyboard), checkbox
// groups become the lists the API wants, the channel reader switches channels in place, and a
// scenario file is checked before upload. Every visible word comes from the template.
import { csrfToken } from "./forms.js";
import { refreshRegion } from "./live.js";

// --- checkbox groups -> one JSON list in a hidden input (forms.js sends checkboxes as booleans)

function syncAiTeams(form) {
  const hidden = form.querySelector("[data-ai-teams]");
  if (!hidden) return;
  const slug = form.querySelector("[data-scenario-select]")?.value;
  const group = form.querySelector(`[data-scenario-teams="${CSS.escape(slug || "")}"]`);
  const chosen = group ? [...group.querySelectorAll("[data-ai-team]:checked")] : [];
  hidden.value = JSON.stringify(chosen.map((box) => box.value));
}

function syncAudience(form) {
  const hidden = form.querySelector("[data-audience]");
  if (!hidden) return;
  const chosen = [...form.querySelectorAll("[data-audience-option]:checked")].map((b) => b.value);
  hidden.value = JSON.stringify(chosen.includes("all") || chosen.length === 0 ? ["all"] : chosen);
}

function onAudienceChange(box) {
  // "Everyone" and a list of particular views exclude each other.
  const form = box.form;
  if (box.value === "all" && box.checked) {
    for (const other of form.querySelectorAll("[data-audience-option]")) {
      if (other !== box) other.checked = false;
    }
  } else if (box.checked) {
    const all = form.querySelector('[data-audience-option][value="all"]');
    if (all) all.checked = false;
  }
  syncAudience(form);
}

// --- setup form: the chosen scenario's summary, default minutes and teams

function showScenario(select) {
  const form = select.form;
  const slug = select.value;
  for (const block of form.querySelectorAll("[data-scenario-info], [data-scenario-teams]")) {
    const owner = block.dataset.scenarioInfo ?? block.dataset.scenarioTeams;
    block.hidden = owner !== slug;
  }
  const cuts = form.querySelector("[data-cut-select]");
  if (cuts) {
    // Only the chosen scenario's cuts can be picked; its default is picked for the facilitator.
    for (const option of cuts.options) {
      const mine = option.dataset.scenario === slug;
      option.hidden = !mine;
      option.disabled = !mine;
      if (mine && "default" in option.dataset) option.selected = true;
    }
  }
  showCut(form);
  syncAiTeams(form);
}

function showCut(form) {
  // A cut has its own usual minutes: the form offers them until the facilitator changes them.
  const cuts = form.querySelector("[data-cut-select]");
  const scenario = form.querySelector("[data-scenario-select]")?.selectedOptions[0];
  const minutes = cuts?.selectedOptions[0]?.dataset.deliberation || scenario?.dataset.deliberation;
  const input = form.querySelector("[data-minutes-input]");
  if (input && minutes) input.value = minutes;
}

// --- scenario upload: YAML goes as text, not JSON, so it needs its own request

function detailLine(details, labels) {
  const item = document.createElement("li");
  const where = [];
  if (details.line) where.push(`${labels.line} ${details.line}`);
  if (details.column) where.push(`${labels.column} ${details.column}`);
  const head = document.createElement("strong");
  head.textContent = [where.join(", "), details.path].filter(Boolean).join(" · ");
  item.append(head, document.createTextNode(` ${details.message || ""}`));
  return item;
}

async function sendScenario(form, action) {
  const out = form.querySelector("[data-upload-result]");
  const text = form.querySelector("[data-upload-text]").value;
  const url = action === "upload" ? form.dataset.uploadUrl : form.dataset.validateUrl;
  out.replaceChildren();
  form.setAttribute("aria-busy", "true");
  let response;
  let data = null;
  try {
    response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/yaml", "X-CSRFToken": csrfToken() },
      body: text,
    });
    data = await response.json();
  } catch {
    response = null;
  }
  form.removeAttribute("aria-busy");
  const line = document.createElement("p");
  out.append(line);
  if (response?.ok) {
    const summary = data?.summary || data;
    line.className = "notice";
    line.textContent = action === "upload"
      ? `${form.dataset.labelUploaded} ${summary?.title || ""}`
      : `${form.dataset.labelValid} ${summary?.title || ""}`;
    // A scenario may leave Japanese or Korean out: say so before anyone plays it in that language.
    for (const [lang, label] of [["ja", form.dataset.labelNoJa], ["ko", form.dataset.labelNoKo]]) {
      if (!summary?.languages || summary.languages.includes(lang)) continue;
      const note = document.createElement("p");
      note.className = "notice";
      note.dataset.missingLanguage = lang;
      note.textContent = label;
      out.append(note);
    }
    if (action === "upload" && summary?.slug) {
      const next = new URL(location.href);
      next.searchParams.set("scenario", summary.slug);
      location.assign(next.toString());
    }
    return;
  }
  line.className = "error";
  const error = data?.error;
  if (!error) {
    line.textContent = form.dataset.labelFailed;
    return;
  }
  line.textContent = error.details?.length ? form.dataset.labelInvalid : error.message;
  if (error.details?.length) {
    const list = document.createElement("ul");
    list.className = "upload-errors";
    const labels = { line: form.dataset.labelLine, column: form.dataset.labelColumn };
    for (const detail of error.details) list.append(detailLine(detail, labels));
    out.append(list);
  }
}

// --- channel reader: switch the region's source instead of reloading the page

function openChannel(link) {
  const region = link.closest("[data-src]");
  if (!region) return false;
  region.dataset.src = link.dataset.part;
  region.dataset.variant = link.dataset.channel;
  const next = new URL(location.href);
  next.searchParams.set("channel", link.dataset.channel);
  history.replaceState(null, "", next.toString());
  refreshRegion(region);
  return true;
}

// --- join links: the codes region is the same for every facilitator, so it holds the links'
// paths; the address is the one this console was opened at.

function fillOrigins(root) {
  for (const link of root.querySelectorAll("a[data-origin-link]")) {
    const url = new URL(link.getAttribute("href"), location.origin).href;
    link.href = url;
    link.textContent = url;
  }
}

// --- commands: refresh the state regions at once rather than waiting for the socket's echo

function refreshAfterCommand(form) {
  if (!form.dataset.api?.endsWith("/commands/")) return;
  for (const region of document.querySelectorAll("[data-console-state][data-src]")) {
    refreshRegion(region);
  }
}

// --- tabs: server-rendered links (?tab=codes) that work without script become a tab list here:
// a click or the arrow keys show a panel without a reload, and the address keeps the choice.

function tabLinks(nav) {
  return [...nav.querySelectorAll("a[data-tab]")];
}

function selectTab(nav, chosen, { focus = false, remember = true } = {}) {
  for (const link of tabLinks(nav)) {
    const selected = link === chosen;
    link.setAttribute("aria-selected", String(selected));
    link.tabIndex = selected ? 0 : -1;
    const panel = document.getElementById(link.getAttribute("aria-controls"));
    if (panel) panel.hidden = !selected;
  }
  if (focus) chosen.focus();
  if (!remember) return;
  nav.dataset.tabChosen = "true";
  const next = new URL(location.href);
  next.searchParams.set("tab", chosen.dataset.tab);
  history.replaceState(null, "", next.toString());
}

function onTabKey(nav, event) {
  const links = tabLinks(nav);
  const at = links.indexOf(event.target);
  if (at < 0) return;
  const moves = {
    ArrowRight: (at + 1) % links.length,
    ArrowLeft: (at - 1 + links.length) % links.length,
    Home: 0,
    End: links.length - 1,
  };
  if (!(event.key in moves)) return;
  event.preventDefault();
  selectTab(nav, links[moves[event.key]], { focus: true });
}

function enhanceTabs(nav) {
  const list = nav.querySelector("[data-tablist]");
  if (!list) return;
  list.setAttribute("role", "tablist");
  for (const item of list.children) item.setAttribute("role", "presentation");
  const links = tabLinks(nav);
  const current = links.find((link) => link.hasAttribute("aria-current")) || links[0];
  for (const link of links) {
    link.removeAttribute("aria-current");
    link.setAttribute("role", "tab");
    const panel = document.getElementById(link.getAttribute("aria-controls"));
    panel?.setAttribute("role", "tabpanel");
  }
  selectTab(nav, current, { remember: false });
  nav.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[data-tab]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    selectTab(nav, link);
  });
  nav.addEventListener("keydown", (event) => onTabKey(nav, event));
}

// A console left on the tab it opened on follows the game: the join codes until it starts, the
// run view while it runs, the report once it has ended (as the page would open now). A tab the
// facilitator chose stays.
const OPENING_TABS = { draft: "codes", lobby: "codes", ended: "report" };

function followStatus(region) {
  const status = region.querySelector("[data-testid=exercise-status]")?.dataset.status;
  for (const nav of document.querySelectorAll("[data-tabs]")) {
    if (!status || "tabChosen" in nav.dataset) continue;
    const wanted = OPENING_TABS[status] || "run";
    const link = tabLinks(nav).find((candidate) => candidate.dataset.tab === wanted);
    if (link && link.getAttribute("aria-selected") !== "true") {
      selectTab(nav, link, { remember: false });
    }
  }
}

// --- the run view's bar is sticky: the review's column sticks just below it, whatever its height

function trackBarHeight(bar) {
  const console_ = bar.closest(".console");
  // What sits above the bar before it sticks (the site's top bar): the review's column is kept
  // short enough to end on screen when the page is not scrolled.
  const measure = () => {
    console_.style.setProperty("--console-bar-height", `${bar.offsetHeight}px`);
    const above = console_.getBoundingClientRect().top + window.scrollY;
    console_.style.setProperty("--console-above", `${Math.max(0, above)}px`);
  };
  new ResizeObserver(measure).observe(bar);
  measure();
}

function start() {
  for (const nav of document.querySelectorAll("[data-tabs]")) enhanceTabs(nav);
  for (const bar of document.querySelectorAll("[data-console-bar]")) trackBarHeight(bar);
  fillOrigins(document);
  document.addEventListener("wargame:refreshed", (event) => {
    fillOrigins(event.target);
    if (event.target.dataset.region === "header") followStatus(event.target);
  });

  // Capture phase: the lists are written before forms.js reads the form on the way up.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (form.matches?.("[data-setup-form]")) syncAiTeams(form);
      if (form.matches?.("[data-audience-form]")) syncAudience(form);
      if (form.matches?.("[data-scenario-upload]")) {
        event.preventDefault();
        sendScenario(form, event.submitter?.value || "validate");
      }
    },
    true,
  );
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches?.("[data-scenario-select]")) showScenario(target);
    else if (target.matches?.("[data-cut-select]")) showCut(target.form);
    else if (target.matches?.("[data-ai-team]")) syncAiTeams(target.form);
    else if (target.matches?.("[data-audience-option]")) onAudienceChange(target);
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[data-channel-link]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (openChannel(link)) event.preventDefault();
  });
  document.addEventListener("api:ok", (event) => refreshAfterCommand(event.target));

  for (const select of document.querySelectorAll("[data-scenario-select]")) showScenario(select);
  for (const form of document.querySelectorAll("[data-audience-form]")) syncAudience(form);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
