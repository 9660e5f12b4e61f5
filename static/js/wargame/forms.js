// Forms that write through the REST API (the contract's one write path), as JSON with the CSRF
// token. Errors come back in the contract's shape and are shown beside the field they name.
// A form marked data-persist keeps what was typed in localStorage until it is sent, so a reload
// or a lost connection never loses it.

export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

export function newClientKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

export async function apiSend(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { ok: response.ok, status: response.status, data };
}

function coerce(element) {
  const kind = element.dataset.type;
  if (element.type === "checkbox") return element.checked;
  const value = element.value;
  if (kind === "int") return value === "" ? null : Number.parseInt(value, 10);
  if (kind === "number") return value === "" ? null : Number(value);
  if (kind === "json") return value === "" ? null : JSON.parse(value);
  if (kind === "list") return value.split(",").map((item) => item.trim()).filter(Boolean);
  return value;
}

// "replace.0.team" builds {replace: [{team}]}: a numeric key makes a list, as the API's fields do.
function setPath(target, path, value) {
  const keys = path.split(".");
  let node = target;
  keys.slice(0, -1).forEach((key, index) => {
    node = node[key] ??= /^\d+$/.test(keys[index + 1]) ? [] : {};
  });
  node[keys.at(-1)] = value;
}

// A group marked data-needs="<field>" is sent only when that field has a value (an optional
// part of a request, such as a replaced decision, left out as a whole when it is not chosen).
function gated(form, element) {
  const group = element.closest("[data-needs]");
  if (!group) return false;
  const gate = form.elements.namedItem(group.dataset.needs);
  return !gate || gate.value === "";
}

export function formBody(form) {
  const body = form.dataset.body ? JSON.parse(form.dataset.body) : {};
  for (const element of form.elements) {
    if (!element.name || element.disabled || element.dataset.skip !== undefined) continue;
    if (element.type === "radio" && !element.checked) continue;
    if (gated(form, element)) continue;
    const value = coerce(element);
    if ((value === null || value === "") && element.dataset.optional !== undefined) continue;
    setPath(body, element.name, value);
  }
  if (form.dataset.clientKey !== undefined) body.client_key = newClientKey();
  return body;
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll("[data-field-error]")) el.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const summary = form.querySelector("[data-form-error]");
  if (summary) summary.textContent = "";
}

export function showErrors(form, status, data) {
  const error = data?.error;
  const summary = form.querySelector("[data-form-error]");
  const fields = error?.fields || {};
  let placed = false;
  const unplaced = [];
  for (const [field, reasons] of Object.entries(fields)) {
    const slot = form.querySelector(`[data-field-error="${CSS.escape(field)}"]`);
    const input = form.querySelector(`[name="${CSS.escape(field)}"]`);
    if (input) input.setAttribute("aria-invalid", "true");
    if (slot) {
      slot.textContent = reasons.join(" ");
      placed = true;
    } else {
      unplaced.push(...reasons);
    }
  }
  if (summary) {
    // A reason with no place of its own beside a field is still said, never swallowed.
    const fallback = summary.dataset.fallback || `HTTP ${status}`;
    if (unplaced.length) summary.textContent = unplaced.join(" ");
    else summary.textContent = placed ? "" : error?.message || fallback;
  }
}

const storageKey = (form) => `wargame:form:${form.dataset.persist}`;

export function saveForm(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name || element.type === "hidden" || element.type === "password") continue;
    values[element.name] = element.type === "checkbox" ? element.checked : element.value;
  }
  localStorage.setItem(storageKey(form), JSON.stringify(values));
}

export function restoreForm(form) {
  const saved = localStorage.getItem(storageKey(form));
  if (!saved) return;
  const values = JSON.parse(saved);
  for (const element of form.elements) {
    if (!(element.name in values) || element.type === "hidden") continue;
    if (element.type === "checkbox") element.checked = Boolean(values[element.name]);
    else element.value = values[element.name];
  }
}

export function forgetForm(form) {
  localStorage.removeItem(storageKey(form));
}

async function submitApiForm(form, submitter) {
  if (submitter?.dataset.confirm && !window.confirm(submitter.dataset.confirm)) return;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  clearErrors(form);
  let body;
  try {
    body = formBody(form);
  } catch {
    showErrors(form, 400, { error: { message: form.dataset.badJson || "Invalid JSON" } });
    return;
  }
  if (submitter?.name) setPath(body, submitter.name, submitter.value);
  form.setAttribute("aria-busy", "true");
  const result = await apiSend(form.dataset.method || "POST", form.dataset.api, body);
  form.removeAttribute("aria-busy");
  if (!result.ok) {
    showErrors(form, result.status, result.data);
    form.dispatchEvent(new CustomEvent("api:error", { bubbles: true, detail: result }));
    return;
  }
  if (form.dataset.persist) forgetForm(form);
  if (form.dataset.reset !== undefined) form.reset();
  form.dispatchEvent(new CustomEvent("api:ok", { bubbles: true, detail: result.data }));
  if (form.dataset.redirect) {
    location.assign(form.dataset.redirect.replace("{id}", result.data?.id ?? ""));
  }
}

export function startForms(root = document) {
  // Delegated, so forms inside regions that live.js swaps keep working.
  root.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-api]");
    if (!form) return;
    event.preventDefault();
    submitApiForm(form, event.submitter);
  });
  root.addEventListener("input", (event) => {
    const form = event.target.closest("form[data-persist]");
    if (form) saveForm(form);
  });
  for (const form of root.querySelectorAll("form[data-persist]")) restoreForm(form);
  root.addEventListener("wargame:refreshed", (event) => {
    for (const form of event.target.querySelectorAll("form[data-persist]")) restoreForm(form);
  });
}
