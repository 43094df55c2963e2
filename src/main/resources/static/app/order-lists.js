// The customer's orders as lists: the sidebar (the newest, signed in or not) and My orders (signed in: the feed's
// orders and older pages of GET /api/customers/me/orders, in one list).

import { $, el } from '../shared/dom.js';
import { count, dateTime, money, toCents } from '../shared/format.js';
import { STATUS_LABELS, TERMINAL } from '../shared/order-status.js';
import { api, session } from './api.js';
import { showError } from './errors.js';
import { guestOrders } from './guest-orders.js';
import { known, newestFirst, screen, upsert } from './state.js';

export const RECENT_LIMIT = 20;
const PAGE = 20;
const myOrders = { total: null, nextPage: 0, loading: false };

/** The sidebar's orders, newest first: the customer's own, or this browser's guest orders. */
export function recentOrders() {
  if (session.value) return Array.from(known.values()).sort(newestFirst).slice(0, RECENT_LIMIT);
  // until its status has been read, a guest order shows as what this browser remembers of it
  return guestOrders().slice(0, RECENT_LIMIT).map((g) => known.get(g.id) || { id: g.id, created_at: g.created_at });
}

/** One order in a list; the full list (withDate) also says when it was placed. */
function orderItem(order, testId, flashId, withDate) {
  let items = (order.items || []).map((i) => `${i.name || i.sku} ×${i.quantity}`).join(', ');
  if (withDate && order.created_at) items = [items, `placed ${dateTime(order.created_at)}`].filter(Boolean).join(' · ');
  const amount = order.total_amount !== undefined && order.total_amount !== null
    ? money(toCents(order.total_amount), order.currency) : '';
  const classes = ['recent-item'];
  if (screen.view && order.id === screen.view.id) classes.push('active');
  if (order.id === flashId) classes.push('flash');
  const status = order.status || '';
  return el('li', {
    className: classes.join(' '), 'data-testid': testId, 'data-order-id': order.id,
    'data-status': status, 'data-version': order.version,
  }, el('a', { href: `#/orders/${encodeURIComponent(order.id)}`, title: order.id }, [
    el('span', { className: 'recent-id', text: order.id }),
    el('span', {
      className: `badge${TERMINAL.has(status) ? '' : ' in-progress'}`,
      'data-status': status, 'data-testid': 'recent-status', text: STATUS_LABELS[status] || status || '…',
    }),
    el('span', { className: 'recent-sub', text: items || order.customer_email || dateTime(order.created_at) }),
    el('span', { className: 'recent-amount', text: amount }),
  ]));
}

/** Redraws the sidebar, and My orders when it is on screen; flashId marks the order that just changed. */
export function renderRecent(flashId) {
  const list = $('[data-testid="recent-orders"]');
  const orders = recentOrders();
  if (orders.length === 0) {
    list.replaceChildren(el('li', {
      className: 'recent-empty muted', 'data-testid': 'recent-empty',
      text: session.value ? 'No orders yet.' : 'No orders from this browser yet.',
    }));
  } else {
    list.replaceChildren(...orders.map((order) => orderItem(order, 'recent-order', flashId)));
  }
  if (document.body.dataset.view === 'my-orders') renderMyOrders(flashId);
}

/** A new account starts from its first page. */
export function resetMyOrders() {
  myOrders.total = null;
  myOrders.nextPage = 0;
}

/** Whether My orders has read a page yet. */
export const myOrdersLoaded = () => myOrders.total !== null;

export async function loadMyOrders() {
  if (!session.value || myOrders.loading) return;
  const generation = session.generation;
  myOrders.loading = true;
  renderMyOrders();
  try {
    const page = await api('GET', `/api/customers/me/orders?page=${myOrders.nextPage}&size=${PAGE}`);
    if (generation !== session.generation) return;
    // an order placed since the first page pushes the rest down by one: a repeat, never a gap
    page.items.forEach(upsert);
    myOrders.total = page.total_elements;
    myOrders.nextPage = page.page + 1;
  } catch (error) {
    if (generation === session.generation) showError(error.problem);
  } finally {
    myOrders.loading = false;
  }
  renderRecent();
  renderMyOrders();
}

export function renderMyOrders(flashId) {
  const orders = Array.from(known.values()).sort(newestFirst);
  const list = $('[data-testid="my-orders"]');
  if (orders.length === 0) {
    list.replaceChildren(el('li', {
      className: 'recent-empty muted', 'data-testid': 'my-orders-empty',
      text: myOrders.loading ? 'Loading…' : 'No orders yet. Orders you place while signed in appear here.',
    }));
  } else {
    list.replaceChildren(...orders.map((order) => orderItem(order, 'my-order', flashId, true)));
  }
  const total = Math.max(myOrders.total || 0, orders.length);
  $('[data-testid="my-orders-count"]').textContent =
    myOrders.total === null ? '' : count(total) + (total === 1 ? ' order' : ' orders');
  const more = $('[data-testid="my-orders-more"]');
  more.hidden = myOrders.total === null || myOrders.nextPage * PAGE >= myOrders.total;
  more.disabled = myOrders.loading;
}
