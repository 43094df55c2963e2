// Orders by status: one count per status, from the order list's totals.

import { $, el } from '../shared/dom.js';
import { STATUSES } from '../shared/order-status.js';
import { api, session } from './api.js';

/** status -> count (null: not known); the saga diagram fills the states its own counts leave out from these. */
export let orderCounts = {};

export async function refreshOrderCounts() {
  const asOf = session.generation;
  const results = await Promise.allSettled(STATUSES.map((s) =>
    api(`/api/orders?status=${encodeURIComponent(s)}&size=1`).then((page) => page.total_elements)));
  if (asOf !== session.generation) return; // signed out meanwhile
  const counts = {};
  $('#order-counts').replaceChildren(...results.map((result, i) => {
    const status = STATUSES[i];
    const n = result.status === 'fulfilled' ? result.value : null;
    counts[status] = n;
    return el('div', { class: `count${n ? ' nonzero' : ''}` }, el('b', {}, n === null ? '–' : n),
      status.replaceAll('_', '_\u200b')); // may wrap after an underscore
  }));
  orderCounts = counts;
  $('#orders-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
}

export function forgetOrderCounts() {
  orderCounts = {};
}
