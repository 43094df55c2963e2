// One order on screen, followed live. Its history has gap-free sequence numbers; the page remembers the last one it
// holds and reconnects with ?after=<last>, so the server sends exactly what was missed. Events are kept by
// sequence, so nothing can be listed twice.

import { $ } from '../shared/dom.js';
import { sessionExpired } from './account.js';
import { api, session } from './api.js';
import { clearError, showError } from './errors.js';
import { orderHeaders, orderToken } from './guest-orders.js';
import { LiveSocket } from './live.js';
import { showView } from './navigation.js';
import { renderLoading, renderOrder } from './order-render.js';
import { renderRecent } from './order-lists.js';
import { known, screen, upsert } from './state.js';
import { hideTimeline, operatorToken, showTimeline } from './timeline-view.js';

const orderPath = (id) => `/api/orders/${encodeURIComponent(id)}`;

/** Shows an order: at once what initial holds of it, if anything, then what the server says, then live. */
export function openOrder(id, initial) {
  if (screen.view && screen.view.id === id) return;
  closeOrder();
  const view = {
    id,
    order: null,
    events: new Map(), // sequence -> event
    lastSequence: 0, // every event up to here is held (no gaps below it)
    socket: null,
    refilling: false,
    cancelling: false,
  };
  screen.view = view;
  showView('order');
  $('[data-testid="order-view"]').dataset.orderId = id;
  if (initial) {
    applyOrder(view, initial);
  } else {
    renderLoading(id);
  }
  renderRecent();
  showTimeline(id); // operators only
  api('GET', orderPath(id), undefined, orderHeaders(id))
    .then((order) => {
      if (screen.view !== view) return;
      applyOrder(view, order);
      follow(view);
    })
    .catch((error) => {
      if (screen.view !== view || error.problem.sessionExpired) return;
      if (error.status === 404) {
        // no such order, or someone else's: the server does not say which, nor does the page
        showNotFound(id);
      } else {
        showError(error.problem);
        follow(view); // the socket's first message brings the order as soon as the server is back
      }
    });
}

export function closeOrder() {
  if (screen.view && screen.view.socket) screen.view.socket.stop();
  screen.view = null;
  hideTimeline();
}

/** Live updates for the order on screen, resuming after the last event held. */
function follow(view) {
  view.socket = new LiveSocket(() => `/ws/orders/${encodeURIComponent(view.id)}?after=${view.lastSequence}`, {
    // whatever opens this order: the customer's token, this browser's order token for it, or nothing
    auth: () => ({ type: 'auth', access_token: session.token || operatorToken() || undefined, order_token: orderToken(view.id) }),
    message(data) {
      if (screen.view !== view) return;
      // the first status_update carries the history past lastSequence ("events"), each later one an "event"
      if (data.type === 'status_update') {
        applyOrder(view, data.order, data.events || (data.event ? [data.event] : []));
      }
    },
    closed(event) {
      if (event.code === 4404) {
        if (screen.view === view) showNotFound(view.id);
        return false;
      }
      if (event.code === 4401 && session.value) {
        sessionExpired();
        return false;
      }
      return true; // a guest's 4401 means the auth message came too late: try again
    },
  });
  view.socket.start();
}

/** Takes in an order state and history events; keeps the newest state and each event once. */
function applyOrder(view, order, events) {
  const history = events || (order && Array.isArray(order.events) ? order.events : []);
  if (order && (!view.order || (order.version || 0) >= (view.order.version || 0))) {
    view.order = { ...view.order, ...order };
    delete view.order.events;
    delete view.order.order_token;
    // a guest's list is decided by what this browser placed; a customer's holds only their own orders
    if (!session.value || known.has(order.id)) upsert(view.order);
  }
  const fresh = [];
  for (const event of history) {
    if (typeof event.sequence !== 'number' || view.events.has(event.sequence)) continue;
    view.events.set(event.sequence, event);
    fresh.push(event.sequence);
  }
  while (view.events.has(view.lastSequence + 1)) view.lastSequence++;
  // an event beyond a gap means something was not delivered: fetch the full history once
  if (view.events.size > view.lastSequence && !view.refilling) refill(view);
  renderOrder(view, new Set(fresh));
  renderRecent();
}

function refill(view) {
  view.refilling = true;
  api('GET', orderPath(view.id), undefined, orderHeaders(view.id))
    .then((order) => {
      view.refilling = false;
      if (screen.view === view) applyOrder(view, order);
    })
    .catch(() => {
      view.refilling = false;
    });
}

export async function cancelShownOrder() {
  const view = screen.view;
  if (!view || view.cancelling) return;
  view.cancelling = true;
  renderOrder(view);
  clearError();
  try {
    const order = await api('POST', `${orderPath(view.id)}/cancel`, undefined, orderHeaders(view.id));
    view.cancelling = false;
    if (screen.view === view) applyOrder(view, order);
  } catch (error) {
    view.cancelling = false;
    if (screen.view !== view) return;
    showError(error.problem);
    renderOrder(view);
    if (error.status === 409) refill(view); // our view was behind: show where the order really is
  }
}

function showNotFound(id) {
  if (screen.view && screen.view.socket) screen.view.socket.stop();
  showView('not-found');
  $('[data-testid="not-found-id"]').textContent = id;
  $('[data-testid="not-found-hint"]').hidden = Boolean(session.value);
}
