// A status page's incidents in its editor: post, edit, resolve, delete, and the history (newest first,
// paged by the server's cursor). Over postIncident / editIncident / resolveIncident / deleteIncident /
// getIncidentHistory, as Uptime Kuma's own clients use them.
import { esc, toastReply, message, formatTime, confirmDialog } from "./ui.js";

const STYLES = ["info", "warning", "danger", "primary", "light", "dark"];

function item(incident) {
  const state = incident.active ? (incident.pin ? "pinned" : "active") : "resolved";
  return `<li data-incident="${incident.id}"><div><span class="pill pill-${state === "resolved" ? "up" : "pending"}">${state}</span>
      <strong>${esc(incident.title)}</strong> <span class="muted small">${esc(formatTime(incident.createdDate))}${incident.lastUpdatedDate ? ` · updated ${esc(formatTime(incident.lastUpdatedDate))}` : ""}</span>
      <p>${esc(incident.content)}</p></div>
    <span class="actions"><button type="button" class="btn btn-small" data-inc-edit="${incident.id}">Edit</button>
      ${incident.active ? `<button type="button" class="btn btn-small" data-inc-resolve="${incident.id}">Resolve</button>` : ""}
      <button type="button" class="btn btn-small btn-danger" data-inc-delete="${incident.id}">Delete</button></span></li>`;
}

export async function renderIncidents(socket, slug, box) {
  let editing = null;
  let incidents = [];
  box.innerHTML = `<div class="incident-form"><input id="inc-title" placeholder="Incident title" aria-label="Incident title">
      <textarea id="inc-content" rows="3" placeholder="What is happening? (Markdown)" aria-label="Incident content"></textarea>
      <div class="inline"><select id="inc-style" aria-label="Incident style">${STYLES.map((s) => `<option>${s}</option>`).join("")}</select>
      <button type="button" class="btn btn-small btn-primary" id="sp-post">Post incident</button>
      <button type="button" class="btn btn-small" id="inc-cancel" hidden>Cancel edit</button>
      <button type="button" class="btn btn-small" id="sp-unpin">Unpin all</button></div><p class="form-error" id="inc-error" role="alert"></p></div>
    <h3>History</h3><ul class="plain-list incident-list" id="inc-list"></ul><button type="button" class="btn btn-small" id="inc-more" hidden>Older</button>`;
  const field = (id) => box.querySelector(id);
  let cursor = null;
  const load = async (more = false) => {
    const reply = await socket.call("getIncidentHistory", slug, more ? cursor : null);
    if (!reply || !reply.ok) return;
    incidents = more ? [...incidents, ...reply.incidents] : reply.incidents;
    cursor = reply.nextCursor;
    field("#inc-list").innerHTML = incidents.length ? incidents.map(item).join("") : `<li class="muted">No incidents yet.</li>`;
    field("#inc-more").hidden = !reply.hasMore;
  };
  const reset = () => {
    editing = null;
    field("#inc-title").value = ""; field("#inc-content").value = "";
    field("#sp-post").textContent = "Post incident"; field("#inc-cancel").hidden = true;
  };
  field("#sp-post").addEventListener("click", async () => {
    const incident = { title: field("#inc-title").value.trim(), content: field("#inc-content").value.trim(), style: field("#inc-style").value };
    if (!incident.title || !incident.content) { field("#inc-error").textContent = "An incident needs a title and a text."; return; }
    field("#inc-error").textContent = "";
    const reply = editing ? await socket.call("editIncident", slug, editing, { ...incident, pin: true })
      : await socket.call("postIncident", slug, incident);
    if (!reply || !reply.ok) { field("#inc-error").textContent = message(reply); return; }
    toastReply(editing ? reply : { ok: true, msg: "Incident posted." });
    reset();
    load();
  });
  field("#inc-cancel").addEventListener("click", reset);
  field("#sp-unpin").addEventListener("click", async () => { toastReply(await socket.call("unpinIncident", slug)); load(); });
  field("#inc-more").addEventListener("click", () => load(true));
  field("#inc-list").addEventListener("click", async (e) => {
    const { incEdit, incResolve, incDelete } = e.target.dataset;
    if (incEdit) {
      const incident = incidents.find((i) => String(i.id) === incEdit);
      editing = incident.id;
      field("#inc-title").value = incident.title; field("#inc-content").value = incident.content; field("#inc-style").value = incident.style;
      field("#sp-post").textContent = "Save incident"; field("#inc-cancel").hidden = false;
      field("#inc-title").focus();
    }
    if (incResolve) { toastReply(await socket.call("resolveIncident", slug, Number(incResolve))); load(); }
    if (incDelete && await confirmDialog("Delete this incident?", "Delete")) { toastReply(await socket.call("deleteIncident", slug, Number(incDelete))); load(); }
  });
  load();
}
