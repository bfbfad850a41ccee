// Inline SVG: the heartbeat bar and the response-time chart.
import { esc, STATUS, formatTime } from "./ui.js";

// The last `count` beats as coloured bars, newest on the right.
export function beatBar(beats, count = 40, { small = false } = {}) {
  const list = (beats || []).slice(-count);
  const width = small ? 6 : 10, gap = small ? 2 : 3, height = small ? 16 : 28;
  const pad = count - list.length;
  const bars = list.map((b, i) => {
    const x = (pad + i) * (width + gap);
    const title = `${formatTime(b.time)} ${b.msg || ""}`;
    return `<rect class="beat beat-${STATUS[b.status] || "empty"}" data-i="${pad + i}" x="${x}" y="0" rx="2" width="${width}" height="${height}"><title>${esc(title)}</title></rect>`;
  });
  const empty = Array.from({ length: pad }, (_, i) =>
    `<rect class="beat beat-empty" x="${i * (width + gap)}" y="0" rx="2" width="${width}" height="${height}"/>`);
  const total = count * (width + gap) - gap;
  return `<svg class="beat-bar" viewBox="0 0 ${total} ${height}" preserveAspectRatio="xMaxYMid meet" role="img" aria-label="Recent heartbeats">${empty.join("")}${bars.join("")}</svg>`;
}

// Buckets from getMonitorChartData (newest first): avg ping line with min/max band, DOWN and maintenance
// buckets shaded, time ticks, the unit, and the period's min/avg/max as reference lines. `bindChart` adds
// the hover crosshair with the bucket's values.
const PAD = { l: 52, r: 10, t: 12, b: 26 };

function timeLabel(t, span) {
  const d = new Date(t * 1000);
  if (span > 2 * 86400) return d.toLocaleDateString([], { month: "short", day: "numeric" });
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// The x domain is the chosen period up to now (or the data's own span when no period is given).
function scales(data, width, height, hours) {
  const last = data[data.length - 1].timestamp;
  const t1 = hours ? Math.max(last, Date.now() / 1000) : last || data[0].timestamp + 1;
  const t0 = hours ? t1 - hours * 3600 : data[0].timestamp;
  const maxPing = Math.max(10, ...data.map((d) => d.maxPing || d.avgPing || 0));
  const x = (t) => PAD.l + ((t - t0) / Math.max(1, t1 - t0)) * (width - PAD.l - PAD.r);
  const y = (v) => height - PAD.b - (v / maxPing) * (height - PAD.t - PAD.b);
  return { t0, t1, maxPing, x, y };
}

function referenceLines(withPing, y, width) {
  if (withPing.length < 2) return "";
  const avg = withPing.reduce((sum, d) => sum + d.avgPing, 0) / withPing.length;
  const min = Math.min(...withPing.map((d) => d.minPing ?? d.avgPing));
  const max = Math.max(...withPing.map((d) => d.maxPing ?? d.avgPing));
  return [["min", min], ["avg", avg], ["max", max]].map(([name, v]) =>
    `<line class="chart-ref chart-ref-${name}" x1="${PAD.l}" x2="${width - PAD.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>
     <text class="chart-axis chart-ref-label" x="${width - PAD.r - 2}" y="${(y(v) - 3).toFixed(1)}" text-anchor="end">${name} ${Math.round(v)} ms</text>`).join("");
}

export function pingChart(buckets, { width = 800, height = 220, hours = null } = {}) {
  const data = [...(buckets || [])].reverse();
  if (!data.length) return `<p class="muted">No data yet.</p>`;
  const { t0, t1, maxPing, x, y } = scales(data, width, height, hours);
  const withPing = data.filter((d) => d.up > 0);
  const line = withPing.map((d, i) => `${i ? "L" : "M"}${x(d.timestamp).toFixed(1)},${y(d.avgPing).toFixed(1)}`).join("");
  const band = withPing.length ? withPing.map((d, i) => `${i ? "L" : "M"}${x(d.timestamp).toFixed(1)},${y(d.maxPing).toFixed(1)}`).join("")
    + [...withPing].reverse().map((d) => `L${x(d.timestamp).toFixed(1)},${y(d.minPing).toFixed(1)}`).join("") + "Z" : "";
  const dots = withPing.length < 3 ? withPing.map((d) => `<circle class="chart-dot" cx="${x(d.timestamp).toFixed(1)}" cy="${y(d.avgPing).toFixed(1)}" r="3"/>`).join("") : "";
  const bucket = data.length > 1 ? data[1].timestamp - data[0].timestamp : 60;
  const step = Math.max(2, (x(t0 + bucket) - x(t0)));
  const shade = (kind, pick) => data.filter(pick).map((d) =>
    `<rect class="chart-${kind}" x="${(x(d.timestamp) - step / 2).toFixed(1)}" y="${PAD.t}" width="${Math.max(2, step).toFixed(1)}" height="${height - PAD.t - PAD.b}"/>`).join("");
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = Math.round(maxPing * f);
    return `<text class="chart-axis" x="${PAD.l - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text><line class="chart-grid" x1="${PAD.l}" x2="${width - PAD.r}" y1="${y(v)}" y2="${y(v)}"/>`;
  });
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = t0 + (t1 - t0) * f;
    const anchor = f === 0 ? "start" : f === 1 ? "end" : "middle";
    return `<line class="chart-tick" x1="${x(t)}" x2="${x(t)}" y1="${height - PAD.b}" y2="${height - PAD.b + 4}"/>
      <text class="chart-axis chart-time" x="${x(t)}" y="${height - 6}" text-anchor="${anchor}">${timeLabel(t, t1 - t0)}</text>`;
  });
  return `<div class="chart-box"><svg class="ping-chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Response time chart, milliseconds over time">
    <text class="chart-axis chart-unit" x="4" y="${PAD.t + 2}">ms</text>
    ${yTicks.join("")}${shade("down", (d) => d.down > 0)}${shade("maintenance", (d) => d.maintenance > 0)}
    <path class="chart-band" d="${band}"/><path class="chart-line" d="${line}"/>${dots}${referenceLines(withPing, y, width)}
    ${xTicks.join("")}<line class="chart-cursor" x1="0" x2="0" y1="${PAD.t}" y2="${height - PAD.b}" visibility="hidden"/></svg>
    <div class="chart-tip" role="tooltip" hidden></div></div>`;
}

// Hover (and touch): a vertical line on the nearest bucket and a tip with its time and values.
export function bindChart(box, buckets, { width = 800, height = 220, hours = null } = {}) {
  const data = [...(buckets || [])].reverse();
  const svg = box.querySelector(".ping-chart");
  if (!svg || !data.length) return;
  const { x } = scales(data, width, height, hours);
  const cursor = svg.querySelector(".chart-cursor"), tip = box.querySelector(".chart-tip");
  const move = (event) => {
    const rect = svg.getBoundingClientRect();
    const px = ((event.clientX - rect.left) / rect.width) * width;
    let best = data[0];
    for (const d of data) if (Math.abs(x(d.timestamp) - px) < Math.abs(x(best.timestamp) - px)) best = d;
    const cx = x(best.timestamp);
    cursor.setAttribute("x1", cx); cursor.setAttribute("x2", cx); cursor.setAttribute("visibility", "visible");
    const ping = best.up > 0 ? `${Math.round(best.avgPing)} ms (min ${Math.round(best.minPing)}, max ${Math.round(best.maxPing)})` : "no response";
    tip.textContent = `${formatTime(new Date(best.timestamp * 1000).toISOString())} · ${ping} · up ${best.up}, down ${best.down}`;
    tip.hidden = false;
    tip.style.left = `${Math.min(rect.width - 220, Math.max(0, (cx / width) * rect.width - 110))}px`;
  };
  svg.addEventListener("pointermove", move);
  svg.addEventListener("pointerleave", () => { cursor.setAttribute("visibility", "hidden"); tip.hidden = true; });
}

// A beat bar's details on hover or focus (the bar's rects carry their index), in one shared tip.
export function bindBeatBar(container, beats, count) {
  const list = (beats || []).slice(-count);
  const pad = count - list.length;
  let tip = container.querySelector(".beat-tip");
  if (!tip) { tip = Object.assign(document.createElement("div"), { className: "beat-tip", hidden: true }); tip.setAttribute("role", "tooltip"); container.append(tip); }
  container.onpointermove = (event) => {
    const rect = event.target.closest("rect.beat");
    const index = rect ? Number(rect.dataset.i) - pad : -1;
    const b = list[index];
    if (!b) { tip.hidden = true; return; }
    tip.textContent = `${STATUS[b.status] || "unknown"} · ${formatTime(b.time)}${b.ping != null ? ` · ${b.ping} ms` : ""}${b.msg ? ` · ${b.msg}` : ""}`;
    tip.hidden = false;
  };
  container.onpointerleave = () => { tip.hidden = true; };
}
