// Monitor detail: status, target, live beat bar, pings, uptime, certificate, chart, events and actions.
import { state, monitorStatus, lastBeat } from "./state.js";
import { esc, formatPercent, formatPing, formatTime, toastReply, confirmDialog, STATUS, STATUS_LABEL } from "./ui.js";
import { beatBar, pingChart, bindChart, bindBeatBar } from "./charts.js";
import { renderPushPanel } from "./push.js";
import { renderAlertingCard } from "./alerting.js";
import { wantBars } from "./bars.js";
import { fullMonitor } from "./monitor.js";

let chartPeriod = 24;
let chartFor = null;
let chartTimer = null;
let lastChartLoad = 0;

const WEB_TYPES = ["http", "keyword", "json-query", "real-browser", "grpc-keyword", "websocket-upgrade"];

function target(m) {
  if (m.type === "port") return `${m.hostname}:${m.port}`;
  if (["ping", "dns", "tailscale-ping"].includes(m.type)) return m.hostname || "";
  if (m.type === "push") return "Push monitor";
  if (m.type === "group") return m.loaded ? `${(m.childrenIDs || []).length} child monitors` : "";
  return m.url || m.hostname || "";
}

// The groups above a monitor, outermost first, each a link.
function crumbs(m) {
  const chain = [];
  for (let p = state.monitors[m.parent]; p && chain.length < 10; p = state.monitors[p.parent]) chain.unshift(p);
  return chain.map((g) => `<a href="/dashboard/${g.id}">${esc(g.name)}</a>`).join(" / ");
}

export function renderDetail(ctx, id) {
  const { content, socket, navigate } = ctx;
  const m = fullMonitor(socket, id);  // the list's slim entry, with the rest once getMonitor answered
  if (!m) { content.innerHTML = `<div class="card"><p>Monitor not found.</p></div>`; return; }
  wantBars([id], 100);  // its whole bar, 30-day and 1-year uptime, certificate (light start)
  if (ctx.routeChanged || content.dataset.monitor !== String(id)) {
    content.dataset.monitor = String(id);
    content.innerHTML = `<article class="detail">
      <header class="detail-head"><div><nav class="breadcrumb" id="d-crumbs" aria-label="Group"></nav><h1 id="d-name"></h1><p class="muted" id="d-target"></p><p id="d-description" hidden></p><p id="d-tags"></p></div>
        <div class="actions">
          <button class="btn" id="d-toggle"></button>
          <a class="btn" href="/edit/${id}">Edit</a><a class="btn" id="d-report" href="/report/${id}">Report</a><a class="btn" href="/clone/${id}">Clone</a>
          <button class="btn btn-danger" id="d-delete">Delete</button></div></header>
      <div class="card" id="d-push" hidden></div>
      <div class="card beat-card"><div id="d-beats"></div><p id="d-last" class="muted"></p></div>
      <div class="stats" id="d-stats"></div>
      <div class="card"><div class="card-head"><h2>Response time</h2>
        <div class="segmented" role="group" aria-label="Chart period">${[[3, "3h"], [6, "6h"], [24, "24h"], [168, "1w"], [720, "30d"]].map(([h, l]) =>
          `<button class="btn btn-small" data-period="${h}">${l}</button>`).join("")}</div></div><div id="d-chart"></div></div>
      <div class="card" id="d-alerting"></div>
      <div class="card"><div class="card-head"><h2>Important events</h2><div class="actions">
        <button class="btn btn-small" id="d-clear-events">Clear events</button>
        <button class="btn btn-small btn-danger" id="d-clear-beats">Clear data</button></div></div><div id="d-events"></div></div></article>`;
    content.querySelector("#d-toggle").addEventListener("click", async () => {
      const monitor = state.monitors[id];
      toastReply(await socket.call(monitor.active ? "pauseMonitor" : "resumeMonitor", id));
    });
    content.querySelector("#d-delete").addEventListener("click", async () => {
      if (!(await confirmDialog(`Delete “${state.monitors[id]?.name}” and all its history?`, "Delete"))) return;
      if (toastReply(await socket.call("deleteMonitor", id, false))) navigate("/dashboard");
    });
    content.querySelector("#d-clear-events").addEventListener("click", async () => {
      if (!(await confirmDialog("Clear this monitor's important events?", "Clear"))) return;
      if (toastReply(await socket.call("clearEvents", id))) loadEvents(ctx, id);
    });
    content.querySelector("#d-clear-beats").addEventListener("click", async () => {
      if (!(await confirmDialog("Delete all heartbeats of this monitor?", "Clear data"))) return;
      if (toastReply(await socket.call("clearHeartbeats", id))) { state.beats[id] = []; loadEvents(ctx, id); loadChart(ctx, id); }
    });
    if (m.type === "push") renderPushPanel(ctx, id);
    content.querySelectorAll("[data-period]").forEach((b) => b.addEventListener("click", () => {
      chartPeriod = Number(b.dataset.period); loadChart(ctx, id);
    }));
    loadChart(ctx, id);
    loadEvents(ctx, id);
    renderAlertingCard(ctx, id);
  }
  const status = monitorStatus(m);
  content.querySelector("#d-name").innerHTML = `<span class="pill pill-${status}">${status}</span> ${esc(m.name)}`;
  const linkable = WEB_TYPES.includes(m.type) && /^https?:\/\/[^/]/.test(m.url || "");
  content.querySelector("#d-target").innerHTML = linkable ? `<a href="${esc(m.url)}" target="_blank" rel="noopener">${esc(target(m))}</a>` : esc(target(m));
  content.querySelector("#d-crumbs").innerHTML = crumbs(m);
  const description = content.querySelector("#d-description");
  description.textContent = m.description || "";
  description.hidden = !m.description;
  content.querySelector("#d-tags").innerHTML = (m.tags || []).map((t) => `<span class="tag" style="--tag:${esc(t.color)}">${esc(t.name)}${t.value ? `:${esc(t.value)}` : ""}</span>`).join("");
  content.querySelector("#d-toggle").textContent = m.active ? "Pause" : "Resume";
  content.querySelector("#d-beats").innerHTML = beatBar(state.beats[id], 60);
  bindBeatBar(content.querySelector(".beat-card"), state.beats[id], 60);
  const beat = lastBeat(id);
  content.querySelector("#d-last").textContent = beat ? `${STATUS_LABEL[beat.status]} · ${formatTime(beat.time)} · ${beat.msg || ""}` : "No heartbeat yet.";
  const cert = state.certInfo[id];
  const certText = cert && cert.certInfo ? `${cert.certInfo.daysRemaining} days` : "–";
  content.querySelector("#d-stats").innerHTML = [
    ["Response", formatPing(beat ? beat.ping : null), "current"],
    ["Avg. response", formatPing(state.avgPing[id]), "24 hours"],
    ["Uptime", formatPercent(state.uptime[`${id}_24`]), "24 hours"],
    ["Uptime", formatPercent(state.uptime[`${id}_720`]), "30 days"],
    ["Uptime", formatPercent(state.uptime[`${id}_1y`]), "1 year"],
    ...(WEB_TYPES.includes(m.type) && (m.url || "").startsWith("https://") ? [["Cert expiry", certText, cert?.valid === false ? "invalid" : ""]] : []),
  ].map(([label, value, sub]) => `<div class="stat"><span class="stat-label">${label}</span><span class="stat-value">${esc(value)}</span><span class="stat-sub muted">${esc(sub)}</span></div>`).join("");
  content.querySelectorAll("[data-period]").forEach((b) => b.classList.toggle("active", Number(b.dataset.period) === chartPeriod));
  if (beat && content.dataset.lastBeat !== beat.time) {
    content.dataset.lastBeat = beat.time;
    if (Date.now() - lastChartLoad > 10000) loadChart(ctx, id);  // follow live beats, at most every 10 s
  }
  if (beat && beat.important && content.dataset.lastImportant !== beat.time) {
    content.dataset.lastImportant = beat.time;
    loadEvents(ctx, id);
    renderAlertingCard(ctx, id);  // flapping, held and outage follow the important beats
  }
}

async function loadChart(ctx, id) {
  chartFor = id;
  lastChartLoad = Date.now();
  clearTimeout(chartTimer);
  const reply = await ctx.socket.call("getMonitorChartData", id, chartPeriod);
  const box = ctx.content.querySelector("#d-chart");
  if (box && reply && reply.ok && chartFor === id) {
    box.innerHTML = pingChart(reply.data, { hours: chartPeriod });
    bindChart(box, reply.data, { hours: chartPeriod });
  }
  chartTimer = setTimeout(() => { if (chartFor === id && document.body.contains(box)) loadChart(ctx, id); }, 60000);
}

async function loadEvents(ctx, id) {
  const reply = await ctx.socket.call("monitorImportantHeartbeatListPaged", id, 0, 25);
  const box = ctx.content.querySelector("#d-events");
  if (!box || !reply || !reply.ok) return;
  box.innerHTML = reply.data.length ? `<table class="events"><thead><tr><th scope="col">Status</th><th scope="col">Time</th><th scope="col">Message</th></tr></thead><tbody>${reply.data.map((b) =>
    `<tr><td><span class="pill pill-${STATUS[b.status]}">${STATUS_LABEL[b.status]}</span></td><td>${esc(formatTime(b.time))}</td><td>${esc(b.msg)}</td></tr>`).join("")}</tbody></table>`
    : `<p class="muted">No important events.</p>`;
}
