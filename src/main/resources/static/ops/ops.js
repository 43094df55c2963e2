// orderflow operations page: order counts, throughput / latency / backlog charts, saga diagram, dead-letter console.
// Plain browser JavaScript, no build step, no external resources. Every value from the server is put into
// the page as text (textContent / SVG text nodes), never as markup.
//
// Every call needs an operator token: the page signs in with the operator client's credentials (client
// credentials grant), keeps the token in sessionStorage (this tab only, never a URL) and sends it as
// Authorization: Bearer. Nothing is loaded before that; a 401 ends the session and asks again.
'use strict';

const STATUSES = ['pending', 'validating', 'inventory_check', 'payment_processing', 'shipping', 'completed',
  'failed', 'cancelled'];
const REFRESH_MS = 5000;
const SVG_NS = 'http://www.w3.org/2000/svg';

const $ = (selector) => document.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class') node.className = value;
    // through the style object: the Content-Security-Policy refuses style attributes
    else if (key === 'style') Object.assign(node.style, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function toast(message, bad = false) {
  const item = el('div', { class: bad ? 'bad' : '' }, message);
  $('#toast').append(item);
  setTimeout(() => item.remove(), bad ? 8000 : 4000);
}

/** An error worth a toast; one caused by the session ending is not (the sign-in panel says why). */
function report(e) {
  if (!e.signedOut) toast(e.message, true);
}

function operator() {
  return $('#operator').value.trim() || 'anonymous';
}

// ---------------------------------------------------------------------------------------------------------
// The operator's session: { access_token, expires_at (ms since the epoch), client_id } in sessionStorage

const SESSION_KEY = 'orderflow.ops.session';
let session = null;
let sessionTimer = null;
/** Bumped at every sign-in and sign-out, so that an answer arriving afterwards is dropped. */
let generation = 0;

function readSession() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    if (stored && typeof stored.access_token === 'string' && typeof stored.expires_at === 'number') return stored;
  } catch (e) {
    // unreadable, or no storage: signed out
  }
  return null;
}

function storeSession(value) {
  session = value;
  generation++;
  try {
    if (value) sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch (e) {
    // no storage: the session lasts as long as this page
  }
  clearTimeout(sessionTimer);
  if (value) {
    // the server refuses the token from then on; ask for the credentials again then, not at the next failure
    sessionTimer = setTimeout(() => sessionEnded('The session has expired. Sign in again.'),
      Math.min(2147483647, Math.max(0, value.expires_at - Date.now())));
  }
}

function bearer() {
  return session ? { Authorization: `Bearer ${session.access_token}` } : {};
}

/** Client credentials for an operator token; the error carries the server's detail (wrong secret, locked, ...). */
async function signIn(clientId, secret) {
  const asked = Date.now();
  const response = await fetch('/api/auth/token', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error((body && body.detail) || `${response.status} ${response.statusText}`.trim());
  storeSession({ access_token: body.access_token, expires_at: asked + Number(body.expires_in || 0) * 1000,
    client_id: clientId });
}

/** fetch + JSON with the operator's token; problem+json answers become errors carrying the problem's detail. */
async function api(path, options = {}) {
  if (!session) throw Object.assign(new Error('Not signed in'), { signedOut: true });
  const asOf = generation;
  const headers = Object.assign({ Accept: 'application/json' }, bearer(), options.headers || {});
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.method && options.method !== 'GET') headers['X-Operator'] = operator();
  const response = await fetch(path, {
    method: options.method || 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (asOf !== generation) throw Object.assign(new Error('Signed out'), { signedOut: true });
  if (response.status === 401) {
    sessionEnded('The server no longer accepts this session (expired or revoked). Sign in again.');
    throw Object.assign(new Error('Signed out'), { signedOut: true, status: 401 });
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    if (body && body.detail) message = body.detail;
    if (body && Array.isArray(body.errors)) message += ': ' + body.errors.map((e) => `${e.field} ${e.message}`).join('; ');
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return body;
}

function fmtTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return isNaN(date) ? iso : date.toLocaleString();
}

/** datetime-local (local wall time) → ISO instant, or undefined. */
function toInstant(local) {
  if (!local) return undefined;
  const date = new Date(local);
  return isNaN(date) ? undefined : date.toISOString();
}

// ---------------------------------------------------------------------------------------------------------
// Orders by status

let orderCounts = {};

async function refreshOrderCounts() {
  const asOf = generation;
  const results = await Promise.allSettled(STATUSES.map((s) =>
    api(`/api/orders?status=${encodeURIComponent(s)}&size=1`).then((page) => [s, page.total_elements])));
  if (asOf !== generation) return; // signed out meanwhile
  const box = $('#order-counts');
  box.replaceChildren();
  const counts = {};
  for (const [i, result] of results.entries()) {
    const status = STATUSES[i];
    const n = result.status === 'fulfilled' ? result.value[1] : null;
    counts[status] = n;
    box.append(el('div', { class: 'count' + (n ? ' nonzero' : '') }, el('b', {}, n === null ? '–' : n),
      status.replaceAll('_', '_\u200b'))); // may wrap after an underscore
  }
  orderCounts = counts;
  $('#orders-updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}

// ---------------------------------------------------------------------------------------------------------
// Saga diagram: laid out from the JSON alone (states, transitions, compensations, counts)

const BOX_W = 138, BOX_H = 64, COL_GAP = 104, ROW_GAP = 70, PAD = 24;

/** Columns by longest forward path from the first state; terminal states share the last column. */
function layoutSaga(saga) {
  const states = saga.states || [];
  const index = new Map(states.map((s, i) => [s, i]));
  const forward = (saga.transitions || []).filter((t) => index.has(t.from) && index.has(t.to)
    && index.get(t.to) > index.get(t.from));
  const rank = new Map(states.map((s) => [s, 0]));
  for (let pass = 0; pass < states.length; pass++) {
    for (const t of forward) rank.set(t.to, Math.max(rank.get(t.to), rank.get(t.from) + 1));
  }
  const outgoing = new Set((saga.transitions || []).map((t) => t.from));
  const maxRank = Math.max(0, ...rank.values());
  for (const s of states) if (!outgoing.has(s) && s !== states[0]) rank.set(s, maxRank);
  const rows = new Map();
  const position = new Map();
  for (const s of states) {
    const column = rank.get(s);
    const row = rows.get(column) || 0;
    rows.set(column, row + 1);
    position.set(s, { x: PAD + column * (BOX_W + COL_GAP), y: PAD + row * (BOX_H + ROW_GAP), column, row });
  }
  const width = PAD * 2 + (maxRank + 1) * BOX_W + maxRank * COL_GAP;
  const height = PAD * 2 + Math.max(1, ...rows.values()) * (BOX_H + ROW_GAP) - ROW_GAP + 30;
  return { position, width, height, terminal: (s) => !outgoing.has(s) };
}

function renderSaga(saga, counts) {
  const { position, width, height, terminal } = layoutSaga(saga);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': 'Order saga state diagram with the number of orders in each state' });
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7,
    markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#8a94a6' }));
  defs.append(marker);
  root.append(defs);

  const edges = svg('g');
  const labels = svg('g');
  const curvesFrom = new Map(); // stacks the labels of several curves leaving one state
  for (const t of saga.transitions || []) {
    const a = position.get(t.from), b = position.get(t.to);
    if (!a || !b) continue;
    let d, lx, ly;
    if (a.row === b.row && b.column === a.column + 1) { // neighbours on one row: straight
      d = `M${a.x + BOX_W},${a.y + BOX_H / 2} L${b.x},${b.y + BOX_H / 2}`;
      lx = (a.x + BOX_W + b.x) / 2; ly = a.y + BOX_H / 2 - 6;
    } else if (b.column > a.column) { // forward, other row or further: curve out of the bottom into the left side
      const sx = a.x + BOX_W / 2, sy = a.y + BOX_H, ex = b.x, ey = b.y + BOX_H / 2;
      d = `M${sx},${sy} C${sx},${ey} ${ex - COL_GAP},${ey} ${ex},${ey}`;
      const k = curvesFrom.get(t.from) || 0;
      curvesFrom.set(t.from, k + 1);
      lx = sx + 5; ly = sy + 13 + k * 12;
    } else { // backwards or same column: loop above
      const sx = a.x + BOX_W / 2, sy = a.y, ex = b.x + BOX_W / 2, ey = b.y;
      const top = Math.min(sy, ey) - 22;
      d = `M${sx},${sy} C${sx},${top} ${ex},${top} ${ex},${ey}`;
      lx = (sx + ex) / 2; ly = top + 4;
    }
    const path = svg('path', { d, class: 'edge' + (b.column <= a.column ? ' back' : ''), 'marker-end': 'url(#arrow)' });
    path.append(svg('title', {}, `${t.from} → ${t.to} on ${t.on}`));
    edges.append(path);
    if (t.on) labels.append(svg('text', { x: lx, y: ly, class: 'label', 'text-anchor': a.row === b.row
      && b.column === a.column + 1 ? 'middle' : 'start' }, t.on));
  }
  root.append(edges, labels);

  const compensations = new Map();
  for (const c of saga.compensations || []) compensations.set(c.step, [...(compensations.get(c.step) || []), c.action]);
  for (const state of saga.states || []) {
    const p = position.get(state);
    const n = counts[state];
    const group = svg('g', { class: 'state' + (n > 0 ? ' busy' : '') + (terminal(state) ? ' terminal' : ''),
      transform: `translate(${p.x},${p.y})` });
    group.append(svg('rect', { width: BOX_W, height: BOX_H, rx: 6 }));
    group.append(svg('text', { x: BOX_W / 2, y: 20, 'text-anchor': 'middle', class: 'name' }, state));
    group.append(svg('text', { x: BOX_W / 2, y: 41, 'text-anchor': 'middle', class: 'n' },
      n === undefined || n === null ? '–' : n));
    const comp = compensations.get(state);
    if (comp) group.append(svg('text', { x: BOX_W / 2, y: BOX_H - 6, 'text-anchor': 'middle', class: 'comp' },
      '↩ ' + comp.join(', ')));
    group.append(svg('title', {}, `${state}: ${n ?? 'unknown'} order(s)` + (comp ? `; compensated by ${comp.join(', ')}` : '')));
    root.append(group);
  }
  return root;
}

async function refreshSaga() {
  const box = $('#saga');
  let saga;
  try {
    saga = await api('/api/operations/saga');
  } catch (e) {
    if (e.signedOut) return;
    box.replaceChildren(el('p', { class: 'notice' },
      `The saga description is not available here (${e.message}); it is served by the process that runs the order module.`));
    $('#saga-compensations').replaceChildren();
    return;
  }
  // live counts from the saga endpoint; the order counts panel fills any state it leaves out
  const counts = Object.assign({}, orderCounts, saga.counts || {});
  box.replaceChildren(renderSaga(saga, counts));
  const list = el('ul');
  for (const c of saga.compensations || []) list.append(el('li', {}, `${c.step}: compensated by `, el('code', {}, c.action)));
  $('#saga-compensations').replaceChildren(...(saga.compensations && saga.compensations.length
    ? [el('span', { class: 'muted' }, 'Compensations (undo on failure, newest step first):'), list] : []));
}

// ---------------------------------------------------------------------------------------------------------
// Dead letters

const dlq = { page: 0, size: 25, total: 0, selected: null };

function filterValues() {
  const form = new FormData($('#dlq-filter'));
  return {
    module: form.get('module') || undefined,
    type: (form.get('type') || '').trim() || undefined,
    order_id: (form.get('order_id') || '').trim() || undefined,
    status: form.get('status') || 'parked',
    parked_after: toInstant(form.get('parked_after')),
    parked_before: toInstant(form.get('parked_before')),
  };
}

async function refreshDeadLetterCounts() {
  const counts = await api('/api/dead-letters/counts');
  const modules = Object.keys(counts.modules || {});
  const select = $('#dlq-filter select[name=module]');
  if (select.options.length === 1) {
    for (const m of modules) select.append(el('option', { value: m }, m));
  }
  $('#served').textContent = 'dead letters of: ' + (modules.join(', ') || 'no module');
  const parked = modules.reduce((sum, m) => sum + (counts.modules[m].parked || 0), 0);
  const busy = modules.filter((m) => counts.modules[m].parked);
  $('#dlq-counts').textContent = `${parked} parked` + (busy.length
    ? ' · ' + busy.map((m) => `${m} ${counts.modules[m].parked}`).join(', ') : '');
}

async function refreshDeadLetters() {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filterValues())) if (value !== undefined) params.set(key, value);
  params.set('page', dlq.page);
  params.set('size', dlq.size);
  const page = await api('/api/dead-letters?' + params);
  dlq.total = page.total_elements;
  const body = $('#dlq-table tbody');
  body.replaceChildren();
  for (const item of page.items) {
    const row = el('tr', { onclick: () => inspect(item.module, item.id) },
      el('td', {}, fmtTime(item.parked_at)), el('td', {}, item.module), el('td', {}, item.id),
      el('td', {}, item.type), el('td', {}, item.order_id || ''), el('td', {}, item.attempts),
      el('td', { class: 'status-' + item.status }, item.status), el('td', { class: 'error', title: item.error }, item.error));
    if (dlq.selected && dlq.selected.module === item.module && dlq.selected.id === item.id) row.classList.add('selected');
    body.append(row);
  }
  if (!page.items.length) body.append(el('tr', {}, el('td', { colspan: 8, class: 'notice' }, 'No dead letters match.')));
  const pages = Math.max(1, Math.ceil(dlq.total / dlq.size));
  $('#page-info').textContent = `page ${dlq.page + 1} of ${pages} · ${dlq.total} dead letter(s)`;
  $('#prev').disabled = dlq.page === 0;
  $('#next').disabled = dlq.page + 1 >= pages;
}

function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (e) {
    return text; // malformed payloads are shown as they arrived
  }
}

async function inspect(module, id) {
  dlq.selected = { module, id };
  const box = $('#dlq-detail');
  let d;
  try {
    d = await api(`/api/dead-letters/${encodeURIComponent(module)}/${encodeURIComponent(id)}`);
  } catch (e) {
    report(e);
    return;
  }
  const facts = el('dl');
  const fact = (name, value) => facts.append(el('dt', {}, name), el('dd', {}, value ?? ''));
  fact('Module / id', `${d.module} / ${d.id}`);
  fact('Status', d.status + (d.status_changed_at ? ` (since ${fmtTime(d.status_changed_at)})` : ''));
  fact('Message id', d.message_id);
  fact('Type', `${d.type} v${d.version}`);
  fact('Order', d.order_id);
  fact('Caused by', d.causation_id);
  fact('Occurred', fmtTime(d.occurred_at));
  fact('Attempts', d.attempts);
  fact('First failed', fmtTime(d.first_failed_at));
  fact('Last failed', fmtTime(d.last_failed_at));
  fact('Parked', fmtTime(d.parked_at));
  fact('Error', d.error);
  if (d.other_parkings_of_this_message && d.other_parkings_of_this_message.length) {
    fact('Also parked as', d.other_parkings_of_this_message.map((o) => `${d.module}/${o}`).join(', '));
  }

  const actions = el('div', { class: 'actions' });
  if (d.status === 'parked') {
    const reason = el('textarea', { placeholder: 'Reason for discarding (required, recorded)', maxlength: 1000 });
    actions.append(
      el('button', { type: 'button', onclick: () => act(d, 'redrive') }, 'Re-drive'),
      el('div', {}, reason, el('br'), el('button', { type: 'button', class: 'danger', onclick: () => {
        if (!reason.value.trim()) {
          toast('A reason is required to discard a dead letter.', true);
          reason.focus();
          return;
        }
        act(d, 'discard', { reason: reason.value.trim() });
      } }, 'Discard')));
  } else {
    actions.append(el('span', { class: 'notice' }, `This dead letter is ${d.status}; only parked ones can be re-driven or discarded.`));
  }

  const trail = el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'When'), el('th', {}, 'Who'),
    el('th', {}, 'What'), el('th', {}, 'Why'), el('th', {}, 'Bulk'))));
  const rows = el('tbody');
  for (const a of d.actions || []) {
    rows.append(el('tr', {}, el('td', {}, fmtTime(a.at)), el('td', {}, a.operator), el('td', {}, a.action),
      el('td', {}, a.reason || ''), el('td', {}, a.bulk_id || '')));
  }
  if (!(d.actions || []).length) rows.append(el('tr', {}, el('td', { colspan: 5, class: 'notice' }, 'No action yet.')));
  trail.append(rows);

  box.replaceChildren(
    el('h3', {}, `Dead letter ${d.module}/${d.id}`),
    facts, actions,
    el('h4', {}, 'Payload'), el('pre', {}, prettyJson(d.payload)),
    el('h4', {}, 'Headers'), el('pre', {}, JSON.stringify(d.headers || {}, null, 2)),
    el('details', {}, el('summary', {}, 'Stack summary'), el('pre', {}, d.stack || '')),
    el('h4', {}, 'Audit trail'), trail);
  box.hidden = false;
  history.replaceState(null, '', `#dead-letter/${d.module}/${d.id}`); // a link to this letter
  for (const row of $('#dlq-table tbody').children) row.classList.remove('selected');
}

async function act(d, action, body) {
  try {
    await api(`/api/dead-letters/${encodeURIComponent(d.module)}/${encodeURIComponent(d.id)}/${action}`,
      { method: 'POST', body });
    toast(`${action === 'redrive' ? 'Re-drove' : 'Discarded'} ${d.module}/${d.id}`);
  } catch (e) {
    report(e);
  }
  await Promise.allSettled([inspect(d.module, d.id), refreshDeadLetters(), refreshDeadLetterCounts()]);
}

async function bulkRedrive() {
  const filter = filterValues();
  const limit = parseInt($('#bulk-limit').value, 10) || 100;
  const probe = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && key !== 'status') probe.set(key, value);
  probe.set('status', 'parked');
  probe.set('size', 1);
  let matched;
  try {
    matched = (await api('/api/dead-letters?' + probe)).total_elements;
  } catch (e) {
    report(e);
    return;
  }
  if (!matched) {
    toast('No parked dead letter matches the filter.');
    return;
  }
  const described = Object.entries(filter).filter(([k, v]) => v !== undefined && k !== 'status')
    .map(([k, v]) => `${k}=${v}`).join(', ') || 'no filter: every served module';
  if (!confirm(`Re-drive ${Math.min(matched, limit)} of ${matched} parked dead letter(s) (${described})?`)) return;
  const button = $('#bulk-redrive');
  button.disabled = true;
  $('#bulk-result').textContent = 'Re-driving (paced by orderflow.dead-letters.redrive-rate)…';
  try {
    const result = await api('/api/dead-letters/redrive', { method: 'POST', body: {
      module: filter.module, type: filter.type, order_id: filter.order_id,
      parked_after: filter.parked_after, parked_before: filter.parked_before, limit } });
    $('#bulk-result').textContent = `${result.redriven.length} re-driven, ${result.skipped.length} skipped, `
      + `${result.failed.length} failed, ${result.remaining} left (at ${result.rate_per_second}/s; bulk ${result.bulk_id})`;
    if (result.failed.length) toast(result.failed.map((f) => `${f.module}/${f.id}: ${f.error}`).join('\n'), true);
  } catch (e) {
    $('#bulk-result').textContent = '';
    report(e);
  } finally {
    button.disabled = false;
  }
  await Promise.allSettled([refreshDeadLetters(), refreshDeadLetterCounts()]);
}

// ---------------------------------------------------------------------------------------------------------
// Throughput, latency, backlog: polls the Prometheus text exposition, keeps the last ten minutes in the browser
// (nothing is stored on the server) and draws the charts as inline SVG.

const METRICS_POLL_MS = 3000;
const HISTORY_MS = 10 * 60 * 1000;
/** Rates and quantiles of a chart point cover this sliding window, like rate(x[15s]) in PromQL. The order gauges
 * are sampled by the server every 5 s, so a window of a single 3 s poll would alternate between 0 and double. */
const RATE_WINDOW_MS = 15000;
const MIN_SPAN_MS = 2 * 60 * 1000;
const TERMINAL = ['completed', 'failed', 'cancelled'];
const IN_FLIGHT = ['pending', 'validating', 'inventory_check', 'payment_processing', 'shipping'];
const PALETTE = ['#2f6fdb', '#15803d', '#c2410c', '#7c3aed', '#0891b2', '#b91c1c', '#a16207', '#db2777', '#4b5563'];

function parseValue(text) {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text); // 'NaN' → NaN
}

/** Prometheus text exposition → [{name, labels (raw text), tags (object), value}], only names with the prefix. */
function parsePrometheus(text, prefix = 'orderflow_') {
  const samples = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!name || !name[0].startsWith(prefix)) continue;
    let i = name[0].length;
    const tags = {};
    let labels = '';
    if (line[i] === '{') {
      const open = i++;
      while (i < line.length && line[i] !== '}') {
        const pair = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(line.slice(i));
        if (!pair) break;
        i += pair[0].length;
        let value = '';
        while (i < line.length && line[i] !== '"') {
          if (line[i] === '\\' && i + 1 < line.length) {
            value += line[i + 1] === 'n' ? '\n' : line[i + 1];
            i += 2;
          } else {
            value += line[i++];
          }
        }
        i++; // the closing quote
        tags[pair[1]] = value;
        while (line[i] === ',' || line[i] === ' ') i++;
      }
      if (line[i] !== '}') continue; // malformed line: skipped
      labels = line.slice(open, ++i);
    }
    const value = line.slice(i).trim().split(/\s+/)[0];
    if (value) samples.push({ name: name[0], labels, tags, value: parseValue(value) });
  }
  return samples;
}

function addTo(map, key, value) {
  if (Number.isFinite(value)) map[key] = (map[key] || 0) + value;
}

/** Cumulative bucket counts summed over the other labels, keyed by upper bound. */
function addBucket(buckets, le, value) {
  const bound = parseValue(le);
  if (!Number.isNaN(bound)) buckets.set(bound, (buckets.get(bound) || 0) + value);
}

/** The values one poll needs later, aggregated so that ten minutes of history stay small. */
function snapshot(samples, at) {
  const s = { at, orders: {}, outcomes: {}, outcomeCounter: false, messages: {}, e2e: new Map(), stages: {},
    backlog: {}, oldest: {}, lag: {}, parked: {} };
  for (const x of samples) {
    const t = x.tags;
    switch (x.name) {
      case 'orderflow_orders': addTo(s.orders, t.status, x.value); break;
      case 'orderflow_order_duration_seconds_count': s.outcomeCounter = true; addTo(s.outcomes, t.outcome, x.value); break;
      case 'orderflow_order_duration_seconds_bucket': addBucket(s.e2e, t.le, x.value); break;
      case 'orderflow_saga_stage_duration_seconds_bucket':
        addBucket(s.stages[t.stage] || (s.stages[t.stage] = new Map()), t.le, x.value); break;
      case 'orderflow_messages_received_total': addTo(s.messages, t.module, x.value); break;
      case 'orderflow_outbox_backlog': addTo(s.backlog, t.module, x.value); break;
      case 'orderflow_outbox_oldest_age_seconds': s.oldest[t.module] = Math.max(s.oldest[t.module] || 0, x.value); break;
      case 'orderflow_consumer_lag': addTo(s.lag, queueModule(t.queue), x.value); break;
      case 'orderflow_dead_letters_parked': addTo(s.parked, t.module, x.value); break;
      default:
    }
  }
  return s;
}

function queueModule(queue) {
  return String(queue || '').replace(/^.*\./, '');
}

const sum = (object, keys = Object.keys(object)) => keys.reduce((total, k) => total + (object[k] || 0), 0);

/** Increase of a counter; a decrease means the process restarted and the counter began again at zero. */
function increase(now, before) {
  const delta = now - (before || 0);
  return delta < 0 ? now : delta;
}

/** Bucket deltas between two cumulative histograms → sorted [[upper bound, cumulative count]]. */
function bucketIncrease(now, before) {
  const bounds = [...now.keys()].sort((a, b) => a - b);
  const reset = bounds.some((b) => now.get(b) < ((before && before.get(b)) || 0));
  let running = 0;
  return bounds.map((b) => {
    running = Math.max(running, now.get(b) - (reset || !before ? 0 : before.get(b) || 0));
    return [b, running];
  });
}

/** histogram_quantile(): linear interpolation inside the bucket holding the rank; null without observations. */
function histogramQuantile(q, buckets) {
  if (!buckets.length) return null;
  const total = buckets[buckets.length - 1][1];
  if (!(total > 0)) return null;
  const rank = q * total;
  let lower = 0, below = 0;
  for (const [upper, count] of buckets) {
    if (count >= rank) {
      if (upper === Infinity) return lower; // the highest finite bound, as Prometheus answers
      if (count === below) return upper;
      return lower + (upper - lower) * (rank - below) / (count - below);
    }
    lower = upper;
    below = count;
  }
  return lower;
}

const metrics = { raw: [], points: [], available: null, lastSamples: [], lastError: null, previousRaw: new Map() };

/** One chart point from the newest snapshot and the oldest one still inside the window before it. */
function derive(now, raw) {
  let base = null;
  for (const s of raw) {
    if (s !== now && now.at - s.at <= RATE_WINDOW_MS + 1000) { base = s; break; }
  }
  const point = {
    at: now.at,
    inFlight: Object.fromEntries(IN_FLIGHT.map((st) => [st, now.orders[st] ?? null])),
    backlog: sum(now.backlog), lag: sum(now.lag), parked: sum(now.parked),
  };
  if (!base) return point; // first poll, or the page was hidden: a gap in the rate charts
  const seconds = (now.at - base.at) / 1000;
  const perSecond = (a, b) => increase(a, b) / seconds;
  const accepted = sum(now.orders) - sum(base.orders);
  point.accepted = Math.max(0, accepted) / seconds;
  if (now.outcomeCounter) {
    point.terminal = perSecond(sum(now.outcomes), sum(base.outcomes));
    point.unhappy = perSecond(sum(now.outcomes, ['failed', 'cancelled']), sum(base.outcomes, ['failed', 'cancelled']));
  } else { // another process: only the sampled gauge
    point.terminal = Math.max(0, sum(now.orders, TERMINAL) - sum(base.orders, TERMINAL)) / seconds;
    point.unhappy = Math.max(0, sum(now.orders, ['failed', 'cancelled']) - sum(base.orders, ['failed', 'cancelled'])) / seconds;
  }
  point.messages = {};
  for (const module of Object.keys(now.messages)) point.messages[module] = perSecond(now.messages[module], base.messages[module]);
  const e2e = bucketIncrease(now.e2e, base.e2e);
  const ms = (q, buckets) => { const v = histogramQuantile(q, buckets); return v === null ? null : v * 1000; };
  point.e2e = { p50: ms(0.5, e2e), p95: ms(0.95, e2e), p99: ms(0.99, e2e) };
  point.stages = {};
  for (const stage of Object.keys(now.stages)) point.stages[stage] = ms(0.95, bucketIncrease(now.stages[stage], base.stages[stage]));
  return point;
}

async function pollMetrics() {
  let text;
  try {
    if (!session) return;
    const asOf = generation;
    const response = await fetch('/actuator/prometheus', { headers: Object.assign({ Accept: 'text/plain' }, bearer()) });
    if (asOf !== generation) return;
    if (response.status === 401) {
      sessionEnded('The server no longer accepts this session (expired or revoked). Sign in again.');
      return;
    }
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`.trim());
    text = await response.text();
    if (asOf !== generation) return;
  } catch (e) {
    if (!session) return;
    metrics.lastError = e.message;
    if (metrics.available !== true) metrics.available = false;
    renderMetrics();
    return;
  }
  const samples = parsePrometheus(text);
  const at = Date.now();
  metrics.available = true;
  metrics.lastError = null;
  metrics.lastSamples = samples;
  const snap = snapshot(samples, at);
  metrics.raw.push(snap);
  while (metrics.raw.length && at - metrics.raw[0].at > RATE_WINDOW_MS * 3) metrics.raw.shift();
  metrics.points.push(derive(snap, metrics.raw));
  while (metrics.points.length && at - metrics.points[0].at > HISTORY_MS) metrics.points.shift();
  renderMetrics();
}

// --- SVG line chart -----------------------------------------------------------------------------------------

/** The chart under the pointer, so that its tooltip survives the redraw after each poll. */
let chartHover = null;

const CHART = { w: 560, h: 200, left: 48, right: 14, top: 12, bottom: 24 };

function niceStep(max, ticks) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const n = raw / magnitude;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * magnitude;
}

function fmtNumber(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const abs = Math.abs(v);
  const d = digits !== undefined ? digits : abs >= 100 ? 0 : abs >= 10 ? 1 : abs === 0 ? 0 : 2;
  return v.toLocaleString(undefined, { minimumFractionDigits: d, maximumFractionDigits: d });
}

const TIME_TICKS = [10, 15, 20, 30, 60, 120, 300].map((s) => s * 1000);

function fmtClock(ms, seconds = false) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined,
    hourCycle: 'h23' });
}

/**
 * A line chart: series = [{name, color, values: [[time ms, number|null], ...], dashed?}]; null breaks the line.
 * Fixed time axis [from, to]; y axis from 0 to a round number above the largest value (at least minMax).
 */
function lineChart({ title, subtitle, unit, series, from, to, minMax = 1, integer = false, format = fmtNumber }) {
  const { w, h, left, right, top, bottom } = CHART;
  const plotW = w - left - right, plotH = h - top - bottom;
  let max = minMax;
  for (const s of series) for (const [, v] of s.values) if (v !== null && Number.isFinite(v)) max = Math.max(max, v);
  const step = integer ? Math.max(1, niceStep(max, 4)) : niceStep(max, 4);
  const stepDigits = Math.min(3, (String(Number(step.toPrecision(3))).split('.')[1] || '').length);
  const yMax = step * Math.ceil(max / step - 1e-9);
  const x = (t) => left + ((t - from) / (to - from)) * plotW;
  const y = (v) => top + plotH - (v / yMax) * plotH;

  const root = svg('svg', { viewBox: `0 0 ${w} ${h}`, class: 'chart-svg', role: 'img', 'aria-label': title });
  const grid = svg('g', { class: 'grid' });
  for (let v = 0; v <= yMax + step / 2; v += step) {
    grid.append(svg('line', { x1: left, x2: w - right, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : '' }));
    grid.append(svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v, stepDigits)));
  }
  const tickEvery = TIME_TICKS.find((ms) => (to - from) / ms <= 6) || TIME_TICKS[TIME_TICKS.length - 1];
  for (let t = Math.ceil(from / tickEvery) * tickEvery; t <= to; t += tickEvery) {
    grid.append(svg('line', { x1: x(t), x2: x(t), y1: top, y2: top + plotH, class: 'vertical' }));
    grid.append(svg('text', { x: x(t), y: h - 6, 'text-anchor': 'middle' }, fmtClock(t, tickEvery < 60000)));
  }
  root.append(grid);

  const lines = svg('g', { class: 'lines' });
  for (const s of series) {
    let d = '';
    let pen = false;
    let last = null;
    for (const [t, v] of s.values) {
      if (v === null || v === undefined || !Number.isFinite(v) || t < from) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
      last = [t, v];
    }
    if (d) lines.append(svg('path', { d, stroke: s.color, class: 'line' + (s.dashed ? ' dashed' : '') }));
    if (last) lines.append(svg('circle', { cx: x(last[0]), cy: y(last[1]), r: 3, fill: s.color }));
  }
  root.append(lines);

  // hover: a vertical rule and the values of the nearest poll
  const rule = svg('line', { y1: top, y2: top + plotH, class: 'rule', visibility: 'hidden' });
  const hit = svg('rect', { x: left, y: top, width: plotW, height: plotH, class: 'hit' });
  root.append(rule, hit);
  const tip = el('div', { class: 'chart-tip', hidden: '' });
  const times = series.length ? series[0].values.map(([t]) => t) : [];
  const show = (clientX) => {
    const box = root.getBoundingClientRect();
    if (!box.width) return;
    const vx = ((clientX - box.left) / box.width) * w;
    const t = from + ((vx - left) / plotW) * (to - from);
    let i = -1, best = Infinity;
    times.forEach((ti, k) => { if (Math.abs(ti - t) < best) { best = Math.abs(ti - t); i = k; } });
    if (i < 0) return;
    rule.setAttribute('x1', x(times[i]));
    rule.setAttribute('x2', x(times[i]));
    rule.setAttribute('visibility', 'visible');
    tip.replaceChildren(el('b', {}, new Date(times[i]).toLocaleTimeString()),
      ...series.map((s) => el('div', {}, el('i', { style: { background: s.color } }), `${s.name} `,
        el('b', {}, `${format(s.values[i] ? s.values[i][1] : null)}${unit ? ' ' + unit : ''}`))));
    tip.hidden = false;
    tip.style.left = `${Math.min(clientX - box.left + 12, box.width - 170)}px`;
  };
  hit.addEventListener('mousemove', (event) => { chartHover = { title, clientX: event.clientX }; show(event.clientX); });
  hit.addEventListener('mouseleave', () => {
    chartHover = null;
    rule.setAttribute('visibility', 'hidden');
    tip.hidden = true;
  });

  const legend = el('div', { class: 'legend' });
  for (const s of series) {
    const lastValue = [...s.values].reverse().find(([, v]) => v !== null && v !== undefined && Number.isFinite(v));
    legend.append(el('span', { class: 'key' }, el('i', { style: { background: s.color }, class: s.dashed ? 'dashed' : '' }),
      s.name, ' ', el('b', {}, lastValue ? format(lastValue[1]) : '–')));
  }
  const figure = el('figure', { class: 'chart' },
    el('figcaption', {}, title, unit ? el('span', { class: 'muted small' }, ` ${unit}`) : null,
      subtitle ? el('span', { class: 'muted small sub' }, subtitle) : null),
    legend, el('div', { class: 'chart-body' }, root, tip));
  figure.restoreHover = () => { if (chartHover && chartHover.title === title) show(chartHover.clientX); };
  return figure;
}

// --- the metrics panel ------------------------------------------------------------------------------------

const color = (i) => PALETTE[i % PALETTE.length];

function keysOf(points, field) {
  const keys = new Set();
  for (const p of points) for (const k of Object.keys(p[field] || {})) keys.add(k);
  return [...keys];
}

function ordered(keys, order) {
  return keys.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
}

function stat(label, value, unit, title, warn = false) {
  return el('div', { class: 'stat' + (warn ? ' warn' : ''), title }, el('b', {}, value, el('small', {}, unit ? ` ${unit}` : '')), label);
}

function renderMetrics() {
  const status = $('#metrics-status');
  if (metrics.available === false) {
    $('#metrics-notice').replaceChildren(el('p', { class: 'notice' },
      `/actuator/prometheus is not available from this process (${metrics.lastError}). Expose it with `,
      el('code', {}, 'management.endpoints.web.exposure.include=prometheus'),
      ' to get the throughput, latency and backlog charts; the panels below do not depend on it.'));
    $('#metrics-body').hidden = true;
    status.textContent = '';
    return;
  }
  $('#metrics-body').hidden = false;
  $('#metrics-notice').replaceChildren();
  status.textContent = metrics.lastError
    ? `last poll failed (${metrics.lastError}); showing what was collected`
    : `polled every ${METRICS_POLL_MS / 1000} s, kept for ${HISTORY_MS / 60000} min in this browser · `
      + `rates and percentiles over ${RATE_WINDOW_MS / 1000} s · ${new Date().toLocaleTimeString()}`;
  status.classList.toggle('bad-text', Boolean(metrics.lastError));

  const points = metrics.points;
  // the time axis grows with the history collected since the page opened, from 2 up to 10 minutes, then slides
  const to = points.length ? points[points.length - 1].at : Date.now();
  const from = to - Math.min(HISTORY_MS, Math.max(MIN_SPAN_MS, points.length ? to - points[0].at : 0));
  const values = (f) => points.map((p) => [p.at, f(p) ?? null]);
  const last = points[points.length - 1] || {};
  const lastWith = (f) => { for (let i = points.length - 1; i >= 0; i--) { const v = f(points[i]); if (v !== null && v !== undefined) return v; } return null; };

  const stats = $('#metrics-stats');
  const inFlight = sum(last.inFlight || {});
  stats.replaceChildren(
    stat('orders/s finished', fmtNumber(last.terminal), '', 'completed + failed + cancelled per second'),
    stat('orders/s accepted', fmtNumber(last.accepted), '', 'new orders per second'),
    stat('in flight', fmtNumber(inFlight, 0), '', 'orders in a non-terminal state'),
    stat('p95 end to end', fmtNumber(lastWith((p) => p.e2e && p.e2e.p95)), 'ms', 'acceptance to terminal state, last window with finished orders'),
    stat('messages/s', fmtNumber(last.messages ? sum(last.messages) : null), '', 'messages received by all modules'),
    stat('outbox backlog', fmtNumber(last.backlog, 0), '', 'unsent outbox rows, all modules'),
    stat('consumer lag', fmtNumber(last.lag, 0), '', 'messages waiting in the queues'),
    stat('dead letters parked', fmtNumber(last.parked, 0), '', 'waiting for an operator', last.parked > 0));

  const modules = keysOf(points, 'messages').sort();
  const stages = ordered(keysOf(points, 'stages'), IN_FLIGHT);
  const charts = [
    lineChart({ title: 'Throughput', unit: 'orders/s', from, to, series: [
      { name: 'accepted', color: PALETTE[0], values: values((p) => p.accepted) },
      { name: 'finished', color: PALETTE[1], values: values((p) => p.terminal) },
      { name: 'of which failed / cancelled', color: PALETTE[5], values: values((p) => p.unhappy), dashed: true },
    ] }),
    lineChart({ title: 'End-to-end latency', subtitle: 'acceptance → terminal state', unit: 'ms', from, to, minMax: 10, series: [
      { name: 'p50', color: PALETTE[1], values: values((p) => p.e2e && p.e2e.p50) },
      { name: 'p95', color: PALETTE[2], values: values((p) => p.e2e && p.e2e.p95) },
      { name: 'p99', color: PALETTE[5], values: values((p) => p.e2e && p.e2e.p99) },
    ] }),
    lineChart({ title: 'Saga stage latency', subtitle: 'p95 time spent in each stage', unit: 'ms', from, to, minMax: 10,
      series: stages.map((st, i) => ({ name: st, color: color(i + 3), values: values((p) => p.stages && p.stages[st]) })) }),
    lineChart({ title: 'Orders in flight', subtitle: 'per non-terminal status', unit: 'orders', from, to, integer: true, minMax: 4,
      series: IN_FLIGHT.map((st, i) => ({ name: st, color: color(i + 3), values: values((p) => p.inFlight[st]) })) }),
    lineChart({ title: 'Messages received', subtitle: 'per module', unit: 'msg/s', from, to,
      series: modules.map((m, i) => ({ name: m, color: color(i), values: values((p) => p.messages && p.messages[m]) })) }),
    lineChart({ title: 'Backlog and lag', subtitle: 'all modules', unit: 'messages', from, to, integer: true, minMax: 4, series: [
      { name: 'outbox backlog', color: PALETTE[0], values: values((p) => p.backlog) },
      { name: 'consumer lag', color: PALETTE[2], values: values((p) => p.lag) },
      { name: 'dead letters parked', color: PALETTE[5], values: values((p) => p.parked), dashed: true },
    ] }),
  ];
  $('#charts').replaceChildren(...charts);
  for (const chart of charts) chart.restoreHover();
  renderBacklogTable(metrics.raw[metrics.raw.length - 1], last);
  if ($('#metrics-raw').open) renderRawSamples();
}

function renderBacklogTable(snap, point) {
  const box = $('#backlog-table');
  if (!snap) { box.replaceChildren(); return; }
  const modules = [...new Set([...Object.keys(snap.backlog), ...Object.keys(snap.lag), ...Object.keys(snap.parked),
    ...Object.keys(snap.messages)])].sort();
  const head = el('tr', {}, ...['Module', 'Messages/s', 'Outbox backlog', 'Oldest unsent', 'Consumer lag', 'Dead letters parked']
    .map((h, i) => el('th', { class: i ? 'num' : '' }, h)));
  const rows = modules.map((m) => el('tr', {}, el('td', {}, m),
    el('td', { class: 'num' }, fmtNumber(point.messages ? point.messages[m] : null)),
    el('td', { class: 'num' }, fmtNumber(snap.backlog[m] ?? null, 0)),
    el('td', { class: 'num' }, snap.oldest[m] ? `${fmtNumber(snap.oldest[m], 1)} s` : '–'),
    el('td', { class: 'num' }, fmtNumber(snap.lag[m] ?? null, 0)),
    el('td', { class: 'num' + (snap.parked[m] > 0 ? ' warn-text' : '') }, fmtNumber(snap.parked[m] ?? null, 0))));
  box.replaceChildren(modules.length ? el('table', { class: 'metrics compact' }, el('thead', {}, head), el('tbody', {}, ...rows)) : '');
}

function renderRawSamples() {
  const now = Date.now();
  const table = el('table', { class: 'metrics' }, el('thead', {}, el('tr', {}, el('th', {}, 'Metric'),
    el('th', {}, 'Labels'), el('th', { class: 'num' }, 'Value'), el('th', { class: 'num' }, 'Per second (since last look)'))));
  const rows = el('tbody');
  let buckets = 0;
  for (const s of metrics.lastSamples) {
    if (s.name.endsWith('_bucket')) { buckets++; continue; }
    const key = s.name + s.labels;
    const before = metrics.previousRaw.get(key);
    metrics.previousRaw.set(key, { value: s.value, at: now });
    const counter = s.name.endsWith('_total') || s.name.endsWith('_count') || s.name.endsWith('_sum');
    const rate = before && counter && now > before.at ? fmtNumber(increase(s.value, before.value) * 1000 / (now - before.at)) : '';
    rows.append(el('tr', {}, el('td', {}, s.name), el('td', { class: 'small' }, s.labels),
      el('td', { class: 'num' }, s.value), el('td', { class: 'num' }, rate)));
  }
  if (!rows.children.length) rows.append(el('tr', {}, el('td', { colspan: 4, class: 'notice' }, 'No orderflow_* metric yet.')));
  table.append(rows);
  $('#metrics').replaceChildren(table, buckets ? el('p', { class: 'notice' }, `${buckets} histogram bucket samples not listed.`) : '');
}

// ---------------------------------------------------------------------------------------------------------

async function refreshAll() {
  await Promise.allSettled([refreshOrderCounts(), refreshDeadLetterCounts()]);
  await Promise.allSettled([refreshSaga(), refreshDeadLetters()]);
}

// ---------------------------------------------------------------------------------------------------------
// Signed in: the console runs; signed out: only the sign-in panel, and nothing of the data stays on screen

let timers = [];

function startConsole() {
  $('#gate').hidden = true;
  $('#console').hidden = false;
  $('#session').hidden = false;
  $('#session-client').textContent = session.client_id;
  refreshAll();
  const link = location.hash.match(/^#dead-letter\/([a-z]+)\/(\d+)$/);
  if (link) inspect(link[1], Number(link[2]));
  pollMetrics();
  timers = [
    setInterval(() => {
      if (!document.hidden) refreshAll();
    }, REFRESH_MS),
    setInterval(() => {
      if (!document.hidden) pollMetrics();
    }, METRICS_POLL_MS),
  ];
}

function showSignIn(notice) {
  timers.forEach(clearInterval);
  timers = [];
  $('#console').hidden = true;
  $('#session').hidden = true;
  $('#gate').hidden = false;
  // what the last session saw goes with it
  orderCounts = {};
  Object.assign(metrics, { raw: [], points: [], available: null, lastSamples: [], lastError: null, previousRaw: new Map() });
  Object.assign(dlq, { page: 0, total: 0, selected: null });
  for (const id of ['#order-counts', '#orders-updated', '#metrics-notice', '#metrics-stats', '#charts', '#backlog-table',
    '#metrics', '#saga', '#saga-compensations', '#dlq-counts', '#dlq-table tbody', '#page-info', '#bulk-result', '#served']) {
    $(id).replaceChildren();
  }
  $('#dlq-detail').hidden = true;
  $('#dlq-detail').replaceChildren();
  $('#sign-in-notice').textContent = notice || '';
  $('#sign-in-notice').hidden = !notice;
  $('#sign-in-error').hidden = true;
  $('#client-secret').value = '';
  (($('#client-id').value ? $('#client-secret') : $('#client-id'))).focus();
}

/** The token is gone or refused: stop everything and ask for the credentials again. */
function sessionEnded(notice) {
  if (!session) return;
  storeSession(null);
  showSignIn(notice);
}

async function submitSignIn(event) {
  event.preventDefault();
  const button = $('#sign-in');
  const error = $('#sign-in-error');
  error.hidden = true;
  button.disabled = true;
  try {
    await signIn($('#client-id').value.trim(), $('#client-secret').value);
    $('#client-secret').value = '';
    $('#sign-in-notice').hidden = true;
    startConsole();
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
    $('#client-secret').select();
  } finally {
    button.disabled = false;
  }
}

function init() {
  const saved = localStorage.getItem('orderflow.operator');
  if (saved) $('#operator').value = saved;
  $('#operator').addEventListener('change', () => localStorage.setItem('orderflow.operator', $('#operator').value.trim()));
  $('#sign-in-form').addEventListener('submit', submitSignIn);
  $('#sign-out').addEventListener('click', () => {
    storeSession(null);
    showSignIn('Signed out.');
  });
  $('#dlq-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    dlq.page = 0;
    refreshDeadLetters().catch(report);
  });
  $('#prev').addEventListener('click', () => { dlq.page = Math.max(0, dlq.page - 1); refreshDeadLetters().catch(report); });
  $('#next').addEventListener('click', () => { dlq.page += 1; refreshDeadLetters().catch(report); });
  $('#bulk-redrive').addEventListener('click', bulkRedrive);
  $('#metrics-raw').addEventListener('toggle', () => { if ($('#metrics-raw').open) renderRawSamples(); });
  const stored = readSession();
  if (stored && stored.expires_at > Date.now()) {
    storeSession(stored);
    startConsole();
  } else {
    if (stored) storeSession(null);
    showSignIn(stored ? 'The session has expired. Sign in again.' : '');
  }
}

if (typeof document !== 'undefined' && typeof module === 'undefined') init();
if (typeof module !== 'undefined') module.exports = { layoutSaga, parsePrometheus, histogramQuantile, bucketIncrease, snapshot, derive };
