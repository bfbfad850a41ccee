// Dashboard home: status counts and the important events, paged.
import { state, monitorStatus } from "./state.js";
import { esc, formatTime, STATUS, STATUS_LABEL } from "./ui.js";

const PAGE = 25;
let page = 0;
let loadedVersion = -1;
let loadedPage = -1;

export function renderHome(ctx) {
  const { content, socket } = ctx;
  const counts = { up: 0, down: 0, maintenance: 0, unknown: 0, paused: 0, pending: 0 };
  for (const m of Object.values(state.monitors)) counts[monitorStatus(m)]++;
  if (ctx.routeChanged || !content.querySelector("#home")) {
    content.innerHTML = `<div id="home"><h1>Quick stats</h1><div class="stats" id="home-stats"></div>
      <div class="card"><h2>Important events</h2><div id="events"></div>
      <nav class="pager" aria-label="Events pages"><button class="btn btn-small" id="prev">Newer</button>
      <span id="page-label"></span><button class="btn btn-small" id="next">Older</button></nav></div></div>`;
    content.querySelector("#prev").addEventListener("click", () => { if (page > 0) { page--; loadEvents(ctx, true); } });
    content.querySelector("#next").addEventListener("click", () => { page++; loadEvents(ctx, true); });
    loadedVersion = -1;
  }
  content.querySelector("#home-stats").innerHTML = ["up", "down", "maintenance", "unknown", "paused"].map((k) =>
    `<div class="stat stat-${k}"><span class="stat-value">${counts[k] + (k === "unknown" ? counts.pending : 0)}</span><span class="stat-label">${k === "unknown" ? "Unknown / pending" : k[0].toUpperCase() + k.slice(1)}</span></div>`).join("");
  if (loadedVersion !== state.importantVersion || loadedPage !== page) loadEvents(ctx, false);
}

async function loadEvents(ctx, force) {
  const { socket, content } = ctx;
  loadedVersion = state.importantVersion;
  loadedPage = page;
  const [count, paged] = await Promise.all([
    socket.call("monitorImportantHeartbeatListCount", null),
    socket.call("monitorImportantHeartbeatListPaged", null, page * PAGE, PAGE),
  ]);
  const box = content.querySelector("#events");
  if (!box || !paged || !paged.ok) return;
  const total = (count && count.count) || 0;
  content.querySelector("#page-label").textContent = total ? `${page * PAGE + 1}–${Math.min(total, (page + 1) * PAGE)} of ${total}` : "";
  content.querySelector("#prev").disabled = page === 0;
  content.querySelector("#next").disabled = (page + 1) * PAGE >= total;
  box.innerHTML = paged.data.length ? `<table class="events"><thead><tr><th scope="col">Monitor</th><th scope="col">Status</th><th scope="col">Time</th><th scope="col">Message</th></tr></thead><tbody>
    ${paged.data.map((b) => {
      const m = state.monitors[b.monitorID];
      return `<tr><td>${m ? `<a href="/dashboard/${m.id}">${esc(m.name)}</a>` : esc(b.monitorID)}</td>
        <td><span class="pill pill-${STATUS[b.status]}">${STATUS_LABEL[b.status] || b.status}</span></td>
        <td>${esc(formatTime(b.time))}</td><td>${esc(b.msg)}</td></tr>`;
    }).join("")}</tbody></table>` : `<p class="muted">No important events yet.</p>`;
}
