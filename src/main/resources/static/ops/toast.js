// Short notes in the corner: what an action did, or why it failed.

import { $, el } from '../shared/dom.js';

export function toast(message, bad = false) {
  const item = el('div', { class: bad ? 'bad' : '' }, message);
  $('#toast').append(item);
  setTimeout(() => item.remove(), bad ? 8000 : 4000);
}

/** An error worth a toast; one caused by the session ending is not (the sign-in panel says why). */
export function report(e) {
  if (!e.signedOut) toast(e.message, true);
}
