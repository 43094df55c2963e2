// Keeping the sidebar's orders current. Signed in: the customer's orders from the /ws/orders feed (the server sends a
// customer only theirs). As a guest: the orders this browser placed, read one by one with their order tokens, again
// on every route change and while one is still moving; the order on screen keeps its own entry current through its
// socket. (Guests have no feed: it would be everyone's.)

import { TERMINAL } from '../shared/order-status.js';
import { sessionExpired } from './account.js';
import { api, session } from './api.js';
import { forgetGuestOrder, guestOrders, orderHeaders } from './guest-orders.js';
import { LiveSocket } from './live.js';
import { RECENT_LIMIT, recentOrders, renderRecent } from './order-lists.js';
import { known, screen, upsert } from './state.js';

export const GUEST_POLL_MS = 5000;

export const feed = new LiveSocket(() => '/ws/orders', {
  auth: () => ({ type: 'auth', access_token: session.token || undefined }),
  message(data) {
    if (data.type === 'snapshot' && Array.isArray(data.orders)) {
      data.orders.forEach(upsert);
      renderRecent();
    } else if (data.type === 'order_update' && data.order) {
      if (upsert(data.order)) renderRecent(data.order.id);
    }
  },
  closed(event) {
    if (event.code === 4401) {
      sessionExpired();
      return false;
    }
    return event.code !== 4403; // not for this caller: asking again will not change that
  },
});

let guestRefresh = null;

/**
 * Reads the status of this browser's guest orders in the sidebar, skipping those known to be finished and
 * the one on screen (its socket keeps it current). An order the server no longer knows is forgotten.
 */
export function refreshGuestOrders() {
  if (session.value || guestRefresh) return guestRefresh;
  const generation = session.generation;
  const due = guestOrders().slice(0, RECENT_LIMIT).filter((g) => {
    const held = known.get(g.id);
    if (screen.view && screen.view.id === g.id && screen.view.order) return false;
    return !held || !TERMINAL.has(held.status);
  });
  if (due.length === 0) return null;
  guestRefresh = Promise.all(due.map((g) => api('GET', `/api/orders/${encodeURIComponent(g.id)}`, undefined, orderHeaders(g.id))
    .then((order) => {
      if (generation === session.generation) upsert(order);
    })
    .catch((error) => {
      if (error.status === 404 && generation === session.generation) {
        forgetGuestOrder(g.id);
        known.delete(g.id);
      }
    })))
    .then(() => {
      guestRefresh = null;
      if (!session.value) renderRecent();
    });
  return guestRefresh;
}

/** Keeps a guest's orders that are still moving fresh while the page is in view. */
export function pollGuestOrders() {
  if (document.hidden || session.value) return;
  if (recentOrders().some((o) => !TERMINAL.has(o.status))) refreshGuestOrders();
}
