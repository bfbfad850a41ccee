// Settings: general, notifications, security (password, 2FA), API keys, proxies, Docker hosts, remote browsers,
// monitor history, about.
import { stormSettings } from "./alerting.js";
import { renderBackup } from "./backup.js";
import { state } from "./state.js";
import { esc, toastReply, message, formData, confirmDialog, formatTime, copyText, timezoneSelect } from "./ui.js";
import { loadProviderForms, providerOptions, providerFields, showFieldError, coerceSelects } from "./providers.js";

const SECTIONS = [["general", "General"], ["appearance", "Appearance"], ["notifications", "Notifications"], ["tags", "Tags"], ["security", "Security"],
  ["api-keys", "API keys"], ["proxies", "Proxies"], ["docker-hosts", "Docker hosts"], ["remote-browsers", "Remote browsers"],
  ["monitor-history", "Monitor history"], ["backup", "Backup"], ["about", "About"]];

export function renderSettings(ctx, section) {
  const { content } = ctx;
  if (!ctx.routeChanged && content.dataset.section === section) {
    if (["notifications", "api-keys", "proxies", "docker-hosts", "remote-browsers"].includes(section)) refreshList(ctx, section);
    return;
  }
  content.dataset.section = section;
  content.innerHTML = `<div class="settings"><nav class="settings-nav" aria-label="Settings">${SECTIONS.map(([k, l]) =>
    `<a href="/settings/${k}" class="${k === section ? "active" : ""}">${l}</a>`).join("")}</nav><div id="settings-body" class="settings-body"></div></div>`;
  const body = content.querySelector("#settings-body");
  ({ general, appearance, tags, notifications, security, "api-keys": apiKeys, proxies, "docker-hosts": dockerHosts,
    "remote-browsers": remoteBrowsers, "monitor-history": history, backup: renderBackup, about }[section] || general)(ctx, body);
}

function refreshList(ctx, section) {
  const body = ctx.content.querySelector("#settings-body");
  if (section === "notifications") body.querySelector("#notif-list").innerHTML = notificationItems();
  if (section === "api-keys") body.querySelector("#key-list").innerHTML = apiKeyItems();
  if (section === "proxies") body.querySelector("#proxy-list").innerHTML = proxyItems();
  if (section === "docker-hosts") body.querySelector("#docker-list").innerHTML = dockerItems();
  if (section === "remote-browsers") body.querySelector("#browser-list").innerHTML = browserItems();
}

async function general({ socket }, body) {
  const reply = await socket.call("getSettings");
  const s = (reply && reply.data) || {};
  const pages = Object.values(state.statusPages);
  body.innerHTML = `<form class="card" id="general-form"><h2>General</h2>
    <label>Display timezone / server timezone${timezoneSelect("serverTimezone", s.serverTimezone || state.info.serverTimezone || "UTC", { id: "server-timezone" })}</label>
    <label>Primary base URL<input name="primaryBaseURL" placeholder="https://status.example.com" value="${esc(s.primaryBaseURL || "")}"></label>
    <label>Entry page<select name="entryPage"><option value="dashboard">Dashboard</option>${pages.map((p) =>
      `<option value="statusPage-${esc(p.slug)}"${s.entryPage === `statusPage-${p.slug}` ? " selected" : ""}>Status page: ${esc(p.title)}</option>`).join("")}</select></label>
    <label class="check"><input type="checkbox" name="searchEngineIndex"${s.searchEngineIndex ? " checked" : ""}> Allow search engines to index status pages</label>
    <label class="check"><input type="checkbox" name="trustProxy"${s.trustProxy ? " checked" : ""}> Trust proxy headers (X-Forwarded-For)</label>
    <label>Days of monitor history to keep<input type="number" min="0" name="keepDataPeriodDays" value="${esc(s.keepDataPeriodDays ?? 180)}"></label>
    <label>TLS expiry warning days (comma separated)<input name="tlsExpiryNotifyDays" value="${esc((s.tlsExpiryNotifyDays || [7, 14, 21]).join(", "))}"></label>
    <button class="btn btn-primary">Save</button></form>`;
  body.querySelector("#general-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = { ...s, ...formData(e.target) };
    data.tlsExpiryNotifyDays = String(data.tlsExpiryNotifyDays).split(",").map((v) => Number(v.trim())).filter((v) => v > 0);
    toastReply(await socket.call("setSettings", data, ""));
  });
}

function notificationItems() {
  return state.notifications.length ? state.notifications.map((n) => {
    let type = "";
    try { type = JSON.parse(n.config).type; } catch { /* old rows */ }
    return `<li><span>${esc(n.name)} <span class="muted">${esc(type)}</span>${n.isDefault ? " <span class='tag'>default</span>" : ""}</span>
      <span><button class="btn btn-small" data-edit="${n.id}">Edit</button></span></li>`;
  }).join("") : `<li class="muted">No notifications yet.</li>`;
}

function notifications(ctx, body) {
  const { socket } = ctx;
  body.innerHTML = `<div class="card"><div class="card-head"><h2>Notifications</h2><button class="btn btn-primary btn-small" id="notif-new">Set up notification</button></div>
    <ul class="plain-list" id="notif-list">${notificationItems()}</ul></div><div id="notif-editor"></div><div id="storm-settings"></div>`;
  stormSettings(socket, body.querySelector("#storm-settings"));
  const open = async (existing) => {
    const forms = await loadProviderForms(socket);
    const config = existing ? JSON.parse(existing.config || "{}") : { type: "webhook", name: "My notification", isDefault: false };
    const editor = body.querySelector("#notif-editor");
    editor.innerHTML = `<form class="card" id="notif-form"><h2>${existing ? "Edit" : "New"} notification</h2>
      <label>Notification type<select name="type" id="notif-type">${providerOptions(forms, config.type)}</select></label>
      <label>Friendly name<input name="name" required value="${esc(config.name || existing?.name || "")}"></label>
      <div id="notif-fields">${providerFields(forms, config.type, config)}</div>
      <label class="check"><input type="checkbox" name="isDefault"${config.isDefault ? " checked" : ""}> Default enabled (added to new monitors)</label>
      <label class="check"><input type="checkbox" name="applyExisting"> Apply on all existing monitors</label>
      <p class="form-error" role="alert"></p>
      <div class="actions"><button class="btn btn-primary">Save</button><button type="button" class="btn" id="notif-test">Test</button>
      ${existing ? `<button type="button" class="btn btn-danger" id="notif-delete">Delete</button>` : ""}</div></form>`;
    const form = editor.querySelector("#notif-form");
    form.querySelector("#notif-type").addEventListener("change", (e) => {
      form.querySelector("#notif-fields").innerHTML = providerFields(forms, e.target.value, config);
    });
    const payload = () => coerceSelects(forms, form.elements.type.value, { ...config, ...formData(form) });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const reply = await socket.call("addNotification", payload(), existing ? existing.id : null);
      if (toastReply(reply)) editor.innerHTML = "";
      else if (!showFieldError(form, message(reply))) form.querySelector(".form-error").textContent = message(reply);
    });
    form.querySelector("#notif-test").addEventListener("click", async () => toastReply(await socket.call("testNotification", payload())));
    form.querySelector("#notif-delete")?.addEventListener("click", async () => {
      if (await confirmDialog(`Delete notification “${existing.name}”?`, "Delete")) {
        if (toastReply(await socket.call("deleteNotification", existing.id))) editor.innerHTML = "";
      }
    });
    form.querySelector("[name=name]").focus();
  };
  body.querySelector("#notif-new").addEventListener("click", () => open(null));
  body.querySelector("#notif-list").addEventListener("click", (e) => {
    const id = e.target.dataset.edit;
    if (id) open(state.notifications.find((n) => String(n.id) === id));
  });
}

async function security({ socket }, body) {
  const status = await socket.call("twoFAStatus");
  const enabled = status && status.status;
  body.innerHTML = `<form class="card" id="password-form"><h2>Change password</h2>
      <label>Current password<input type="password" name="currentPassword" autocomplete="current-password" required></label>
      <label>New password<input type="password" name="newPassword" autocomplete="new-password" required></label>
      <label>Repeat new password<input type="password" name="repeat" autocomplete="new-password" required></label>
      <p class="form-error" role="alert"></p><button class="btn btn-primary">Update password</button></form>
    <form class="card" id="twofa-form"><h2>Two-factor authentication</h2>
      <p>Status: <strong id="twofa-status">${enabled ? "enabled" : "disabled"}</strong></p>
      <label>Current password<input type="password" name="currentPassword" autocomplete="current-password" required></label>
      <div id="twofa-setup" hidden><p>Add this key to your authenticator app, then enter a code to confirm:</p>
        <div id="twofa-qr" class="qr-box" aria-label="QR code of the key"></div>
        <p>Or type the key: <code id="twofa-secret" class="secret"></code></p><p class="muted small" id="twofa-uri"></p>
        <label>Code<input name="token" inputmode="numeric" autocomplete="one-time-code"></label></div>
      <p class="form-error" role="alert"></p>
      <button class="btn btn-primary" id="twofa-action">${enabled ? "Disable 2FA" : "Set up 2FA"}</button></form>
    <form class="card" id="auth-form-toggle"><h2>Authentication</h2>
      <p class="muted">Only turn authentication off when kuma sits behind another login (a reverse proxy with its own authentication).</p>
      <label>Current password<input type="password" name="currentPassword" autocomplete="current-password"></label>
      <button class="btn btn-danger" id="auth-toggle">${state.authDisabled ? "Enable authentication" : "Disable authentication"}</button></form>`;
  body.querySelector("#auth-form-toggle").addEventListener("submit", async (e) => {
    e.preventDefault();
    const settings = (await socket.call("getSettings"))?.data || {};
    const disable = !state.authDisabled;
    const reply = await socket.call("setSettings", { ...settings, disableAuth: disable }, formData(e.target).currentPassword);
    if (toastReply(reply)) { state.authDisabled = disable; e.target.querySelector("#auth-toggle").textContent = disable ? "Enable authentication" : "Disable authentication"; }
  });
  const pw = body.querySelector("#password-form");
  pw.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = formData(pw);
    if (data.newPassword !== data.repeat) { pw.querySelector(".form-error").textContent = "The passwords do not match."; return; }
    const reply = await socket.call("changePassword", { currentPassword: data.currentPassword, newPassword: data.newPassword });
    if (toastReply(reply)) {
      if (reply.token) (localStorage.getItem("kuma-token") ? localStorage : sessionStorage).setItem("kuma-token", reply.token);
      pw.reset();
    } else pw.querySelector(".form-error").textContent = message(reply);
  });
  const tf = body.querySelector("#twofa-form");
  let stage = enabled ? "disable" : "prepare";
  tf.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = formData(tf);
    const error = tf.querySelector(".form-error");
    error.textContent = "";
    if (stage === "disable") {
      const reply = await socket.call("disable2FA", data.currentPassword);
      if (toastReply(reply)) { stage = "prepare"; tf.querySelector("#twofa-status").textContent = "disabled"; tf.querySelector("#twofa-action").textContent = "Set up 2FA"; }
      else error.textContent = message(reply);
    } else if (stage === "prepare") {
      const reply = await socket.call("prepare2FA", data.currentPassword);
      if (!reply || !reply.ok) { error.textContent = message(reply); return; }
      const secret = new URL(reply.uri).searchParams.get("secret");
      tf.querySelector("#twofa-secret").textContent = secret;
      tf.querySelector("#twofa-uri").textContent = reply.uri;
      const qr = await socket.call("getQRCode", reply.uri);
      if (qr && qr.ok) tf.querySelector("#twofa-qr").innerHTML = qr.svg;
      tf.querySelector("#twofa-setup").hidden = false;
      tf.querySelector("#twofa-action").textContent = "Verify and enable";
      stage = "verify";
    } else {
      const check = await socket.call("verifyToken", data.token, data.currentPassword);
      if (!check || !check.valid) { error.textContent = message(check) || "Invalid code."; return; }
      const reply = await socket.call("save2FA", data.currentPassword);
      if (toastReply(reply)) {
        stage = "disable";
        tf.querySelector("#twofa-setup").hidden = true;
        tf.querySelector("#twofa-status").textContent = "enabled";
        tf.querySelector("#twofa-action").textContent = "Disable 2FA";
      }
    }
  });
}

function apiKeyItems() {
  return state.apiKeys.length ? state.apiKeys.map((k) => `<li><span>${esc(k.name)} <span class="muted">uk${k.id}_… · ${k.active ? "active" : "disabled"}${k.expires ? ` · expires ${esc(k.expires)}` : ""}</span></span>
    <span><button class="btn btn-small" data-toggle="${k.id}" data-active="${k.active ? 1 : 0}">${k.active ? "Disable" : "Enable"}</button>
    <button class="btn btn-small btn-danger" data-delete="${k.id}">Delete</button></span></li>`).join("") : `<li class="muted">No API keys.</li>`;
}

function apiKeys({ socket }, body) {
  body.innerHTML = `<form class="card" id="key-form"><h2>API keys</h2><p class="muted">Used as the basic-auth password for /metrics.</p>
    <div class="inline"><input name="name" placeholder="Key name" required aria-label="Key name"><input name="expires" type="datetime-local" aria-label="Expires">
    <button class="btn btn-primary">Generate</button></div><p id="new-key" class="secret"></p></form>
    <div class="card"><ul class="plain-list" id="key-list">${apiKeyItems()}</ul></div>`;
  body.querySelector("#key-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = formData(e.target);
    const reply = await socket.call("addAPIKey", { name: data.name, expires: data.expires ? data.expires.replace("T", " ") + ":00" : null, active: 1 });
    if (!toastReply(reply)) return;
    const shown = body.querySelector("#new-key");
    shown.innerHTML = `New key (shown once): <code id="new-key-value">${esc(reply.key)}</code> <button type="button" class="btn btn-small" id="copy-key">Copy</button>`;
    shown.querySelector("#copy-key").addEventListener("click", () => copyText(reply.key, "API key"));
  });
  body.querySelector("#key-list").addEventListener("click", async (e) => {
    const { toggle, active, delete: del } = e.target.dataset;
    if (toggle) toastReply(await socket.call(active === "1" ? "disableAPIKey" : "enableAPIKey", Number(toggle)));
    if (del && await confirmDialog("Delete this API key?", "Delete")) toastReply(await socket.call("deleteAPIKey", Number(del)));
  });
}

function proxyItems() {
  return state.proxies.length ? state.proxies.map((p) => `<li><span>${esc(p.protocol)}://${esc(p.host)}:${esc(p.port)}${p.default ? " <span class='tag'>default</span>" : ""}</span>
    <button class="btn btn-small btn-danger" data-delete="${p.id}">Delete</button></li>`).join("") : `<li class="muted">No proxies.</li>`;
}

function proxies({ socket }, body) {
  body.innerHTML = `<form class="card" id="proxy-form"><h2>Proxies</h2>
    <div class="inline"><select name="protocol" aria-label="Protocol">${["http", "https", "socks", "socks5", "socks5h", "socks4"].map((p) => `<option>${p}</option>`).join("")}</select>
    <input name="host" placeholder="Host" required aria-label="Host"><input name="port" type="number" placeholder="Port" required aria-label="Port"></div>
    <label class="check"><input type="checkbox" name="auth"> Authentication</label>
    <div class="inline"><input name="username" placeholder="Username" aria-label="Username"><input name="password" type="password" placeholder="Password" aria-label="Password"></div>
    <label class="check"><input type="checkbox" name="default"> Default for new monitors</label>
    <button class="btn btn-primary">Add proxy</button></form><div class="card"><ul class="plain-list" id="proxy-list">${proxyItems()}</ul></div>`;
  body.querySelector("#proxy-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (toastReply(await socket.call("addProxy", { ...formData(e.target), active: true, applyExisting: false }, null))) e.target.reset();
  });
  body.querySelector("#proxy-list").addEventListener("click", async (e) => {
    const id = e.target.dataset.delete;
    if (id && await confirmDialog("Delete this proxy?", "Delete")) toastReply(await socket.call("deleteProxy", Number(id)));
  });
}

// --- Docker hosts and remote browsers (what the docker and real-browser monitor types use)
function dockerItems() {
  return state.dockerHosts.length ? state.dockerHosts.map((h) => `<li><span>${esc(h.name)} <span class="muted">${esc(h.dockerType)}: ${esc(h.dockerDaemon)}</span></span>
    <button class="btn btn-small btn-danger" data-delete="${h.id}">Delete</button></li>`).join("") : `<li class="muted">No Docker hosts.</li>`;
}

function dockerHosts({ socket }, body) {
  body.innerHTML = `<form class="card" id="docker-form"><h2>Docker hosts</h2>
    <label>Friendly name<input name="name" required></label>
    <label>Connection type<select name="dockerType"><option value="socket">Socket</option><option value="tcp">TCP / HTTP</option></select></label>
    <label>Docker daemon<input name="dockerDaemon" required placeholder="/var/run/docker.sock or tcp://host:2375"></label>
    <div class="inline"><button class="btn" type="button" id="docker-test">Test</button><button class="btn btn-primary">Add Docker host</button></div></form>
    <div class="card"><ul class="plain-list" id="docker-list">${dockerItems()}</ul></div>`;
  const form = body.querySelector("#docker-form");
  body.querySelector("#docker-test").addEventListener("click", async () => toastReply(await socket.call("testDockerHost", formData(form))));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (toastReply(await socket.call("addDockerHost", formData(form), null))) form.reset();
  });
  body.querySelector("#docker-list").addEventListener("click", async (e) => {
    const id = e.target.dataset.delete;
    if (id && await confirmDialog("Delete this Docker host? Monitors using it stop working.", "Delete")) toastReply(await socket.call("deleteDockerHost", Number(id)));
  });
}

function browserItems() {
  const browsers = state.remoteBrowsers || [];
  return browsers.length ? browsers.map((b) => `<li><span>${esc(b.name)} <span class="muted">${esc(b.url)}</span></span>
    <button class="btn btn-small btn-danger" data-delete="${b.id}">Delete</button></li>`).join("") : `<li class="muted">No remote browsers.</li>`;
}

function remoteBrowsers({ socket }, body) {
  body.innerHTML = `<form class="card" id="browser-form"><h2>Remote browsers</h2>
    <p class="muted">A Chrome DevTools websocket endpoint (e.g. <code>ws://chrome:9222/devtools/browser/…</code>) that real-browser monitors may use instead of the local Chromium.</p>
    <label>Friendly name<input name="name" required></label>
    <label>WebSocket URL<input name="url" required placeholder="ws://host:9222/devtools/browser/…"></label>
    <div class="inline"><button class="btn" type="button" id="browser-test">Test</button><button class="btn btn-primary">Add remote browser</button></div></form>
    <div class="card"><ul class="plain-list" id="browser-list">${browserItems()}</ul></div>`;
  const form = body.querySelector("#browser-form");
  body.querySelector("#browser-test").addEventListener("click", async () => toastReply(await socket.call("testRemoteBrowser", formData(form).url)));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (toastReply(await socket.call("addRemoteBrowser", formData(form), null))) form.reset();
  });
  body.querySelector("#browser-list").addEventListener("click", async (e) => {
    const id = e.target.dataset.delete;
    if (id && await confirmDialog("Delete this remote browser?", "Delete")) toastReply(await socket.call("deleteRemoteBrowser", Number(id)));
  });
}
// --- end Docker hosts and remote browsers

function history({ socket }, body) {
  body.innerHTML = `<div class="card"><h2>Monitor history</h2><p>History retention is set under General. Clearing cannot be undone.</p>
    <button class="btn btn-danger" id="clear-stats">Clear all statistics</button></div>`;
  body.querySelector("#clear-stats").addEventListener("click", async () => {
    if (await confirmDialog("Delete all heartbeats and statistics of every monitor?", "Clear")) toastReply(await socket.call("clearStatistics"));
  });
}

export const MUTE_KEY = "kuma-mute-toasts";

function appearance(ctx, body) {
  const current = localStorage.getItem("kuma-theme") || "auto";
  body.innerHTML = `<form class="card" id="theme-form"><h2>Appearance</h2><fieldset><legend>Theme</legend>${["auto", "light", "dark"].map((t) =>
    `<label class="check"><input type="radio" name="theme" value="${t}"${t === current ? " checked" : ""}> ${t === "auto" ? "Follow the system" : t[0].toUpperCase() + t.slice(1)}</label>`).join("")}</fieldset>
    <fieldset><legend>Live alerts</legend><label class="check"><input type="checkbox" name="mute" id="mute-toasts"${localStorage.getItem(MUTE_KEY) === "1" ? " checked" : ""}> Mute the toasts for monitors going down, up or into maintenance</label></fieldset></form>`;
  body.querySelector("#theme-form").addEventListener("change", (e) => {
    if (e.target.name === "mute") { localStorage.setItem(MUTE_KEY, e.target.checked ? "1" : "0"); return; }
    localStorage.setItem("kuma-theme", e.target.value);
    applyTheme();
  });
}

export function applyTheme() {
  const theme = localStorage.getItem("kuma-theme") || "auto";
  if (theme === "auto") delete document.documentElement.dataset.theme; else document.documentElement.dataset.theme = theme;
}

async function tags({ socket }, body) {
  const reply = await socket.call("getTags");
  const list = (reply && reply.tags) || [];
  body.innerHTML = `<div class="card"><h2>Tags</h2><ul class="plain-list" id="tag-admin">${list.length ? list.map((t) =>
    `<li><span class="tag" style="--tag:${esc(t.color)}">${esc(t.name)}</span><span class="inline"><input type="color" value="${esc(t.color)}" data-color="${t.id}" aria-label="Colour of ${esc(t.name)}">
     <button class="btn btn-small btn-danger" data-delete="${t.id}">Delete</button></span></li>`).join("") : `<li class="muted">No tags yet. Add them while editing a monitor.</li>`}</ul></div>`;
  const admin = body.querySelector("#tag-admin");
  admin.addEventListener("change", async (e) => {
    const id = e.target.dataset.color;
    const tag = list.find((t) => String(t.id) === id);
    if (tag) toastReply(await socket.call("editTag", { ...tag, color: e.target.value }));
  });
  admin.addEventListener("click", async (e) => {
    const id = e.target.dataset.delete;
    if (id && await confirmDialog("Delete this tag from every monitor?", "Delete")) {
      if (toastReply(await socket.call("deleteTag", Number(id)))) e.target.closest("li").remove();
    }
  });
}

async function about(ctx, body) {
  if (!state.kumaInfo) { const reply = await ctx.socket.call("getKumaInfo"); if (reply && reply.ok) state.kumaInfo = reply; }
  body.innerHTML = `<div class="card"><h2>About</h2><p><strong>kuma</strong> — a self-hosted uptime monitor speaking Uptime Kuma's API.</p>
    <p id="about-version">kuma <span id="kuma-version">${esc(state.kumaInfo?.version || "")}</span> · Uptime Kuma API ${esc(state.info.version || "")}</p>
    <p>Database: ${esc(state.info.dbType || "sqlite")} · server time zone: ${esc(state.info.serverTimezone || "")} (${esc(state.info.serverTimezoneOffset || "")})</p></div>`;
}
