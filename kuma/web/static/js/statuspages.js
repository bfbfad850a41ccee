// Status pages: list, create, and the editor (groups with monitors in order, texts, logo, CSS, domains, incidents).
import { renderIncidents } from "./incidents.js";
import { state } from "./state.js";
import { esc, toastReply, message, formData, confirmDialog } from "./ui.js";

export function renderStatusPages(ctx) {
  const { content, socket, navigate, parts } = ctx;
  const slug = parts[0] === "manage-status-page" ? parts[1] : null;
  if (slug) return ctx.routeChanged || !content.querySelector("#sp-form") ? editor(ctx, slug) : undefined;
  if (!ctx.routeChanged && content.querySelector("#sp-list")) return;
  const pages = Object.values(state.statusPages);
  content.innerHTML = `<div class="card"><h1>Status pages</h1><ul class="plain-list" id="sp-list">${pages.length ? pages.map((p) =>
      `<li><span><a href="/status/${esc(p.slug)}" target="_blank" rel="noopener">${esc(p.title)}</a> <span class="muted">/status/${esc(p.slug)}</span></span>
       <a class="btn btn-small" href="/manage-status-page/${esc(p.slug)}">Edit</a></li>`).join("") : `<li class="muted">No status pages yet.</li>`}</ul></div>
    <form class="card" id="sp-new"><h2>New status page</h2><div class="inline">
      <label>Name<input name="title" required></label><label>Slug<input name="slug" required pattern="[A-Za-z0-9]+(-[A-Za-z0-9]+)*" placeholder="my-services"></label></div>
      <p class="form-error" role="alert"></p><button class="btn btn-primary">Create</button></form>`;
  content.querySelector("#sp-new").addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = formData(e.target);
    const reply = await socket.call("addStatusPage", d.title, d.slug);
    if (!reply || !reply.ok) { e.target.querySelector(".form-error").textContent = message(reply); return; }
    state.statusPages[`new-${reply.slug}`] = { id: 0, slug: reply.slug, title: d.title };
    toastReply(reply);
    navigate(`/manage-status-page/${reply.slug}`);
  });
}

async function editor(ctx, slug) {
  const { content, socket, navigate } = ctx;
  const reply = await socket.call("getStatusPage", slug);
  if (!reply || !reply.ok) { content.innerHTML = `<div class="card"><p>${esc(message(reply) || "Status page not found.")}</p></div>`; return; }
  const config = reply.config;
  const publicData = await fetch(`/api/status-page/${encodeURIComponent(slug)}`, { headers: { "x-apicache-bypass": "1" } }).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  let groups = (publicData.publicGroupList || []).map((g) => ({ id: g.id, name: g.name, monitorList: g.monitorList.map((m) => ({ id: m.id, sendUrl: m.sendUrl })) }));
  let logo = config.icon;
  const monitorOptions = () => Object.values(state.monitors).sort((a, b) => a.name.localeCompare(b.name)).map((m) => `<option value="${m.id}">${esc(m.name)}</option>`).join("");
  content.innerHTML = `<form class="card" id="sp-form"><div class="card-head"><h1>Edit ${esc(config.title)}</h1><a class="btn btn-small" href="/status/${esc(slug)}" target="_blank" rel="noopener">View</a></div>
    <div class="form-grid"><div>
      <label>Title<input name="title" required value="${esc(config.title)}"></label>
      <label>Slug<input name="slug" required value="${esc(config.slug)}"></label>
      <label>Description<textarea name="description" rows="3">${esc(config.description || "")}</textarea></label>
      <label>Footer text<textarea name="footerText" rows="2">${esc(config.footerText || "")}</textarea></label>
      <label>Refresh interval (seconds)<input type="number" min="0" name="autoRefreshInterval" value="${esc(config.autoRefreshInterval)}"></label>
      <label>Theme<select name="theme">${["auto", "light", "dark"].map((t) => `<option${config.theme === t ? " selected" : ""}>${t}</option>`).join("")}</select></label>
      <label class="check"><input type="checkbox" name="showTags"${config.showTags ? " checked" : ""}> Show tags</label>
      <label class="check"><input type="checkbox" name="showCertificateExpiry"${config.showCertificateExpiry ? " checked" : ""}> Show certificate expiry</label>
      <label class="check"><input type="checkbox" name="showPoweredBy"${config.showPoweredBy ? " checked" : ""}> Show "Powered by"</label>
      <label>Custom domains (one per line)<textarea name="domains" rows="2">${esc((config.domainNameList || []).join("\n"))}</textarea></label>
      <label>Google Analytics ID<input name="analyticsId" value="${esc(config.analyticsId || "")}"></label>
      <label>Custom CSS<textarea name="customCSS" rows="4" class="mono">${esc(config.customCSS || "")}</textarea></label>
      <label>Logo (PNG)<input type="file" accept="image/png" id="sp-logo"></label>
    </div><div>
      <h2>Monitors</h2><div id="sp-groups"></div>
      <div class="inline"><input id="sp-group-name" placeholder="Group name" aria-label="New group name"><button type="button" class="btn btn-small" id="sp-add-group">Add group</button></div>
      <h2>Incidents</h2><div id="sp-incident"></div>
    </div></div>
    <p class="form-error" role="alert"></p>
    <div class="actions"><button class="btn btn-primary">Save</button><button type="button" class="btn btn-danger" id="sp-delete">Delete page</button></div></form>`;
  const form = content.querySelector("#sp-form");
  const drawGroups = () => {
    form.querySelector("#sp-groups").innerHTML = groups.map((g, gi) => `<fieldset class="sp-group"><legend><input value="${esc(g.name)}" data-group-name="${gi}" aria-label="Group name"></legend>
      <ol class="sp-monitors">${g.monitorList.map((m, mi) => `<li draggable="true" data-g="${gi}" data-m="${mi}"><span class="drag" aria-hidden="true">⋮⋮</span>${esc(state.monitors[m.id]?.name || `#${m.id}`)}
        <button type="button" class="btn btn-small" data-up="${gi}:${mi}" aria-label="Move up">↑</button><button type="button" class="btn btn-small" data-remove="${gi}:${mi}" aria-label="Remove">✕</button></li>`).join("")}</ol>
      <div class="inline"><select data-add-to="${gi}" aria-label="Add a monitor"><option value="">Add a monitor…</option>${monitorOptions()}</select>
      <button type="button" class="btn btn-small btn-danger" data-del-group="${gi}">Remove group</button></div></fieldset>`).join("");
  };
  drawGroups();
  const groupsBox = form.querySelector("#sp-groups");
  groupsBox.addEventListener("change", (e) => {
    if (e.target.dataset.addTo !== undefined && e.target.value) { groups[Number(e.target.dataset.addTo)].monitorList.push({ id: Number(e.target.value) }); drawGroups(); }
  });
  groupsBox.addEventListener("input", (e) => { if (e.target.dataset.groupName !== undefined) groups[Number(e.target.dataset.groupName)].name = e.target.value; });
  groupsBox.addEventListener("click", (e) => {
    const { up, remove, delGroup } = e.target.dataset;
    if (up) { const [g, m] = up.split(":").map(Number); if (m > 0) { const l = groups[g].monitorList; [l[m - 1], l[m]] = [l[m], l[m - 1]]; drawGroups(); } }
    if (remove) { const [g, m] = remove.split(":").map(Number); groups[g].monitorList.splice(m, 1); drawGroups(); }
    if (delGroup !== undefined) { groups.splice(Number(delGroup), 1); drawGroups(); }
  });
  let dragged = null;
  groupsBox.addEventListener("dragstart", (e) => { dragged = e.target.closest("li"); });
  groupsBox.addEventListener("dragover", (e) => e.preventDefault());
  groupsBox.addEventListener("drop", (e) => {
    e.preventDefault();
    const target = e.target.closest("li");
    if (!dragged || !target) return;
    const [fg, fm, tg, tm] = [dragged.dataset.g, dragged.dataset.m, target.dataset.g, target.dataset.m].map(Number);
    const [item] = groups[fg].monitorList.splice(fm, 1);
    groups[tg].monitorList.splice(tm, 0, item);
    drawGroups();
  });
  form.querySelector("#sp-add-group").addEventListener("click", () => {
    const name = form.querySelector("#sp-group-name").value.trim() || "Services";
    groups.push({ name, monitorList: [] });
    form.querySelector("#sp-group-name").value = "";
    drawGroups();
  });
  form.querySelector("#sp-logo").addEventListener("change", (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => { logo = reader.result; };
    reader.readAsDataURL(file);
  });
  renderIncidents(socket, slug, form.querySelector("#sp-incident"));
  form.querySelector("#sp-delete").addEventListener("click", async () => {
    if (!(await confirmDialog(`Delete status page “${config.title}”?`, "Delete"))) return;
    if (toastReply(await socket.call("deleteStatusPage", slug))) {
      for (const [k, p] of Object.entries(state.statusPages)) if (p.slug === slug) delete state.statusPages[k];
      navigate("/manage-status-page");
    }
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const d = formData(form);
    const newConfig = { ...config, ...d, domainNameList: String(d.domains || "").split("\n").map((s) => s.trim()).filter(Boolean) };
    delete newConfig.domains;
    const saved = await socket.call("saveStatusPage", slug, newConfig, logo, groups);
    if (!saved || !saved.ok) { form.querySelector(".form-error").textContent = message(saved); return; }
    for (const p of Object.values(state.statusPages)) if (p.slug === slug) Object.assign(p, { slug: newConfig.slug, title: newConfig.title });
    toastReply({ ok: true, msg: "Saved." });
    if (newConfig.slug !== slug) navigate(`/manage-status-page/${newConfig.slug}`);
  });
}
