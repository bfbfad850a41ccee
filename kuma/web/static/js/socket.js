// A small Socket.IO v5 client over a WebSocket (Engine.IO v4 framing): events, acks, reconnect with backoff.
// The dashboard talks to kuma only through this, like any other Uptime Kuma client; `auth` goes in the
// Socket.IO CONNECT packet (the dashboard asks for kuma's light start there: kuma/api/light_start.py).

export class Socket {
  constructor({ url = defaultUrl(), auth = null } = {}) {
    this.url = url;
    this.auth = auth;
    this.handlers = new Map();
    this.acks = new Map();
    this.nextAck = 0;
    this.connected = false;
    this.retry = 0;
    this.queue = [];
    this.closedByUs = false;
  }

  on(event, fn) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(fn);
    return () => this.handlers.get(event).delete(fn);
  }

  fire(event, ...args) {
    for (const fn of this.handlers.get(event) || []) {
      try { fn(...args); } catch (err) { console.error(`handler of ${event} failed`, err); }
    }
  }

  connect() {
    this.closedByUs = false;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onmessage = (msg) => this.receive(msg.data);
    ws.onclose = () => this.lost();
    ws.onerror = () => ws.close();
  }

  close() {
    this.closedByUs = true;
    if (this.ws) this.ws.close();
  }

  lost() {
    const wasConnected = this.connected;
    this.connected = false;
    clearTimeout(this.pingTimer);
    for (const [, reject] of this.acks) reject?.();
    this.acks.clear();
    if (wasConnected) this.fire("disconnect");
    if (this.closedByUs) return;
    const delay = Math.min(10000, 500 * 2 ** this.retry++) * (0.8 + Math.random() * 0.4);
    setTimeout(() => this.connect(), delay);
  }

  receive(data) {
    const type = data[0];
    if (type === "0") {  // Engine.IO open
      const open = JSON.parse(data.slice(1));
      this.pingDeadline = open.pingInterval + open.pingTimeout;
      this.armPing();
      this.ws.send(this.auth ? "40" + JSON.stringify(this.auth) : "40");
    } else if (type === "2") {  // ping
      this.ws.send("3");
      this.armPing();
    } else if (type === "4") {
      this.packet(data.slice(1));
    } else if (type === "1") {
      this.ws.close();
    }
  }

  armPing() {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => this.ws.close(), this.pingDeadline);
  }

  packet(text) {
    const type = text[0];
    let rest = text.slice(1);
    if (type === "0") {  // CONNECT
      this.connected = true;
      this.retry = 0;
      this.fire("connect");
      for (const frame of this.queue.splice(0)) this.ws.send(frame);
      return;
    }
    if (type === "1") { this.ws.close(); return; }
    const match = /^(\d*)/.exec(rest);
    const id = match[1];
    rest = rest.slice(id.length);
    const args = rest ? JSON.parse(rest) : [];
    if (type === "2") {
      const [event, ...eventArgs] = args;
      this.fire(event, ...eventArgs);
    } else if (type === "3") {
      const resolve = this.acks.get(Number(id));
      this.acks.delete(Number(id));
      if (resolve) resolve(args[0], ...args.slice(1));
    }
  }

  send(frame) {
    if (this.connected) this.ws.send(frame); else this.queue.push(frame);
  }

  emit(event, ...args) {
    this.send("42" + JSON.stringify([event, ...args]));
  }

  // Emit with an ack: resolves with the server's (single) reply argument.
  call(event, ...args) {
    const id = this.nextAck++;
    return new Promise((resolve, reject) => {
      this.acks.set(id, resolve);
      this.send("42" + id + JSON.stringify([event, ...args]));
      setTimeout(() => {
        if (this.acks.delete(id)) reject(new Error(`${event}: no answer`));
      }, 30000);
    });
  }
}

function defaultUrl() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}/socket.io/?EIO=4&transport=websocket`;
}
