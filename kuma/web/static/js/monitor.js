// The full monitor for the pages that show more than the list does (the detail page). After kuma's light
// start state.monitors holds slim monitors (kuma/shapes/monitor_slim.py); Uptime Kuma's getMonitor gives
// the whole one. It is asked for again whenever the list's entry for that monitor changes.
import { state, changed } from "./state.js";

let held = { id: null, entry: null, monitor: null };

// The monitor as the pages show it: the full one (once it came) under the list's current fields.
export function fullMonitor(socket, id) {
  const entry = state.monitors[id];
  if (!entry) return null;
  if (held.id !== id || held.entry !== entry) {
    const previous = held.id === id ? held.monitor : null;
    held = { id, entry, monitor: previous };
    socket.call("getMonitor", id).then((reply) => {
      if (held.id !== id || held.entry !== entry || !reply || !reply.ok) return;
      held.monitor = reply.monitor;
      changed();
    }).catch(() => { /* disconnected: asked again after the next list */ });
  }
  return { ...(held.monitor || {}), ...entry, loaded: Boolean(held.monitor) };
}
