// The page's routes, from the URL's hash: #/ (new order), #/orders/<id>, #/sign-in, #/sign-up, #/my-orders.

import { session } from './api.js';
import { showAuth } from './auth-view.js';
import { clearError } from './errors.js';
import { refreshGuestOrders } from './feed.js';
import { go, nav, showView } from './navigation.js';
import { reloadProducts } from './order-form.js';
import { loadMyOrders, myOrdersLoaded, renderMyOrders, renderRecent } from './order-lists.js';
import { closeOrder, openOrder } from './order-view.js';
import { screen } from './state.js';

let previousHash = '';

export function route() {
  const hash = location.hash;
  const from = previousHash;
  previousHash = hash;
  const match = /^#\/orders\/(.+)$/.exec(hash);
  if (match) {
    nav.returnTo = null;
    const id = decodeURIComponent(match[1]);
    const initial = nav.placed && nav.placed.id === id ? nav.placed : null;
    nav.placed = null;
    if (!screen.view || screen.view.id !== id) clearError();
    openOrder(id, initial);
    document.title = `Order ${id.slice(0, 8)} · orderflow`;
  } else if (hash === '#/sign-in' || hash === '#/sign-up') {
    closeOrder();
    clearError();
    if (session.value) {
      go('#/');
      return;
    }
    // signing in from an order (say, one not found while signed out) comes back to it
    if (!nav.returnTo && /^#\/orders\/.+$/.test(from)) nav.returnTo = from;
    showAuth(hash === '#/sign-up' ? 'sign-up' : 'sign-in');
  } else if (hash === '#/my-orders') {
    nav.returnTo = null;
    closeOrder();
    clearError();
    if (!session.value) {
      nav.notice = 'Sign in to see your orders.';
      nav.returnTo = '#/my-orders';
      go('#/sign-in');
      return;
    }
    showView('my-orders');
    renderMyOrders();
    document.title = 'My orders · orderflow';
    // the feed brings the newest; the first page fills in what it does not hold
    if (!myOrdersLoaded()) loadMyOrders();
  } else {
    nav.returnTo = null;
    closeOrder();
    clearError();
    showView('form');
    document.title = 'New order · orderflow';
    reloadProducts(); // stock levels move; show what is available now
  }
  renderRecent();
  refreshGuestOrders();
  window.scrollTo(0, 0);
}
