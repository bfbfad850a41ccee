// The printable monthly report of one monitor (/report/<id>/<YYYY-MM>): the figures and outages of the kuma-only
// `getMonitorReport` event (the same report as `kuma report` and GET /api/v1/monitors/{id}/report), for a
// calendar month in the browser's time zone, with previous/next, a month picker and a Print button.
import { esc, formatPing, message } from "./ui.js";

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export function shiftMonth(month, by) {
  const [year, mon] = month.split("-").map(Number);
  const index = year * 12 + (mon - 1) + by;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

function monthLabel(month) {
  const [year, mon] = month.split("-").map(Number);
  return new Date(Date.UTC(year, mon - 1, 15)).toLocaleString(undefined, { month: "long", year: "numeric", timeZone: "UTC" });
}

// 960 → "16 min", 3725 → "1 h 2 min 5 s", 0 → "0 s".
export function formatDuration(seconds) {
  let rest = Math.round(Number(seconds) || 0);
  const parts = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]]) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count) parts.push(`${count} ${unit}`);
  }
  return parts.length ? parts.join(" ") : "0 s";
}

const formatInstant = (iso, zone) => new Date(iso).toLocaleString(undefined, { timeZone: zone });
const percent = (value) => (value === null || value === undefined ? "–" : `${value}%`);

function figures(r) {
  const outages = r.downtimeCount === 1 ? "1 outage" : `${r.downtimeCount} outages`;
  return [
    ["uptime", "Uptime", percent(r.uptimePercent), r.uptimePercent, "maintenance excluded"],
    ["downtime", "Downtime", formatDuration(r.downtimeSeconds), r.downtimeSeconds, outages],
    ["count", "Outages", String(r.downtimeCount), r.downtimeCount, ""],
    ["longest", "Longest outage", formatDuration(r.longestOutageSeconds), r.longestOutageSeconds, ""],
    ["avg", "Avg. response", formatPing(r.avgResponseMs), r.avgResponseMs, "up beats"],
    ["p95", "95th percentile", formatPing(r.p95ResponseMs), r.p95ResponseMs, "up beats"],
    ["maintenance", "Under maintenance", formatDuration(r.maintenanceSeconds), r.maintenanceSeconds, "not downtime"],
    ["unknown", "No data", formatDuration(r.unknownSeconds), r.unknownSeconds, `${r.beats} beats`],
  ].map(([key, label, text, value, sub]) => `<div class="stat" id="r-${key}" data-value="${esc(JSON.stringify(value))}">
    <span class="stat-label">${label}</span><span class="stat-value">${esc(text)}</span><span class="stat-sub muted">${esc(sub)}</span></div>`).join("");
}

function outageTable(r, zone) {
  if (!r.outages.length) return `<p class="muted" id="r-no-outages">No outages in this month.</p>`;
  return `<table class="events" id="r-outages"><thead><tr><th scope="col">Start</th><th scope="col">End</th><th scope="col">Duration</th>
    <th scope="col">Message</th></tr></thead><tbody>${r.outages.map((o) => `<tr data-start="${esc(o.start)}" data-end="${esc(o.end)}"
    data-seconds="${o.durationSeconds}"><td>${esc(formatInstant(o.start, zone))}</td><td>${o.ongoing ? "ongoing" : esc(formatInstant(o.end, zone))}</td>
    <td>${esc(formatDuration(o.durationSeconds))}</td><td>${esc(o.message)}</td></tr>`).join("")}</tbody></table>`;
}

function page(id, reply) {
  const r = reply.report;
  const zone = reply.timezone;
  return `<article class="report" id="report" data-month="${esc(reply.month)}">
    <div class="report-controls actions">
      <a class="btn" href="/dashboard/${id}">← Monitor</a>
      <a class="btn" id="r-prev" href="/report/${id}/${shiftMonth(reply.month, -1)}">Previous</a>
      <label>Month <input type="month" id="r-month" value="${esc(reply.month)}"></label>
      <a class="btn" id="r-next" href="/report/${id}/${shiftMonth(reply.month, 1)}">Next</a>
      <button class="btn btn-primary" id="r-print">Print</button></div>
    <section class="report-section card"><h1 id="r-title">${esc(r.name)} — ${esc(monthLabel(reply.month))}</h1>
      <p class="muted" id="r-period">${esc(formatInstant(r.from, zone))} – ${esc(formatInstant(r.to, zone))} (${esc(zone)})</p>
      <div class="stats" id="r-figures">${figures(r)}</div>
      <p class="muted small">Uptime = up time ÷ (up + down time). Time under maintenance is not downtime and is left out of the
        uptime; pending counts as up; time before the first beat counts nowhere.</p></section>
    <section class="report-section card"><h2>Outages</h2>${outageTable(r, zone)}</section></article>`;
}

export function renderReport(ctx, id, month) {
  const { content } = ctx;
  const key = `${id}/${month || ""}`;
  if (!ctx.routeChanged && content.dataset.report === key) return;
  content.dataset.report = key;
  content.innerHTML = `<p class="loading">Loading the report…</p>`;
  load(ctx, id, month, key);
}

async function load(ctx, id, month, key) {
  const { content, socket, navigate } = ctx;
  const reply = await socket.call("getMonitorReport", id, { month: month || null, timezone: browserZone() });
  if (content.dataset.report !== key) return;  // the user moved on meanwhile
  if (!reply || !reply.ok) {
    content.innerHTML = `<div class="card"><p role="alert">${esc(message(reply) || "The report could not be made.")}</p></div>`;
    return;
  }
  content.dataset.report = `${id}/${reply.month}`;
  if (!month) history.replaceState(null, "", `/report/${id}/${reply.month}`);
  content.innerHTML = page(id, reply);
  content.querySelector("#r-print").addEventListener("click", () => window.print());
  content.querySelector("#r-month").addEventListener("change", (event) => {
    if (/^\d{4}-\d{2}$/.test(event.target.value)) navigate(`/report/${id}/${event.target.value}`);
  });
}
