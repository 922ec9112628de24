// Drives Raptor's Socket.IO gateway with the real socket.io-client, as a web front end would:
// wrong credentials refused, a validation error in the flow-manager's format, then
// create -> subscribe -> start -> send_message -> the program's reply -> get_status -> stop -> delete.
// Environment: RAPTOR_URL, RAPTOR_KEY, RAPTOR_IMAGE, TRANSPORTS (e.g. "websocket" or "polling").
// Prints one JSON line per step; exits 1 on the first failed expectation.
import { io } from "socket.io-client";
import assert from "node:assert/strict";

const url = process.env.RAPTOR_URL;
const key = process.env.RAPTOR_KEY;
const image = process.env.RAPTOR_IMAGE;
const transports = process.env.TRANSPORTS.split(",");
const step = (name, data) => console.log(JSON.stringify({ step: name, ...data }));

function refused(auth) {
  return new Promise((resolve, reject) => {
    const s = io(url, { transports, auth, reconnection: false });
    s.on("connect", () => { s.close(); reject(new Error("connected with bad auth " + JSON.stringify(auth))); });
    s.on("connect_error", (err) => { s.close(); resolve(err); });
  });
}

function nextEvent(socket, name, predicate = () => true, ms = 60000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no " + name + " event within " + ms + " ms")), ms);
    const on = (data) => { if (predicate(data)) { clearTimeout(timer); socket.off(name, on); resolve(data); } };
    socket.on(name, on);
  });
}

const wrong = await refused({ token: "not-the-key" });
assert.match(wrong.message, /invalid token/);
assert.equal(wrong.data.error, true);
assert.equal(wrong.data.error_type, "permission_denied");
const none = await refused({});
assert.match(none.message, /authentication required/);
step("refused", { wrong: wrong.message, none: none.message });

const socket = io(url, { transports, auth: { token: key }, reconnection: true });
await new Promise((resolve, reject) => { socket.on("connect", resolve); socket.on("connect_error", reject); });
step("connected", { id: socket.id, transport: socket.io.engine.transport.name });

const invalid = await socket.timeout(30000).emitWithAck("create_container", { image, ports: { "eighty": 80 }, colour: "red" });
assert.equal(invalid.error, true);
assert.equal(invalid.error_type, "validation_error");
assert.equal(invalid.details.operation, "create_container");
assert.ok(invalid.details.fields.some((f) => f.field === "ports.eighty"), JSON.stringify(invalid));
assert.ok(invalid.details.fields.some((f) => f.field === "colour"), JSON.stringify(invalid));
assert.ok(!Number.isNaN(Date.parse(invalid.timestamp)));
step("validation", { error: invalid });

const unknown = await socket.timeout(30000).emitWithAck("start_container", { container_id: "00000000-0000-4000-8000-000000000000" });
assert.equal(unknown.error_type, "not_found");
step("not-found", { error: unknown });

const created = nextEvent(socket, "container_created");
const info = await socket.timeout(60000).emitWithAck("create_container", {
  image, name: "sio-" + transports.join("-"), environment: { BOOT_DELAY: "0", ECHO_MESSAGES: "1" },
  ready_pattern: "Done!", messaging: true,
});
assert.ok(!info.error, JSON.stringify(info));
assert.equal(info.socket_path, "/run/raptor/messages.sock");
assert.equal((await created).container_id, info.id);
const id = info.id;
step("created", { info });

const subscribed = await socket.timeout(30000).emitWithAck("subscribe", { container_id: id, streams: ["messages", "activity", "console"] });
assert.deepEqual(subscribed.streams, ["console", "activity", "messages"]);

const started = nextEvent(socket, "container_started", (e) => e.container_id === id);
const start = await socket.timeout(120000).emitWithAck("start_container", { container_id: id });
assert.equal(start.status, "done", JSON.stringify(start));
assert.equal(start.state, "running");
await started;
step("started", { start });

const reply = nextEvent(socket, "container_message", (m) => m.container_id === id && m.message.hello === "world");
const sent = await socket.timeout(60000).emitWithAck("send_message", { container_id: id, message: { hello: "world", n: 1 } });
assert.equal(sent.delivered, true, JSON.stringify(sent));
const echoed = await reply;
assert.deepEqual(echoed.message, { hello: "world", n: 1 });
step("message", { sent, echoed });

const status = await socket.timeout(30000).emitWithAck("get_status", { container_id: id });
assert.equal(status.state, "running");
assert.equal(status.socket_connected, true);
assert.ok(status.last_communication);
step("status", { status });

const list = await socket.timeout(30000).emitWithAck("list_containers", {});
assert.ok(list.containers.some((c) => c.id === id && c.status === "running"));

const stopped = nextEvent(socket, "container_stopped", (e) => e.container_id === id);
const stop = await socket.timeout(120000).emitWithAck("stop_container", { container_id: id });
assert.equal(stop.status, "done", JSON.stringify(stop));
assert.equal(stop.state, "offline");
await stopped;
step("stopped", { stop });

const deleted = nextEvent(socket, "container_deleted", (e) => e.container_id === id);
const del = await socket.timeout(120000).emitWithAck("delete_container", { container_id: id });
assert.equal(del.status, "done", JSON.stringify(del));
await deleted;
step("deleted", { del, transport: socket.io.engine.transport.name });

socket.close();
step("done", {});
