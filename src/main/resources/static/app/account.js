// Who is signed in. Who may see what is the server's decision; the page only presents its credentials: a
// signed-in customer's access token goes in the Authorization header of every API call (api.js).

import { $ } from '../shared/dom.js';
import { expiresAt } from '../shared/session.js';
import { api, onSessionEnd, session } from './api.js';
import { go, nav } from './navigation.js';

const listeners = [];

/** The top bar, the sidebar and the live feed follow who is signed in. */
export function onAccountChange(listener) {
  listeners.push(listener);
}

const changed = () => listeners.forEach((listener) => listener());

/** Exchanges e-mail and password for an access token and keeps it, with the account it belongs to. */
export async function signIn(email, password) {
  const asked = Date.now();
  const token = await api('POST', '/api/auth/token', { email, password });
  const customer = await api('GET', '/api/customers/me', undefined, { Authorization: `Bearer ${token.access_token}` });
  session.store({
    access_token: token.access_token,
    // counted from before the request, so the page never believes in a token the server has dropped
    expires_at: expiresAt(asked, token.expires_in),
    customer: { id: customer.id, email: customer.email, name: customer.name },
  });
  changed();
}

export function signOut() {
  if (!session.value) return;
  session.store(null);
  changed();
}

/**
 * The server no longer takes the token (it expired, or was signed with a key that is gone): sign out,
 * ask the person to sign in again, and bring them back to what they were looking at.
 */
export function sessionExpired() {
  if (!session.value) return;
  const where = location.hash;
  signOut();
  nav.notice = 'Your session has expired. Please sign in again.';
  nav.returnTo = /^#\/(orders\/.+|my-orders)$/.test(where) ? where : null;
  go('#/sign-in');
}

onSessionEnd(sessionExpired);

export function renderAccount() {
  const customer = session.value ? session.value.customer : null;
  const signedIn = Boolean(customer);
  $('[data-testid="signed-in-as"]').hidden = !signedIn;
  $('.signed-in-name').textContent = signedIn ? customer.name || customer.email : '';
  $('[data-testid="signed-in-as"]').title = signedIn ? customer.email : '';
  $('[data-testid="my-orders-link"]').hidden = !signedIn;
  $('[data-testid="sign-out"]').hidden = !signedIn;
  $('[data-testid="sign-in-link"]').hidden = signedIn;
  $('[data-testid="sign-up-link"]').hidden = signedIn;
  $('[data-testid="recent-title"]').textContent = signedIn ? 'My orders' : 'Your recent orders';
  $('[data-testid="recent-hint"]').textContent = signedIn ? 'live' : 'on this device';
  document.body.dataset.account = signedIn ? 'customer' : 'guest';
}
