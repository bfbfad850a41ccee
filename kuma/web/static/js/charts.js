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
    return `<rect class="beat beat-${STATUS[b.status] || "empty"}" x="${x}" y="0" rx="2" width="${width}" height="${height}"><title>${esc(title)}</title></rect>`;
  });
  const empty = Array.from({ length: pad }, (_, i) =>
    `<rect class="beat beat-empty" x="${i * (width + gap)}" y="0" rx="2" width="${width}" height="${height}"/>`);
  const total = count * (width + gap) - gap;
  return `<svg class="beat-bar" viewBox="0 0 ${total} ${height}" preserveAspectRatio="xMaxYMid meet" role="img" aria-label="Recent heartbeats">${empty.join("")}${bars.join("")}</svg>`;
}

// Buckets from getMonitorChartData (newest first): avg ping line with min/max band, down buckets shaded.
export function pingChart(buckets, { width = 800, height = 220 } = {}) {
  const data = [...(buckets || [])].reverse();
  if (!data.length) return `<p class="muted">No data yet.</p>`;
  const pad = { l: 44, r: 8, t: 10, b: 22 };
  const t0 = data[0].timestamp, t1 = data[data.length - 1].timestamp || t0 + 1;
  const maxPing = Math.max(10, ...data.map((d) => d.maxPing || d.avgPing || 0));
  const x = (t) => pad.l + ((t - t0) / Math.max(1, t1 - t0)) * (width - pad.l - pad.r);
  const y = (v) => height - pad.b - (v / maxPing) * (height - pad.t - pad.b);
  const withPing = data.filter((d) => d.up > 0);
  const line = withPing.map((d, i) => `${i ? "L" : "M"}${x(d.timestamp).toFixed(1)},${y(d.avgPing).toFixed(1)}`).join("");
  const band = withPing.length ? withPing.map((d, i) => `${i ? "L" : "M"}${x(d.timestamp).toFixed(1)},${y(d.maxPing).toFixed(1)}`).join("")
    + [...withPing].reverse().map((d) => `L${x(d.timestamp).toFixed(1)},${y(d.minPing).toFixed(1)}`).join("") + "Z" : "";
  const dots = withPing.length < 3 ? withPing.map((d) => `<circle class="chart-dot" cx="${x(d.timestamp).toFixed(1)}" cy="${y(d.avgPing).toFixed(1)}" r="3"/>`).join("") : "";
  const step = data.length > 1 ? (width - pad.l - pad.r) / data.length : 4;
  const downs = data.filter((d) => d.down > 0).map((d) =>
    `<rect class="chart-down" x="${(x(d.timestamp) - step / 2).toFixed(1)}" y="${pad.t}" width="${Math.max(2, step).toFixed(1)}" height="${height - pad.t - pad.b}"/>`);
  const ticks = [0, 0.5, 1].map((f) => {
    const v = Math.round(maxPing * f);
    return `<text class="chart-axis" x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text><line class="chart-grid" x1="${pad.l}" x2="${width - pad.r}" y1="${y(v)}" y2="${y(v)}"/>`;
  });
  const label = (t) => new Date(t * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `<svg class="ping-chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Response time chart">
    ${ticks.join("")}${downs.join("")}
    <path class="chart-band" d="${band}"/><path class="chart-line" d="${line}"/>${dots}
    <text class="chart-axis" x="${pad.l}" y="${height - 4}">${label(t0)}</text>
    <text class="chart-axis" x="${width - pad.r}" y="${height - 4}" text-anchor="end">${label(t1)}</text></svg>`;
}
