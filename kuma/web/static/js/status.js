// Keeps a server-rendered status page fresh from the public JSON endpoints.
const STATUS = { 0: "down", 1: "up", 2: "pending", 3: "maintenance" };
const slug = location.pathname.split("/")[2] || "default";
const interval = Math.max(30, Number(window.preloadData?.config?.autoRefreshInterval || 300)) * 1000;

function bar(beats) {
  const recent = beats.slice(-50);
  const cells = Array(50 - recent.length).fill('<span class="sp-beat sp-beat-empty"></span>');
  for (const b of recent) cells.push(`<span class="sp-beat sp-beat-${STATUS[b.status] || "empty"}" title="${b.time} UTC"></span>`);
  return cells.join("");
}

function apply(data) {
  const last = [];
  for (const row of document.querySelectorAll(".sp-monitor")) {
    const beats = data.heartbeatList[row.dataset.id] || [];
    const pill = row.querySelector(".sp-pill");
    const ratio = data.uptimeList[`${row.dataset.id}_24`];
    const status = beats.length ? STATUS[beats[beats.length - 1].status] : "unknown";
    if (beats.length) last.push(beats[beats.length - 1].status);
    pill.className = `sp-pill sp-${status}`;
    pill.textContent = typeof ratio === "number" ? `${Math.round(ratio * 10000) / 100}%` : "–";
    row.querySelector(".sp-beats").innerHTML = bar(beats);
  }
  const summary = document.getElementById("sp-summary");
  const downs = last.filter((s) => s === 0).length, ups = last.filter((s) => s === 1).length;
  const [text, cls] = !last.length ? ["No Services", "unknown"] : last.includes(3) ? ["Under maintenance", "maintenance"]
    : downs === 0 ? ["All Systems Operational", "up"] : ups === 0 ? ["Degraded Service", "down"] : ["Partially Degraded Service", "pending"];
  summary.textContent = text;
  summary.className = `sp-summary sp-${cls}`;
  document.getElementById("sp-updated").textContent = `Updated ${new Date().toLocaleTimeString()}`;
}

async function refresh() {
  try {
    const response = await fetch(`/api/status-page/heartbeat/${encodeURIComponent(slug)}`);
    if (response.ok) apply(await response.json());
  } catch { /* offline: keep what is shown */ }
}

if (window.preloadBeats) apply(window.preloadBeats);
setInterval(refresh, interval);
