// orderflow web client: place orders and follow them live. The customer page's entry point.
//
// No build step and no third-party code. Everything talks to the same origin the page came from: REST under /api
// (api.js), live updates over WebSocket under /ws (live.js). Who may see what is the server's decision; the page
// only presents its credentials: a signed-in customer's access token (account.js) or a guest order's order token
// (guest-orders.js), never in a URL.

import { $ } from '../shared/dom.js';
import { onAccountChange, renderAccount, signOut } from './account.js';
import { session } from './api.js';
import { bindAuth } from './auth-view.js';
import { clearError } from './errors.js';
import { feed, GUEST_POLL_MS, pollGuestOrders, refreshGuestOrders } from './feed.js';
import { dropConnections, goOffline, goOnline, renderConnection } from './live.js';
import { bindScrubber } from './history-scrubber.js';
import { go } from './navigation.js';
import { bindForm, loadProducts } from './order-form.js';
import { sortedEvents } from './order-render.js';
import { loadMyOrders, renderRecent, resetMyOrders } from './order-lists.js';
import { cancelShownOrder } from './order-view.js';
import { route } from './routes.js';
import { known, screen } from './state.js';

/** The top bar, the sidebar and the live feed follow who is signed in. */
function accountChanged() {
  known.clear();
  resetMyOrders();
  if (session.value) {
    feed.start();
  } else {
    feed.stop();
  }
  renderAccount();
  renderRecent();
  refreshGuestOrders();
}

function start() {
  session.value = session.read();
  bindForm();
  bindAuth();
  onAccountChange(accountChanged);
  $('[data-testid="sign-out"]').addEventListener('click', () => {
    signOut();
    go('#/');
  });
  $('[data-testid="my-orders-more"]').addEventListener('click', () => loadMyOrders());
  $('.alert-close').addEventListener('click', clearError);
  $('[data-testid="cancel-order"]').addEventListener('click', cancelShownOrder);
  bindScrubber();
  window.addEventListener('hashchange', route);
  renderConnection();
  renderAccount();
  if (session.value) {
    session.store(session.value); // arms the expiry timer; a session that ran out while away ends at once
    feed.start();
  }
  setInterval(pollGuestOrders, GUEST_POLL_MS);
  loadProducts();
  route();
}

/**
 * Hooks for the browser tests (and for trying things out in the console): drop the live connections as
 * a network failure would, or hold them down until restored.
 */
window.orderflow = {
  dropConnection: dropConnections,
  goOffline,
  goOnline,
  state() {
    const view = screen.view;
    return {
      orderId: view ? view.id : null,
      lastSequence: view ? view.lastSequence : 0,
      sequences: view ? sortedEvents(view).map((e) => e.sequence) : [],
      orderConnects: view && view.socket ? view.socket.connects : 0,
      feedConnects: feed.connects,
      connection: $('[data-testid="connection"]').dataset.state,
      signedIn: Boolean(session.value),
    };
  },
};

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
