// Throughput, latency, backlog: polls the Prometheus text exposition, keeps the last ten minutes in the browser
// (nothing is stored on the server) and draws the charts as inline SVG.

import { $, el } from '../shared/dom.js';
import { number } from '../shared/format.js';
import { bearer } from '../shared/http.js';
import { IN_FLIGHT } from '../shared/order-status.js';
import { refused, session } from './api.js';
import { color, lineChart, PALETTE } from './chart.js';
import { derive, increase, parsePrometheus, RATE_WINDOW_MS, snapshot, sum } from './prometheus.js';

export const METRICS_POLL_MS = 3000;
const HISTORY_MS = 10 * 60 * 1000;
const MIN_SPAN_MS = 2 * 60 * 1000;

const fresh = () => ({ raw: [], points: [], available: null, lastSamples: [], lastError: null, previousRaw: new Map() });
const metrics = fresh();

export async function pollMetrics() {
  let text;
  try {
    if (!session.value) return;
    const asOf = session.generation;
    const response = await fetch('/actuator/prometheus', { headers: { Accept: 'text/plain', ...bearer(session.token) } });
    if (asOf !== session.generation) return;
    if (response.status === 401) {
      refused();
      return;
    }
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`.trim());
    text = await response.text();
    if (asOf !== session.generation) return;
  } catch (e) {
    if (!session.value) return;
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

/** What the last session collected goes with it. */
export function forgetMetrics() {
  Object.assign(metrics, fresh());
}

function keysOf(points, field) {
  const keys = new Set();
  for (const p of points) for (const k of Object.keys(p[field] || {})) keys.add(k);
  return [...keys];
}

function ordered(keys, order) {
  return keys.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
}

function stat(label, value, unit, title, warn = false) {
  return el('div', { class: `stat${warn ? ' warn' : ''}`, title }, el('b', {}, value, el('small', {}, unit ? ` ${unit}` : '')), label);
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
  const lastWith = (f) => {
    for (let i = points.length - 1; i >= 0; i--) {
      const v = f(points[i]);
      if (v !== null && v !== undefined) return v;
    }
    return null;
  };

  const inFlight = sum(last.inFlight || {});
  $('#metrics-stats').replaceChildren(
    stat('orders/s finished', number(last.terminal), '', 'completed + failed + cancelled per second'),
    stat('orders/s accepted', number(last.accepted), '', 'new orders per second'),
    stat('in flight', number(inFlight, 0), '', 'orders in a non-terminal state'),
    stat('p95 end to end', number(lastWith((p) => p.e2e && p.e2e.p95)), 'ms', 'acceptance to terminal state, last window with finished orders'),
    stat('messages/s', number(last.messages ? sum(last.messages) : null), '', 'messages received by all modules'),
    stat('outbox backlog', number(last.backlog, 0), '', 'unsent outbox rows, all modules'),
    stat('consumer lag', number(last.lag, 0), '', 'messages waiting in the queues'),
    stat('dead letters parked', number(last.parked, 0), '', 'waiting for an operator', last.parked > 0));

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
  if (!snap) {
    box.replaceChildren();
    return;
  }
  const modules = [...new Set([...Object.keys(snap.backlog), ...Object.keys(snap.lag), ...Object.keys(snap.parked),
    ...Object.keys(snap.messages)])].sort();
  const head = el('tr', {}, ...['Module', 'Messages/s', 'Outbox backlog', 'Oldest unsent', 'Consumer lag', 'Dead letters parked']
    .map((h, i) => el('th', { class: i ? 'num' : '' }, h)));
  const rows = modules.map((m) => el('tr', {}, el('td', {}, m),
    el('td', { class: 'num' }, number(point.messages ? point.messages[m] : null)),
    el('td', { class: 'num' }, number(snap.backlog[m] ?? null, 0)),
    el('td', { class: 'num' }, snap.oldest[m] ? `${number(snap.oldest[m], 1)} s` : '–'),
    el('td', { class: 'num' }, number(snap.lag[m] ?? null, 0)),
    el('td', { class: `num${snap.parked[m] > 0 ? ' warn-text' : ''}` }, number(snap.parked[m] ?? null, 0))));
  box.replaceChildren(modules.length ? el('table', { class: 'metrics compact' }, el('thead', {}, head), el('tbody', {}, ...rows)) : '');
}

/** Every orderflow_* sample of the last poll, with its rate since the last look for counters. */
export function renderRawSamples() {
  const now = Date.now();
  const table = el('table', { class: 'metrics' }, el('thead', {}, el('tr', {}, el('th', {}, 'Metric'),
    el('th', {}, 'Labels'), el('th', { class: 'num' }, 'Value'), el('th', { class: 'num' }, 'Per second (since last look)'))));
  const rows = el('tbody');
  let buckets = 0;
  for (const s of metrics.lastSamples) {
    if (s.name.endsWith('_bucket')) {
      buckets++;
      continue;
    }
    const key = s.name + s.labels;
    const before = metrics.previousRaw.get(key);
    metrics.previousRaw.set(key, { value: s.value, at: now });
    const counter = s.name.endsWith('_total') || s.name.endsWith('_count') || s.name.endsWith('_sum');
    const rate = before && counter && now > before.at ? number(increase(s.value, before.value) * 1000 / (now - before.at)) : '';
    rows.append(el('tr', {}, el('td', {}, s.name), el('td', { class: 'small' }, s.labels),
      el('td', { class: 'num' }, s.value), el('td', { class: 'num' }, rate)));
  }
  if (!rows.children.length) rows.append(el('tr', {}, el('td', { colspan: 4, class: 'notice' }, 'No orderflow_* metric yet.')));
  table.append(rows);
  $('#metrics').replaceChildren(table, buckets ? el('p', { class: 'notice' }, `${buckets} histogram bucket samples not listed.`) : '');
}
