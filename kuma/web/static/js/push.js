// The push monitor's panel on its detail page: the push URL with a copy button, a token reset, and the
// code samples the server keeps (getPushExample) with this monitor's URL filled in.
import { esc, toastReply, confirmDialog, copyText } from "./ui.js";

const LANGUAGES = [["bash-curl", "curl"], ["powershell", "PowerShell"], ["python", "Python"], ["javascript-fetch", "Node.js"],
  ["docker", "Docker"], ["go", "Go"], ["php", "PHP"], ["java", "Java"], ["csharp", "C#"]];
const EXAMPLE_URL = "https://example.com/api/push/key?status=up&msg=OK&ping=";
let language = "bash-curl";

export function pushUrl(token) {
  return `${location.origin}/api/push/${token}?status=up&msg=OK&ping=`;
}

export function newPushToken() {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => alphabet[b % alphabet.length]).join("");
}

export async function renderPushPanel(ctx, id) {
  const box = ctx.content.querySelector("#d-push");
  const reply = await ctx.socket.call("getMonitor", id);
  if (!box || !reply || !reply.ok) return;
  const monitor = reply.monitor;
  const url = pushUrl(monitor.pushToken);
  box.hidden = false;
  box.innerHTML = `<h2>Push URL</h2>
    <p class="muted">Call this URL from your job or device at least every ${esc(monitor.interval)} s; <code>status</code>, <code>msg</code> and <code>ping</code> are optional.</p>
    <div class="push-url"><code id="push-url">${esc(url)}</code>
      <button class="btn btn-small" id="push-copy">Copy</button><button class="btn btn-small btn-danger" id="push-reset">Reset token</button></div>
    <div class="segmented" role="group" aria-label="Code sample">${LANGUAGES.map(([key, label]) =>
      `<button class="btn btn-small${key === language ? " active" : ""}" data-lang="${key}">${label}</button>`).join("")}</div>
    <pre class="code" id="push-code"></pre>`;
  const show = async () => {
    const sample = await ctx.socket.call("getPushExample", language);
    box.querySelector("#push-code").textContent = sample && sample.ok ? sample.code.split(EXAMPLE_URL).join(url) : "";
    box.querySelectorAll("[data-lang]").forEach((b) => b.classList.toggle("active", b.dataset.lang === language));
  };
  box.querySelectorAll("[data-lang]").forEach((b) => b.addEventListener("click", () => { language = b.dataset.lang; show(); }));
  box.querySelector("#push-copy").addEventListener("click", () => copyText(url, "Push URL"));
  box.querySelector("#push-reset").addEventListener("click", async () => {
    if (!(await confirmDialog("Reset the push token? Senders using the old URL will stop counting.", "Reset"))) return;
    if (toastReply(await ctx.socket.call("editMonitor", { ...monitor, pushToken: newPushToken() }))) renderPushPanel(ctx, id);
  });
  show();
}
