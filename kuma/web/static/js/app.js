// The dashboard: boot, login flow, router, and the page frame. Views live in their own modules.
import { Socket } from "./socket.js";
import { state, wire, changed, subscribe, resetSession } from "./state.js";
import { bindBars } from "./bars.js";
import { esc, toast, toastReply, message, formData } from "./ui.js";
import { renderMonitorList, bindMonitorList } from "./list.js";
import { renderHome } from "./home.js";
import { renderDetail } from "./detail.js";
import { renderMonitorForm } from "./form.js";
import { renderSettings, applyTheme, MUTE_KEY } from "./settings.js";
import { renderMaintenance } from "./maintenance.js";
import { renderStatusPages } from "./statuspages.js";
import { renderReport } from "./report.js";

// The light start: the list from monitorList + each monitor's latest beat, bars fetched for the rows shown.
export const socket = new Socket({ auth: { kumaStart: "light" } });
wire(socket);
bindBars(socket);

const TOKEN_KEY = "kuma-token";
const storedToken = () => localStorage.getItem(TOKEN_KEY) || sessionStorage.getItem(TOKEN_KEY);
let pendingTokenLogin = false;

socket.on("connect", () => {
  state.connected = true;
  document.getElementById("banner").hidden = true;
  const token = storedToken();
  if (token) {
    pendingTokenLogin = true;
    socket.call("loginByToken", token).then((reply) => {
      pendingTokenLogin = false;
      if (reply && reply.ok) { state.loggedIn = true; }
      else { localStorage.removeItem(TOKEN_KEY); sessionStorage.removeItem(TOKEN_KEY); }
      changed();
    });
  }
  changed();
});
socket.on("disconnect", () => {
  state.connected = false;
  document.getElementById("banner").hidden = false;
  changed();
});
// kumaStart goes only to a socket that logged in: a stored token's login draws the list from here, before the
// other lists and the ack (a login from the form waits for its ack, which brings the token to remember).
socket.on("kumaStart", () => { if (pendingTokenLogin) { state.loggedIn = true; changed(); } });
socket.on("autoLogin", () => { state.loggedIn = true; state.authDisabled = true; changed(); });
socket.on("loginRequired", () => { if (!pendingTokenLogin) { state.loggedIn = false; changed(); } });
socket.on("refresh", () => location.reload());
// Live toasts: an important beat that arrives while the dashboard is open (not the login burst's history).
const LIVE = { 0: ["is down", "error"], 1: ["is up", "success"], 3: ["is under maintenance", "info"] };
socket.on("heartbeat", (beat) => {
  const live = LIVE[beat.status];
  if (!beat.important || !live || !state.loggedIn || localStorage.getItem(MUTE_KEY) === "1") return;
  const name = state.monitors[beat.monitorID]?.name ?? `Monitor ${beat.monitorID}`;
  const item = toast(`${name} ${live[0]}${beat.msg ? `: ${beat.msg}` : ""}`, live[1], { timeout: beat.status === 0 ? null : 8000 });
  item.classList.add("toast-live");
  item.dataset.monitor = String(beat.monitorID);
});
socket.on("initServerTimezone", () => socket.emit("initServerTimezone", Intl.DateTimeFormat().resolvedOptions().timeZone));

// -- router ------------------------------------------------------------------------------------
export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path); else history.pushState(null, "", path);
  render(true);
}

window.addEventListener("popstate", () => render(true));
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='/']");
  if (!link || link.target || event.ctrlKey || event.metaKey || event.shiftKey || link.hasAttribute("download")) return;
  if (link.getAttribute("href").startsWith("/status/") || link.getAttribute("href").startsWith("/api/")) return;
  event.preventDefault();
  navigate(link.getAttribute("href"));
});

function route() {
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const parts = path.split("/").filter(Boolean);
  return { path, parts };
}

// -- pages -------------------------------------------------------------------------------------
function authPage(kind) {
  const isSetup = kind === "setup";
  return `<main class="auth-page"><form class="card auth-card" id="auth-form" autocomplete="on">
    <h1 class="brand-big">kuma</h1>
    <p class="muted">${isSetup ? "Create your admin account." : "Sign in to your monitors."}</p>
    <label>Username <input name="username" autocomplete="username" required autofocus></label>
    <label>Password <input name="password" type="password" autocomplete="${isSetup ? "new-password" : "current-password"}" required></label>
    ${isSetup ? `<label>Repeat password <input name="repeat" type="password" autocomplete="new-password" required></label>`
      : `<label class="twofa" hidden>Two-factor code <input name="token" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}"></label>
         <label class="check"><input type="checkbox" name="remember" checked> Remember me</label>`}
    <button class="btn btn-primary" type="submit">${isSetup ? "Create" : "Log in"}</button>
    <p class="form-error" role="alert"></p></form></main>`;
}

function bindAuth(kind) {
  const form = document.getElementById("auth-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = formData(form);
    const error = form.querySelector(".form-error");
    error.textContent = "";
    if (kind === "setup") {
      if (data.password !== data.repeat) { error.textContent = "The passwords do not match."; return; }
      const reply = await socket.call("setup", data.username, data.password);
      if (!reply || !reply.ok) { error.textContent = message(reply) || "Setup failed."; return; }
      state.needSetup = false;
    }
    const reply = await socket.call("login", { username: data.username, password: data.password, token: data.token || "" });
    if (reply && reply.tokenRequired) {
      form.querySelector(".twofa").hidden = false;
      form.querySelector("[name=token]").focus();
      error.textContent = "Enter the code from your authenticator app.";
      return;
    }
    if (!reply || !reply.ok) { error.textContent = message(reply) || "Login failed."; return; }
    (data.remember === false ? sessionStorage : localStorage).setItem(TOKEN_KEY, reply.token);
    if (kind === "setup") sessionStorage.setItem(TOKEN_KEY, reply.token);
    state.loggedIn = true;
    navigate(["/", "/login", "/setup"].includes(location.pathname) ? "/dashboard" : location.pathname, { replace: true });
  });
}

export async function logout() {
  await socket.call("logout");
  localStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(TOKEN_KEY);
  resetSession();
  navigate("/login");
}

function header(active) {
  const link = (href, label, key) => `<a href="${href}" class="nav-link${active === key ? " active" : ""}">${label}</a>`;
  return `<header class="topbar"><a href="/dashboard" class="brand">kuma</a>
    <nav aria-label="Main" class="tabbar">${link("/dashboard", "Dashboard", "dashboard")}${link("/manage-status-page", "Status pages", "status")}
    ${link("/maintenance", "Maintenance", "maintenance")}${link("/settings/general", "Settings", "settings")}</nav>
    <a href="/add" class="btn btn-primary btn-small">+ Add monitor</a>
    ${state.authDisabled ? "" : `<button class="btn btn-small" id="logout">Log out</button>`}</header>`;
}

let lastShape = "";

function render(routeChanged = false) {
  const root = document.getElementById("app");
  const { path, parts } = route();
  if (!state.connected && !root.innerHTML) { root.innerHTML = `<p class="loading">Connecting…</p>`; return; }
  if (state.needSetup) {
    if (lastShape !== "setup") { root.innerHTML = authPage("setup"); bindAuth("setup"); lastShape = "setup"; }
    if (path !== "/setup") history.replaceState(null, "", "/setup");
    return;
  }
  if (!state.loggedIn) {
    if (pendingTokenLogin) return;
    if (lastShape !== "login") { root.innerHTML = authPage("login"); bindAuth("login"); lastShape = "login"; }
    return;
  }
  if (["/", "/login", "/setup"].includes(path)) { history.replaceState(null, "", "/dashboard"); return render(true); }

  const section = parts[0];
  const withList = ["dashboard", "add", "edit", "clone"].includes(section);
  const shape = withList ? "list-frame" : `frame-${section}`;
  if (shape !== lastShape || routeChanged) {
    const active = { dashboard: "dashboard", add: "dashboard", edit: "dashboard", clone: "dashboard",
      "manage-status-page": "status", "add-status-page": "status", maintenance: "maintenance",
      "add-maintenance": "maintenance", settings: "settings", report: "dashboard" }[section];
    if (shape !== lastShape) {
      root.innerHTML = header(active) + (withList
        ? `<div class="frame"><aside class="sidebar" id="sidebar"></aside><section class="content" id="content"></section></div>`
        : `<div class="frame frame-wide"><section class="content" id="content"></section></div>`);
      document.getElementById("logout")?.addEventListener("click", logout);
      if (withList) bindMonitorList(document.getElementById("sidebar"), socket);
      lastShape = shape;
    } else {
      root.querySelectorAll(".nav-link").forEach((a) => a.classList.toggle("active", a.getAttribute("href").includes(active === "status" ? "status" : active)));
    }
  }
  // On a phone the list and the detail are separate views (app.css): a monitor, a form → the detail view.
  const frame = root.querySelector(".frame");
  if (frame) frame.dataset.view = (section === "dashboard" && parts[1]) || ["add", "edit", "clone"].includes(section) ? "detail" : "list";
  if (withList) renderMonitorList(document.getElementById("sidebar"));
  const content = document.getElementById("content");
  const ctx = { socket, navigate, content, routeChanged, parts };
  if (section === "dashboard" && parts[1]) renderDetail(ctx, Number(parts[1]));
  else if (section === "dashboard") renderHome(ctx);
  else if (section === "add") renderMonitorForm(ctx, null);
  else if (section === "edit") renderMonitorForm(ctx, Number(parts[1]));
  else if (section === "clone") renderMonitorForm(ctx, Number(parts[1]), { clone: true });
  else if (section === "settings") renderSettings(ctx, parts[1] || "general");
  else if (section === "maintenance" || section === "add-maintenance") renderMaintenance(ctx);
  else if (section === "manage-status-page" || section === "add-status-page") renderStatusPages(ctx);
  else if (section === "report") renderReport(ctx, Number(parts[1]), parts[2]);
  else if (routeChanged) content.innerHTML = `<div class="card"><h2>Not found</h2><p><a href="/dashboard">Back to the dashboard</a></p></div>`;
}

applyTheme();
subscribe(() => render(false));
socket.connect();
render(true);
