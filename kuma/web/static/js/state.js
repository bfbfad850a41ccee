// Everything the server has told us, kept current from its events. Views read it; nothing else writes it.
export const state = {
  connected: false,
  loggedIn: false,
  needSetup: false,
  info: {},
  monitors: {},          // id → Monitor object
  beats: {},             // id → raw heartbeat rows / Heartbeat objects, oldest first (last 100)
  avgPing: {},           // id → ms
  uptime: {},            // `${id}_${period}` → ratio
  certInfo: {},          // id → parsed TLS info
  notifications: [],
  proxies: [],
  apiKeys: [],
  dockerHosts: [],
  remoteBrowsers: [],
  maintenance: {},
  statusPages: {},
  monitorTypes: {},
  importantVersion: 0,   // bumps when an important beat arrives (the events table refetches)
};

const listeners = new Set();
let scheduled = false;

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Coalesce bursts of events (a login burst is thousands) into one render per frame.
export function changed() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    for (const fn of listeners) fn();
  });
}

const MAX_BEATS = 100;

function normaliseBeat(beat) {
  return { ...beat, monitorID: Number(beat.monitorID ?? beat.monitor_id) };
}

export function wire(socket) {
  const set = (key) => (value) => { state[key] = value; changed(); };
  socket.on("info", (info) => { state.info = { ...state.info, ...info }; changed(); });
  socket.on("setup", () => { state.needSetup = true; changed(); });
  socket.on("monitorList", (list) => { state.monitors = list || {}; changed(); });
  socket.on("updateMonitorIntoList", (list) => { Object.assign(state.monitors, list); changed(); });
  socket.on("deleteMonitorFromList", (id) => { delete state.monitors[id]; delete state.beats[id]; changed(); });
  socket.on("monitorTypeList", set("monitorTypes"));
  socket.on("notificationList", set("notifications"));
  socket.on("proxyList", set("proxies"));
  socket.on("apiKeyList", set("apiKeys"));
  socket.on("dockerHostList", set("dockerHosts"));
  socket.on("remoteBrowserList", set("remoteBrowsers"));
  socket.on("maintenanceList", set("maintenance"));
  socket.on("statusPageList", set("statusPages"));
  socket.on("heartbeatList", (id, rows, overwrite) => {
    const list = (rows || []).map(normaliseBeat);
    state.beats[Number(id)] = overwrite || !state.beats[Number(id)] ? list : mergeBeats(state.beats[Number(id)], list);
    changed();
  });
  socket.on("heartbeat", (beat) => {
    const b = normaliseBeat(beat);
    const list = state.beats[b.monitorID] || (state.beats[b.monitorID] = []);
    list.push(b);
    if (list.length > MAX_BEATS) list.splice(0, list.length - MAX_BEATS);
    if (b.important) state.importantVersion++;
    changed();
  });
  socket.on("avgPing", (id, value) => { state.avgPing[Number(id)] = value; changed(); });
  socket.on("uptime", (id, period, value) => { state.uptime[`${Number(id)}_${period}`] = value; changed(); });
  socket.on("certInfo", (id, text) => {
    try { state.certInfo[Number(id)] = JSON.parse(text); } catch { /* keep the old one */ }
    changed();
  });
}

function mergeBeats(existing, incoming) {
  const seen = new Set(existing.map((b) => b.time));
  return [...existing, ...incoming.filter((b) => !seen.has(b.time))].slice(-MAX_BEATS);
}

export function lastBeat(id) {
  const list = state.beats[id];
  return list && list.length ? list[list.length - 1] : null;
}

// The status a monitor shows in lists: paused, maintenance, last beat's, or unknown.
export function monitorStatus(monitor) {
  if (!monitor.active) return "paused";
  if (monitor.maintenance) return "maintenance";
  const beat = lastBeat(monitor.id);
  if (!beat) return "unknown";
  return { 0: "down", 1: "up", 2: "pending", 3: "maintenance" }[beat.status] || "unknown";
}

export function resetSession() {
  Object.assign(state, { loggedIn: false, monitors: {}, beats: {}, avgPing: {}, uptime: {}, certInfo: {},
    notifications: [], proxies: [], apiKeys: [], maintenance: {}, statusPages: {} });
  changed();
}
