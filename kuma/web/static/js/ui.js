// Small DOM helpers: escaping, toasts, confirmation, formatting. No framework.

export const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => (
  { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

export const STATUS = { 0: "down", 1: "up", 2: "pending", 3: "maintenance" };
export const STATUS_LABEL = { 0: "Down", 1: "Up", 2: "Pending", 3: "Maintenance" };

// Uptime Kuma's i18n keys that the server sends with msgi18n: true.
const MESSAGES = {
  successAdded: "Added successfully.", successEdited: "Saved.", "Saved.": "Saved.", successDeleted: "Deleted.",
  successPaused: "Paused.", successResumed: "Resumed.", successDisabled: "Disabled.", successEnabled: "Enabled.",
  successAuthChangePassword: "Password changed.", authIncorrectCreds: "Incorrect username or password.",
  authInvalidToken: "Invalid token.", authUserInactiveOrDeleted: "The user is inactive or deleted.",
  passwordTooWeak: "The password is too weak.",
};

export function message(reply) {
  if (!reply) return "";
  const msg = reply.msg;
  if (msg && typeof msg === "object") return msg.key || JSON.stringify(msg);
  return (reply.msgi18n && MESSAGES[msg]) || msg || "";
}

// A message in the corner; `timeout` null keeps it until dismissed. Every toast has a close button.
export function toast(text, kind = "info", { timeout = kind === "error" ? 8000 : 4000 } = {}) {
  const box = document.getElementById("toasts");
  const item = document.createElement("div");
  item.className = `toast toast-${kind}`;
  item.setAttribute("role", kind === "error" ? "alert" : "status");
  const body = document.createElement("span");
  body.textContent = text;
  const close = Object.assign(document.createElement("button"), { type: "button", className: "toast-close", textContent: "×" });
  close.setAttribute("aria-label", "Dismiss");
  close.addEventListener("click", () => item.remove());
  item.append(body, close);
  box.append(item);
  if (timeout) setTimeout(() => item.remove(), timeout);
  return item;
}

export function toastReply(reply) {
  if (!reply) { toast("No answer from the server.", "error"); return false; }
  const text = message(reply);
  if (reply.ok === false) toast(text || "Failed.", "error");
  else if (text) toast(text, "success");
  return reply.ok !== false;
}

export function confirmDialog(text, confirmLabel = "Yes") {
  return new Promise((resolve) => {
    const dialog = document.createElement("dialog");
    dialog.className = "confirm";
    dialog.innerHTML = `<form method="dialog"><p>${esc(text)}</p><menu>
      <button value="no" class="btn">Cancel</button>
      <button value="yes" class="btn btn-danger" autofocus>${esc(confirmLabel)}</button></menu></form>`;
    document.body.append(dialog);
    dialog.addEventListener("close", () => { resolve(dialog.returnValue === "yes"); dialog.remove(); });
    dialog.showModal();
  });
}

export function formatPercent(ratio) {
  if (ratio === undefined || ratio === null) return "–";
  const pct = Math.round(Number(ratio) * 10000) / 100;
  return `${pct}%`;
}

export function formatPing(ms) {
  return ms === undefined || ms === null ? "–" : `${Math.round(Number(ms))} ms`;
}

// Heartbeat times are UTC "YYYY-MM-DD HH:mm:ss.SSS"; show them in the browser's zone.
export function parseTime(text) {
  if (!text) return null;
  return new Date(text.replace(" ", "T") + (text.endsWith("Z") ? "" : "Z"));
}

export function formatTime(text) {
  const date = parseTime(text);
  return date ? date.toLocaleString() : "";
}

export function formData(form) {
  const data = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === "checkbox") data[el.name] = el.checked;
    else if (el.type === "number") data[el.name] = el.value === "" ? null : Number(el.value);
    else if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
    else if (el.multiple) data[el.name] = [...el.selectedOptions].map((o) => o.value);
    else data[el.name] = el.value;
  }
  return data;
}

// Copy to the clipboard (the Clipboard API; a hidden textarea where it is not allowed), then say so.
export async function copyText(text, what = "Text") {
  try { await navigator.clipboard.writeText(text); }
  catch {
    const area = Object.assign(document.createElement("textarea"), { value: text });
    document.body.append(area); area.select(); document.execCommand("copy"); area.remove();
  }
  toast(`${what} copied.`, "success");
}

// A <select> of the IANA time zones the browser knows; `sameAsServer` puts Uptime Kuma's SAME_AS_SERVER first.
export function timezoneSelect(name, selected, { sameAsServer = false, serverZone = "", id = "" } = {}) {
  const zones = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : [];
  const all = [...new Set(["UTC", ...zones, ...(selected && selected !== "SAME_AS_SERVER" ? [selected] : [])])];
  const first = sameAsServer ? `<option value="SAME_AS_SERVER"${!selected || selected === "SAME_AS_SERVER" ? " selected" : ""}>Same as server${serverZone ? ` (${esc(serverZone)})` : ""}</option>` : "";
  return `<select name="${name}"${id ? ` id="${id}"` : ""}>${first}${all.map((z) =>
    `<option value="${esc(z)}"${z === selected ? " selected" : ""}>${esc(z.replaceAll("_", " "))}</option>`).join("")}</select>`;
}
