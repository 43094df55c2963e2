// Analytics: charts of the order history's read model (GET /api/analytics/...), as far as its projection has got
// (GET /api/projections/analytics), and its replay (POST /api/projections/analytics/replay). Values from the server
// go into the page as text only.

import { $, el } from '../shared/dom.js';
import { count, humanize, money, number, toCents } from '../shared/format.js';
import { api, session } from './api.js';
import { color, lineChart } from './chart.js';
import { report } from './toast.js';

const OUTCOME_COLORS = { completed: '#15803d', failed: '#b91c1c', cancelled: '#a16207', in_flight: '#2f6fdb' };

/** Horizontal bars: rows = [{label, value, text, color?}], scaled to the largest value. */
function bars(rows, empty) {
  if (!rows.length) return el('p', { class: 'muted small' }, empty);
  const max = Math.max(1, ...rows.map((r) => r.value));
  return el('div', { class: 'bars' }, ...rows.map((r, i) => el('div', { class: 'bar-row' },
    el('span', { class: 'bar-label' }, r.label),
    el('span', { class: 'bar-track' }, el('i', { style: { width: `${(100 * r.value) / max}%`, background: r.color || color(i) } })),
    el('b', { class: 'bar-value' }, r.text))));
}

function figure(title, subtitle, body) {
  return el('figure', { class: 'chart' }, el('figcaption', {}, title,
    subtitle ? el('span', { class: 'muted small sub' }, subtitle) : null), body);
}

function seriesCharts(series) {
  const from = Date.parse(series.from);
  const to = Date.parse(series.to);
  const at = (b) => Date.parse(b.start);
  const buckets = series.buckets || [];
  const orders = lineChart({
    title: 'Orders placed',
    subtitle: `per ${series.granularity}`,
    from,
    to,
    integer: true,
    format: (v) => number(v, 0),
    series: [
      { name: 'placed', color: '#2f6fdb', values: buckets.map((b) => [at(b), b.orders]) },
      { name: 'completed', color: OUTCOME_COLORS.completed, values: buckets.map((b) => [at(b), b.completed]) },
      { name: 'failed', color: OUTCOME_COLORS.failed, values: buckets.map((b) => [at(b), b.failed]) },
      { name: 'cancelled', color: OUTCOME_COLORS.cancelled, values: buckets.map((b) => [at(b), b.cancelled]) },
    ],
  });
  const currencies = [...new Set(buckets.flatMap((b) => Object.keys(b.revenue || {})))].sort();
  const revenue = lineChart({
    title: 'Revenue',
    subtitle: `completed orders' totals per ${series.granularity}`,
    unit: currencies.join(', '),
    from,
    to,
    series: currencies.map((c, i) => ({
      name: c,
      color: color(i + 1),
      values: buckets.map((b) => [at(b), toCents((b.revenue || {})[c]) / 100]),
    })),
  });
  return [orders, revenue];
}

function outcomeMix(outcomes) {
  const rows = ['completed', 'failed', 'cancelled'].map((s) => ({ label: humanize(s), value: outcomes.outcomes[s] || 0,
    color: OUTCOME_COLORS[s] }));
  rows.push({ label: 'In flight', value: outcomes.in_flight || 0, color: OUTCOME_COLORS.in_flight });
  const total = Math.max(1, outcomes.orders || 0);
  rows.forEach((r) => { r.text = `${count(r.value)} (${number((100 * r.value) / total, 0)} %)`; });
  const money_ = (outcomes.money || []).map((m) => el('div', { class: 'small' },
    `${m.currency}: revenue `, el('b', {}, money(toCents(m.revenue), m.currency)),
    ` · charged ${money(toCents(m.charged), m.currency)} · refunded ${money(toCents(m.refunded), m.currency)}`));
  return figure('Outcome mix', `${count(outcomes.orders || 0)} orders placed in the window`,
    el('div', {}, bars(rows, 'No orders in the window.'), ...money_));
}

function failureReasons(reasons, compensations) {
  return figure('Failure reasons', `${count(compensations.compensations || 0)} compensations in `
    + `${count(compensations.orders || 0)} orders`,
  bars((reasons.reasons || []).map((r) => ({ label: r.reason, value: r.orders, text: count(r.orders), color: '#b91c1c' })),
    'No failed orders in the window.'));
}

function topSkus(top) {
  return figure('Top SKUs', 'quantity sold in completed orders',
    bars((top.skus || []).map((s) => ({ label: s.sku, value: s.quantity,
      text: `${count(s.quantity)} in ${count(s.orders)} orders` })), 'Nothing sold in the window.'));
}

function stageLatency(latency) {
  const table = el('table', { class: 'compact' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Stage'), el('th', {}, 'Orders'), el('th', {}, 'p50 ms'),
      el('th', {}, 'p95 ms'), el('th', {}, 'p99 ms'))),
    el('tbody', {}, ...(latency.stages || []).map((s) => el('tr', {}, el('td', {}, humanize(s.stage)),
      el('td', {}, count(s.orders)), el('td', {}, number(s.p50_ms ?? null)), el('td', {}, number(s.p95_ms ?? null)),
      el('td', {}, number(s.p99_ms ?? null))))));
  const rows = (latency.stages || []).map((s, i) => ({ label: humanize(s.stage), value: s.p95_ms || 0,
    text: s.orders ? `p95 ${number(s.p95_ms)} ms` : '–', color: color(i) }));
  return figure('Stage latency', 'time in each saga stage', el('div', {}, bars(rows, ''), table));
}

function projectionStatus(status) {
  const last = status.last_replay;
  return `projection ${status.lag ? `${count(status.lag)} events behind` : 'up to date'}`
    + (last ? ` · last replay ${new Date(last.finished_at).toLocaleString()}${last.identical ? ' (identical)' : ' (differed)'}`
      : '');
}

export async function refreshAnalytics() {
  const asOf = session.generation;
  const granularity = $('#analytics-granularity').value;
  const [series, outcomes, reasons, compensations, top, latency, status] = await Promise.all([
    api(`/api/analytics/orders?granularity=${encodeURIComponent(granularity)}`),
    api('/api/analytics/outcomes'),
    api('/api/analytics/failure-reasons'),
    api('/api/analytics/compensations'),
    api('/api/analytics/top-skus?limit=8'),
    api('/api/analytics/stage-latency'),
    api('/api/projections/analytics'),
  ]);
  if (asOf !== session.generation) return;
  $('#analytics-charts').replaceChildren(...seriesCharts(series), outcomeMix(outcomes),
    failureReasons(reasons, compensations), topSkus(top), stageLatency(latency));
  $('#analytics-status').textContent = projectionStatus(status);
}

export async function replayAnalytics() {
  const button = $('#analytics-replay');
  if (!window.confirm('Rebuild the analytics model from the order history? It keeps serving meanwhile.')) return;
  button.disabled = true;
  $('#analytics-replay-result').textContent = 'replaying …';
  try {
    const result = await api('/api/projections/analytics/replay', { method: 'POST' });
    $('#analytics-replay-result').textContent = `${count(result.events_replayed)} events in ${count(result.duration_ms)} ms; `
      + (result.identical ? 'identical to the live model' : 'differed from the live model (now replaced)');
    await refreshAnalytics();
  } catch (e) {
    $('#analytics-replay-result').textContent = '';
    report(e);
  } finally {
    button.disabled = false;
  }
}
