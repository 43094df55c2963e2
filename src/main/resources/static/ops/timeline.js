// One order's timeline on the console: enter or pick an order id (the mailbox's and the dead letters' order ids link
// here, as does #timeline/<id>), and its waterfall from GET /api/orders/{id}/timeline (shared/waterfall.js).

import { $, el } from '../shared/dom.js';
import { renderWaterfall } from '../shared/waterfall.js';
import { api, session } from './api.js';

const LINK = /^#timeline\/(.+)$/;

let shown = null; // the order id on screen

/** A link to an order's timeline, for the tables that list order ids. */
export function timelineLink(orderId) {
  if (!orderId) return '';
  return el('a', { href: `#timeline/${encodeURIComponent(orderId)}`, class: 'order-link', title: 'Show its timeline',
    'data-testid': 'timeline-link', onclick: (event) => event.stopPropagation() }, orderId);
}

export async function showTimeline(orderId) {
  const id = (orderId || '').trim();
  if (!id) return;
  shown = id;
  $('#timeline-order').value = id;
  const box = $('#timeline');
  const asOf = session.generation;
  box.replaceChildren(el('p', { class: 'notice', text: `Loading the timeline of ${id}…` }));
  let timeline;
  try {
    timeline = await api(`/api/orders/${encodeURIComponent(id)}/timeline`);
  } catch (e) {
    if (asOf !== session.generation || shown !== id) return;
    box.replaceChildren(el('p', { class: 'bad-text', 'data-testid': 'timeline-error',
      text: e.status === 404 ? `There is no order ${id}.` : e.message }));
    return;
  }
  if (asOf !== session.generation || shown !== id) return; // signed out, or another order asked for meanwhile
  box.replaceChildren(
    el('p', { class: 'small' }, 'Order ', el('code', { text: id }), ' · ',
      el('a', { href: `/#/orders/${encodeURIComponent(id)}`, text: 'open in the shop page' }), ' · ',
      el('button', { type: 'button', class: 'secondary', onclick: () => showTimeline(id) }, 'Refresh')),
    renderWaterfall(timeline));
  if (location.hash !== `#timeline/${encodeURIComponent(id)}`) history.replaceState(null, '', `#timeline/${encodeURIComponent(id)}`);
}

/** The order named by a link (#timeline/<id>), if the URL holds one. */
export function showLinkedTimeline() {
  const link = location.hash.match(LINK);
  if (link) {
    showTimeline(decodeURIComponent(link[1]));
    $('#timeline-panel').scrollIntoView();
  }
}

export function initTimeline() {
  $('#timeline-form').addEventListener('submit', (event) => {
    event.preventDefault();
    showTimeline($('#timeline-order').value);
  });
  window.addEventListener('hashchange', () => {
    if (session.value) showLinkedTimeline();
  });
}

/** Nothing of the last session's order stays. */
export function forgetTimeline() {
  shown = null;
  $('#timeline').replaceChildren();
  $('#timeline-order').value = '';
}
