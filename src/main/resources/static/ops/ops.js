// orderflow operations page: dead-letter console, order counts, saga diagram, throughput placeholder.
// Plain browser JavaScript, no build step, no external resources. Every value from the server is put into
// the page as text (textContent / SVG text nodes), never as markup.
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

function operator() {
  return $('#operator').value.trim() || 'anonymous';
}

/** fetch + JSON; problem+json answers become errors carrying the problem's detail. */
async function api(path, options = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.method && options.method !== 'GET') headers['X-Operator'] = operator();
  const response = await fetch(path, {
    method: options.method || 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.json() : await response.text();
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
  const results = await Promise.allSettled(STATUSES.map((s) =>
    api(`/api/orders?status=${encodeURIComponent(s)}&size=1`).then((page) => [s, page.total_elements])));
  const box = $('#order-counts');
  box.replaceChildren();
  const counts = {};
  for (const [i, result] of results.entries()) {
    const status = STATUSES[i];
    const n = result.status === 'fulfilled' ? result.value[1] : null;
    counts[status] = n;
    box.append(el('div', { class: 'count' + (n ? ' nonzero' : '') }, el('b', {}, n === null ? '–' : n), status));
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
  $('#dlq-counts').textContent = `${parked} parked · ` + modules
    .filter((m) => counts.modules[m].parked).map((m) => `${m} ${counts.modules[m].parked}`).join(', ');
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
    toast(e.message, true);
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
    toast(e.message, true);
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
    toast(e.message, true);
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
    toast(e.message, true);
  } finally {
    button.disabled = false;
  }
  await Promise.allSettled([refreshDeadLetters(), refreshDeadLetterCounts()]);
}

// ---------------------------------------------------------------------------------------------------------
// Throughput: a placeholder reading the Prometheus text format, if the endpoint is exposed

const metricHistory = new Map();

function parsePrometheus(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/);
    if (match && match[1].startsWith('orderflow_')) {
      samples.push({ name: match[1], labels: match[2] || '', value: parseFloat(match[3]) });
    }
  }
  return samples;
}

async function refreshMetrics() {
  const box = $('#metrics');
  let text;
  try {
    const response = await fetch('/actuator/prometheus', { headers: { Accept: 'text/plain' } });
    if (!response.ok) throw new Error(`${response.status}`);
    text = await response.text();
  } catch (e) {
    box.replaceChildren(el('p', { class: 'notice' },
      'The Prometheus endpoint is not exposed by this process (management.endpoints.web.exposure.include). '
      + 'Throughput and latency charts will appear here once it is.'));
    return;
  }
  const now = Date.now();
  const table = el('table', { class: 'metrics' }, el('thead', {}, el('tr', {}, el('th', {}, 'Metric'),
    el('th', {}, 'Labels'), el('th', {}, 'Value'), el('th', {}, 'Per second (since last poll)'))));
  const rows = el('tbody');
  for (const s of parsePrometheus(text)) {
    const key = s.name + s.labels;
    const before = metricHistory.get(key);
    metricHistory.set(key, { value: s.value, at: now });
    const rate = before && s.name.endsWith('_total') ? ((s.value - before.value) * 1000 / (now - before.at)).toFixed(2) : '';
    rows.append(el('tr', {}, el('td', {}, s.name), el('td', { class: 'small' }, s.labels),
      el('td', { class: 'num' }, s.value), el('td', { class: 'num' }, rate)));
  }
  if (!rows.children.length) rows.append(el('tr', {}, el('td', { colspan: 4, class: 'notice' }, 'No orderflow_* metric yet.')));
  table.append(rows);
  box.replaceChildren(table);
}

// ---------------------------------------------------------------------------------------------------------

async function refreshAll() {
  await Promise.allSettled([refreshOrderCounts(), refreshDeadLetterCounts()]);
  await Promise.allSettled([refreshSaga(), refreshDeadLetters(), refreshMetrics()]);
}

function init() {
  const saved = localStorage.getItem('orderflow.operator');
  if (saved) $('#operator').value = saved;
  $('#operator').addEventListener('change', () => localStorage.setItem('orderflow.operator', $('#operator').value.trim()));
  $('#dlq-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    dlq.page = 0;
    refreshDeadLetters().catch((e) => toast(e.message, true));
  });
  $('#prev').addEventListener('click', () => { dlq.page = Math.max(0, dlq.page - 1); refreshDeadLetters(); });
  $('#next').addEventListener('click', () => { dlq.page += 1; refreshDeadLetters(); });
  $('#bulk-redrive').addEventListener('click', bulkRedrive);
  refreshAll();
  const link = location.hash.match(/^#dead-letter\/([a-z]+)\/(\d+)$/);
  if (link) inspect(link[1], Number(link[2]));
  setInterval(() => {
    if (!document.hidden) refreshAll();
  }, REFRESH_MS);
}

if (typeof document !== 'undefined' && typeof module === 'undefined') init();
if (typeof module !== 'undefined') module.exports = { layoutSaga, parsePrometheus };
