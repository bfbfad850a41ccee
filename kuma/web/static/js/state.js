// Everything the server has told us, kept current from its events. Views read it; nothing else writes it.
export const state = {
  connected: false,
  loggedIn: false,
  needSetup: false,
  info: {},
  monitors: {},          // id → Monitor object (slim after the light start: getMonitor has the rest, monitor.js)
  monitorsVersion: 0,    // bumps whenever state.monitors changes (the list keeps its order until then)
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
  lightStart: false,     // the server sent kumaStart: bars come on demand (bars.js)
  beatsDepth: {},        // id → how many of its last beats state.beats holds for sure (100 after heartbeatList)
  session: 0,            // bumps at each kumaStart, so bars asked for before a re-login are dropped
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
  socket.on("monitorList", (list) => { state.monitors = list || {}; state.monitorsVersion++; changed(); });
  socket.on("updateMonitorIntoList", (list) => { Object.assign(state.monitors, list); state.monitorsVersion++; changed(); });
  socket.on("deleteMonitorFromList", (id) => {
    delete state.monitors[id]; delete state.beats[id]; delete state.beatsDepth[id]; state.monitorsVersion++; changed();
  });
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
    state.beatsDepth[Number(id)] = MAX_BEATS;
    changed();
  });
  socket.on("kumaStart", startLight);
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

// kuma's light start: each monitor's latest beat (status, time, msg, ping); its bar and figures follow on
// demand (bars.js). It comes right after the (slim) monitorList, before the other lists and the login ack.
function startLight({ latest = {} } = {}) {
  Object.assign(state, { lightStart: true, beatsDepth: {}, beats: {}, session: state.session + 1 });
  for (const [id, beat] of Object.entries(latest)) state.beats[Number(id)] = [{ ...beat, monitorID: Number(id) }];
  changed();
}

// A getMonitorBars reply: the last `depth` beats of each monitor (plus any live beat newer than them).
export function applyBars(reply, depth) {
  for (const [key, rows] of Object.entries(reply.heartbeatList || {})) {
    const id = Number(key);
    const list = rows.map(normaliseBeat);
    const last = list.length ? list[list.length - 1].time : "";
    const live = (state.beats[id] || []).filter((b) => b.time > last);
    state.beats[id] = [...list, ...live].slice(-MAX_BEATS);
    state.beatsDepth[id] = Math.max(depth, state.beatsDepth[id] || 0);
  }
  for (const [id, value] of Object.entries(reply.avgPing || {})) state.avgPing[Number(id)] = value;
  for (const [id, periods] of Object.entries(reply.uptime || {})) {
    for (const [period, value] of Object.entries(periods)) state.uptime[`${Number(id)}_${period}`] = value;
  }
  for (const [id, text] of Object.entries(reply.certInfo || {})) {
    try { state.certInfo[Number(id)] = JSON.parse(text); } catch { /* keep the old one */ }
  }
  changed();
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
  Object.assign(state, { loggedIn: false, monitors: {}, monitorsVersion: state.monitorsVersion + 1, beats: {}, beatsDepth: {}, avgPing: {}, uptime: {}, certInfo: {},
    notifications: [], proxies: [], apiKeys: [], maintenance: {}, statusPages: {} });
  changed();
}
