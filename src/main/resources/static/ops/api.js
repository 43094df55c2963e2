// The operator's session and API calls. Every call needs an operator token: the page signs in with the operator
// client's credentials (client credentials grant), keeps the token in sessionStorage (shared/session.js) and sends
// it as Authorization: Bearer. A 401 ends the session.

import { $ } from '../shared/dom.js';
import { ACCEPT, bearer, readBody } from '../shared/http.js';
import { expiresAt, TokenSession } from '../shared/session.js';

let ended = () => {};

/** { access_token, expires_at, client_id }, or none. */
export const session = new TokenSession('orderflow.ops.session', {
  expired: () => ended('The session has expired. Sign in again.'),
});

/** What to do when the token is gone or refused, with a notice for the sign-in panel. */
export function onSessionEnd(listener) {
  ended = listener;
}

/** The server no longer takes the token: the session ends. */
export const refused = () => ended('The server no longer accepts this session (expired or revoked). Sign in again.');

const signedOut = (message, status) => Object.assign(new Error(message), { signedOut: true, status });

/** The person at the console, sent as X-Operator with every action and recorded in the audit trail. */
export const operator = () => $('#operator').value.trim() || 'anonymous';

/** Client credentials for an operator token; the error carries the server's detail (wrong secret, locked, ...). */
export async function signIn(clientId, secret) {
  const asked = Date.now();
  const response = await fetch('/api/auth/token', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error((body && body.detail) || `${response.status} ${response.statusText}`.trim());
  session.store({ access_token: body.access_token, expires_at: expiresAt(asked, body.expires_in), client_id: clientId });
}

/**
 * fetch with the operator's token: JSON for API paths (problem+json answers become errors carrying the problem's
 * detail), text otherwise. An error with signedOut set means the session ended meanwhile.
 */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  if (!session.value) throw signedOut('Not signed in');
  const asOf = session.generation;
  const all = { Accept: ACCEPT, ...bearer(session.token), ...headers };
  if (body !== undefined) all['Content-Type'] = 'application/json';
  if (method !== 'GET') all['X-Operator'] = operator();
  const response = await fetch(path, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await readBody(response);
  if (asOf !== session.generation) throw signedOut('Signed out');
  if (response.status === 401) {
    refused();
    throw signedOut('Signed out', 401);
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    if (data && data.detail) message = data.detail;
    if (data && Array.isArray(data.errors)) message += `: ${data.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`;
    throw Object.assign(new Error(message), { status: response.status });
  }
  return data;
}
