// Notification provider forms, drawn from the server's one description per provider (kuma/notifications/forms.json,
// served by the kuma-only `getNotificationForms` event): the same required fields `addNotification` checks.
import { esc } from "./ui.js";

let cached = null;

export async function loadProviderForms(socket) {
  if (!cached) {
    const reply = await socket.call("getNotificationForms");
    if (reply && reply.ok) cached = { groups: reply.groups, providers: reply.providers };
  }
  return cached || { groups: [], providers: {} };
}

// The type picker: readable names, grouped (Chat, Push, SMS, …).
export function providerOptions(forms, selected) {
  const entries = Object.entries(forms.providers);
  const known = entries.some(([k]) => k === selected);
  return forms.groups.map((group) => `<optgroup label="${esc(group)}">${entries.filter(([, p]) => p.group === group)
    .map(([k, p]) => `<option value="${esc(k)}"${k === selected ? " selected" : ""}>${esc(p.name)}</option>`).join("")}</optgroup>`).join("")
    + (known || !selected ? "" : `<option value="${esc(selected)}" selected>${esc(selected)}</option>`);
}

function control(field, value, id) {
  const name = esc(field.key);
  const req = field.required ? " required aria-required=\"true\"" : "";
  const ph = field.placeholder ? ` placeholder="${esc(field.placeholder)}"` : "";
  if (field.type === "select") {
    return `<select id="${id}" name="${name}"${req}>${field.options.map(([v, l]) =>
      `<option value="${esc(v)}"${String(value) === v ? " selected" : ""}>${esc(l)}</option>`).join("")}</select>`;
  }
  if (field.type === "textarea") return `<textarea id="${id}" name="${name}" rows="3"${req}${ph}>${esc(value)}</textarea>`;
  const type = { secret: "password", number: "number", url: "url" }[field.type] || "text";
  const pattern = field.type === "url" ? ' pattern="https?://.+" title="An http:// or https:// address"' : "";
  return `<input id="${id}" name="${name}" type="${type}"${pattern} value="${esc(value)}" autocomplete="off"${req}${ph}>`;
}

// The fields of one provider: labels, help text, required markers, defaults where the config has no value.
export function providerFields(forms, type, config) {
  const form = forms.providers[type];
  if (!form) return `<p class="muted">kuma has no form for “${esc(type)}”; its stored settings are kept.</p>`;
  return form.fields.map((field) => {
    const id = `n-${field.key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
    const value = config[field.key] ?? field.default ?? "";
    const help = field.help ? `<small class="help" id="${id}-help">${esc(field.help)}</small>` : "";
    const error = `<small class="field-error" role="alert" data-error-for="${esc(field.key)}"></small>`;
    if (field.type === "boolean") {
      return `<div class="field"><label class="check" for="${id}"><input type="checkbox" id="${id}" name="${esc(field.key)}"${value === true || value === "true" ? " checked" : ""}> ${esc(field.label)}</label>${help}${error}</div>`;
    }
    const marker = field.required ? ' <span class="req" aria-hidden="true">*</span>' : "";
    return `<div class="field"><label for="${id}">${esc(field.label)}${marker}${control(field, value, id)}</label>${help}${error}</div>`;
  }).join("");
}

// The server's message at the field it names ("… (webhookURL) is required"); true when a field took it.
export function showFieldError(form, msg) {
  form.querySelectorAll(".field-error").forEach((el) => { el.textContent = ""; });
  const key = /\(([^()]+)\) is required/.exec(msg || "")?.[1];
  const slot = key && form.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
  if (!slot) return false;
  slot.textContent = msg;
  form.querySelector(`[name="${CSS.escape(key)}"]`)?.focus();
  return true;
}

// Selects whose options are all numbers (priorities) are stored as numbers, as Uptime Kuma's form stores them.
export function coerceSelects(forms, type, data) {
  for (const field of forms.providers[type]?.fields || []) {
    if (field.type === "select" && field.key in data && field.options.every(([v]) => /^-?\d+$/.test(v))) data[field.key] = Number(data[field.key]);
  }
  return data;
}
