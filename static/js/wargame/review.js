// The adjudication review panel: an override goes to the API as the one-item list the contract
// asks for (forms.js nests names into objects, not lists), Publish stays disabled until the
// facilitator ticks the nuclear approval when one is needed, the panel reloads after a write
// without waiting for the socket, and a disclosure the facilitator opened (the dice, every value)
// stays open when the panel is drawn again.

import { apiSend, clearErrors, showErrors } from "./forms.js";
import { refreshRegion } from "./live.js";

function valueOf(element) {
  const raw = element.value;
  if (element.dataset.kind === "number") return raw.trim() === "" ? null : Number(raw);
  if (element.dataset.kind === "string") return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function field(form, name) {
  return form.elements.namedItem(`overrides.0.${name}`);
}

export function overrideBody(form) {
  return {
    overrides: [
      {
        path: (field(form, "path")?.value || "").trim(),
        value: valueOf(field(form, "value")),
        reason: field(form, "reason")?.value || "",
      },
    ],
  };
}

function refreshPanel(from) {
  const region = from.closest("[data-src]");
  if (region) refreshRegion(region);
}

async function submitOverride(form) {
  clearErrors(form);
  form.setAttribute("aria-busy", "true");
  const result = await apiSend("PATCH", form.dataset.overrideApi, overrideBody(form));
  form.removeAttribute("aria-busy");
  if (!result.ok) {
    showErrors(form, result.status, result.data);
    return;
  }
  refreshPanel(form);
}

function syncApproval(root) {
  for (const form of root.querySelectorAll("form.publish-form[data-nuclear]")) {
    const approval = form.querySelector('input[name="approve_nuclear"]');
    const publish = form.querySelector('button[type="submit"]');
    if (approval && publish) publish.disabled = !approval.checked;
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form.override-form[data-override-api]");
  if (!form) return;
  event.preventDefault();
  submitOverride(form);
});

document.addEventListener("change", (event) => {
  if (event.target.matches('form.publish-form input[name="approve_nuclear"]')) {
    syncApproval(document);
  }
});

document.addEventListener("api:ok", (event) => {
  if (event.target.closest('[data-testid="review"]')) refreshPanel(event.target);
});

// The disclosures open now, by name: a refresh draws them closed, so they are opened again.
const openDisclosures = new Set();

document.addEventListener(
  "toggle",
  (event) => {
    const name = event.target.dataset?.disclosure;
    if (!name) return;
    if (event.target.open) openDisclosures.add(name);
    else openDisclosures.delete(name);
  },
  true,
);

function reopenDisclosures(root) {
  for (const details of root.querySelectorAll("details[data-disclosure]")) {
    if (openDisclosures.has(details.dataset.disclosure)) details.open = true;
  }
}

document.addEventListener("wargame:refreshed", (event) => {
  syncApproval(document);
  reopenDisclosures(event.target);
});

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => syncApproval(document));
} else {
  syncApproval(document);
}
