// Bars on demand after kuma's light start (kuma/api/light_start.py): the views say which monitors they
// show and how many beats they draw; what state.js does not hold yet is asked for in one getMonitorBars
// per batch (collected over one task, so a scroll or a render asks once). Live `heartbeat` events keep
// what arrived current.
import { state, applyBars } from "./state.js";

const BATCH = 100;  // the server answers at most 200 monitors at once
let socket = null;
const pending = new Map();   // id → beats wanted, not asked yet
const asking = new Map();    // id → beats asked, no answer yet
let scheduled = false;

export function bindBars(s) { socket = s; }

// Make sure the last `depth` beats of these monitors are (or will soon be) in state.beats.
export function wantBars(ids, depth = 100) {
  if (!state.lightStart || !socket) return;
  for (const raw of ids) {
    const id = Number(raw);
    if ((state.beatsDepth[id] || 0) >= depth || (asking.get(id) || 0) >= depth) continue;
    pending.set(id, Math.max(depth, pending.get(id) || 0));
  }
  if (pending.size && !scheduled) {
    scheduled = true;
    setTimeout(flush, 0);
  }
}

function flush() {
  scheduled = false;
  const byDepth = new Map();
  for (const [id, depth] of pending) {
    if (!byDepth.has(depth)) byDepth.set(depth, []);
    byDepth.get(depth).push(id);
  }
  pending.clear();
  for (const [depth, ids] of byDepth) {
    for (let n = 0; n < ids.length; n += BATCH) ask(ids.slice(n, n + BATCH), depth);
  }
}

async function ask(ids, depth) {
  const session = state.session;
  for (const id of ids) asking.set(id, depth);
  let reply = null;
  try { reply = await socket.call("getMonitorBars", ids, depth); } catch { /* disconnected: asked again later */ }
  for (const id of ids) if (asking.get(id) === depth) asking.delete(id);
  if (!reply || session !== state.session) return;  // lost, or from before a re-login
  // monitors the answer leaves out (deleted meanwhile) or a refusal: nothing more to fetch for them
  for (const id of ids) state.beatsDepth[id] = Math.max(depth, state.beatsDepth[id] || 0);
  if (reply.ok) applyBars(reply, depth);
}
