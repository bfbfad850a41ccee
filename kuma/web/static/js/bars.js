// Bars on demand after kuma's light start (kuma/api/light_start.py): the views say which monitors they
// show and how many beats they draw; what state.js does not hold yet (nor was asked for) is asked for at
// once, in one getMonitorBars per 100 monitors, ahead of whatever else the render sends (the server answers
// a socket's events in order). Live `heartbeat` events keep what arrived current.
import { state, applyBars } from "./state.js";

const BATCH = 100;  // the server answers at most 200 monitors at once
let socket = null;
const asking = new Map();  // id → beats asked for, no answer yet

export function bindBars(s) { socket = s; }

// Make sure the last `depth` beats of these monitors are (or will soon be) in state.beats.
export function wantBars(ids, depth = 100) {
  if (!state.lightStart || !socket) return;
  const missing = [...new Set(ids.map(Number))].filter((id) =>
    (state.beatsDepth[id] || 0) < depth && (asking.get(id) || 0) < depth);
  for (let n = 0; n < missing.length; n += BATCH) ask(missing.slice(n, n + BATCH), depth);
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
