// A line chart as inline SVG, with a legend and a tooltip that follows the pointer.

import { el, svg } from '../shared/dom.js';
import { clock, number } from '../shared/format.js';

export const PALETTE = ['#2f6fdb', '#15803d', '#c2410c', '#7c3aed', '#0891b2', '#b91c1c', '#a16207', '#db2777', '#4b5563'];
export const color = (i) => PALETTE[i % PALETTE.length];

const CHART = { w: 560, h: 200, left: 48, right: 14, top: 12, bottom: 24 };
const TIME_TICKS = [10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800]
  .map((s) => s * 1000);

/** The chart under the pointer, so that its tooltip survives the redraw after each poll. */
let chartHover = null;

function niceStep(max, ticks) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const n = raw / magnitude;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * magnitude;
}

/**
 * A line chart: series = [{name, color, values: [[time ms, number|null], ...], dashed?}]; null breaks the line.
 * Fixed time axis [from, to]; y axis from 0 to a round number above the largest value (at least minMax). The
 * figure's restoreHover() puts the tooltip back where the pointer was before the redraw.
 */
export function lineChart({ title, subtitle, unit, series, from, to, minMax = 1, integer = false, format = number }) {
  const { w, h, left, right, top, bottom } = CHART;
  const plotW = w - left - right;
  const plotH = h - top - bottom;
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
    grid.append(svg('text', { x: x(t), y: h - 6, 'text-anchor': 'middle' }, clock(t, tickEvery < 60000)));
  }
  root.append(grid);

  const lines = svg('g', { class: 'lines' });
  for (const s of series) {
    let d = '';
    let pen = false;
    let last = null;
    for (const [t, v] of s.values) {
      if (v === null || v === undefined || !Number.isFinite(v) || t < from) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
      last = [t, v];
    }
    if (d) lines.append(svg('path', { d, stroke: s.color, class: `line${s.dashed ? ' dashed' : ''}` }));
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
    let i = -1;
    let best = Infinity;
    times.forEach((ti, k) => {
      if (Math.abs(ti - t) < best) {
        best = Math.abs(ti - t);
        i = k;
      }
    });
    if (i < 0) return;
    rule.setAttribute('x1', x(times[i]));
    rule.setAttribute('x2', x(times[i]));
    rule.setAttribute('visibility', 'visible');
    tip.replaceChildren(el('b', {}, new Date(times[i]).toLocaleTimeString()),
      ...series.map((s) => el('div', {}, el('i', { style: { background: s.color } }), `${s.name} `,
        el('b', {}, `${format(s.values[i] ? s.values[i][1] : null)}${unit ? ` ${unit}` : ''}`))));
    tip.hidden = false;
    tip.style.left = `${Math.min(clientX - box.left + 12, box.width - 170)}px`;
  };
  hit.addEventListener('mousemove', (event) => {
    chartHover = { title, clientX: event.clientX };
    show(event.clientX);
  });
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
  figure.restoreHover = () => {
    if (chartHover && chartHover.title === title) show(chartHover.clientX);
  };
  return figure;
}
