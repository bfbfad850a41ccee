// Settings → Backup: a consistent copy of kuma.db, taken while monitors keep beating (the same code as `kuma backup`).
// The socket is logged in with a JWT, the download is plain HTTP: a one-time token (getBackupDownloadToken, 60 s)
// lets the browser fetch GET /api/v1/backup?token=… as a file.
import { toast, message } from "./ui.js";

export function renderBackup({ socket }, body) {
  body.innerHTML = `<div class="card"><h2>Backup</h2>
    <p class="notice" id="backup-notice">Uptime Kuma 2.0 removed the JSON backup and its import. kuma offers a copy of the whole
      database instead: one consistent snapshot, taken without pausing any check.</p>
    <p><button class="btn btn-primary" id="backup-download">Download backup</button></p>
    <p class="muted">The file is named <code>kuma-backup-YYYYMMDD-HHMMSS.db</code> (UTC). To restore it, stop the server and run
      <code>kuma restore FILE --data-dir …</code>. Scripts can fetch the same file with a read-write API key:
      <code>GET /api/v1/backup</code>.</p></div>`;
  body.querySelector("#backup-download").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const reply = await socket.call("getBackupDownloadToken");
      if (!reply || !reply.ok) { toast(message(reply) || "The download could not start.", "error"); return; }
      const link = Object.assign(document.createElement("a"), { href: reply.url, download: "" });
      document.body.append(link);
      link.click();
      link.remove();
      toast("Backup download started.", "success");
    } finally {
      button.disabled = false;
    }
  });
}
