// One order's timeline (GET /api/orders/{id}/timeline) drawn as a waterfall, like a trace view: one row per message
// hop, its bar from sent to handled (queue wait light, handler time dark), retries and dead letters marked, the
// slowest hop highlighted; the order's history events and its notifications as markers on rows of their own; and
// the whole ordered list of entries below. Used by the operations console and by the shop page for an operator.
// Every value from the server goes in as text (textContent, SVG text and title nodes), never as markup.

import { el, svg } from './dom.js';
import { fullDateTime } from './format.js';

const WIDTH = 1000; // the bars' coordinate space; the SVG stretches to its cell
const ROW_H = 18;

/** A duration as people read it: "0.42 ms", "12.3 ms", "1.25 s"; a dash for none. */
export function duration(ms) {
  if (ms === null || ms === undefined || ms === '') return '–';
  const n = Number(ms);
  if (Number.isNaN(n)) return '–';
  if (Math.abs(n) >= 1000) return `${(n / 1000).toFixed(2)} s`;
  if (Math.abs(n) >= 100) return `${n.toFixed(0)} ms`;
  if (Math.abs(n) >= 10) return `${n.toFixed(1)} ms`;
  return `${n.toFixed(2)} ms`;
}

const offsetOf = (timeline, iso) => (iso ? Date.parse(iso) - Date.parse(timeline.summary.placed_at) : 0);

/** The span the bars are drawn against: placing to the last thing that happened (at least 1 ms). */
function spanOf(timeline) {
  let span = Number(timeline.summary.elapsed_ms) || 0;
  for (const hop of timeline.hops) span = Math.max(span, Number(hop.end_offset_ms) || 0, Number(hop.start_offset_ms) || 0);
  return Math.max(span, 1);
}

function scaler(span) {
  return (ms) => Math.max(0, Math.min(WIDTH, (Number(ms) / span) * WIDTH));
}

function track(label, children) {
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${ROW_H}`, preserveAspectRatio: 'none', class: 'waterfall-track',
    role: 'img', 'aria-label': label });
  root.append(svg('line', { x1: 0, y1: ROW_H / 2, x2: WIDTH, y2: ROW_H / 2, stroke: '#e7eaf0', 'stroke-width': 1 }));
  for (const child of children) root.append(child);
  return root;
}

function marker(x, color, title, { height = ROW_H - 4, width = 3, kind } = {}) {
  const g = svg('g', { class: `waterfall-marker${kind ? ` marker-${kind}` : ''}` });
  g.append(svg('rect', { x: Math.max(0, Math.min(WIDTH - width, x - width / 2)), y: (ROW_H - height) / 2, width, height,
    fill: color }));
  g.append(svg('title', {}, title));
  return g;
}

function hopLabel(hop) {
  const from = hop.sender || '?';
  const to = hop.receiver ? `${hop.receiver}${hop.receiver_instance ? ` @${hop.receiver_instance}` : ''}` : 'not delivered yet';
  return `${from} → ${to}`;
}

function hopTitle(hop) {
  const lines = [`${hop.type}: ${hopLabel(hop)}`, `sent ${fullDateTime(hop.sent_at)}`,
    `queue ${duration(hop.queue_ms)} · handler ${duration(hop.handler_ms)} · ${hop.outcome}`
      + (hop.attempt ? ` on attempt ${hop.attempt}` : '')];
  if (hop.retries) lines.push(`${hop.retries} retr${hop.retries === 1 ? 'y' : 'ies'}`);
  for (const f of hop.failures || []) lines.push(`${f.kind} (attempt ${f.attempt ?? '?'}): ${f.error || ''}`);
  if (hop.dead_lettered) lines.push(`dead letter ${hop.receiver}/${hop.dead_letter_id ?? '?'}`);
  return lines.join('\n');
}

function hopBar(timeline, hop, x) {
  const parts = [];
  const start = Number(hop.start_offset_ms);
  if (!Number.isNaN(start) && hop.start_offset_ms !== null) {
    const queue = Number(hop.queue_ms) || 0;
    const handler = Number(hop.handler_ms) || 0;
    const x0 = x(start);
    const x1 = x(start + queue);
    const x2 = x(start + queue + handler);
    const color = hop.slowest ? '#c2410c' : hop.compensation ? '#7c3aed' : '#2f6fdb';
    const light = hop.slowest ? '#f6b28a' : hop.compensation ? '#c4b5fd' : '#a9c3f0';
    if (hop.outcome === 'in_flight') {
      parts.push(svg('rect', { x: x0, y: 4, width: Math.max(2, WIDTH - x0), height: ROW_H - 8, fill: 'none',
        stroke: light, 'stroke-dasharray': '6 4', class: 'bar-in-flight' }));
    } else {
      parts.push(svg('rect', { x: x0, y: 3, width: Math.max(1, x1 - x0), height: ROW_H - 6, fill: light,
        class: 'bar-queue' }));
      parts.push(svg('rect', { x: x1, y: 3, width: Math.max(1.5, x2 - x1), height: ROW_H - 6, fill: color,
        class: 'bar-handler' }));
    }
    if (hop.slowest) {
      parts.push(svg('rect', { x: x0 - 1, y: 1, width: Math.max(3, x2 - x0 + 2), height: ROW_H - 2, fill: 'none',
        stroke: '#c2410c', 'stroke-width': 1.5 }));
    }
  }
  for (const f of hop.failures || []) {
    const parked = f.kind === 'parked';
    parts.push(marker(x(offsetOf(timeline, f.at)), '#b91c1c', `${f.kind} (attempt ${f.attempt ?? '?'}): ${f.error || ''}`,
      { width: parked ? 6 : 3, kind: f.kind }));
  }
  const title = svg('title', {}, hopTitle(hop));
  const root = track(`${hop.type} ${hopLabel(hop)}`, parts);
  root.append(title);
  return root;
}

function axis(span) {
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${ROW_H}`, preserveAspectRatio: 'none', class: 'waterfall-axis',
    'aria-hidden': 'true' });
  for (let i = 0; i <= 4; i++) {
    const x = (WIDTH * i) / 4;
    root.append(svg('line', { x1: x, y1: ROW_H - 5, x2: x, y2: ROW_H, stroke: '#b8c0cc', 'stroke-width': 2 }));
  }
  return el('div', { class: 'waterfall-scale' }, root, el('div', { class: 'waterfall-ticks' },
    [0, 1, 2, 3, 4].map((i) => el('span', { text: duration((span * i) / 4) }))));
}

function eventColor(entry) {
  if (entry.kind === 'request') return '#1d2430';
  if (entry.compensation) return '#7c3aed';
  if (entry.type === 'order_completed') return '#15803d';
  if (entry.type === 'order_failed' || entry.type === 'order_cancelled' || entry.type === 'step_timed_out') return '#b91c1c';
  return '#6b7380';
}

function summaryFacts(timeline) {
  const s = timeline.summary;
  const slowest = s.slowest_hop;
  const fact = (name, value, testid) => el('div', { class: 'waterfall-fact', 'data-testid': testid },
    el('span', { class: 'muted', text: name }), el('b', { text: value }));
  return el('div', { class: 'waterfall-summary' },
    fact('Status', timeline.status, 'summary-status'),
    fact(s.terminal ? 'Placed to end' : 'Running for', duration(s.terminal ? s.total_ms : s.elapsed_ms), 'summary-total'),
    fact('Slowest hop', slowest ? `${slowest.type} → ${slowest.receiver} (${duration(slowest.total_ms)})` : '–',
      'summary-slowest'),
    fact('Messages / hops', `${s.messages} / ${s.hops}`, 'summary-hops'),
    fact('Retries', String(s.retries), 'summary-retries'),
    fact('Dead letters', `${s.dead_letters}${s.redriven ? ` (${s.redriven} re-driven)` : ''}`
      + `${s.discarded ? ` (${s.discarded} discarded)` : ''}`, 'summary-dead-letters'),
    fact('Compensations', String(s.compensations), 'summary-compensations'),
    fact('Notifications', String(s.notifications), 'summary-notifications'));
}

function entriesTable(timeline) {
  const rows = timeline.entries.map((e) => el('tr', { class: `entry-${e.kind}`, 'data-testid': 'timeline-entry' },
    el('td', { class: 'num', text: duration(e.offset_ms) }),
    el('td', { text: e.kind }),
    el('td', { text: e.type + (e.compensation ? ' (compensation)' : '') }),
    el('td', { text: [e.module, e.instance].filter(Boolean).join(' @') }),
    el('td', { class: 'num', text: e.attempt ?? '' }),
    el('td', { class: 'num', text: e.queue_ms === null || e.queue_ms === undefined ? '' : duration(e.queue_ms) }),
    el('td', { class: 'num', text: e.handler_ms === null || e.handler_ms === undefined ? '' : duration(e.handler_ms) }),
    el('td', { class: 'detail-cell', text: [e.status, e.detail].filter(Boolean).join(' · '),
      title: e.message_id ? `message ${e.message_id}${e.causation_id ? `, caused by ${e.causation_id}` : ''}` : null })));
  return el('details', { class: 'waterfall-entries' },
    el('summary', { text: `All ${timeline.entries.length} entries, in causal order` }),
    el('table', { class: 'compact' },
      el('thead', {}, el('tr', {}, ['+time', 'kind', 'what', 'where', 'attempt', 'queue', 'handler', 'detail']
        .map((h) => el('th', { text: h })))),
      el('tbody', {}, rows)));
}

/** The waterfall of a timeline, as one element. */
export function renderWaterfall(timeline) {
  const span = spanOf(timeline);
  const x = scaler(span);
  const head = el('div', { class: 'waterfall-row waterfall-head' },
    el('div', { class: 'waterfall-label', text: 'Message → receiver' }),
    el('div', { class: 'waterfall-num', text: 'queue' }),
    el('div', { class: 'waterfall-num', text: 'handler' }),
    axis(span));

  const history = timeline.entries.filter((e) => e.kind === 'event' || e.kind === 'request');
  const historyRow = el('div', { class: 'waterfall-row waterfall-markers', 'data-testid': 'timeline-events' },
    el('div', { class: 'waterfall-label' }, el('b', { text: 'Order history' }),
      el('span', { class: 'muted small', text: ` ${history.length} events` })),
    el('div', { class: 'waterfall-num' }), el('div', { class: 'waterfall-num' }),
    track('order history events', history.map((e) => marker(x(e.offset_ms), eventColor(e),
      `${e.type} (${e.status || ''}) +${duration(e.offset_ms)}`, { kind: e.kind })))); 

  const hopRows = timeline.hops.map((hop) => el('div', {
    class: `waterfall-row waterfall-hop${hop.slowest ? ' slowest' : ''}${hop.dead_lettered ? ' dead-lettered' : ''}`
      + `${hop.compensation ? ' compensation' : ''}`,
    'data-testid': 'timeline-hop', 'data-type': hop.type, 'data-receiver': hop.receiver || '',
    'data-outcome': hop.outcome, 'data-slowest': hop.slowest ? 'true' : 'false' },
  el('div', { class: 'waterfall-label', title: hopTitle(hop) },
    el('b', { text: hop.type }),
    hop.compensation ? el('span', { class: 'tag tag-compensation', text: 'compensation' }) : null,
    hop.slowest ? el('span', { class: 'tag tag-slowest', text: 'slowest' }) : null,
    hop.retries ? el('span', { class: 'tag tag-retry', text: `${hop.retries} retr${hop.retries === 1 ? 'y' : 'ies'}` }) : null,
    hop.dead_lettered ? el('span', { class: 'tag tag-dead', text: `dead letter${hop.outcome === 'parked' ? ' (parked)' : ''}` }) : null,
    hop.outcome !== 'applied' && !hop.dead_lettered ? el('span', { class: 'tag', text: hop.outcome.replace('_', ' ') }) : null,
    el('div', { class: 'muted small', text: hopLabel(hop) })),
  el('div', { class: 'waterfall-num', text: duration(hop.queue_ms) }),
  el('div', { class: 'waterfall-num', text: duration(hop.handler_ms) }),
  hopBar(timeline, hop, x)));

  const notes = timeline.entries.filter((e) => e.kind === 'notification');
  const notificationRow = el('div', { class: 'waterfall-row waterfall-markers', 'data-testid': 'timeline-notifications' },
    el('div', { class: 'waterfall-label' }, el('b', { text: 'Notifications' }),
      el('span', { class: 'muted small', text: ` ${notes.map((n) => `${n.type}: ${n.status || 'kept (no SMTP)'}`).join(', ') || 'none'}` })),
    el('div', { class: 'waterfall-num' }), el('div', { class: 'waterfall-num' }),
    track('notifications', notes.map((n) => marker(x(n.offset_ms), n.status === 'undeliverable' ? '#b91c1c'
      : n.status === 'pending' ? '#c2410c' : '#15803d', `${n.type}: ${n.detail || ''} (e-mail ${n.status || 'not configured'})`,
    { kind: 'notification' }))));

  const empty = timeline.hops.length ? null : el('p', { class: 'muted small', 'data-testid': 'timeline-no-hops',
    text: 'No message hops recorded for this order: the journal is off, or its entries are older than its retention.' });
  const legend = el('p', { class: 'waterfall-legend muted small' },
    el('i', { class: 'swatch swatch-queue' }), 'queue wait ', el('i', { class: 'swatch swatch-handler' }), 'handler ',
    el('i', { class: 'swatch swatch-slowest' }), 'slowest hop ', el('i', { class: 'swatch swatch-compensation' }),
    'compensation ', el('i', { class: 'swatch swatch-failure' }), 'retry / dead letter');
  const truncated = timeline.truncated ? el('p', { class: 'warn-text small',
    text: 'The journal holds more for this order than is shown: these are its earliest entries.' }) : null;
  const missing = (timeline.missing_sources || []).length
    ? el('p', { class: 'muted small', text: `Not read (no such table): ${timeline.missing_sources.join(', ')}` }) : null;

  return el('div', { class: 'waterfall', 'data-testid': 'waterfall', 'data-order-id': timeline.order_id },
    summaryFacts(timeline), legend,
    el('div', { class: 'waterfall-grid' }, head, historyRow, hopRows, notificationRow),
    empty, truncated, missing, entriesTable(timeline));
}
