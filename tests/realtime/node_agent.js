// A socket.io-client v4 driven over stdin/stdout (JSON lines) by tests/realtime/test_node_client.py.
// Commands: {"cmd":"call","id":n,"event":e,"args":[...]} → {"type":"ack","id":n,"args":[ack arguments]};
//           {"cmd":"emit","event":e,"args":[...]}; {"cmd":"transport"} → {"type":"transport","name":...};
//           {"cmd":"close"}. Every server event is printed as {"type":"event","event":e,"args":[...]}.
const { io } = require(process.env.SOCKET_IO_CLIENT);
const readline = require("readline");

const [url, transports] = [process.argv[2], process.argv[3].split(",")];
const out = (obj) => process.stdout.write(JSON.stringify(obj, (k, v) =>
  v && v.type === "Buffer" && Array.isArray(v.data) ? { $bin: Buffer.from(v.data).toString("hex") } : v) + "\n");
const revive = (v) => {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === "object") {
    if (typeof v.$bin === "string") return Buffer.from(v.$bin, "hex");
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  }
  return v;
};

const socket = io(url, { transports, reconnectionDelay: 100, reconnectionDelayMax: 200, timeout: 10000 });
socket.on("connect", () => out({ type: "connect", id: socket.id, transport: socket.io.engine.transport.name }));
socket.on("disconnect", (reason) => out({ type: "disconnect", reason }));
socket.on("connect_error", (err) => out({ type: "connect_error", message: String(err && err.message) }));
socket.io.engine && socket.io.on("open", () => socket.io.engine.on("upgrade", (t) => out({ type: "upgrade", name: t.name })));
socket.onAny((event, ...args) => out({ type: "event", event, args }));

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const msg = JSON.parse(line);
  if (msg.cmd === "call") {  // the ack with all its arguments
    socket.timeout(10000).emit(msg.event, ...revive(msg.args), (err, ...args) =>
      out({ type: "ack", id: msg.id, args: err ? ["ERROR " + err.message] : args }));
  } else if (msg.cmd === "emit") {
    socket.emit(msg.event, ...revive(msg.args));
  } else if (msg.cmd === "transport") {
    out({ type: "transport", name: socket.io.engine ? socket.io.engine.transport.name : null });
  } else if (msg.cmd === "close") {
    socket.disconnect();
    out({ type: "closed" });
    setTimeout(() => process.exit(0), 200);
  }
});
