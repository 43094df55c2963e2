// Where the page is: one view at a time, chosen by the URL's hash (routes.js decides which).

import { $ } from '../shared/dom.js';

/**
 * notice: what the sign-in view says next time it shows; returnTo: where the person goes once signed in;
 * placed: the order just placed, shown at once while the page reads it again.
 */
export const nav = { notice: '', returnTo: null, placed: null };

/** Moves to a route; a move to where the page already is still renders it again. */
export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** Shows one view; the top bar marks where the person is (for the sign-in view: signing in or signing up). */
export function showView(name, authMode) {
  $('[data-testid="order-form-view"]').hidden = name !== 'form';
  $('[data-testid="order-view"]').hidden = name !== 'order';
  $('[data-testid="not-found-view"]').hidden = name !== 'not-found';
  $('[data-testid="auth-view"]').hidden = name !== 'auth';
  $('[data-testid="my-orders-view"]').hidden = name !== 'my-orders';
  document.body.dataset.view = name;
  const here = { form: 'new-order-link', 'my-orders': 'my-orders-link', auth: `${authMode}-link` }[name];
  for (const id of ['new-order-link', 'my-orders-link', 'sign-in-link', 'sign-up-link']) {
    const link = $(`[data-testid="${id}"]`);
    if (id === here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}
