// The saga diagram: laid out from GET /api/operations/saga alone (states, transitions, compensations, counts) and
// drawn as inline SVG, with the number of orders in each state.

import { $, el, svg } from '../shared/dom.js';
import { api } from './api.js';
import { orderCounts } from './order-counts.js';

const BOX_W = 138;
const BOX_H = 64;
const COL_GAP = 104;
const ROW_GAP = 70;
const PAD = 24;

/** Columns by longest forward path from the first state; terminal states share the last column. */
export function layoutSaga(saga) {
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
    const a = position.get(t.from);
    const b = position.get(t.to);
    if (!a || !b) continue;
    let d;
    let lx;
    let ly;
    if (a.row === b.row && b.column === a.column + 1) { // neighbours on one row: straight
      d = `M${a.x + BOX_W},${a.y + BOX_H / 2} L${b.x},${b.y + BOX_H / 2}`;
      lx = (a.x + BOX_W + b.x) / 2;
      ly = a.y + BOX_H / 2 - 6;
    } else if (b.column > a.column) { // forward, other row or further: curve out of the bottom into the left side
      const sx = a.x + BOX_W / 2;
      const sy = a.y + BOX_H;
      const ex = b.x;
      const ey = b.y + BOX_H / 2;
      d = `M${sx},${sy} C${sx},${ey} ${ex - COL_GAP},${ey} ${ex},${ey}`;
      const k = curvesFrom.get(t.from) || 0;
      curvesFrom.set(t.from, k + 1);
      lx = sx + 5;
      ly = sy + 13 + k * 12;
    } else { // backwards or same column: loop above
      const sx = a.x + BOX_W / 2;
      const sy = a.y;
      const ex = b.x + BOX_W / 2;
      const ey = b.y;
      const top = Math.min(sy, ey) - 22;
      d = `M${sx},${sy} C${sx},${top} ${ex},${top} ${ex},${ey}`;
      lx = (sx + ex) / 2;
      ly = top + 4;
    }
    const path = svg('path', { d, class: `edge${b.column <= a.column ? ' back' : ''}`, 'marker-end': 'url(#arrow)' });
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
    const group = svg('g', { class: `state${n > 0 ? ' busy' : ''}${terminal(state) ? ' terminal' : ''}`,
      transform: `translate(${p.x},${p.y})` });
    group.append(svg('rect', { width: BOX_W, height: BOX_H, rx: 6 }));
    group.append(svg('text', { x: BOX_W / 2, y: 20, 'text-anchor': 'middle', class: 'name' }, state));
    group.append(svg('text', { x: BOX_W / 2, y: 41, 'text-anchor': 'middle', class: 'n' },
      n === undefined || n === null ? '–' : n));
    const comp = compensations.get(state);
    if (comp) group.append(svg('text', { x: BOX_W / 2, y: BOX_H - 6, 'text-anchor': 'middle', class: 'comp' },
      `↩ ${comp.join(', ')}`));
    group.append(svg('title', {}, `${state}: ${n ?? 'unknown'} order(s)${comp ? `; compensated by ${comp.join(', ')}` : ''}`));
    root.append(group);
  }
  return root;
}

export async function refreshSaga() {
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
  box.replaceChildren(renderSaga(saga, { ...orderCounts, ...saga.counts }));
  const list = el('ul');
  for (const c of saga.compensations || []) list.append(el('li', {}, `${c.step}: compensated by `, el('code', {}, c.action)));
  $('#saga-compensations').replaceChildren(...(saga.compensations && saga.compensations.length
    ? [el('span', { class: 'muted' }, 'Compensations (undo on failure, newest step first):'), list] : []));
}
