// kuma's smarter alerts in the dashboard: the monitor form's Dependencies / Alerting section, the detail
// page's Alerting card (upstreams, dependants, flapping, acknowledge) and the storm setting. All over the
// kuma-only events getMonitorAlerting / setMonitorAlerting / acknowledgeMonitor / get|setAlertSettings.
import { state } from "./state.js";
import { esc, message, toastReply } from "./ui.js";

const EMPTY = {
  dependsOn: [],
  flapping: { enabled: false, threshold: 5, windowMinutes: 10, stableMinutes: 10 },
  escalation: { afterMinutes: null, notificationIDList: [], repeatMinutes: null },
};

export async function loadAlerting(socket, id) {
  if (!id) return structuredClone(EMPTY);
  const reply = await socket.call("getMonitorAlerting", id);
  return reply && reply.ok ? reply.alerting : structuredClone(EMPTY);
}

const number = (name, label, value, extra) =>
  `<label for="a-${name}">${label}<input id="a-${name}" name="${name}" type="number" step="any" value="${value ?? ""}" ${extra}></label>`;

// The form section; `selfId` is left out of the upstream choices.
export function alertingSection(alerting, selfId) {
  const others = Object.values(state.monitors).filter((m) => m.id !== selfId).sort((a, b) => a.name.localeCompare(b.name));
  const up = new Set(alerting.dependsOn);
  const esc2 = new Set(alerting.escalation.notificationIDList);
  const f = alerting.flapping, e = alerting.escalation;
  return `<fieldset id="alerting" data-alerting><legend>Dependencies</legend>
      <p class="muted">While an upstream is down, this monitor's alerts are held back; the upstream's alert names it.</p>
      <div class="choice-list">${others.length ? others.map((m) =>
        `<label class="check"><input type="checkbox" name="dep-${m.id}"${up.has(m.id) ? " checked" : ""}> ${esc(m.name)}</label>`).join("")
        : `<p class="muted">No other monitors yet.</p>`}</div></fieldset>
    <fieldset data-alerting><legend>Alerting</legend>
      <label class="check"><input type="checkbox" name="flapEnabled"${f.enabled ? " checked" : ""}> Flapping detection (one alert, then quiet until stable)</label>
      ${number("flapThreshold", "More than this many state changes …", f.threshold, 'min="1"')}
      ${number("flapWindow", "… within minutes", f.windowMinutes, 'min="0.01"')}
      ${number("flapStable", "Stable again after minutes without a change", f.stableMinutes, 'min="0.01"')}
      ${number("repeatMinutes", "Repeat the DOWN alert every minutes until acknowledged (empty = off)", e.repeatMinutes, 'min="0.01"')}
      ${number("escalateAfter", "Escalate when down longer than minutes (empty = off)", e.afterMinutes, 'min="0"')}
      <p class="muted">Escalation notifications:</p>${state.notifications.map((n) =>
        `<label class="check"><input type="checkbox" name="esc-${n.id}"${esc2.has(n.id) ? " checked" : ""}> ${esc(n.name)}</label>`).join("")}
    </fieldset>`;
}

// Read the section back (the form's own `formData` would mix these keys into the monitor).
export function alertingFromForm(form) {
  const value = (name) => { const el = form.elements[name]; return el && el.value !== "" ? Number(el.value) : null; };
  const checked = (prefix) => [...form.querySelectorAll(`[data-alerting] input[name^="${prefix}"]`)]
    .filter((i) => i.checked).map((i) => Number(i.name.slice(prefix.length)));
  return {
    dependsOn: checked("dep-"),
    flapping: { enabled: form.elements.flapEnabled.checked, threshold: value("flapThreshold") ?? 5,
      windowMinutes: value("flapWindow") ?? 10, stableMinutes: value("flapStable") ?? 10 },
    escalation: { afterMinutes: value("escalateAfter"), notificationIDList: checked("esc-"), repeatMinutes: value("repeatMinutes") },
  };
}

export function stripAlertingFields(data) {
  for (const key of Object.keys(data)) {
    if (/^(dep-|esc-)/.test(key) || ["flapEnabled", "flapThreshold", "flapWindow", "flapStable", "repeatMinutes", "escalateAfter"].includes(key)) delete data[key];
  }
}

export async function saveAlerting(socket, id, alerting) {
  return socket.call("setMonitorAlerting", id, alerting);
}

const link = (mid) => `<a href="/dashboard/${mid}">${esc(state.monitors[mid]?.name ?? `#${mid}`)}</a>`;

// The detail page's card: upstreams, dependants, flapping, held, acknowledge.
export async function renderAlertingCard(ctx, id) {
  const box = ctx.content.querySelector("#d-alerting");
  if (!box) return;
  const reply = await ctx.socket.call("getMonitorAlerting", id);
  if (!reply || !reply.ok || !document.body.contains(box)) return;
  const ups = reply.alerting.dependsOn, downs = reply.dependants;
  const badges = [reply.flapping ? `<span class="pill pill-pending" id="d-flapping">Flapping</span>` : "",
    reply.heldByUpstream ? `<span class="pill pill-maintenance">Alerts held: upstream down</span>` : ""].join(" ");
  box.innerHTML = `<div class="card-head"><h2>Dependencies and alerting</h2>${badges}</div>
    <p id="d-depends">Depends on: ${ups.length ? ups.map(link).join(", ") : `<span class="muted">nothing</span>`}</p>
    <p id="d-dependants">Dependants: ${downs.length ? downs.map(link).join(", ") : `<span class="muted">none</span>`}</p>
    ${reply.outage && !reply.acknowledged ? `<button class="btn" id="d-ack">Acknowledge outage</button>` : ""}
    ${reply.acknowledged ? `<p class="muted">Outage acknowledged: no more repeats or escalation.</p>` : ""}`;
  box.querySelector("#d-ack")?.addEventListener("click", async () => {
    toastReply(await ctx.socket.call("acknowledgeMonitor", id));
    renderAlertingCard(ctx, id);
  });
}

// Settings → Notifications: storm control.
export async function stormSettings(socket, box) {
  const reply = await socket.call("getAlertSettings");
  const s = reply && reply.ok ? reply.settings : { stormThreshold: 0, stormWindowSeconds: 30 };
  box.innerHTML = `<form class="card" id="storm-form"><h2>Alert storms</h2>
    <p class="muted">When more monitors than this go down (or up) within the window, each notification gets one summary. 0 = off; alerts then wait up to the window.</p>
    ${number("stormThreshold", "More than this many monitors", s.stormThreshold, 'min="0"')}
    ${number("stormWindowSeconds", "Window (seconds)", s.stormWindowSeconds, 'min="1"')}
    <p class="form-error" role="alert"></p><div class="actions"><button class="btn btn-primary">Save</button></div></form>`;
  const form = box.querySelector("#storm-form");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const saved = await socket.call("setAlertSettings", {
      stormThreshold: Number(form.elements.stormThreshold.value), stormWindowSeconds: Number(form.elements.stormWindowSeconds.value) });
    if (!toastReply(saved)) form.querySelector(".form-error").textContent = message(saved);
  });
}
