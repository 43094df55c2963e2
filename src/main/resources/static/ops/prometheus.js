// Reading /actuator/prometheus: the text exposition parsed, aggregated per poll and turned into chart points (rates
// and quantiles over a sliding window, as PromQL's rate() and histogram_quantile() would). No DOM here: these run
// in Node as well as in the page.

import { IN_FLIGHT, TERMINAL } from '../shared/order-status.js';

/** Rates and quantiles of a chart point cover this sliding window, like rate(x[15s]) in PromQL. The order gauges
 * are sampled by the server every 5 s, so a window of a single 3 s poll would alternate between 0 and double. */
export const RATE_WINDOW_MS = 15000;
const UNHAPPY = ['failed', 'cancelled'];

function parseValue(text) {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text); // 'NaN' → NaN
}

/** Prometheus text exposition → [{name, labels (raw text), tags (object), value}], only names with the prefix. */
export function parsePrometheus(text, prefix = 'orderflow_') {
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

const queueModule = (queue) => String(queue || '').replace(/^.*\./, '');

/** The values one poll needs later, aggregated so that ten minutes of history stay small. */
export function snapshot(samples, at) {
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

export const sum = (object, keys = Object.keys(object)) => keys.reduce((total, k) => total + (object[k] || 0), 0);

/** Increase of a counter; a decrease means the process restarted and the counter began again at zero. */
export function increase(now, before) {
  const delta = now - (before || 0);
  return delta < 0 ? now : delta;
}

/** Bucket deltas between two cumulative histograms → sorted [[upper bound, cumulative count]]. */
export function bucketIncrease(now, before) {
  const bounds = [...now.keys()].sort((a, b) => a - b);
  const reset = bounds.some((b) => now.get(b) < ((before && before.get(b)) || 0));
  let running = 0;
  return bounds.map((b) => {
    running = Math.max(running, now.get(b) - (reset || !before ? 0 : before.get(b) || 0));
    return [b, running];
  });
}

/** histogram_quantile(): linear interpolation inside the bucket holding the rank; null without observations. */
export function histogramQuantile(q, buckets) {
  if (!buckets.length) return null;
  const total = buckets[buckets.length - 1][1];
  if (!(total > 0)) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
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

/** One chart point from the newest snapshot and the oldest one still inside the window before it. */
export function derive(now, raw) {
  let base = null;
  for (const s of raw) {
    if (s !== now && now.at - s.at <= RATE_WINDOW_MS + 1000) {
      base = s;
      break;
    }
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
    point.unhappy = perSecond(sum(now.outcomes, UNHAPPY), sum(base.outcomes, UNHAPPY));
  } else { // another process: only the sampled gauge
    const terminal = [...TERMINAL];
    point.terminal = Math.max(0, sum(now.orders, terminal) - sum(base.orders, terminal)) / seconds;
    point.unhappy = Math.max(0, sum(now.orders, UNHAPPY) - sum(base.orders, UNHAPPY)) / seconds;
  }
  point.messages = {};
  for (const module of Object.keys(now.messages)) point.messages[module] = perSecond(now.messages[module], base.messages[module]);
  const e2e = bucketIncrease(now.e2e, base.e2e);
  const ms = (q, buckets) => {
    const v = histogramQuantile(q, buckets);
    return v === null ? null : v * 1000;
  };
  point.e2e = { p50: ms(0.5, e2e), p95: ms(0.95, e2e), p99: ms(0.99, e2e) };
  point.stages = {};
  for (const stage of Object.keys(now.stages)) point.stages[stage] = ms(0.95, bucketIncrease(now.stages[stage], base.stages[stage]));
  return point;
}
