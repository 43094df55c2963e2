// The order's timeline waterfall under the order view, for an operator only. The shop page signs in customers; an
// operator is one who signed in on the operations console (/ops/) in this tab: its session (sessionStorage, per
// tab) is read here and its token is used for this page's order reads when no customer is signed in. Everyone else
// sees nothing of this: the section is not even created, and the server answers the timeline to operators only.

import { $, el } from '../shared/dom.js';
import { ACCEPT, bearer, readBody } from '../shared/http.js';
import { TokenSession } from '../shared/session.js';
import { renderWaterfall } from '../shared/waterfall.js';
import { session } from './api.js';

const REFRESH_MS = 2000;
const operatorSession = new TokenSession('orderflow.ops.session', { expired: () => {} });

let current = null; // { id, timer, done }

/** The console's operator token held by this tab, while it lasts; else null. */
export function operatorToken() {
  const stored = operatorSession.read();
  return stored && stored.expires_at > Date.now() ? stored.access_token : null;
}

/** The operator's Authorization for this page's order reads when no customer is signed in; else none. */
export function operatorHeaders() {
  return session.value ? {} : bearer(operatorToken());
}

function roles(token) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return Array.isArray(payload.roles) ? payload.roles : [];
  } catch (e) {
    return [];
  }
}

/** The token of the signed-in operator: the shop's own session if it is one, else the console's of this tab. */
function tokenOfOperator() {
  if (session.token && roles(session.token).includes('operator')) return session.token;
  return operatorToken();
}

function section() {
  let box = $('[data-testid="order-waterfall"]');
  if (!box) {
    box = el('section', { class: 'order-waterfall', 'data-testid': 'order-waterfall' },
      el('div', { class: 'order-waterfall-head' }, el('h2', { text: 'Timeline' }),
        el('span', { class: 'muted small', text: 'for operators: every message of this order, as a waterfall' })),
      el('div', { class: 'order-waterfall-body' }));
    $('#order-view').append(box);
  }
  return box;
}

async function load(view) {
  const token = tokenOfOperator();
  if (!token || current !== view) return;
  let timeline = null;
  try {
    const response = await fetch(`/api/orders/${encodeURIComponent(view.id)}/timeline`,
      { headers: { Accept: ACCEPT, ...bearer(token) } });
    const body = await readBody(response);
    if (current !== view) return;
    if (!response.ok) {
      // not an operator after all (403), no such order (404), or the session ended (401): nothing to show
      $('.order-waterfall-body', section()).replaceChildren(el('p', { class: 'muted small',
        text: (body && body.detail) || `The timeline is not available (${response.status}).` }));
      return;
    }
    timeline = body;
  } catch (e) {
    if (current !== view) return;
  }
  if (timeline) {
    $('.order-waterfall-body', section()).replaceChildren(renderWaterfall(timeline));
    // a finished order still records its late replies and notifications: one more look, then it stays
    if (timeline.summary.terminal) view.done++;
  }
  if (view.done < 2) view.timer = setTimeout(() => load(view), REFRESH_MS);
}

/** Shows the waterfall of order id under the order view, when an operator is signed in. */
export function showTimeline(id) {
  hideTimeline();
  if (!tokenOfOperator()) return;
  current = { id, timer: null, done: 0 };
  section().hidden = false;
  $('.order-waterfall-body', section()).replaceChildren(el('p', { class: 'muted small', text: 'Loading the timeline…' }));
  load(current);
}

export function hideTimeline() {
  if (current) clearTimeout(current.timer);
  current = null;
  const box = $('[data-testid="order-waterfall"]');
  if (box) {
    box.hidden = true;
    $('.order-waterfall-body', box).replaceChildren();
  }
}
