// The monitor list in the sidebar: search, filters, group nesting, and only the visible rows in the DOM,
// so 2,000 monitors scroll as smoothly as 20.
import { state, monitorStatus } from "./state.js";
import { esc, formatPercent, toast, confirmDialog } from "./ui.js";
import { beatBar } from "./charts.js";
import { wantBars } from "./bars.js";

const ROW_HEIGHT = 56;
const ROW_BEATS = 24;  // beats a row's bar shows
const filters = { text: "", status: "", tag: "" };
let rows = [];
let lastKey = "";
// Bulk selection (a mode: rows toggle instead of navigating) and collapsed groups (kept across visits).
const selected = new Set();
let selecting = false;
const COLLAPSED_KEY = "kuma-collapsed-groups";
const collapsed = new Set(JSON.parse(localStorage.getItem(COLLAPSED_KEY) || "[]"));

function matches(monitor) {
  if (filters.status && monitorStatus(monitor) !== filters.status) return false;
  if (filters.tag && !(monitor.tags || []).some((t) => String(t.tag_id) === filters.tag)) return false;
  if (!filters.text) return true;
  const needle = filters.text.toLowerCase();
  return [monitor.name, monitor.url, monitor.hostname, monitor.dns_resolve_server,
    ...(monitor.tags || []).map((t) => `${t.name}:${t.value || ""}`)].some((v) => v && String(v).toLowerCase().includes(needle));
}

const collator = new Intl.Collator();  // localeCompare's order, without its per-call set-up (10,000 rows)

// Groups first with their children indented below them; alphabetical within a level.
function orderedRows() {
  const all = Object.values(state.monitors);
  const byName = (a, b) => collator.compare(String(a.name), String(b.name));
  if (filters.text || filters.status || filters.tag) return all.filter(matches).sort(byName).map((m) => ({ m, depth: 0 }));
  const children = new Map();
  for (const m of all) {
    const key = m.parent && state.monitors[m.parent] ? m.parent : 0;
    if (!children.has(key)) children.set(key, []);
    children.get(key).push(m);
  }
  const out = [];
  const walk = (key, depth) => {
    for (const m of (children.get(key) || []).sort(byName)) {
      out.push({ m, depth, hasChildren: children.has(m.id) });
      if (depth < 8 && !collapsed.has(m.id)) walk(m.id, depth + 1);
    }
  };
  walk(0, 0);
  return out;
}

export function bindMonitorList(sidebar, socket) {
  const tags = new Map();
  for (const m of Object.values(state.monitors)) for (const t of m.tags || []) tags.set(String(t.tag_id), t.name);
  sidebar.innerHTML = `<div class="list-tools">
      <input type="search" id="list-search" placeholder="Search monitors" aria-label="Search monitors" value="${esc(filters.text)}">
      <div class="list-filters">
        <select id="list-status" aria-label="Filter by status"><option value="">All statuses</option>
          ${["up", "down", "pending", "maintenance", "paused", "unknown"].map((s) => `<option value="${s}"${filters.status === s ? " selected" : ""}>${s[0].toUpperCase() + s.slice(1)}</option>`).join("")}
        </select>
        <select id="list-tag" aria-label="Filter by tag"><option value="">All tags</option>
          ${[...tags].map(([id, name]) => `<option value="${esc(id)}"${filters.tag === id ? " selected" : ""}>${esc(name)}</option>`).join("")}
        </select></div>
      <div class="list-bar"><p class="list-count muted" id="list-count"></p>
        <button type="button" class="btn btn-small" id="list-select" aria-pressed="false">Select</button></div>
      <div class="bulk-bar" id="bulk-bar" hidden><span id="bulk-count">0 selected</span>
        <button type="button" class="btn btn-small" data-bulk="pauseMonitor">Pause</button>
        <button type="button" class="btn btn-small" data-bulk="resumeMonitor">Resume</button>
        <button type="button" class="btn btn-small btn-danger" data-bulk="deleteMonitor">Delete</button></div></div>
    <div class="list-scroll" id="list-scroll" tabindex="0" aria-label="Monitors"><div class="list-spacer" id="list-spacer"></div></div>`;
  const rerender = () => { lastKey = ""; renderMonitorList(sidebar); };
  sidebar.querySelector("#list-search").addEventListener("input", (e) => { filters.text = e.target.value; rerender(); });
  sidebar.querySelector("#list-status").addEventListener("change", (e) => { filters.status = e.target.value; rerender(); });
  sidebar.querySelector("#list-tag").addEventListener("change", (e) => { filters.tag = e.target.value; rerender(); });
  sidebar.querySelector("#list-scroll").addEventListener("scroll", () => paint(sidebar), { passive: true });
  sidebar.querySelector("#list-select").addEventListener("click", (e) => {
    selecting = !selecting;
    selected.clear();
    e.currentTarget.setAttribute("aria-pressed", String(selecting));
    e.currentTarget.textContent = selecting ? "Done" : "Select";
    rerender();
  });
  sidebar.querySelector("#list-scroll").addEventListener("click", (e) => rowClick(e, rerender));
  sidebar.querySelector("#bulk-bar").addEventListener("click", (e) => bulk(e, socket, rerender));
}

function rowClick(event, rerender) {
  const toggle = event.target.closest("[data-collapse]");
  const row = event.target.closest(".monitor-row");
  if (!toggle && !(selecting && row)) return;
  event.preventDefault();
  event.stopPropagation();  // not a navigation
  if (toggle) {
    const id = Number(toggle.dataset.collapse);
    if (collapsed.has(id)) collapsed.delete(id); else collapsed.add(id);
    localStorage.setItem(COLLAPSED_KEY, JSON.stringify([...collapsed]));
  } else {
    const id = Number(row.dataset.id);
    if (selected.has(id)) selected.delete(id); else selected.add(id);
  }
  rerender();
}

// Pause, resume or delete every selected monitor, one event each (as a client would), then one toast.
async function bulk(event, socket, rerender) {
  const action = event.target.dataset.bulk;
  if (!action || !selected.size) return;
  const ids = [...selected];
  if (action === "deleteMonitor" && !(await confirmDialog(`Delete ${ids.length} monitors and all their history?`, "Delete"))) return;
  let failed = 0;
  for (const id of ids) {
    const reply = await socket.call(action, ...(action === "deleteMonitor" ? [id, false] : [id]));
    if (!reply || !reply.ok) failed++;
  }
  const verb = { pauseMonitor: "Paused", resumeMonitor: "Resumed", deleteMonitor: "Deleted" }[action];
  toast(failed ? `${verb} ${ids.length - failed} of ${ids.length}; ${failed} failed.` : `${verb} ${ids.length} monitors.`, failed ? "error" : "success");
  selected.clear();
  rerender();
}

// The order is worked out again only when the monitors, the filters or the groups shown change (a status
// filter follows every beat): renders come at every event, and sorting 10,000 names each time is not free.
let rowsKey = "";

export function renderMonitorList(sidebar) {
  const key = [state.monitorsVersion, filters.text, filters.tag, [...collapsed].join(","),
    filters.status ? performance.now() : ""].join("|");
  if (key !== rowsKey) { rows = orderedRows(); rowsKey = key; }
  sidebar.querySelector("#list-count").textContent = `${rows.length} monitor${rows.length === 1 ? "" : "s"}`;
  sidebar.querySelector("#bulk-bar").hidden = !selecting;
  sidebar.querySelector("#bulk-count").textContent = `${selected.size} selected`;
  sidebar.querySelector("#list-spacer").style.height = `${rows.length * ROW_HEIGHT}px`;
  lastKey = "";
  paint(sidebar);
}

function paint(sidebar) {
  const scroll = sidebar.querySelector("#list-scroll");
  const spacer = sidebar.querySelector("#list-spacer");
  const first = Math.max(0, Math.floor(scroll.scrollTop / ROW_HEIGHT) - 5);
  const last = Math.min(rows.length, first + Math.ceil((scroll.clientHeight || 800) / ROW_HEIGHT) + 10);
  // bars for the rows drawn and one screen further down (fetched once, kept current by live beats)
  wantBars(rows.slice(first, Math.min(rows.length, last + (last - first))).map((r) => r.m.id), ROW_BEATS);
  const current = Number(location.pathname.split("/")[2]);
  const key = `${first}:${last}:${current}:${performance.now() | 0}`;
  if (key === lastKey) return;
  lastKey = key;
  const html = [];
  for (let i = first; i < last; i++) {
    const { m, depth, hasChildren } = rows[i];
    const status = monitorStatus(m);
    const uptime = state.uptime[`${m.id}_24`];
    html.push(`<a href="/dashboard/${m.id}" class="monitor-row${m.id === current ? " selected" : ""}${selected.has(m.id) ? " checked" : ""}" style="top:${i * ROW_HEIGHT}px;padding-left:${12 + depth * 16}px" data-id="${m.id}">
      ${selecting ? `<span class="row-check" aria-hidden="true">${selected.has(m.id) ? "☑" : "☐"}</span>` : ""}
      ${hasChildren ? `<button type="button" class="group-toggle" data-collapse="${m.id}" aria-label="${collapsed.has(m.id) ? "Expand" : "Collapse"} ${esc(m.name)}" aria-expanded="${!collapsed.has(m.id)}">${collapsed.has(m.id) ? "▸" : "▾"}</button>` : ""}
      <span class="pill pill-${status}" title="${status}">${uptime === undefined ? "–" : formatPercent(uptime)}</span>
      <span class="monitor-name">${esc(m.name)}${(m.tags || []).slice(0, 3).map((t) => `<span class="tag" style="--tag:${esc(t.color)}">${esc(t.name)}${t.value ? `:${esc(t.value)}` : ""}</span>`).join("")}</span>
      <span class="monitor-beats">${beatBar(state.beats[m.id], ROW_BEATS, { small: true })}</span></a>`);
  }
  if (!rows.length && !Object.keys(state.monitors).length) {
    html.push(`<p class="empty-hint">No monitors yet. <a href="/add">Add your first monitor</a> — a web site, a TCP port, a push from a cron job…</p>`);
  }
  spacer.innerHTML = html.join("");
}
