// 1,000 messages through the gateway to a server's program (the test image's echo mode, which echoes each message
// and then acknowledges it) and back, in order; then 1,000 more with a restart of the server in the middle: every
// message is acknowledged (the ones the old program had not acknowledged are written again to the new one, and
// those sent while it restarts wait for it), and every acknowledged message came back, in order. Delivery is
// at-least-once: a message the old program echoed but did not acknowledge before it stopped comes back twice, so
// order is checked on first arrivals.
// Environment: RAPTOR_URL, RAPTOR_KEY, RAPTOR_IMAGE, TRANSPORTS.
import { io } from "socket.io-client";
import assert from "node:assert/strict";

const url = process.env.RAPTOR_URL;
const transports = process.env.TRANSPORTS.split(",");
const step = (name, data) => console.log(JSON.stringify({ step: name, ...data }));
const WINDOW = 100;

const socket = io(url, { transports, auth: { token: process.env.RAPTOR_KEY } });
await new Promise((resolve, reject) => { socket.on("connect", resolve); socket.on("connect_error", reject); });

const info = await socket.timeout(60000).emitWithAck("create_container", {
  image: process.env.RAPTOR_IMAGE, name: "sio-echo", environment: { ECHO_MESSAGES: "1" }, ready_pattern: "Done!",
});
assert.ok(!info.error, JSON.stringify(info));
const id = info.id;
await socket.timeout(30000).emitWithAck("subscribe", { container_id: id, streams: ["messages"] });
const received = [];
const seen = new Set();
let duplicates = 0;
socket.on("container_message", (m) => {
  if (m.container_id !== id) return;
  if (seen.has(m.message.seq)) { duplicates++; return; }
  seen.add(m.message.seq);
  received.push(m.message.seq);
});
const start = await socket.timeout(120000).emitWithAck("start_container", { container_id: id });
assert.equal(start.status, "done", JSON.stringify(start));

/** Sends seq from..to-1 with at most WINDOW unacknowledged; calls during(seq) before each send. */
async function stream(from, to, during = () => {}) {
  const acked = [];
  const deliveredAt = new Map();
  const failed = [];
  const inFlight = new Set();
  for (let seq = from; seq < to; seq++) {
    during(seq);
    const p = socket.timeout(90000).emitWithAck("send_message", { container_id: id, message: { seq } })
      .then((a) => (a.delivered === true ? (acked.push(seq), deliveredAt.set(seq, Date.parse(a.delivered_at))) : failed.push({ seq, a })), (e) => failed.push({ seq, e: String(e) }))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= WINDOW) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { acked, failed, deliveredAt };
}

async function echoed(seqs, ms) {
  const deadline = Date.now() + ms;
  const want = new Set(seqs);
  while (Date.now() < deadline) {
    if ([...want].every((s) => seen.has(s))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const missing = [...want].filter((s) => !seen.has(s));
  throw new Error(missing.length + " acknowledged messages never came back, e.g. " + missing.slice(0, 10));
}

function inOrder(list) {
  for (let i = 1; i < list.length; i++) assert.ok(list[i] > list[i - 1], "out of order at " + i + ": " + list.slice(Math.max(0, i - 3), i + 3));
}

const first = await stream(0, 1000);
assert.equal(first.failed.length, 0, JSON.stringify(first.failed.slice(0, 5)));
assert.equal(first.acked.length, 1000);
await echoed(first.acked, 60000);
assert.deepEqual(received.slice(0, 1000), [...Array(1000).keys()]);
assert.equal(duplicates, 0, "a message came back twice without a restart");
step("in-order", { acked: first.acked.length, echoed: received.length });

let restart;
let restarting = false;
let runningAgainAt;
socket.on("status", (e) => {
  if (e.container_id === id && restarting && e.state === "offline") restarting = "down";
  if (e.container_id === id && restarting === "down" && e.state === "running" && !runningAgainAt) runningAgainAt = Date.parse(e.timestamp);
});
const second = await stream(1000, 2000, (seq) => {
  if (seq === 1500) {
    restarting = true;
    restart = socket.timeout(120000).emitWithAck("restart_container", { container_id: id });
  }
});
const restarted = await restart;
assert.equal(restarted.status, "done", JSON.stringify(restarted));
assert.equal(second.failed.length, 0, JSON.stringify(second.failed.slice(0, 5)));
assert.equal(second.acked.length, 1000, "every message of the second thousand was acknowledged");
assert.ok(runningAgainAt, "no status running after the restart");
const toNewRun = second.acked.filter((s) => second.deliveredAt.get(s) >= runningAgainAt);
assert.ok(toNewRun.length > 0, "no message waited for the restarted program");
await echoed(second.acked, 60000);
inOrder(received);
assert.deepEqual(received, [...Array(2000).keys()]);
step("restart", { acked: second.acked.length, toNewRun: toNewRun.length, echoed: received.length - 1000, duplicates });

const del = await socket.timeout(120000).emitWithAck("delete_container", { container_id: id });
assert.equal(del.status, "done", JSON.stringify(del));
socket.close();
step("done", {});
