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

async function api(method, path, body, key = sessionStorage.getItem(KEY), options = {}) {
  const res = await call(method, path, body, key, options);
  return res.status === 204 ? null : res.json();
}

/** One call of the API; answers the response when it is 2xx, throws its problem as an ApiError otherwise. */
async function call(method, path, body, key = sessionStorage.getItem(KEY), options = {}) {
  const headers = { Accept: options.accept || 'application/json', Authorization: 'Bearer ' + key, ...options.headers };
  if (body !== undefined) headers['Content-Type'] = options.contentType || 'application/json';
  const res = await fetch('api/v1/' + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
  });
  if (res.ok) return res;
  let problem = null;
  try { problem = await res.json(); } catch (e) { /* not a problem document */ }
  if (res.status === 401 && key === sessionStorage.getItem(KEY)) {
    signOut('The node key was refused; sign in again.');
  }
  throw new ApiError(res.status, problem);
}

/** Waits for a submitted operation's answer, reporting its progress; stops early when still() turns false. */
async function settle(op, still, onProgress = () => {}) {
  while (op.status === 'pending' && still()) {
    if (op.progress) onProgress(op.progress);
    await new Promise((r) => setTimeout(r, 500));
    op = await api('GET', 'operations/' + encodeURIComponent(op.id));
  }
  return op;
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

function when(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

function cell(content) {
  const td = document.createElement('td');
  if (typeof content === 'string') td.textContent = content; else td.append(content);
  return td;
}

function button(text, onClick, className) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (className) b.className = className;
  b.addEventListener('click', onClick);
  return b;
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

let current = null; // the server page on screen: { id, tab(name) }

function route() {
  if (!sessionStorage.getItem(KEY)) {
    leave();
    show('signin-page');
    $('node-key').focus();
    return;
  }
  const m = /^#\/servers\/([0-9a-fA-F-]{36})(?:\/(console|activity|files|backups|settings))?$/.exec(location.hash);
  if (m && current && current.id === m[1]) {
    current.tab(m[2] || 'console'); // same server, another section: the console stays connected
    return;
  }
  leave();
  if (m) {
    current = serverPage(m[1]);
    current.tab(m[2] || 'console');
    leavePage = current.leave;
  } else {
    leavePage = overviewPage();
  }
}

function leave() {
  leavePage();
  leavePage = () => {};
  current = null;
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
      const [list, system] = await Promise.all([api('GET', 'servers'), api('GET', 'system')]);
      const stats = await Promise.all(list.servers.map((s) =>
        s.state === 'offline' ? null : api('GET', 'servers/' + s.id + '/stats').catch(() => null)));
      if (!live) return;
      renderServers(list.servers, stats);
      renderNode(system);
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
      players(s.game), st?.running ? duration(st.uptimeSeconds) : '–'];
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

/** The players the game said it has, from the server's game query (when its spec has one). */
function players(game) {
  if (!game || game.playersOnline == null) return '–';
  return game.playersOnline + (game.playersMax >= 0 ? ' / ' + game.playersMax : '');
}

/** The node's facts (GET /system): what an operator checks first when something is slow or down. */
function renderNode(system) {
  const n = system.node;
  $('node-name').textContent = n.hostname + ' (' + n.os + ', Raptor ' + system.version + ')';
  const e = system.engine;
  const engine = document.createElement('span');
  engine.className = e.reachable ? 'ok' : 'error';
  engine.textContent = system.runtime + (e.version ? ' ' + e.version : '') + (e.reachable ? ', reachable' : ', NOT reachable'
    + (e.error ? ': ' + e.error : ''));
  $('node-engine').replaceChildren(engine);
  $('node-load').textContent = (n.loadAverage >= 0 ? n.loadAverage.toFixed(2) : '–') + ' on ' + n.cpus + ' CPUs';
  $('node-memory').textContent = n.memoryTotalBytes ? bytes(n.memoryFreeBytes) + ' of ' + bytes(n.memoryTotalBytes) : '–';
  $('node-disk').textContent = n.diskError ? n.diskError
    : n.diskTotalBytes ? bytes(n.diskFreeBytes) + ' of ' + bytes(n.diskTotalBytes) : '–';
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

const TERMINAL_FONT = 'ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace';
const TERMINAL_FONT_SIZE = 13;

/**
 * As many columns as the terminal's box holds (at least 20, at most 160), so the console never makes the page wider
 * than a phone's screen. Lines are not re-flowed for the server: its output simply wraps at the new width.
 */
function fitTerminal(term, host) {
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre;font-size:' + TERMINAL_FONT_SIZE
    + 'px;font-family:' + TERMINAL_FONT;
  probe.textContent = 'W'.repeat(50);
  document.body.append(probe);
  const cell = probe.getBoundingClientRect().width / 50;
  probe.remove();
  const style = getComputedStyle(host);
  const inner = host.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16; // the scroll bar
  if (cell > 0 && inner > 0) {
    const cols = Math.max(20, Math.min(160, Math.floor(inner / cell)));
    if (cols !== term.cols) term.resize(cols, term.rows);
  }
}

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
  for (const id of ['server-state', 'server-cpu', 'server-memory', 'server-network', 'server-uptime']) $(id).textContent = '–';
  const alive = () => live;

  const term = new Terminal({ convertEol: true, rendererType: 'dom', scrollback: 5000, disableStdin: true,
    fontSize: TERMINAL_FONT_SIZE, fontFamily: TERMINAL_FONT, rows: 24 });
  const host = $('terminal');
  host.replaceChildren();
  term.open(host);
  const fit = () => fitTerminal(term, host);
  fit();
  window.addEventListener('resize', fit);
  const plots = statsPlots();
  const sections = {
    console: { show() { fit(); plots.resize(); }, hide() {}, dispose() {} },
    activity: activityLog(id, alive),
    files: filesPanel(id, alive),
    backups: backupsPanel(id, alive),
    settings: settingsPanel(id, alive, (saved) => {
      $('server-title').textContent = saved.name;
      document.title = saved.name + ' – Raptor';
    }),
  };
  let tab = null;
  for (const link of document.querySelectorAll('#server-page .tabs a')) {
    link.href = '#/servers/' + id + (link.dataset.tab === 'console' ? '' : '/' + link.dataset.tab);
  }
  const showTab = (name) => {
    if (tab === name) return;
    if (tab) sections[tab].hide();
    tab = name;
    for (const link of document.querySelectorAll('#server-page .tabs a')) {
      if (link.dataset.tab === name) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
    }
    for (const key of Object.keys(sections)) $('panel-' + key).hidden = key !== name;
    sections[name].show();
  };

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
        case 'status': setState(args[0]); sections.activity.changed(); break;
        case 'console output': term.write(args[0] + '\n'); break;
        case 'stats': {
          const s = JSON.parse(args[0]);
          $('server-cpu').textContent = cpu(s.cpu_absolute);
          $('server-memory').textContent = memory(s.memory_bytes, s.memory_limit_bytes);
          $('server-uptime').textContent = s.state === 'offline' ? '–' : duration(s.uptime / 1000);
          const rate = plots.add(s);
          $('server-network').textContent = rate.rx.toFixed(1) + ' KiB/s in, ' + rate.tx.toFixed(1) + ' KiB/s out';
          break;
        }
        case 'backup started': case 'backup progress': case 'backup completed': case 'backup failed':
          sections.backups.event(event, JSON.parse(args[0]));
          break;
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

  const leave = () => {
    live = false;
    for (const section of Object.values(sections)) section.dispose();
    plots.dispose();
    clearTimeout(reconnect);
    if (socket) socket.close(1000);
    socket = null;
    buttons.forEach((b) => b.removeEventListener('click', onPower));
    $('command-form').removeEventListener('submit', onCommand);
    input.removeEventListener('keydown', onKey);
    window.removeEventListener('resize', fit);
    term.dispose();
    document.title = 'Raptor';
  };
  return { id, tab: showTab, leave };
}

// ------------------------------------------------------------------ live stats plots

const WINDOW_SECONDS = 300; // the plots show the last five minutes

/** The three uPlot charts of the server page, fed by the console socket's stats events. */
function statsPlots() {
  const charts = [];
  const times = [];
  const series = { cpu: [], memory: [], rx: [], tx: [] };
  let previous = null; // the last sample's network counters, to turn totals into rates

  const axisColour = getComputedStyle(document.body).color;
  const make = (figure, lines) => {
    const area = $(figure).querySelector('.plot-area');
    area.replaceChildren();
    const chart = new uPlot({
      width: Math.max(area.clientWidth, 200), height: 160, legend: { show: lines.length > 1, live: false },
      cursor: { show: false }, scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(max, 1)] } },
      axes: [{ stroke: axisColour, grid: { stroke: 'rgba(128,128,128,.2)' } },
        { stroke: axisColour, grid: { stroke: 'rgba(128,128,128,.2)' }, size: 50 }],
      series: [{}, ...lines.map(([label, colour]) => ({ label, stroke: colour, width: 2, fill: colour + '22' }))],
    }, [times, ...lines.map(() => [])], area);
    charts.push({ figure, chart, area });
    return chart;
  };
  const cpuChart = make('plot-cpu', [['CPU %', '#2563eb']]);
  const memoryChart = make('plot-memory', [['MiB', '#16a34a']]);
  const networkChart = make('plot-network', [['in', '#9333ea'], ['out', '#ea580c']]);

  const resize = () => {
    for (const { chart, area } of charts) chart.setSize({ width: Math.max(area.clientWidth, 200), height: 160 });
  };
  window.addEventListener('resize', resize);

  return {
    /** One stats sample (the WingsStats document of the console socket). */
    add(s) {
      const now = Date.now() / 1000;
      let rx = 0, tx = 0;
      if (previous && s.network) {
        const dt = Math.max(now - previous.at, 0.001);
        // a restart resets the counters: no negative rate
        rx = Math.max(0, s.network.rx_bytes - previous.rx) / 1024 / dt;
        tx = Math.max(0, s.network.tx_bytes - previous.tx) / 1024 / dt;
      }
      if (s.network) previous = { at: now, rx: s.network.rx_bytes, tx: s.network.tx_bytes };
      times.push(now);
      series.cpu.push(s.cpu_absolute ?? 0);
      series.memory.push((s.memory_bytes ?? 0) / 1048576);
      series.rx.push(rx);
      series.tx.push(tx);
      while (times.length && times[0] < now - WINDOW_SECONDS) {
        times.shift();
        for (const v of Object.values(series)) v.shift();
      }
      cpuChart.setData([times, series.cpu]);
      memoryChart.setData([times, series.memory]);
      networkChart.setData([times, series.rx, series.tx]);
      for (const { figure } of charts) $(figure).dataset.points = String(times.length);
      $('plot-memory-caption').textContent = 'Memory (MiB): ' + series.memory[series.memory.length - 1].toFixed(1) + ' now';
      $('plot-cpu-caption').textContent = 'CPU (% of one core): ' + series.cpu[series.cpu.length - 1].toFixed(1) + ' now';
      $('plot-network-caption').textContent = 'Network (KiB/s): ' + rx.toFixed(1) + ' in, ' + tx.toFixed(1) + ' out now';
      return { rx, tx };
    },
    resize,
    dispose() {
      window.removeEventListener('resize', resize);
      for (const { chart, figure } of charts) { chart.destroy(); $(figure).dataset.points = '0'; }
    },
  };
}

// ------------------------------------------------------------------ activity log

/** The server's activity log, newest first, a page at a time; refreshed while it is on screen. */
function activityLog(id, alive) {
  let before = null; // the id to ask older entries from; null once the last page is shown
  let timer = null;
  let shown = false;
  const body = $('activity').tBodies[0];

  const row = (e) => {
    const tr = document.createElement('tr');
    tr.dataset.entryId = e.id;
    const time = document.createElement('time');
    time.dateTime = e.at;
    time.textContent = when(e.at);
    const details = Object.entries(e.details || {}).map(([k, v]) => k + '=' + v).join(' ');
    tr.append(cell(time), cell(e.type), cell(e.message + (details ? ' (' + details + ')' : '')));
    return tr;
  };
  const page = async (older) => {
    const query = 'limit=50' + (older && before ? '&before=' + before : '');
    const answer = await api('GET', 'servers/' + id + '/activity?' + query);
    if (!alive()) return;
    const last = answer.entries[answer.entries.length - 1];
    before = answer.next && last ? last.id : null;
    if (older) body.append(...answer.entries.map(row));
    else body.replaceChildren(...answer.entries.map(row));
    $('activity-more').hidden = before === null;
    $('no-activity').hidden = body.rows.length !== 0;
    $('activity').hidden = body.rows.length === 0;
    $('activity-error').textContent = '';
  };
  const refresh = async () => {
    clearTimeout(timer);
    try {
      // newest first: a refresh replaces the first page; older pages the operator opened are re-read with it
      await page(false);
    } catch (e) {
      if (alive() && e.status !== 401) $('activity-error').textContent = 'Could not load the activity: ' + e.message;
    }
    if (alive() && shown) timer = setTimeout(refresh, 5000);
  };
  const more = async () => {
    $('activity-more').disabled = true;
    try { await page(true); } catch (e) {
      if (alive()) $('activity-error').textContent = 'Could not load older entries: ' + e.message;
    } finally { $('activity-more').disabled = false; }
  };
  $('activity-more').addEventListener('click', more);
  body.replaceChildren();
  return {
    show() { shown = true; refresh(); },
    hide() { shown = false; clearTimeout(timer); },
    /** Something happened to the server (a state change): a visible log is re-read at once. */
    changed() { if (shown) refresh(); },
    dispose() { shown = false; clearTimeout(timer); $('activity-more').removeEventListener('click', more); },
  };
}

// ------------------------------------------------------------------ files

const EDITABLE_BYTES = 1024 * 1024; // larger files are downloaded, not edited in the page
const TEXT_TYPES = /^(text\/|application\/(json|xml|yaml|x-yaml|toml|javascript|x-sh|x-properties))/;

/** A signed link as the API answers it (/api/v1/...), made relative so it works behind a proxy at a sub-path. */
const relative = (url) => url.replace(/^\/+/, '');

const join = (dir, name) => (dir.endsWith('/') ? dir : dir + '/') + name;

/** The file manager: browse, edit small text files, upload with progress, download, rename, delete, zip/unzip. */
function filesPanel(id, alive) {
  let dir = '/';
  let entries = [];
  let editing = null; // the path in the editor
  let renaming = null; // the name whose row is an input
  let confirming = false; // the delete confirmation is open
  const body = $('files').tBodies[0];
  const selected = () => [...body.querySelectorAll('input[type=checkbox]:checked')].map((c) => c.value);
  const status = (text) => { $('files-status').textContent = text; $('files-error').textContent = ''; };
  const fail = (what, e) => { if (alive()) $('files-error').textContent = what + ': ' + e.message; };

  const crumbs = () => {
    const parts = dir.split('/').filter(Boolean);
    const links = [['/', 'server root']];
    parts.forEach((p, i) => links.push(['/' + parts.slice(0, i + 1).join('/'), p]));
    $('files-path').replaceChildren(...links.flatMap(([path, name], i) => {
      const b = button(name, () => open(path), 'link');
      if (i === links.length - 1) b.setAttribute('aria-current', 'location');
      return i ? [document.createTextNode(' / '), b] : [b];
    }));
  };

  const render = () => {
    body.replaceChildren(...entries.map((e) => {
      const path = join(dir, e.name);
      const tr = document.createElement('tr');
      tr.dataset.name = e.name;
      const check = document.createElement('input');
      check.type = 'checkbox';
      check.value = path;
      check.setAttribute('aria-label', 'Select ' + e.name);
      check.addEventListener('change', selection);
      let name;
      if (renaming === e.name) {
        name = document.createElement('form');
        name.className = 'inline';
        const input = document.createElement('input');
        input.value = e.name;
        input.setAttribute('aria-label', 'New name for ' + e.name);
        input.spellcheck = false;
        name.append(input, Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Rename' }),
          button('Cancel', () => { renaming = null; render(); }));
        name.addEventListener('submit', (ev) => { ev.preventDefault(); rename(e.name, input.value.trim()); });
        queueMicrotask(() => { input.focus(); input.select(); });
      } else if (e.type === 'directory' || (e.type === 'symlink' && e.linkInside && e.mime === 'inode/directory')) {
        name = button(e.name + '/', () => open(path), 'link');
      } else {
        name = document.createElement('span');
        name.textContent = e.name + (e.type === 'symlink' ? ' → ' + (e.linkTarget || '') : '');
      }
      const actions = document.createElement('div');
      actions.className = 'actions';
      const add = (text, action, onClick) => {
        const b = button(text, onClick);
        b.dataset.action = action;
        b.setAttribute('aria-label', text + ' ' + e.name);
        actions.append(b);
      };
      if (e.type === 'file') {
        if (e.size <= EDITABLE_BYTES && (TEXT_TYPES.test(e.mime) || e.size === 0)) add('Edit', 'edit', () => edit(path));
        add('Download', 'download', () => download(path));
        if (/\.(zip|tar|tgz|tar\.gz|tar\.zst|tzst|tar\.bz2|tar\.xz|gz|zst|bz2|xz)$/i.test(e.name)) {
          add('Unzip', 'unzip', () => unzip(path));
        }
      }
      if (e.type !== 'other') add('Rename', 'rename', () => { renaming = e.name; render(); });
      tr.append(cell(check), cell(name), cell(e.type === 'file' ? bytes(e.size) : '–'), cell(when(e.modified)), cell(actions));
      return tr;
    }));
    $('files').hidden = entries.length === 0;
    $('no-files').hidden = entries.length !== 0;
    $('files-all').checked = false;
    selection();
  };

  function selection() {
    const n = selected().length;
    $('files-zip').disabled = n === 0;
    $('files-delete').disabled = n === 0;
    if (confirming && n === 0) closeConfirm();
  }

  const open = async (path) => {
    try {
      const list = await api('GET', 'servers/' + id + '/files?path=' + encodeURIComponent(path));
      if (!alive()) return;
      dir = list.path || path;
      entries = list.entries;
      renaming = null;
      crumbs();
      render();
    } catch (e) { fail('Could not open ' + path, e); }
  };
  const reload = () => open(dir);

  const edit = async (path) => {
    try {
      const res = await call('GET', 'servers/' + id + '/files/content?path=' + encodeURIComponent(path), undefined,
        undefined, { accept: '*/*' });
      const text = await res.text();
      if (!alive()) return;
      editing = path;
      $('editor').value = text;
      $('editor-label').textContent = 'Edit ' + path;
      $('editor-form').hidden = false;
      $('editor').focus();
    } catch (e) { fail('Could not open ' + path, e); }
  };
  const save = async (event) => {
    event.preventDefault();
    if (!editing) return;
    $('editor-save').disabled = true;
    try {
      const res = await fetch('api/v1/servers/' + id + '/files/content?path=' + encodeURIComponent(editing), {
        method: 'PUT', body: $('editor').value, cache: 'no-store',
        headers: { Authorization: 'Bearer ' + sessionStorage.getItem(KEY), 'Content-Type': 'application/octet-stream' },
      });
      if (!res.ok) {
        let problem = null;
        try { problem = await res.json(); } catch (e) { /* not a problem document */ }
        throw new ApiError(res.status, problem);
      }
      status('Saved ' + editing + '.');
      reload();
    } catch (e) { fail('Could not save ' + editing, e); } finally { $('editor-save').disabled = false; }
  };
  const closeEditor = () => { editing = null; $('editor-form').hidden = true; $('editor').value = ''; };

  // A one-shot signed link: the key never goes into a URL, and the browser streams the file itself.
  const download = async (path) => {
    try {
      const link = await api('POST', 'servers/' + id + '/files/download-url', { path });
      const a = document.createElement('a');
      a.href = relative(link.url);
      a.download = path.split('/').pop();
      document.body.append(a);
      a.click();
      a.remove();
      status('Downloading ' + path + '.');
    } catch (e) { fail('Could not download ' + path, e); }
  };

  const upload = async () => {
    const files = [...$('files-upload').files];
    if (!files.length) return;
    const target = dir;
    try {
      const link = await api('POST', 'servers/' + id + '/files/upload-url', { path: target });
      const form = new FormData();
      for (const f of files) form.append('files', f, f.name);
      $('files-progress-wrap').hidden = false;
      $('files-progress-label').textContent = 'Uploading ' + files.map((f) => f.name).join(', ') + '…';
      $('files-progress').value = 0;
      // XMLHttpRequest, not fetch: only it reports an upload's progress
      await new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', relative(link.url));
        xhr.upload.onprogress = (p) => { if (p.lengthComputable) $('files-progress').value = Math.round(100 * p.loaded / p.total); };
        xhr.onload = () => {
          if (xhr.status >= 200 && xhr.status < 300) { resolve(); return; }
          let problem = null;
          try { problem = JSON.parse(xhr.responseText); } catch (e) { /* not a problem document */ }
          reject(new ApiError(xhr.status, problem));
        };
        xhr.onerror = () => reject(new Error('the connection failed'));
        xhr.send(form);
      });
      status('Uploaded ' + files.map((f) => f.name).join(', ') + '.');
      if (dir === target) reload();
    } catch (e) { fail('The upload failed', e); } finally {
      $('files-progress-wrap').hidden = true;
      $('files-upload').value = '';
    }
  };

  const mkdir = async (event) => {
    event.preventDefault();
    const name = $('files-mkdir').value.trim();
    if (!name) return;
    try {
      await api('POST', 'servers/' + id + '/files/directory', { path: join(dir, name) });
      $('files-mkdir').value = '';
      status('Created ' + join(dir, name) + '.');
      reload();
    } catch (e) { fail('Could not create the folder', e); }
  };

  const rename = async (from, to) => {
    if (!to || to === from) { renaming = null; render(); return; }
    try {
      await api('POST', 'servers/' + id + '/files/rename', { moves: [{ from: join(dir, from), to: join(dir, to) }] });
      status('Renamed ' + from + ' to ' + to + '.');
      reload();
    } catch (e) { fail('Could not rename ' + from, e); }
  };

  const operation = async (verb, path, body) => {
    status(verb + '…');
    try {
      const op = await settle(await api('POST', 'servers/' + id + '/files/' + path, body), alive);
      if (!alive()) return;
      if (op.status === 'done') status(verb + ': done');
      else $('files-error').textContent = verb + ': ' + op.status + (op.reason ? ' (' + op.reason + ')' : '');
      reload();
    } catch (e) { $('files-status').textContent = ''; fail(verb + ' failed', e); }
  };
  const zip = () => operation('Zipping', 'compress', { paths: selected(), format: 'zip' });
  const unzip = (path) => operation('Unzipping ' + path.split('/').pop(), 'decompress', { path });

  let confirmRow = null;
  function closeConfirm() { confirming = false; if (confirmRow) confirmRow.remove(); confirmRow = null; }
  const askDelete = () => {
    if (confirming) return;
    confirming = true;
    const paths = selected();
    confirmRow = document.createElement('p');
    confirmRow.className = 'actions confirm';
    const text = document.createElement('span');
    text.textContent = 'Delete ' + paths.length + (paths.length === 1 ? ' item' : ' items') + ' for good?';
    const yes = button('Yes, delete', () => { closeConfirm(); operation('Deleting', 'delete', { paths }); }, 'danger');
    yes.dataset.confirm = 'delete';
    confirmRow.append(text, yes, button('Cancel', closeConfirm));
    $('files-delete').after(confirmRow);
    yes.focus();
  };
  const all = () => {
    for (const c of body.querySelectorAll('input[type=checkbox]')) c.checked = $('files-all').checked;
    selection();
  };

  const listeners = [[$('files-upload'), 'change', upload], [$('files-mkdir-form'), 'submit', mkdir],
    [$('files-zip'), 'click', zip], [$('files-delete'), 'click', askDelete], [$('files-all'), 'change', all],
    [$('editor-form'), 'submit', save], [$('editor-close'), 'click', closeEditor]];
  for (const [el, type, fn] of listeners) el.addEventListener(type, fn);
  body.replaceChildren();
  closeEditor();
  $('files-status').textContent = '';
  $('files-error').textContent = '';
  return {
    show: reload,
    hide() {},
    dispose() {
      closeConfirm();
      for (const [el, type, fn] of listeners) el.removeEventListener(type, fn);
    },
  };
}

// ------------------------------------------------------------------ backups

/** The server's backups: list, create (with progress), restore, download, delete. */
function backupsPanel(id, alive) {
  let busy = false; // a create or restore of ours is under way: one at a time, as the daemon allows
  let backups = [];
  let confirming = null; // { id, action } whose confirmation row is open
  const body = $('backups').tBodies[0];

  const progress = (p, verb) => {
    $('backup-progress-wrap').hidden = false;
    $('backup-progress-label').textContent = verb + ' (' + p.stage + ')…';
    if (p.bytesTotal > 0) {
      $('backup-progress').value = Math.min(100, Math.round(100 * p.bytesDone / p.bytesTotal));
    } else {
      $('backup-progress').removeAttribute('value'); // indeterminate while the total is unknown
    }
  };
  const done = () => {
    $('backup-progress-wrap').hidden = true;
    $('backup-progress').value = 0;
  };

  const render = () => {
    const newest = [...backups].reverse();
    body.replaceChildren(...newest.map((b) => {
      const tr = document.createElement('tr');
      tr.dataset.backupId = b.id;
      const actions = document.createElement('div');
      actions.className = 'actions';
      if (confirming && confirming.id === b.id) {
        const text = document.createElement('span');
        text.textContent = confirming.action === 'restore'
          ? 'Replace the server\u2019s files with this backup?' : 'Delete this backup for good?';
        const yes = button(confirming.action === 'restore' ? 'Yes, restore' : 'Yes, delete',
          () => (confirming.action === 'restore' ? restore(b) : remove(b)), 'danger');
        yes.dataset.confirm = confirming.action;
        const no = button('Cancel', () => { confirming = null; render(); });
        actions.append(text, yes, no);
        queueMicrotask(() => yes.focus());
      } else {
        const completed = b.status === 'completed';
        const restoreButton = button('Restore', () => { confirming = { id: b.id, action: 'restore' }; render(); });
        restoreButton.dataset.action = 'restore';
        restoreButton.disabled = !completed || busy;
        restoreButton.setAttribute('aria-label', 'Restore ' + b.name);
        const downloadButton = button('Download', () => download(b, downloadButton));
        downloadButton.dataset.action = 'download';
        downloadButton.disabled = !completed;
        downloadButton.setAttribute('aria-label', 'Download ' + b.name);
        const deleteButton = button('Delete', () => { confirming = { id: b.id, action: 'delete' }; render(); }, 'danger');
        deleteButton.dataset.action = 'delete';
        deleteButton.disabled = b.locked || b.status === 'running';
        deleteButton.setAttribute('aria-label', 'Delete ' + b.name);
        if (b.locked) deleteButton.title = 'Locked backups are never deleted';
        actions.append(restoreButton, downloadButton, deleteButton);
      }
      const status = b.status + (b.locked ? ', locked' : '') + (b.reason ? ' (' + b.reason + ')' : '');
      tr.append(cell(b.name), cell(when(b.createdAt)), cell(status), cell(b.size == null ? '–' : bytes(b.size)), cell(actions));
      return tr;
    }));
    $('backups').hidden = backups.length === 0;
    $('no-backups').hidden = backups.length !== 0;
    $('backup-create').disabled = busy;
  };

  const refresh = async () => {
    try {
      const list = await api('GET', 'servers/' + id + '/backups');
      if (!alive()) return;
      backups = list.backups;
      render();
      // the spec's schedule, as the node's scheduler holds it (cron read in the node's time zone)
      $('backup-next').textContent = !list.schedule ? 'No backup schedule: backups are made on request only.'
        : list.nextBackupAt ? 'Next scheduled backup: ' + when(list.nextBackupAt) + ' (schedule \u201c' + list.schedule
          + '\u201d, time zone ' + list.timeZone + ')'
          : 'No scheduled backup is due (schedule \u201c' + list.schedule + '\u201d).';
    } catch (e) {
      if (alive() && e.status !== 401) $('backup-error').textContent = 'Could not load the backups: ' + e.message;
    }
  };

  const run = async (verb, submit) => {
    if (busy) return;
    busy = true;
    confirming = null;
    render();
    $('backup-error').textContent = '';
    $('backup-status').textContent = verb + '…';
    try {
      const op = await settle(await submit(), alive, (p) => progress(p, verb));
      if (!alive()) return;
      const why = op.reason ? ' (' + op.reason + ')' : op.supersededBy ? ' by ' + op.supersededBy : '';
      $('backup-status').textContent = verb + ': ' + op.status + why;
      if (op.status === 'failed') $('backup-error').textContent = verb + ' failed' + why;
    } catch (e) {
      if (alive()) { $('backup-status').textContent = ''; $('backup-error').textContent = verb + ' failed: ' + e.message; }
    } finally {
      busy = false;
      done();
      if (alive()) refresh();
    }
  };

  const create = (event) => {
    event.preventDefault();
    const name = $('backup-name').value.trim();
    const request = { wait: false };
    if (name) request.name = name;
    run('Backing up', () => api('POST', 'servers/' + id + '/backups', request)).then(() => { $('backup-name').value = ''; });
  };
  const restore = (b) => run('Restoring ' + b.name,
    () => api('POST', 'servers/' + id + '/backups/' + b.id + '/restore', { wait: false }));
  const remove = async (b) => {
    confirming = null;
    $('backup-error').textContent = '';
    try {
      await api('DELETE', 'servers/' + id + '/backups/' + b.id);
      $('backup-status').textContent = 'Deleted ' + b.name + '.';
    } catch (e) {
      $('backup-error').textContent = 'Could not delete ' + b.name + ': ' + e.message;
    }
    refresh();
  };
  // A one-shot signed link, as for files: the key never goes into a URL, and the browser streams the archive to
  // disk itself (no copy of it in the page's memory, whatever its size).
  const download = async (b, trigger) => {
    trigger.disabled = true;
    $('backup-error').textContent = '';
    try {
      const link = await api('POST', 'servers/' + id + '/backups/' + b.id + '/download-url');
      const a = document.createElement('a');
      a.href = relative(link.url);
      a.download = b.name.replace(/[^A-Za-z0-9._-]+/g, '_') + '.' + b.format;
      document.body.append(a);
      a.click();
      a.remove();
      $('backup-status').textContent = 'Downloading ' + b.name + '.';
    } catch (e) {
      $('backup-error').textContent = 'Could not download ' + b.name + ': ' + e.message;
    } finally {
      trigger.disabled = false;
    }
  };

  $('backup-form').addEventListener('submit', create);
  body.replaceChildren();
  $('backup-next').textContent = '';
  $('backup-status').textContent = '';
  $('backup-error').textContent = '';
  done();
  return {
    show: refresh,
    hide() {},
    /** backup started|progress|completed|failed from the console socket (also another client's). */
    event(name, payload) {
      if (name === 'backup progress' && payload.progress && busy) {
        progress(payload.progress, payload.operation === 'restore' ? 'Restoring' : 'Backing up');
      }
      if (name !== 'backup progress') refresh();
    },
    dispose() { $('backup-form').removeEventListener('submit', create); },
  };
}

// ------------------------------------------------------------------ settings

/** The spec fields a panel edits, saved as a merge patch; the API's field errors are shown at their fields. */
function settingsPanel(id, alive, onSaved) {
  let server = null; // as last read: the base of the patch and its If-Match version
  const form = $('settings-form');
  const limits = ['memoryMiB', 'swapMiB', 'cpuPercent', 'diskMiB', 'pidsLimit'];

  const allocationRow = (a = { ip: '0.0.0.0', port: '', protocol: 'tcp' }) => {
    const li = document.createElement('li');
    li.className = 'allocation field';
    const n = () => [...$('allocations').children].indexOf(li);
    const input = (label, name, value, attrs = {}) => {
      const wrap = document.createElement('span');
      const l = document.createElement('label');
      const i = document.createElement('input');
      i.name = name;
      i.value = value ?? '';
      Object.assign(i, attrs);
      l.textContent = label;
      wrap.append(l, i);
      return { wrap, l, i };
    };
    const ip = input('IP', 'ip', a.ip, { spellcheck: false });
    const port = input('Port', 'port', a.port, { type: 'number', min: 1, max: 65535, inputMode: 'numeric' });
    const protoWrap = document.createElement('span');
    const protoLabel = document.createElement('label');
    protoLabel.textContent = 'Protocol';
    const proto = document.createElement('select');
    proto.name = 'protocol';
    for (const p of ['tcp', 'udp']) proto.append(new Option(p.toUpperCase(), p, false, p === (a.protocol || 'tcp')));
    protoWrap.append(protoLabel, proto);
    const removeButton = button('Remove', () => { li.remove(); number(); });
    li.append(ip.wrap, port.wrap, protoWrap, removeButton);
    li.fields = { ip: ip.i, port: port.i, protocol: proto, labels: [ip.l, port.l, protoLabel], removeButton };
    li.original = a;
    li.number = () => {
      const i = n();
      li.dataset.field = 'allocations[' + i + ']';
      ['ip', 'port', 'protocol'].forEach((k, j) => {
        li.fields[k].id = 'set-allocation-' + i + '-' + k;
        li.fields.labels[j].htmlFor = li.fields[k].id;
      });
      removeButton.setAttribute('aria-label', 'Remove allocation ' + (i + 1));
    };
    return li;
  };
  const number = () => [...$('allocations').children].forEach((li) => li.number());
  const addAllocation = () => {
    const li = allocationRow();
    $('allocations').append(li);
    number();
    li.fields.port.focus();
  };

  const fill = (s) => {
    server = s;
    form.name.value = s.name || '';
    form.image.value = s.image || '';
    form.startup.value = s.startup || '';
    form.readyPattern.value = s.readyPattern || '';
    for (const k of limits) form[k].value = s.limits?.[k] ?? '';
    $('allocations').replaceChildren(...(s.allocations || []).map((a) => allocationRow(a)));
    number();
    form.environment.value = Object.entries(s.environment || {}).map(([k, v]) => k + '=' + v).join('\n');
  };

  const clearErrors = () => {
    for (const el of form.querySelectorAll('.field-error')) el.remove();
    for (const el of form.querySelectorAll('[aria-invalid]')) {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
    }
    $('settings-error').textContent = '';
  };

  /** Puts each field error at the field it names (the closest [data-field] that is a prefix of its path). */
  const showErrors = (errors) => {
    const fields = [...form.querySelectorAll('[data-field]')];
    const unplaced = [];
    let first = null;
    errors.forEach((e, n) => {
      const at = fields.filter((f) => e.field === f.dataset.field || e.field.startsWith(f.dataset.field + '.')
        || e.field.startsWith(f.dataset.field + '['))
        .sort((a, b) => b.dataset.field.length - a.dataset.field.length)[0];
      if (!at) { unplaced.push(e.field + ' ' + e.message); return; }
      const message = document.createElement('p');
      message.className = 'field-error error';
      message.id = 'settings-error-' + n;
      message.dataset.errorFor = e.field;
      message.textContent = (e.field === at.dataset.field ? '' : e.field + ': ') + e.message;
      at.append(message);
      const control = at.querySelector('input, textarea, select');
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', ((control.getAttribute('aria-describedby') || '') + ' ' + message.id).trim());
        first = first || control;
      }
    });
    // the first bad field in the form's order, whatever order the API named them in
    if (first) form.querySelector('[aria-invalid="true"]').focus();
    return unplaced;
  };

  /** The form as a merge patch of the spec as last read: only what changed, null for removed variables. */
  const patch = () => {
    const bad = [];
    const p = {};
    for (const k of ['name', 'image', 'startup', 'readyPattern']) {
      const v = form[k].value.trim();
      if (v !== (server[k] || '')) p[k] = v === '' && k !== 'name' && k !== 'image' ? null : v;
    }
    const l = {};
    for (const k of limits) {
      const raw = form[k].value.trim();
      if (raw === '') continue;
      const v = Number(raw);
      if (!Number.isInteger(v)) { bad.push({ field: 'limits.' + k, message: 'must be a whole number' }); continue; }
      if (v !== server.limits?.[k]) l[k] = v;
    }
    if (Object.keys(l).length) p.limits = l;
    const allocations = [...$('allocations').children].map((li, i) => {
      const port = Number(li.fields.port.value);
      if (!Number.isInteger(port) || li.fields.port.value.trim() === '') {
        bad.push({ field: 'allocations[' + i + '].port', message: 'must be a whole number' });
      }
      const a = { ...li.original, ip: li.fields.ip.value.trim(), port, protocol: li.fields.protocol.value };
      if (a.containerPort === li.original.port) delete a.containerPort; // follows the port unless set apart
      return a;
    });
    // compared as the daemon means them (containerPort defaults to port), so an untouched list is not sent
    const same = (x) => JSON.stringify(x.map((a) => [a.ip, a.port, a.protocol || 'tcp', a.containerPort ?? a.port, !!a.primary]));
    if (same(allocations) !== same(server.allocations || [])) p.allocations = allocations;
    const env = {};
    form.environment.value.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      const eq = line.indexOf('=');
      if (eq <= 0) { bad.push({ field: 'environment', message: 'line ' + (i + 1) + ' is not NAME=value' }); return; }
      env[line.slice(0, eq).trim()] = line.slice(eq + 1);
    });
    const envPatch = {};
    for (const [k, v] of Object.entries(env)) if (server.environment?.[k] !== v) envPatch[k] = v;
    for (const k of Object.keys(server.environment || {})) if (!(k in env)) envPatch[k] = null;
    if (Object.keys(envPatch).length) p.environment = envPatch;
    return { p, bad };
  };

  const load = async () => {
    try {
      const s = await api('GET', 'servers/' + id);
      if (alive()) fill(s);
    } catch (e) {
      if (alive() && e.status !== 401) $('settings-error').textContent = 'Could not load the settings: ' + e.message;
    }
  };

  const save = async (event) => {
    event.preventDefault();
    const submit = $('settings-save');
    if (submit.disabled || !server) return;
    clearErrors();
    $('settings-status').textContent = '';
    const { p, bad } = patch();
    if (bad.length) { showErrors(bad); $('settings-error').textContent = 'Correct the marked fields.'; return; }
    if (!Object.keys(p).length) { $('settings-status').textContent = 'Nothing changed.'; return; }
    submit.disabled = true;
    const now = $('set-apply-now').checked;
    $('settings-status').textContent = now ? 'Saving and recreating…' : 'Saving…';
    try {
      const saved = await api('PATCH', 'servers/' + id + (now ? '?apply=now' : ''), p, undefined,
        { contentType: 'application/merge-patch+json', headers: { 'If-Match': '"' + server.version + '"' } });
      if (!alive()) return;
      fill(saved);
      $('settings-status').textContent = 'Saved (version ' + saved.version + ').';
      onSaved(saved);
    } catch (e) {
      if (!alive()) return;
      $('settings-status').textContent = '';
      const errors = e.problem?.errors || [];
      const unplaced = errors.length ? showErrors(errors) : [];
      if (e.status === 412) {
        $('settings-error').textContent = 'The server was changed meanwhile; its current settings are shown. Make your change again.';
        load();
      } else if (errors.length) {
        $('settings-error').textContent = 'Not saved: correct the marked fields.' + (unplaced.length ? ' ' + unplaced.join('; ') : '');
      } else {
        $('settings-error').textContent = 'Not saved: ' + e.message;
      }
    } finally {
      submit.disabled = false;
    }
  };

  form.addEventListener('submit', save);
  $('allocation-add').addEventListener('click', addAllocation);
  clearErrors();
  $('settings-status').textContent = '';
  return {
    show() { clearErrors(); load(); },
    hide() {},
    dispose() {
      form.removeEventListener('submit', save);
      $('allocation-add').removeEventListener('click', addAllocation);
    },
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
