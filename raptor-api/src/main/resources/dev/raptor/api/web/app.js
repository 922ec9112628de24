// Raptor's built-in web console: a client of the public API (/api/v1, openapi.json) like any
// third-party panel. The node key lives in this tab's session storage, never in a URL; the console
// socket authenticates with a short-lived server token (README-console.md). URLs are relative so the
// page works behind a reverse proxy at a sub-path.
'use strict';

const KEY = 'raptor.nodeKey';
const $ = (id) => document.getElementById(id);

/** An answer that was not 2xx: its RFC 9457 problem document. */
class ApiError extends Error {
  constructor(status, problem) {
    super(describe(problem, status));
    this.status = status;
    this.problem = problem;
  }
}

function describe(problem, status) {
  if (!problem) return 'The daemon answered ' + status + '.';
  let text = problem.detail || problem.title || ('HTTP ' + status);
  if (Array.isArray(problem.errors) && problem.errors.length) {
    text += ': ' + problem.errors.map((e) => e.field + ' ' + e.message).join('; ');
  }
  return text;
}

async function api(method, path, body, key = sessionStorage.getItem(KEY)) {
  const headers = { Accept: 'application/json', Authorization: 'Bearer ' + key };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch('api/v1/' + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
  });
  if (res.ok) return res.status === 204 ? null : res.json();
  let problem = null;
  try { problem = await res.json(); } catch (e) { /* not a problem document */ }
  if (res.status === 401 && key === sessionStorage.getItem(KEY)) {
    signOut('The node key was refused; sign in again.');
  }
  throw new ApiError(res.status, problem);
}

// ------------------------------------------------------------------ formatting

function bytes(n) {
  if (n == null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

function duration(seconds) {
  if (seconds == null) return '–';
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600);
  const m = Math.floor(seconds % 3600 / 60), s = Math.floor(seconds % 60);
  if (d) return d + 'd ' + h + 'h';
  if (h) return h + 'h ' + m + 'm';
  if (m) return m + 'm ' + s + 's';
  return s + 's';
}

const cpu = (percent) => percent == null ? '–' : percent.toFixed(1) + ' %';

function memory(used, limit) {
  if (used == null) return '–';
  return limit ? bytes(used) + ' / ' + bytes(limit) : bytes(used);
}

// ------------------------------------------------------------------ pages

let leavePage = () => {};

function show(page) {
  for (const id of ['signin-page', 'overview-page', 'server-page']) $(id).hidden = id !== page;
  $('sign-out').hidden = page === 'signin-page';
}

function route() {
  leavePage();
  leavePage = () => {};
  if (!sessionStorage.getItem(KEY)) {
    show('signin-page');
    $('node-key').focus();
    return;
  }
  const m = /^#\/servers\/([0-9a-fA-F-]{36})$/.exec(location.hash);
  if (m) {
    leavePage = serverPage(m[1]);
  } else {
    leavePage = overviewPage();
  }
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  $('signin-error').textContent = message || '';
  if (location.hash !== '#/') location.hash = '#/'; // hashchange routes to the sign-in page
  else route();
}

async function signIn(event) {
  event.preventDefault();
  const key = $('node-key').value.trim();
  const button = $('signin-button');
  $('signin-error').textContent = '';
  if (!key) { $('signin-error').textContent = 'Enter the node API key.'; return; }
  button.disabled = true;
  try {
    await api('GET', 'servers', undefined, key); // the key is kept only once the daemon accepted it
    sessionStorage.setItem(KEY, key);
    $('node-key').value = '';
    route();
  } catch (e) {
    $('signin-error').textContent = e.status === 401 ? 'The node key was refused.' : 'Sign-in failed: ' + e.message;
    $('node-key').select();
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ overview

function overviewPage() {
  show('overview-page');
  let live = true;
  let timer = null;
  const refresh = async () => {
    try {
      const list = await api('GET', 'servers');
      const stats = await Promise.all(list.servers.map((s) =>
        s.state === 'offline' ? null : api('GET', 'servers/' + s.id + '/stats').catch(() => null)));
      if (!live) return;
      renderServers(list.servers, stats);
      $('overview-error').textContent = '';
    } catch (e) {
      if (live && e.status !== 401) $('overview-error').textContent = 'Could not load the servers: ' + e.message;
    }
    if (live) timer = setTimeout(refresh, 5000);
  };
  refresh();
  return () => { live = false; clearTimeout(timer); };
}

function renderServers(servers, stats) {
  const body = $('servers').tBodies[0];
  body.replaceChildren(...servers.map((s, i) => {
    const st = stats[i];
    const row = document.createElement('tr');
    row.dataset.serverId = s.id;
    const name = document.createElement('a');
    name.href = '#/servers/' + s.id;
    name.textContent = s.name;
    const cells = [name, stateBadge(s.state), cpu(st?.cpuAbsolute), memory(st?.memoryBytes, st?.memoryLimitBytes),
      st?.running ? duration(st.uptimeSeconds) : '–'];
    for (const c of cells) {
      const td = document.createElement('td');
      if (typeof c === 'string') td.textContent = c; else td.append(c);
      row.append(td);
    }
    return row;
  }));
  $('servers').hidden = servers.length === 0;
  $('no-servers').hidden = servers.length !== 0;
}

function stateBadge(state) {
  const span = document.createElement('span');
  span.className = 'state state-' + state;
  span.textContent = state;
  return span;
}

async function createServer(event) {
  event.preventDefault();
  const form = event.target;
  const button = $('create-button');
  if (button.disabled) return;
  $('create-error').textContent = '';
  const spec = { name: form.name.value.trim(), image: form.image.value.trim() };
  const stop = form.stop.value.trim();
  if (stop) spec.stop = { type: 'command', value: stop, timeoutSeconds: 30 };
  const ready = form.ready.value.trim();
  if (ready) spec.readyPattern = ready;
  button.disabled = true;
  try {
    const created = await api('POST', 'servers', spec);
    form.name.value = '';
    location.hash = '#/servers/' + created.id;
  } catch (e) {
    $('create-error').textContent = 'The server was not created: ' + e.message;
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ one server

const PERMISSIONS = ['console.read', 'console.write', 'power'];

function serverPage(id) {
  show('server-page');
  let live = true;
  let socket = null;
  let reconnect = null;
  let state = null;
  const pending = new Set(); // power actions submitted and not answered yet
  $('server-title').textContent = 'Server';
  $('server-error').textContent = '';
  $('power-status').textContent = '';
  for (const id of ['server-state', 'server-cpu', 'server-memory', 'server-uptime']) $(id).textContent = '–';

  const term = new Terminal({ convertEol: true, rendererType: 'dom', scrollback: 5000, disableStdin: true,
    fontSize: 13, rows: 24 });
  const host = $('terminal');
  host.replaceChildren();
  term.open(host);

  const buttons = [...document.querySelectorAll('#server-page .power button')];
  const allowed = { start: ['offline'], stop: ['starting', 'running'], restart: ['running', 'starting'],
    kill: ['starting', 'running', 'stopping'] };
  const updateButtons = () => {
    for (const b of buttons) {
      const action = b.dataset.action;
      // kill pre-empts whatever runs, so it stays usable while another action is pending
      const blocked = pending.has(action) || (pending.size > 0 && action !== 'kill');
      b.disabled = blocked || state === null || !allowed[action].includes(state);
    }
  };
  const setState = (s) => {
    state = s;
    $('server-state').replaceChildren(stateBadge(s));
    updateButtons();
  };

  const power = async (action) => {
    if (pending.has(action) || !live) return;
    pending.add(action);
    updateButtons();
    $('power-status').textContent = action + ': pending…';
    $('server-error').textContent = '';
    try {
      let op = await api('POST', 'servers/' + id + '/power', { action, wait: false });
      while (op.status === 'pending' && live) {
        await new Promise((r) => setTimeout(r, 500));
        op = await api('GET', 'operations/' + encodeURIComponent(op.id));
      }
      const why = op.reason ? ' (' + op.reason + ')' : op.supersededBy ? ' by ' + op.supersededBy : '';
      $('power-status').textContent = action + ': ' + op.status + why;
      if (op.state) setState(op.state);
    } catch (e) {
      $('power-status').textContent = '';
      $('server-error').textContent = action + ' failed: ' + e.message;
    } finally {
      pending.delete(action);
      updateButtons();
    }
  };
  const onPower = (event) => power(event.currentTarget.dataset.action);
  buttons.forEach((b) => b.addEventListener('click', onPower));

  const history = [];
  let cursor = 0;
  const input = $('command');
  const onCommand = (event) => {
    event.preventDefault();
    const line = input.value;
    if (!line.trim()) return;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      $('server-error').textContent = 'The console is not connected.';
      return;
    }
    socket.send(JSON.stringify({ event: 'send command', args: [line] }));
    if (history[history.length - 1] !== line) history.push(line);
    cursor = history.length;
    input.value = '';
  };
  const onKey = (event) => {
    if (event.key === 'ArrowUp' && cursor > 0) {
      input.value = history[--cursor];
      event.preventDefault();
    } else if (event.key === 'ArrowDown' && cursor < history.length) {
      cursor++;
      input.value = cursor === history.length ? '' : history[cursor];
      event.preventDefault();
    }
  };
  $('command-form').addEventListener('submit', onCommand);
  input.addEventListener('keydown', onKey);

  const token = async () =>
    (await api('POST', 'servers/' + id + '/tokens', { permissions: PERMISSIONS, expiresIn: 900 })).token;

  const connect = async () => {
    if (!live) return;
    let first;
    try {
      first = await token();
    } catch (e) {
      if (live && e.status !== 401) {
        $('server-error').textContent = 'The console could not connect: ' + e.message;
        reconnect = setTimeout(connect, 5000);
      }
      return;
    }
    if (!live) return;
    const url = new URL('api/v1/servers/' + id + '/ws', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    socket = ws;
    let greeted = false;
    ws.onopen = () => ws.send(JSON.stringify({ event: 'auth', args: [first] }));
    ws.onmessage = async (message) => {
      const { event, args = [] } = JSON.parse(message.data);
      switch (event) {
        case 'auth success':
          if (!greeted) { greeted = true; ws.send(JSON.stringify({ event: 'send logs' })); }
          break;
        case 'status': setState(args[0]); break;
        case 'console output': term.write(args[0] + '\n'); break;
        case 'stats': {
          const s = JSON.parse(args[0]);
          $('server-cpu').textContent = cpu(s.cpu_absolute);
          $('server-memory').textContent = memory(s.memory_bytes, s.memory_limit_bytes);
          $('server-uptime').textContent = s.state === 'offline' ? '–' : duration(s.uptime / 1000);
          break;
        }
        case 'daemon message': term.write('\x1b[33m[raptor] ' + args[0] + '\x1b[0m\n'); break;
        case 'daemon error': $('server-error').textContent = args[0]; break;
        case 'jwt error': $('server-error').textContent = 'The console refused the token: ' + args[0]; break;
        case 'token expiring':
          try { ws.send(JSON.stringify({ event: 'auth', args: [await token()] })); } catch (e) { /* reconnects at expiry */ }
          break;
        default: break;
      }
    };
    ws.onclose = (e) => {
      if (socket === ws) socket = null;
      if (live && e.code !== 4004) reconnect = setTimeout(connect, 2000);
      if (e.code === 4004) $('server-error').textContent = 'The server was deleted.';
    };
  };

  (async () => {
    try {
      const server = await api('GET', 'servers/' + id);
      if (!live) return;
      $('server-title').textContent = server.name;
      document.title = server.name + ' – Raptor';
      if (state === null) setState(server.state);
      connect();
    } catch (e) {
      if (live) $('server-error').textContent = 'Could not load the server: ' + e.message;
    }
  })();

  return () => {
    live = false;
    clearTimeout(reconnect);
    if (socket) socket.close(1000);
    socket = null;
    buttons.forEach((b) => b.removeEventListener('click', onPower));
    $('command-form').removeEventListener('submit', onCommand);
    input.removeEventListener('keydown', onKey);
    term.dispose();
    document.title = 'Raptor';
  };
}

// ------------------------------------------------------------------ start

document.addEventListener('DOMContentLoaded', () => {
  $('signin-form').addEventListener('submit', signIn);
  $('create-form').addEventListener('submit', createServer);
  $('sign-out').addEventListener('click', () => signOut());
  window.addEventListener('hashchange', route);
  route();
});
