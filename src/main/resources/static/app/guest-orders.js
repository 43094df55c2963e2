// Guest orders placed in this browser. A guest order's token opens it to whoever holds it, and the server shows it
// once, in the answer that placed the order. The page keeps { id, order_token, created_at } of the newest 50 in
// localStorage, so a guest finds their orders again after a reload or on their next visit from this browser. The
// token goes in the Order-Token header, never in a URL.

import { operatorHeaders } from './timeline-view.js';

const KEY = 'orderflow.guestOrders';
const KEPT = 50;

export function guestOrders() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(list) ? list.filter((o) => o && typeof o.id === 'string') : [];
  } catch (e) {
    return [];
  }
}

function save(list) {
  try {
    localStorage.setItem(KEY, JSON.stringify(list.slice(0, KEPT)));
  } catch (e) {
    // no storage: the orders are still on the server, this browser just will not list them
  }
}

export function rememberGuestOrder(order) {
  const others = guestOrders().filter((o) => o.id !== order.id);
  save([{ id: order.id, order_token: order.order_token, created_at: order.created_at }, ...others]);
}

export function forgetGuestOrder(id) {
  save(guestOrders().filter((o) => o.id !== id));
}

/**
 * The Order-Token header for an order this browser placed as a guest, or none; and an operator's token when one is
 * signed in on the console in this tab and no customer is here (timeline-view.js).
 */
export function orderHeaders(id) {
  const known = guestOrders().find((o) => o.id === id);
  return { ...operatorHeaders(), ...(known && known.order_token ? { 'Order-Token': known.order_token } : {}) };
}

export const orderToken = (id) => orderHeaders(id)['Order-Token'];
