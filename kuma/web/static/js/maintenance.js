// Maintenance windows: list with live status, and an editor for every strategy.
import { state } from "./state.js";
import { esc, toastReply, message, formData, confirmDialog, timezoneSelect } from "./ui.js";

const STRATEGIES = [["manual", "Active / inactive manually"], ["single", "Single maintenance window"],
  ["recurring-interval", "Recurring — interval"], ["recurring-weekday", "Recurring — day of week"],
  ["recurring-day-of-month", "Recurring — day of month"], ["cron", "Cron expression"]];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function renderMaintenance(ctx) {
  const { content, socket } = ctx;
  if (!content.querySelector("#maint-list") || ctx.routeChanged) {
    content.innerHTML = `<div class="card"><div class="card-head"><h1>Maintenance</h1><button class="btn btn-primary btn-small" id="maint-new">Schedule maintenance</button></div>
      <ul class="plain-list" id="maint-list"></ul></div><div id="maint-editor"></div>`;
    content.querySelector("#maint-new").addEventListener("click", () => openEditor(ctx, null));
    content.querySelector("#maint-list").addEventListener("click", async (e) => {
      const { edit, clone, pause, resume, del } = e.target.dataset;
      if (edit) openEditor(ctx, state.maintenance[edit]);
      if (clone) openEditor(ctx, state.maintenance[clone], { clone: true });
      if (pause) toastReply(await socket.call("pauseMaintenance", Number(pause)));
      if (resume) toastReply(await socket.call("resumeMaintenance", Number(resume)));
      if (del && await confirmDialog("Delete this maintenance?", "Delete")) toastReply(await socket.call("deleteMaintenance", Number(del)));
    });
  }
  const items = Object.values(state.maintenance);
  content.querySelector("#maint-list").innerHTML = items.length ? items.map((m) => `<li><span><span class="pill pill-${m.status === "under-maintenance" ? "maintenance" : m.status === "scheduled" ? "pending" : "paused"}">${esc(m.status)}</span>
      ${esc(m.title)} <span class="muted">${esc(m.strategy)}${m.timeslotList?.[0] ? ` · next ${new Date(m.timeslotList[0].startDate).toLocaleString()}` : ""}</span></span>
      <span><button class="btn btn-small" data-edit="${m.id}">Edit</button><button class="btn btn-small" data-clone="${m.id}">Clone</button>
      ${m.active ? `<button class="btn btn-small" data-pause="${m.id}">Pause</button>` : `<button class="btn btn-small" data-resume="${m.id}">Resume</button>`}
      <button class="btn btn-small btn-danger" data-del="${m.id}">Delete</button></span></li>`).join("") : `<li class="muted">No maintenance scheduled.</li>`;
}

// "YYYY-MM-DDTHH:MM" in the browser's local time, for datetime-local inputs.
const localInput = (date) => new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
const SHORTCUTS = [[30, "30 min"], [60, "1 hour"], [120, "2 hours"], [240, "4 hours"], [1440, "1 day"]];

// A new window starts at the next quarter hour and lasts an hour; the user picks shortcuts from there.
function freshWindow() {
  const start = new Date(Math.ceil(Date.now() / 900000) * 900000);
  return [localInput(start), localInput(new Date(start.getTime() + 3600000))];
}

async function openEditor(ctx, m, { clone = false } = {}) {
  const { content, socket } = ctx;
  const editor = content.querySelector("#maint-editor");
  const linked = m ? ((await socket.call("getMonitorMaintenance", m.id))?.monitors || []).map((x) => x.id) : [];
  const pages = m ? ((await socket.call("getMaintenanceStatusPage", m.id))?.statusPages || []).map((x) => x.id) : [];
  const [freshStart, freshEnd] = freshWindow();
  const v = m ? { ...m, ...(clone ? { title: `${m.title} (clone)` } : {}) }
    : { title: "", description: "", strategy: "single", intervalDay: 1, dateRange: [freshStart, freshEnd], timeRange: [{ hours: 2, minutes: 0 }, { hours: 3, minutes: 0 }],
      weekdays: [], daysOfMonth: [], cron: "30 3 * * *", durationMinutes: 60, timezoneOption: "SAME_AS_SERVER" };
  if (clone) m = { ...m, id: undefined, active: true };
  const hhmm = (t) => `${String(t?.hours ?? 0).padStart(2, "0")}:${String(t?.minutes ?? 0).padStart(2, "0")}`;
  const dt = (s) => (s ? String(s).replace(" ", "T").slice(0, 16) : "");
  editor.innerHTML = `<form class="card" id="maint-form"><h2>${clone ? "Clone" : m ? "Edit" : "New"} maintenance</h2>
    <label>Title<input name="title" required value="${esc(v.title)}"></label>
    <label>Description<textarea name="description" rows="2">${esc(v.description)}</textarea></label>
    <label>Strategy<select name="strategy" id="m-strategy">${STRATEGIES.map(([k, l]) => `<option value="${k}"${v.strategy === k ? " selected" : ""}>${l}</option>`).join("")}</select></label>
    <div class="inline" data-for="single recurring-interval recurring-weekday recurring-day-of-month cron"><label>From<input type="datetime-local" name="start" value="${dt(v.dateRange?.[0])}"></label>
      <label>Until<input type="datetime-local" name="end" value="${dt(v.dateRange?.[1])}"></label></div>
    <div class="segmented" data-for="single" role="group" aria-label="Duration">${SHORTCUTS.map(([minutes, label]) =>
      `<button type="button" class="btn btn-small" data-minutes="${minutes}">${label}</button>`).join("")}</div>
    <div class="inline" data-for="recurring-interval recurring-weekday recurring-day-of-month"><label>Start time<input type="time" name="startTime" value="${hhmm(v.timeRange?.[0])}"></label>
      <label>End time<input type="time" name="endTime" value="${hhmm(v.timeRange?.[1])}"></label></div>
    <label data-for="recurring-interval">Every N days<input type="number" min="1" name="intervalDay" value="${esc(v.intervalDay || 1)}"></label>
    <fieldset data-for="recurring-weekday"><legend>Weekdays</legend>${DAYS.map((d, i) => `<label class="check inline-check"><input type="checkbox" name="wd-${i}"${(v.weekdays || []).includes(i) ? " checked" : ""}> ${d}</label>`).join("")}</fieldset>
    <label data-for="recurring-day-of-month">Days of month (e.g. 1, 15, lastDay1)<input name="days" value="${esc((v.daysOfMonth || []).join(", "))}"></label>
    <div class="inline" data-for="cron"><label>Cron<input name="cron" value="${esc(v.cron || "")}"></label><label>Duration (minutes)<input type="number" name="durationMinutes" value="${esc(v.durationMinutes ?? 60)}"></label></div>
    <label>Time zone${timezoneSelect("timezoneOption", v.timezoneOption || "SAME_AS_SERVER", { sameAsServer: true, serverZone: state.info.serverTimezone, id: "m-timezone" })}</label>
    <fieldset><legend>Affected monitors</legend><div class="check-grid">${Object.values(state.monitors).map((mon) =>
      `<label class="check"><input type="checkbox" name="mon-${mon.id}"${linked.includes(mon.id) ? " checked" : ""}> ${esc(mon.name)}</label>`).join("")}</div></fieldset>
    <fieldset><legend>Show on status pages</legend>${Object.values(state.statusPages).map((p) =>
      `<label class="check"><input type="checkbox" name="page-${p.id}"${pages.includes(p.id) ? " checked" : ""}> ${esc(p.title)}</label>`).join("")}</fieldset>
    <p class="form-error" role="alert"></p><div class="actions"><button class="btn btn-primary">Save</button></div></form>`;
  const form = editor.querySelector("#maint-form");
  const show = () => form.querySelectorAll("[data-for]").forEach((el) => { el.hidden = !el.dataset.for.split(" ").includes(form.elements.strategy.value); });
  form.elements.strategy.addEventListener("change", show);
  show();
  form.querySelectorAll("[data-minutes]").forEach((b) => b.addEventListener("click", () => {
    const start = form.elements.start.value ? new Date(form.elements.start.value) : new Date();
    if (!form.elements.start.value) form.elements.start.value = localInput(start);
    form.elements.end.value = localInput(new Date(start.getTime() + Number(b.dataset.minutes) * 60000));
  }));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = formData(form);
    const time = (t) => { const [h, mi] = String(t || "00:00").split(":").map(Number); return { hours: h, minutes: mi }; };
    const payload = { ...(m && m.id ? { id: m.id } : {}), title: d.title, description: d.description, strategy: d.strategy, active: m ? m.active : true,
      intervalDay: Number(d.intervalDay || 1), dateRange: [d.start ? d.start.replace("T", " ") : null, d.end ? d.end.replace("T", " ") : null],
      timeRange: [time(d.startTime), time(d.endTime)], weekdays: DAYS.map((_, i) => i).filter((i) => d[`wd-${i}`]),
      daysOfMonth: String(d.days || "").split(",").map((s) => s.trim()).filter(Boolean).map((s) => (s.startsWith("lastDay") ? s : Number(s))),
      cron: d.cron, durationMinutes: Number(d.durationMinutes || 0), timezoneOption: d.timezoneOption || "SAME_AS_SERVER" };
    const reply = await socket.call(m && m.id ? "editMaintenance" : "addMaintenance", payload);
    if (!reply || !reply.ok) { form.querySelector(".form-error").textContent = message(reply); return; }
    const id = reply.maintenanceID;
    const monitors = Object.keys(d).filter((k) => k.startsWith("mon-") && d[k]).map((k) => ({ id: Number(k.slice(4)) }));
    const statusPages = Object.keys(d).filter((k) => k.startsWith("page-") && d[k]).map((k) => ({ id: Number(k.slice(5)) }));
    await socket.call("addMonitorMaintenance", id, monitors);
    await socket.call("addMaintenanceStatusPage", id, statusPages);
    toastReply(reply);
    editor.innerHTML = "";
  });
}
