// The team's shared decision draft. What a player types is kept in localStorage at once and
// saved to the API after a short pause (with the version it was based on), so neither a reload,
// a lost connection nor a teammate's change loses it. A teammate's newer version wins on screen;
// the player's own is kept and can be brought back.
import { apiSend, newClientKey } from "../forms.js";
import { refreshRegion } from "../live.js";

const SAVE_DELAY_MS = 800;
const RETRY_MS = 5000;
const FREE_ACTIONS = new Set(["c.accept", "c.reject"]);

let rowCounter = 0;
let timer = null;
let inflight = null;
const lastSent = new Map();

const region = () => document.getElementById("decision");
const root = () => document.querySelector("[data-decision]");
const draftKey = (el) => `wargame:draft:${el.dataset.draftKey}`;
const mineKey = (el) => `${draftKey(el)}:mine`;

function load(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || "null");
  } catch {
    return null;
  }
}
const store = (key, value) =>
  value === null ? localStorage.removeItem(key) : localStorage.setItem(key, JSON.stringify(value));
const serialise = (draft) => JSON.stringify({ actions: draft.actions, rationale: draft.rationale });

function setStatus(el, state) {
  const out = el.querySelector("[data-draft-status], [data-testid='draft-status']");
  if (!out) return;
  out.dataset.state = state;
  out.textContent = out.dataset[`label${state[0].toUpperCase()}${state.slice(1)}`] || "";
}

function paramValue(el) {
  const kind = el.dataset.type;
  if (kind === "bool") return el.checked;
  if (el.value === "") return undefined;
  if (kind === "int") return Number.parseInt(el.value, 10);
  if (kind === "number") return Number(el.value);
  return el.value;
}

function readRow(row) {
  const action = row.querySelector("[data-row-action]")?.value;
  if (!action) return null;
  const item = { action };
  const target = row.querySelector("[data-row-target]");
  if (target && target.value) item.target = target.value;
  const params = {};
  for (const el of row.querySelectorAll("[data-param]")) {
    const name = el.dataset.param;
    if (el.dataset.type === "list") {
      params[name] ??= [];
      if (el.checked) params[name].push(el.value);
      continue;
    }
    const value = paramValue(el);
    if (value !== undefined) params[name] = value;
  }
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value) && value.length === 0) delete params[name];
  }
  if (Object.keys(params).length) item.params = params;
  return item;
}

export function readDraft(el) {
  const rows = [...el.querySelectorAll("[data-row]")];
  return {
    actions: rows.map(readRow).filter(Boolean),
    rationale: el.querySelector("[data-rationale]")?.value || "",
  };
}

function fillFields(el, row, actionId) {
  const slot = row.querySelector("[data-row-fields]");
  const template = actionId
    ? el.querySelector(`template[data-row-template="${CSS.escape(actionId)}"]`)
    : null;
  slot.innerHTML = template ? template.innerHTML.replaceAll("__ROW__", row.dataset.uid) : "";
}

function newRow(el) {
  const template = el.querySelector("template[data-row-blank]");
  const uid = `n${rowCounter++}`;
  const holder = document.createElement("ol");
  holder.innerHTML = template.innerHTML.replaceAll("__ROW__", uid);
  const row = holder.firstElementChild;
  el.querySelector("[data-action-rows]").append(row);
  return row;
}

function setParams(row, params = {}) {
  for (const el of row.querySelectorAll("[data-param]")) {
    const value = params[el.dataset.param];
    if (el.dataset.type === "list") el.checked = Array.isArray(value) && value.includes(el.value);
    else if (el.dataset.type === "bool") el.checked = Boolean(value);
    else el.value = value ?? "";
  }
}

function applyDraft(el, draft) {
  el.querySelector("[data-action-rows]").innerHTML = "";
  for (const item of draft.actions || []) {
    const row = newRow(el);
    const select = row.querySelector("[data-row-action]");
    select.value = item.action;
    if (select.value !== item.action) {
      const option = new Option(item.action, item.action, true, true);
      select.append(option);
    }
    row.dataset.filled = item.action;
    fillFields(el, row, item.action);
    const target = row.querySelector("[data-row-target]");
    if (target) target.value = item.target || "";
    setParams(row, item.params);
  }
  const rationale = el.querySelector("[data-rationale]");
  if (rationale) rationale.value = draft.rationale || "";
  updateCounts(el);
}

function updateCounts(el) {
  const rows = [...el.querySelectorAll("[data-row]")];
  const used = rows.filter((row) => {
    const value = row.querySelector("[data-row-action]")?.value;
    return value && !FREE_ACTIONS.has(value);
  }).length;
  const line = el.querySelector("[data-budget-line]");
  const text = el.querySelector("[data-budget-text]");
  if (line && text) {
    text.textContent = line.dataset.labelBudget
      .replace("{used}", used)
      .replace("{budget}", el.dataset.budget);
    line.dataset.over = String(used > Number(el.dataset.budget));
  }
  const add = el.querySelector("[data-action-add]");
  if (add && el.dataset.editable === "true") {
    add.disabled = rows.length >= Number(el.dataset.maxRows);
  }
  const rationale = el.querySelector("[data-rationale]");
  const counter = el.querySelector("[data-rationale-count]");
  if (rationale && counter) counter.textContent = String(rationale.value.length);
}

function clearErrors(el) {
  for (const slot of el.querySelectorAll("[data-row-error], [data-field-error], [data-form-error]")) {
    slot.textContent = "";
  }
  for (const input of el.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

function showErrors(el, result) {
  const error = result.data?.error;
  const rows = [...el.querySelectorAll("[data-row]")].filter((row) => readRow(row));
  const summary = el.querySelector("[data-form-error]");
  let placed = false;
  for (const [field, reasons] of Object.entries(error?.fields || {})) {
    const text = reasons.join(" ");
    const match = /^actions\.(\d+)(?:\.(target|action|params)(?:\.(\w+))?)?/.exec(field);
    if (match && rows[Number(match[1])]) {
      const row = rows[Number(match[1])];
      row.querySelector("[data-row-error]").textContent = text;
      const input =
        match[2] === "target"
          ? row.querySelector("[data-row-target]")
          : match[2] === "params" && match[3]
            ? row.querySelector(`[data-param="${CSS.escape(match[3])}"]`)
            : row.querySelector("[data-row-action]");
      input?.setAttribute("aria-invalid", "true");
      placed = true;
    } else if (field === "rationale") {
      el.querySelector('[data-field-error="rationale"]').textContent = text;
      el.querySelector("[data-rationale]")?.setAttribute("aria-invalid", "true");
      placed = true;
    }
  }
  if (summary && !placed) summary.textContent = error?.message || summary.dataset.fallback;
}

function markDirty(el) {
  if (el.dataset.editable !== "true") return;
  const draft = readDraft(el);
  store(draftKey(el), { ...draft, base: Number(el.dataset.version), dirty: true, at: Date.now() });
  setStatus(el, "unsaved");
  clearTimeout(timer);
  timer = setTimeout(() => save(), SAVE_DELAY_MS);
}

async function forceRefresh() {
  const section = region();
  if (!section) return;
  const response = await fetch(section.dataset.src, { credentials: "same-origin" });
  if (!response.ok) return;
  section.innerHTML = await response.text();
  section.dispatchEvent(new CustomEvent("wargame:refreshed", { bubbles: true }));
}

async function saveOnce() {
  const el = root();
  if (!el || el.dataset.editable !== "true") return;
  const key = draftKey(el);
  const draft = load(key);
  if (!draft?.dirty) return;
  const body = serialise(draft);
  if (body === lastSent.get(key)) {
    store(key, { ...draft, dirty: false });
    setStatus(el, "saved");
    return;
  }
  setStatus(el, "saving");
  let result;
  try {
    result = await apiSend("PUT", el.dataset.saveUrl, {
      actions: draft.actions,
      rationale: draft.rationale,
      client_key: newClientKey(),
      expected_version: draft.base,
    });
  } catch {
    result = { ok: false, status: 0, data: null };
  }
  const current = root();
  if (result.ok) {
    lastSent.set(key, body);
    const now = load(key) || draft;
    const stillDirty = serialise(now) !== body;
    store(key, { ...now, base: result.data.version, dirty: stillDirty });
    if (current && current.dataset.draftKey === el.dataset.draftKey) {
      current.dataset.version = String(result.data.version);
      clearErrors(current);
      setStatus(current, stillDirty ? "unsaved" : "saved");
    }
    if (stillDirty) timer = setTimeout(() => save(), SAVE_DELAY_MS);
    return;
  }
  if (result.status === 409 && (await ownWriteWon(el, key))) {
    timer = setTimeout(() => save(), 0);
    return;
  }
  if (result.status === 409) {
    // A teammate saved first: show theirs, keep ours aside for the player to bring back.
    store(mineKey(el), { ...(load(key) || draft), conflict: true });
    store(key, null);
    await forceRefresh();
    return;
  }
  if (result.status === 400) {
    if (current) {
      clearErrors(current);
      showErrors(current, result);
      setStatus(current, "unsaved");
    }
    return;
  }
  if (result.status === 423) {
    await forceRefresh();
    return;
  }
  if (current) setStatus(current, "offline");
  timer = setTimeout(() => save(), RETRY_MS);
}

// The newer version may be our own: the save flushed as the page unloaded, landing after the
// reloaded page read the draft. That is no conflict: build on it and save again.
async function ownWriteWon(el, key) {
  const answer = await fetch(el.dataset.saveUrl, { credentials: "same-origin" });
  if (!answer.ok) return false;
  const server = await answer.json();
  // Who this browser is: the room's, never a region's (regions are the team's, shared by all).
  const me = document.querySelector("[data-testid='room']")?.dataset.me ?? "";
  if (String(server.updated_by?.participant_id ?? "") !== me) return false;
  const draft = load(key);
  if (!draft) return false;
  store(key, { ...draft, base: server.version });
  return true;
}

export function save() {
  clearTimeout(timer);
  if (inflight) {
    inflight = inflight.then(saveOnce);
    return inflight;
  }
  inflight = saveOnce().finally(() => {
    inflight = null;
  });
  return inflight;
}

async function reconcile() {
  // A swap that lands while our save is under way would look like a teammate's change.
  if (inflight) await inflight;
  const el = root();
  if (!el) return;
  const key = draftKey(el);
  const server = readDraft(el);
  const version = Number(el.dataset.version);
  const draft = load(key);
  const mine = load(mineKey(el));
  const conflict = el.querySelector("[data-draft-conflict]");
  if (el.dataset.status === "submitted") {
    store(key, null);
    store(mineKey(el), null);
    updateCounts(el);
    return;
  }
  lastSent.set(key, serialise(server));
  if (draft?.dirty && el.dataset.editable === "true") {
    if (draft.base === version) {
      applyDraft(el, draft);
      setStatus(el, "unsaved");
      timer = setTimeout(() => save(), SAVE_DELAY_MS);
    } else {
      store(mineKey(el), { ...draft, conflict: true });
      store(key, null);
    }
  } else if (draft && !draft.dirty) {
    store(key, null);
  }
  if (conflict) conflict.hidden = !(load(mineKey(el)) && el.dataset.editable === "true");
  updateCounts(el);
}

function onInput(event) {
  const el = event.target.closest("[data-decision]");
  if (!el) return;
  const row = event.target.closest("[data-row]");
  if (row && event.target.matches("[data-row-action]") && row.dataset.filled !== event.target.value) {
    row.dataset.filled = event.target.value;
    fillFields(el, row, event.target.value);
    row.querySelector("[data-row-error]").textContent = "";
  }
  updateCounts(el);
  markDirty(el);
}

function onClick(event) {
  const el = event.target.closest("[data-decision]");
  if (!el) return;
  if (event.target.closest("[data-action-add]")) {
    const row = newRow(el);
    updateCounts(el);
    row.querySelector("[data-row-action]")?.focus();
  } else if (event.target.closest("[data-row-remove]")) {
    event.target.closest("[data-row]")?.remove();
    updateCounts(el);
    markDirty(el);
    el.querySelector("[data-action-add]")?.focus();
  } else if (event.target.closest("[data-draft-restore]")) {
    const mine = load(mineKey(el));
    if (mine) {
      applyDraft(el, mine);
      store(mineKey(el), null);
      markDirty(el);
    }
    el.querySelector("[data-draft-conflict]").hidden = true;
  } else if (event.target.closest("[data-draft-discard]")) {
    store(mineKey(el), null);
    el.querySelector("[data-draft-conflict]").hidden = true;
  }
}

async function onSubmit(event) {
  const form = event.target.closest("[data-decision-form]");
  if (!form) return;
  event.preventDefault();
  const el = form.closest("[data-decision]");
  const button = event.submitter || form.querySelector("[data-testid='decision-submit']");
  if (button?.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
  clearErrors(el);
  if (load(draftKey(el))?.dirty) await save();
  if (load(draftKey(el))?.dirty) return;
  form.setAttribute("aria-busy", "true");
  let result;
  try {
    result = await apiSend("POST", el.dataset.submitUrl, { client_key: newClientKey() });
  } catch {
    result = { ok: false, status: 0, data: null };
  }
  form.removeAttribute("aria-busy");
  if (!result.ok) {
    showErrors(el, result);
    return;
  }
  store(draftKey(el), null);
  store(mineKey(el), null);
  await forceRefresh();
}

export function startDecision() {
  document.addEventListener("input", onInput);
  document.addEventListener("change", (event) => {
    if (event.target.matches?.("[data-row-action], select[data-param], input[type=checkbox]")) {
      onInput(event);
    }
  });
  document.addEventListener("click", onClick);
  document.addEventListener("submit", onSubmit);
  document.addEventListener("wargame:refreshed", (event) => {
    if (event.target === region()) reconcile();
  });
  // Leaving the page flushes a pending save; the local copy covers the rest.
  window.addEventListener("pagehide", () => {
    if (timer) save();
  });
  reconcile();
}
