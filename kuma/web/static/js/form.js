// Add / edit / clone a monitor: every field of the types kuma checks, shown per type, validated by the server.
import { state } from "./state.js";
import { esc, toastReply, message, formData } from "./ui.js";
import { loadAlerting, alertingSection, alertingFromForm, stripAlertingFields, saveAlerting } from "./alerting.js";

const HTTP = ["http", "keyword", "json-query"];
const TYPES = [
  ["http", "HTTP(s)"], ["keyword", "HTTP(s) - Keyword"], ["json-query", "HTTP(s) - JSON Query"],
  ["port", "TCP Port"], ["ping", "Ping"], ["dns", "DNS"], ["push", "Push"], ["group", "Group"], ["manual", "Manual"],
  ["postgres", "PostgreSQL"], ["mysql", "MySQL/MariaDB"], ["sqlserver", "Microsoft SQL Server"], ["mongodb", "MongoDB"],
  ["redis", "Redis"], ["oracledb", "Oracle Database"], ["mqtt", "MQTT"], ["rabbitmq", "RabbitMQ"],
  ["kafka-producer", "Kafka Producer"],
];
const SQL = ["postgres", "mysql", "sqlserver", "oracledb"];
const DB = [...SQL, "mongodb", "redis"];
const CHECKED = [...HTTP, "port", "dns", "ping", ...DB, "mqtt", "rabbitmq", "kafka-producer"];

// [key, label, kind, shown for types (null = all), extra attributes]; "key@variant": a second input for a key
const FIELDS = [
  ["databaseConnectionString@pg", "Connection string", "text", ["postgres"], 'required placeholder="postgres://username:password@host:port/database"'],
  ["databaseConnectionString@my", "Connection string", "text", ["mysql"], 'required placeholder="mysql://username:password@host:port/database"'],
  ["databaseConnectionString@ms", "Connection string", "text", ["sqlserver"], 'required placeholder="Server=<hostname>,<port>;Database=<database>;User Id=<user>;Password=<password>;Encrypt=<true/false>;TrustServerCertificate=<Yes/No>"'],
  ["databaseConnectionString@mg", "Connection string", "text", ["mongodb"], 'required placeholder="mongodb://username:password@host:port/database"'],
  ["databaseConnectionString@rd", "Connection string", "text", ["redis"], 'required placeholder="redis://user:password@host:port"'],
  ["databaseConnectionString@or", "Connection string", "text", ["oracledb"], 'required placeholder="host:port/service_name"'],
  ["radiusPassword@mysql", "Password (overrides the one in the connection string)", "password", ["mysql"]],
  ["databaseQuery", "Query (default SELECT 1)", "textarea", SQL],
  ["databaseQuery@mg", "Command (JSON, default {\"ping\": 1})", "textarea", ["mongodb"], 'placeholder=\'{"ping": 1}\''],
  ["mqttTopic", "Topic", "text", ["mqtt"], 'required placeholder="MQTT topic"'],
  ["mqttUsername", "Username", "text", ["mqtt"]],
  ["mqttPassword", "Password", "password", ["mqtt"]],
  ["mqttWebsocketPath", "WebSocket path (ws:// and wss:// hosts)", "text", ["mqtt"], 'placeholder="/mqtt"'],
  ["mqttCheckType", "Check type", "select:keyword=Keyword,json-query=JSON query", ["mqtt"]],
  ["mqttSuccessMessage", "Expected message (keyword)", "text", ["mqtt"]],
  ["rabbitmqNodes", "Management API URLs (one per line)", "list", ["rabbitmq"], 'placeholder="http://rabbitmq:15672"'],
  ["rabbitmqUsername", "Username", "text", ["rabbitmq"]],
  ["rabbitmqPassword", "Password", "password", ["rabbitmq"]],
  ["kafkaProducerBrokers", "Brokers (host:port, one per line)", "list", ["kafka-producer"], 'placeholder="kafka:9092"'],
  ["kafkaProducerTopic", "Topic", "text", ["kafka-producer"], "required"],
  ["kafkaProducerMessage", "Message", "textarea", ["kafka-producer"]],
  ["kafkaProducerSsl", "Enable SSL", "checkbox", ["kafka-producer"]],
  ["kafkaProducerAllowAutoTopicCreation", "Allow auto topic creation", "checkbox", ["kafka-producer"]],
  ["kafkaProducerSaslOptions", "SASL options (JSON)", "json", ["kafka-producer"], 'placeholder=\'{"mechanism": "plain", "username": "", "password": ""}\''],
  ["url", "URL", "url", HTTP, 'required placeholder="https://"'],
  ["keyword", "Keyword", "text", ["keyword"], "required"],
  ["invertKeyword", "Invert keyword (UP when the keyword is absent)", "checkbox", ["keyword"]],
  ["jsonPath", "JSON query (JSONata)", "text", ["json-query", "mqtt", "mongodb"]],
  ["jsonPathOperator", "Condition", "select:==,!=,<,<=,>,>=,contains", ["json-query"]],
  ["expectedValue", "Expected value", "text", ["json-query", "mqtt", "mongodb"]],
  ["hostname", "Hostname", "text", ["port", "ping", "dns", "mqtt"], "required"],
  ["port", "Port", "number", ["port", "dns", "mqtt"], 'min="1" max="65535"'],
  ["dns_resolve_type", "Resource record type", "select:A,AAAA,CAA,CNAME,MX,NS,PTR,SOA,SRV,TXT", ["dns"]],
  ["dns_resolve_server", "Resolver server", "text", ["dns"], 'placeholder="1.1.1.1"'],
  ["packetSize", "Packet size", "number", ["ping"], 'min="1" max="65500"'],
  ["manual_status", "Status", "select:1=Up,0=Down,2=Pending,3=Maintenance", ["manual"]],
  ["interval", "Heartbeat interval (seconds)", "number", null, 'min="1" required'],
  ["retryInterval", "Heartbeat retry interval (seconds)", "number", null, 'min="1"'],
  ["maxretries", "Retries", "number", null, 'min="0"'],
  ["resendInterval", "Resend notification if down X times in a row (0 = off)", "number", null, 'min="0"'],
  ["timeout", "Request timeout (seconds)", "number", CHECKED, 'min="0" step="0.1"'],
  ["upsideDown", "Upside down mode", "checkbox", null],
  ["ignoreTls", "Ignore TLS/SSL errors", "checkbox", [...HTTP, "redis"]],
  ["expiryNotification", "Certificate expiry notification", "checkbox", HTTP],
  ["cacheBust", "Cache buster (random query parameter)", "checkbox", HTTP],
  ["maxredirects", "Max. redirects", "number", HTTP, 'min="0"'],
  ["accepted_statuscodes", "Accepted status codes (comma separated, e.g. 200-299)", "codes", HTTP],
  ["method", "Method", "select:GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS", HTTP],
  ["httpBodyEncoding", "Body encoding", "select:json,form,xml", HTTP],
  ["body", "Body", "textarea", HTTP],
  ["headers", "Headers (JSON)", "textarea", HTTP, 'placeholder=\'{"X-Api-Key": "..."}\''],
  ["authMethod", "Authentication", "select:=None,basic=Basic,bearer=Bearer token", HTTP],
  ["basic_auth_user", "Username", "text", [...HTTP, "oracledb"]],
  ["basic_auth_pass", "Password", "password", [...HTTP, "oracledb"]],
  ["bearer_token", "Bearer token", "password", HTTP],
  ["pushToken", "Push token", "text", ["push"], "readonly"],
  ["description", "Description", "textarea", null],
];

// ---- Protocol probes (issue 18, part b): snmp, ntp, radius, sip-options, gamedig, steam, globalping.
// Their own fields, and the shared ones (hostname, port, …) extended to them, in one block. A key written
// "name@variant" is a second input for the same monitor key (only the visible one is sent).
const PROBE_TYPES = [
  ["snmp", "SNMP"], ["ntp", "NTP"], ["radius", "Radius"], ["sip-options", "SIP Options"], ["gamedig", "GameDig"],
  ["steam", "Steam Game Server"], ["globalping", "Globalping"],
];
const PROBE_SHARED = {
  hostname: ["snmp", "ntp", "radius", "sip-options", "gamedig", "steam", "globalping"],
  port: ["snmp", "ntp", "radius", "sip-options", "gamedig", "steam", "globalping"],
  timeout: ["snmp", "ntp", "sip-options", "gamedig", "steam", "globalping"],
  jsonPath: ["snmp"], jsonPathOperator: ["snmp"], expectedValue: ["snmp"],
  url: ["globalping"], keyword: ["globalping"], dns_resolve_type: ["globalping"], dns_resolve_server: ["globalping"],
  method: ["globalping"], headers: ["globalping"], accepted_statuscodes: ["globalping"], ignoreTls: ["globalping"],
};
const PROBE_FIELDS = [
  ["snmpVersion", "SNMP version", "select:1=SNMPv1,2c=SNMPv2c,3=SNMPv3 (noAuthNoPriv)", ["snmp"]],
  ["radiusPassword@snmp", "Community string (SNMPv1/v2c)", "password", ["snmp"]],
  ["snmp_v3_username", "SNMPv3 username", "text", ["snmp"]],
  ["snmpOid", "OID", "text", ["snmp"], 'placeholder="1.3.6.1.2.1.1.1.0" required'],
  ["ntpStratumThreshold", "Stratum threshold (DOWN at or above)", "number", ["ntp"], 'min="1" max="16"'],
  ["ntpTimeOffsetThreshold", "Time offset threshold (ms)", "number", ["ntp"], 'min="1"'],
  ["ntpRootDispersionThreshold", "Root dispersion threshold (ms)", "number", ["ntp"], 'min="1"'],
  ["radiusUsername", "Radius username", "text", ["radius"], "required"],
  ["radiusPassword", "Radius password", "password", ["radius"], "required"],
  ["radiusSecret", "Radius secret (shared with the server)", "password", ["radius"], "required"],
  ["radiusCalledStationId", "Called-Station-Id", "text", ["radius"]],
  ["radiusCallingStationId", "Calling-Station-Id", "text", ["radius"]],
  ["protocol@sip", "Transport", "select:UDP,TCP", ["sip-options"]],
  ["game", "Game", "text", ["gamedig"], 'list="game-list" required'],
  ["gamedigGivenPortOnly", "Query the given port only", "checkbox", ["gamedig"]],
  ["gamedigToken", "Game server token (some games need one)", "password", ["gamedig"]],
  ["subtype", "Measurement", "select:ping=Ping,http=HTTP,dns=DNS", ["globalping"]],
  ["location", "Probe location (e.g. Germany, AWS, world)", "text", ["globalping"], 'placeholder="world"'],
  ["protocol@globalping", "Protocol", "select:ICMP,TCP,HTTP,HTTPS,HTTP2,UDP", ["globalping"]],
  ["ping_count", "Packets", "number", ["globalping"], 'min="1" max="16"'],
  ["ipFamily", "IP version", "select:=Any,ipv4=IPv4,ipv6=IPv6", ["globalping"]],
];
const PROBE_DEFAULTS = {  // the columns' defaults, shown in the form
  snmpVersion: "2c", ntpStratumThreshold: 5, ntpTimeOffsetThreshold: 1000, ntpRootDispersionThreshold: 500,
  gamedigGivenPortOnly: true,
};

function addProbeFields(types, fields) {
  types.push(...PROBE_TYPES);
  for (const f of fields) if (PROBE_SHARED[f[0]] && f[3]) f[3] = [...f[3], ...PROBE_SHARED[f[0]]];
  fields.splice(fields.findIndex((f) => f[0] === "interval"), 0, ...PROBE_FIELDS);
}

async function fillGameList(form, socket) {
  const input = form.querySelector("#f-game");
  if (!input || form.querySelector("#game-list")) return;
  const list = document.createElement("datalist");
  list.id = "game-list";
  form.append(list);
  const reply = await socket.call("getGameList");
  for (const game of (reply && reply.gameList) || []) {
    const option = document.createElement("option");
    option.value = game.keys[0];
    option.label = game.pretty;
    list.append(option);
  }
}
// ---- end of the protocol probes block

addProbeFields(TYPES, FIELDS);

// --- monitor types part 2, first half (docker, websocket-upgrade, smtp, system-service, tailscale-ping, pm2,
// grpc-keyword, real-browser): their own block, so the other halves' additions stay separate.
TYPES.push(
  ["docker", "Docker Container"], ["websocket-upgrade", "Websocket Upgrade"], ["smtp", "SMTP"],
  ["system-service", "System Service"], ["tailscale-ping", "Tailscale Ping"], ["pm2", "PM2"],
  ["grpc-keyword", "gRPC(s) - Keyword"], ["real-browser", "HTTP(s) - Browser Engine (Chrome/Chromium)"],
);
const PROBE_A_FIELDS = [
  ["docker_container", "Container name / ID", "text", ["docker"], "required"],
  ["docker_host", "Docker host", () => `select:=Choose…,${state.dockerHosts.map((h) => `${h.id}=${String(h.name).replace(/[,=]/g, " ")}`).join(",")}`, ["docker"]],
  ["wsSubprotocol", "Subprotocol(s) (comma separated)", "text", ["websocket-upgrade"]],
  ["wsIgnoreSecWebsocketAcceptHeader", "Ignore Sec-WebSocket-Accept header", "checkbox", ["websocket-upgrade"]],
  ["smtpSecurity", "SMTP security", "select:=STARTTLS when offered,secure=SMTPS,nostarttls=Ignore STARTTLS,starttls=Use STARTTLS", ["smtp"]],
  ["system_service_name", "Service name (systemd unit) / PM2 process name or id", "text", ["system-service", "pm2"], "required"],
  ["grpcUrl", "gRPC URL (host:port)", "text", ["grpc-keyword"], 'required placeholder="localhost:50051"'],
  ["grpcProtobuf", "Proto (service definition)", "textarea", ["grpc-keyword"]],
  ["grpcServiceName", "Service name (package.Service)", "text", ["grpc-keyword"]],
  ["grpcMethod", "Method", "text", ["grpc-keyword"]],
  ["grpcBody", "Body (JSON)", "textarea", ["grpc-keyword"]],
  ["grpcMetadata", "Metadata (JSON)", "textarea", ["grpc-keyword"]],
  ["grpcEnableTls", "Enable TLS", "checkbox", ["grpc-keyword"]],
  ["remote_browser", "Remote browser", () => `select:=Local Chromium,${(state.remoteBrowsers || []).map((b) => `${b.id}=${String(b.name).replace(/[,=]/g, " ")}`).join(",")}`, ["real-browser"]],
  ["screenshot_delay", "Screenshot delay (ms)", "number", ["real-browser"], 'min="0"'],
];
const PROBE_A_SHARED = {  // existing rows these types show too
  url: ["websocket-upgrade", "real-browser"], hostname: ["smtp", "tailscale-ping"], port: ["smtp"],
  keyword: ["grpc-keyword"], invertKeyword: ["grpc-keyword"], timeout: ["websocket-upgrade", "smtp", "grpc-keyword", "real-browser"],
  accepted_statuscodes: ["websocket-upgrade"], headers: ["websocket-upgrade"], authMethod: ["websocket-upgrade"],
  basic_auth_user: ["websocket-upgrade"], basic_auth_pass: ["websocket-upgrade"], bearer_token: ["websocket-upgrade"],
};
for (const row of FIELDS) if (PROBE_A_SHARED[row[0]] && row[3]) row[3] = [...row[3], ...PROBE_A_SHARED[row[0]]];
FIELDS.splice(FIELDS.findIndex((row) => row[0] === "interval"), 0, ...PROBE_A_FIELDS);
const PROBE_A_NUMERIC_SELECTS = ["docker_host", "remote_browser"];
// --- end monitor types part 2, first half

// ---- form sections, help text, browser validation (issue 19): which section a field sits in (default: Check),
// help under a field, auth fields only for their method, the server's message at the field it names.
const GENERAL_KEYS = ["url", "hostname", "port", "description"];
const ADVANCED_KEYS = ["upsideDown", "ignoreTls", "expiryNotification", "cacheBust", "maxredirects", "accepted_statuscodes",
  "method", "httpBodyEncoding", "body", "headers", "authMethod", "basic_auth_user", "basic_auth_pass", "bearer_token"];
const NOTIFY_KEYS = ["resendInterval"];
const sectionOf = (field) => {
  const key = field.split("@")[0];
  if (GENERAL_KEYS.includes(key)) return "general";
  if (ADVANCED_KEYS.includes(key)) return "advanced";
  return NOTIFY_KEYS.includes(key) ? "notifications" : "check";
};
const HELP = {
  url: "The address to check, starting with http:// or https://.",
  hostname: "A host name or IP address, e.g. example.com or 192.168.1.10.",
  interval: "How often the check runs.",
  retryInterval: "How often to check again while a failure is being retried.",
  maxretries: "Failed checks in a row before the monitor is DOWN and notifications are sent (0: at once).",
  resendInterval: "Send the DOWN notification again every this many checks while it stays down.",
  timeout: "How long one check may take before it counts as failed.",
  upsideDown: "UP when the check fails and DOWN when it succeeds.",
  ignoreTls: "Accept invalid or self-signed certificates.",
  accepted_statuscodes: "Status codes that count as UP; ranges like 200-299.",
  keyword: "The check is UP only when the response contains this text (case-sensitive).",
  headers: "A JSON object of request headers.",
  authMethod: "How kuma authenticates to the site.",
  description: "Shown on the monitor's page.",
};
const AUTH_ONLY = { basic_auth_user: "basic", basic_auth_pass: "basic", bearer_token: "bearer" };
// the server's prose messages ("Interval cannot be …") → the field they are about
const MESSAGE_FIELDS = [[/^Retry interval/i, "retryInterval"], [/^Interval/i, "interval"], [/^Headers/i, "headers"],
  [/^(Per-ping )?Timeout/i, "timeout"], [/^Packet size/i, "packetSize"], [/^Ping count/i, "ping_count"],
  [/^Screenshot delay/i, "screenshot_delay"], [/status codes/i, "accepted_statuscodes"], [/^SNMP version/i, "snmpVersion"],
  [/service name|PM2 process/i, "system_service_name"], [/^Body/i, "body"], [/^MongoDB query/i, "databaseQuery"], [/URL|url/, "url"]];

export function readableSeconds(value) {
  const total = Number(value);
  if (!Number.isFinite(total) || total <= 0) return "";
  let rest = Math.round(total);
  const parts = [];
  for (const [size, unit] of [[86400, "day"], [3600, "hour"], [60, "minute"], [1, "second"]]) {
    const count = Math.floor(rest / size);
    if (count) { parts.push(`${count} ${unit}${count === 1 ? "" : "s"}`); rest -= count * size; }
  }
  return `${total} s (${parts.join(" ")})`;
}

function helpFor(field) {
  const key = field.split("@")[0];
  const readable = ["interval", "retryInterval"].includes(key) ? ` <span class="readable" data-readable-for="${key}"></span>` : "";
  return HELP[key] || readable ? `<small class="help">${esc(HELP[key] || "")}${readable}</small>` : "";
}

function fieldFor(form, key) {
  return [...form.querySelectorAll(`[name="${CSS.escape(key)}"]`)].find((el) => !el.disabled) || null;
}

function showError(el, msg) {
  const slot = document.createElement("small");
  slot.className = "field-error";
  slot.setAttribute("role", "alert");
  slot.textContent = msg;
  el.setAttribute("aria-invalid", "true");
  (el.closest("label") || el).insertAdjacentElement("afterend", slot);
}

function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((el) => el.remove());
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  form.querySelector(".form-error").textContent = "";
}

function urlProblem(value, type) {
  const schemes = type === "websocket-upgrade" ? ["ws:", "wss:"] : ["http:", "https:"];
  let url = null;
  try { url = new URL(value); } catch { /* not a URL */ }
  if (url && schemes.includes(url.protocol) && url.hostname) return "";
  return `Enter a full address such as ${schemes[0] === "ws:" ? "wss://example.com/socket" : "https://example.com"}.`;
}

// Required fields filled and the URL a real address; marks each problem at its field. True when all is well.
function validateForm(form) {
  clearErrors(form);
  const problems = [];
  const type = form.elements.type.value;
  const urlUnused = type === "globalping" && form.elements.subtype?.value !== "http";  // ping/dns measure a host
  for (const el of form.querySelectorAll("input,select,textarea")) {
    if (el.disabled || !el.name || el.closest("[hidden]") || (el.id === "f-url" && urlUnused)) continue;
    if (el.required && !String(el.value).trim()) problems.push([el, `${labelText(el)} is required.`]);
    else if (el.id === "f-url") {
      const problem = urlProblem(el.value.trim(), type);
      if (problem) problems.push([el, problem]);
    }
  }
  for (const [el, msg] of problems) showError(el, msg);
  if (problems.length) {
    form.querySelector(".form-error").textContent = problems.length === 1 ? problems[0][1] : `${problems.length} fields need attention.`;
    problems[0][0].focus();
  }
  return !problems.length;
}

function labelText(el) {
  const label = el.closest("label");
  return label ? [...label.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim() || el.name : el.name;
}

// The server refused: its message at the field it is about (when one is named), and under the form.
function showServerError(form, msg) {
  clearErrors(form);
  form.querySelector(".form-error").textContent = msg;
  const key = MESSAGE_FIELDS.find(([re]) => re.test(msg))?.[1];
  const el = key && fieldFor(form, key);
  if (el) { showError(el, msg); el.focus(); }
}

function authVisible(form, key) {
  const method = fieldFor(form, "authMethod");
  return !method || method.value === AUTH_ONLY[key];  // types without the auth picker (oracledb) always show them
}

// The name follows the URL's (or host name's) host until the user types a name of their own.
function autoName(form) {
  const name = form.elements.name;
  let auto = !name.value.trim();
  name.addEventListener("input", () => { auto = !name.value.trim(); });
  form.addEventListener("input", (e) => {
    if (!auto || !["url", "hostname"].includes(e.target.name)) return;
    let host = e.target.value.trim();
    if (e.target.name === "url") { try { host = new URL(host).hostname; } catch { host = ""; } }
    name.value = host;
  });
}

function showReadable(form) {
  form.querySelectorAll("[data-readable-for]").forEach((el) => {
    el.textContent = readableSeconds(fieldFor(form, el.dataset.readableFor)?.value);
  });
}

function section(id, title, body) {
  return `<section class="form-section" id="sec-${id}" aria-labelledby="sec-${id}-title"><h2 id="sec-${id}-title">${title}</h2>${body}</section>`;
}
// ---- end form sections

const DEFAULTS = {
  type: "http", name: "", parent: null, url: "https://", method: "GET", interval: 60, retryInterval: 60,
  resendInterval: 0, maxretries: 0, timeout: 48, notificationIDList: {}, ignoreTls: false, upsideDown: false,
  expiryNotification: false, maxredirects: 10, accepted_statuscodes: ["200-299"], dns_resolve_type: "A",
  dns_resolve_server: "1.1.1.1", proxyId: null, httpBodyEncoding: "json", authMethod: null, packetSize: 56,
  jsonPathOperator: "==", cacheBust: false, conditions: [], kafkaProducerBrokers: [], kafkaProducerSaslOptions: { mechanism: "None" },
  rabbitmqNodes: [], accepted_statuscodes_json: undefined, ...PROBE_DEFAULTS,
};

function pushToken() {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => alphabet[b % alphabet.length]).join("");
}

function input([field, label, kindOrFn, , extra = ""], value) {
  const key = field.split("@")[0];
  const id = `f-${field.replace("@", "-")}`;
  const kind = typeof kindOrFn === "function" ? kindOrFn() : kindOrFn;  // options known only at render time
  if (kind === "checkbox") return `<label class="check" for="${id}"><input type="checkbox" id="${id}" name="${key}"${value ? " checked" : ""}> ${label}</label>`;
  if (kind.startsWith("select:")) {
    const options = kind.slice(7).split(",").map((o) => { const [v, l] = o.includes("=") ? o.split("=") : [o, o]; return [v, l]; });
    const want = typeof kindOrFn === "function" ? ` data-want="${esc(value ?? "")}"` : "";  // see refreshListedSelects
    return `<label for="${id}">${label}<select id="${id}" name="${key}"${want}>${options.map(([v, l]) =>
      `<option value="${esc(v)}"${String(value ?? "") === v ? " selected" : ""}>${esc(l)}</option>`).join("")}</select></label>`;
  }
  if (kind === "textarea") return `<label for="${id}">${label}<textarea id="${id}" name="${key}" rows="3" ${extra}>${esc(value ?? "")}</textarea></label>`;
  if (kind === "list") return `<label for="${id}">${label}<textarea id="${id}" name="${key}" data-kind="list" rows="2" ${extra}>${esc((value || []).join("\n"))}</textarea></label>`;
  if (kind === "json") return `<label for="${id}">${label}<textarea id="${id}" name="${key}" data-kind="json" rows="2" ${extra}>${esc(value ? JSON.stringify(value) : "")}</textarea></label>`;
  if (kind === "codes") return `<label for="${id}">${label}<input id="${id}" name="${key}" value="${esc((value || []).join(", "))}"></label>`;
  const type = kind === "url" ? "text" : kind;
  return `<label for="${id}">${label}<input id="${id}" name="${key}" type="${type}" value="${esc(value ?? "")}" ${extra}></label>`;
}

// Selects whose options come from a list the server sends (docker hosts, remote browsers) may be drawn before
// that list arrives after a page load: redraw just their options when the list changes, keeping the choice.
function refreshListedSelects(content) {
  for (const [field, , kindOrFn] of FIELDS) {
    if (typeof kindOrFn !== "function") continue;
    const select = content.querySelector(`#f-${field.replace("@", "-")}`);
    if (!select || select.tagName !== "SELECT") continue;
    const kind = kindOrFn();
    if (select.dataset.options === kind) continue;
    const value = select.value || select.dataset.want || "";  // the stored choice, drawn before its option existed
    const options = kind.slice(7).split(",").map((o) => (o.includes("=") ? o.split("=") : [o, o]));
    select.innerHTML = options.map(([v, l]) => `<option value="${esc(v)}">${esc(l)}</option>`).join("");
    if (options.some(([v]) => v === value)) select.value = value;
    select.dataset.options = kind;
  }
}

export async function renderMonitorForm(ctx, id, { clone = false } = {}) {
  const { content, socket, navigate } = ctx;
  if (!ctx.routeChanged && content.querySelector("#monitor-form")) { refreshListedSelects(content); return; }  // never re-render under the user's typing
  let monitor = { ...DEFAULTS };
  if (id) {
    const reply = await socket.call("getMonitor", id);
    if (!reply || !reply.ok) { content.innerHTML = `<div class="card"><p>${esc(message(reply) || "Monitor not found.")}</p></div>`; return; }
    monitor = reply.monitor;
    if (clone) { monitor = { ...monitor, id: undefined, name: `${monitor.name} (clone)`, pushToken: monitor.pushToken ? pushToken() : monitor.pushToken, tags: monitor.tags }; }
  }
  if (!monitor.pushToken) monitor.pushToken = pushToken();
  const editing = id && !clone;
  const alerting = await loadAlerting(socket, id);  // a clone copies the original's alerting too
  const groups = Object.values(state.monitors).filter((m) => m.type === "group" && m.id !== id);
  const linked = monitor.notificationIDList || {};
  const newTags = [];
  const rows = (part) => FIELDS.filter((f) => sectionOf(f[0]) === part).map((f) => `<div class="field" data-types="${f[3] ? f[3].join(" ") : "*"}"${AUTH_ONLY[f[0]] ? ` data-auth="${AUTH_ONLY[f[0]]}"` : ""}>${
    input(f, f[0] === "authMethod" ? monitor.authMethod ?? "" : monitor[f[0].split("@")[0]])}${helpFor(f[0])}</div>`).join("");
  content.innerHTML = `<form class="card monitor-form" id="monitor-form" novalidate>
    <h1>${editing ? `Edit ${esc(monitor.name)}` : clone ? "Clone monitor" : "Add new monitor"}</h1>
    <div class="form-grid"><div>
      ${section("general", "General", `<label for="f-type">Monitor type<select id="f-type" name="type">${TYPES.map(([v, l]) =>
        `<option value="${v}"${monitor.type === v ? " selected" : ""}>${l}</option>`).join("")}
        ${TYPES.some(([v]) => v === monitor.type) ? "" : `<option value="${esc(monitor.type)}" selected>${esc(monitor.type)}</option>`}</select></label>
      <label for="f-name">Friendly name<input id="f-name" name="name" required value="${esc(monitor.name)}"></label>
      <small class="help">Filled from the URL's host while empty.</small>
      ${rows("general")}
      <div class="field" data-types="push"><p class="muted">Push URL: <code id="push-url"></code></p></div>
      <label for="f-parent">Monitor group<select id="f-parent" name="parent"><option value="">None</option>${groups.map((g) =>
        `<option value="${g.id}"${monitor.parent === g.id ? " selected" : ""}>${esc(g.name)}</option>`).join("")}</select></label>`)}
      ${section("check", "Check", rows("check"))}
    </div><div>
      ${section("notifications", "Notifications", `<fieldset><legend>Send to</legend>${state.notifications.length ? state.notifications.map((n) =>
        `<label class="check"><input type="checkbox" name="notif-${n.id}"${linked[n.id] || (!editing && !id && n.isDefault) ? " checked" : ""}> ${esc(n.name)}${n.isDefault ? " <span class='muted'>(default)</span>" : ""}</label>`).join("")
        : `<p class="muted">No notifications yet. <a href="/settings/notifications">Set one up</a>.</p>`}</fieldset>
      ${rows("notifications")}
      ${alertingSection(alerting, editing ? id : null)}`)}
      ${section("advanced", "Advanced", `${rows("advanced")}
      <label for="f-proxy" class="field" data-types="${HTTP.join(" ")}">Proxy<select id="f-proxy" name="proxyId"><option value="">None</option>${state.proxies.map((p) =>
        `<option value="${p.id}"${monitor.proxyId === p.id ? " selected" : ""}>${esc(p.protocol)}://${esc(p.host)}:${esc(p.port)}</option>`).join("")}</select></label>
      <fieldset><legend>Tags</legend><div id="tag-list">${(monitor.tags || []).map((t) =>
        `<span class="tag" style="--tag:${esc(t.color)}">${esc(t.name)}${t.value ? `:${esc(t.value)}` : ""}</span>`).join("")}</div>
        <div class="inline"><input id="new-tag" placeholder="name or name:value" aria-label="New tag"><input id="new-tag-color" type="color" value="#2563eb" aria-label="Tag colour">
        <button type="button" class="btn btn-small" id="add-tag">Add tag</button></div></fieldset>`)}
    </div></div>
    <p class="form-error" role="alert"></p>
    <div class="actions"><button class="btn btn-primary" type="submit">Save</button><a class="btn" href="${editing ? `/dashboard/${id}` : "/dashboard"}">Cancel</a></div></form>`;
  const form = content.querySelector("#monitor-form");
  const showFields = () => {
    const type = form.elements.type.value;
    form.querySelectorAll("[data-types]").forEach((el) => {
      const types = el.dataset.types;
      const visible = (types === "*" || types.split(" ").includes(type)) && (!el.dataset.auth || authVisible(form, el.querySelector("[name]")?.name));
      el.hidden = !visible;
      el.querySelectorAll("input,select,textarea").forEach((i) => { i.disabled = !visible; });
    });
    const token = form.elements.pushToken?.value || monitor.pushToken;
    content.querySelector("#push-url").textContent = `${location.origin}/api/push/${token}?status=up&msg=OK&ping=`;
  };
  form.elements.type.addEventListener("change", showFields);
  form.addEventListener("change", (e) => { if (e.target.name === "authMethod") showFields(); });
  form.addEventListener("input", (e) => { if (["interval", "retryInterval"].includes(e.target.name)) showReadable(form); });
  showFields();
  showReadable(form);
  autoName(form);
  fillGameList(form, socket);
  content.querySelector("#add-tag").addEventListener("click", () => {
    const text = content.querySelector("#new-tag").value.trim();
    if (!text) return;
    const [name, ...rest] = text.split(":");
    newTags.push({ name: name.trim(), value: rest.join(":").trim(), color: content.querySelector("#new-tag-color").value });
    content.querySelector("#tag-list").insertAdjacentHTML("beforeend", `<span class="tag tag-new">${esc(text)}</span>`);
    content.querySelector("#new-tag").value = "";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!validateForm(form)) return;
    const data = formData(form);
    const wanted = alertingFromForm(form);
    stripAlertingFields(data);
    const notificationIDList = {};
    for (const key of Object.keys(data)) if (key.startsWith("notif-")) { if (data[key]) notificationIDList[key.slice(6)] = true; delete data[key]; }
    const payload = { ...monitor, ...data, notificationIDList };
    payload.parent = data.parent ? Number(data.parent) : null;
    payload.proxyId = data.proxyId ? Number(data.proxyId) : null;
    payload.authMethod = data.authMethod || null;
    for (const key of PROBE_A_NUMERIC_SELECTS) if (key in data) payload[key] = data[key] ? Number(data[key]) : null;
    if (typeof data.accepted_statuscodes === "string") payload.accepted_statuscodes = data.accepted_statuscodes.split(",").map((s) => s.trim()).filter(Boolean);
    if (data.manual_status !== undefined) payload.manual_status = Number(data.manual_status);
    for (const el of form.querySelectorAll("[data-kind]")) {
      if (el.disabled) continue;
      if (el.dataset.kind === "list") payload[el.name] = el.value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
      else { try { payload[el.name] = el.value.trim() ? JSON.parse(el.value) : { mechanism: "None" }; } catch (e) { form.querySelector(".form-error").textContent = `${el.name}: ${e.message}`; return; } }
    }
    delete payload.tags;
    if (!editing) { delete payload.id; }
    const reply = await socket.call(editing ? "editMonitor" : "add", payload);
    if (!reply || !reply.ok) { showServerError(form, message(reply) || "Saving failed."); return; }
    const monitorID = reply.monitorID || id;
    await applyTags(socket, monitorID, newTags, clone ? monitor.tags : []);
    const saved = await saveAlerting(socket, monitorID, wanted);
    if (!saved || !saved.ok) { toastReply(saved); navigate(`/edit/${monitorID}`); return; }
    toastReply(reply);
    navigate(`/dashboard/${monitorID}`);
  });
}

async function applyTags(socket, monitorID, newTags, copied) {
  const existing = await socket.call("getTags");
  const tags = (existing && existing.tags) || [];
  for (const t of copied || []) await socket.call("addMonitorTag", t.tag_id, monitorID, t.value || "");
  for (const t of newTags) {
    let tag = tags.find((x) => x.name === t.name);
    if (!tag) {
      const made = await socket.call("addTag", { name: t.name, color: t.color });
      if (!made || !made.ok) continue;
      tag = made.tag;
      tags.push(tag);
    }
    await socket.call("addMonitorTag", tag.id, monitorID, t.value);
  }
}
